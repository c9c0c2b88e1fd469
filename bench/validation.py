"""`CompiledSchema.validate` (jsonschema) on the schemas a server really meets, in one process.

Issue 25 measured `tools/fast_check.py` (compiled "is it valid?" closures tried before
jsonschema) against jsonschema alone here, and removed it: 0.02-0.05 ms a call on real
forms (bench/RESULTS.md, "Speed code"). What remains watches that validation stays that
small. Schemas: the customer forms of the seeded carts (base fields only; four activities'
extra customer data; the participants cart's), the two participants forms of the
participants cart (as the sandbox serves them), and the large 100-activity cart of
`bench.large_schema`. Payloads: a complete, valid answer built from each form's field guide
by the demo's scripted user, and the same with the mistakes a model makes (a malformed email
and date, a choice not offered, a required answer left out), in interleaved, shuffled rounds.
"""

from __future__ import annotations

import dataclasses
import random
import time
from typing import Any

import httpx2

from musement_mcp.demo.script import ScriptedUser
from musement_mcp.sandbox import (
    BASE_CART_UUID,
    EXTRA_DATA_CART_UUID,
    PARTICIPANTS_CART_ITEM_UUIDS,
    PARTICIPANTS_CART_UUID,
    SandboxServer,
)
from musement_mcp.tools import CompiledSchema, compile_schema
from musement_mcp.tools.field_guide import guide

from .config import BenchConfig
from .large_schema import invalid_customer, large_schema, valid_customer
from .stats import Summary
from .workload import musement_config

USER = ScriptedUser()
CUSTOMER_FORMS = {
    "customer, base cart": BASE_CART_UUID,
    "customer, 4-activity cart": EXTRA_DATA_CART_UUID,
    "customer, participants cart": PARTICIPANTS_CART_UUID,
}


@dataclasses.dataclass(frozen=True)
class Case:
    form: str
    payload: str  # "valid" or "invalid"
    compiled: CompiledSchema
    instance: Any

    @property
    def label(self) -> str:
        return f"{self.form} / {self.payload}"


def forms(sandbox: SandboxServer) -> dict[str, tuple[dict[str, Any], Any, Any]]:
    """{form: (raw schema, a valid payload, an invalid one)}, read from the sandbox."""
    config = musement_config(sandbox)
    found: dict[str, tuple[dict[str, Any], Any, Any]] = {}
    with httpx2.Client(base_url=config.base_url + "/", headers=config.headers()) as http:
        for form, cart in CUSTOMER_FORMS.items():
            raw = http.get(f"carts/{cart}/customer/schema").raise_for_status().json()
            valid = USER.customer(guide(compile_schema(raw).fields))
            found[form] = (raw, valid, _mistaken_customer(valid))
        served = 0
        for item in PARTICIPANTS_CART_ITEM_UUIDS:
            answer = http.get(f"carts/{PARTICIPANTS_CART_UUID}/items/{item}/participants/schema")
            if answer.status_code == 404:  # the item that needs no participant info
                continue
            raw = answer.raise_for_status().json()
            compiled = compile_schema(raw)
            quantity = compiled.schema["properties"]["participants"].get("minItems", 2)
            people = USER.participants({**guide(compiled.fields), "quantity": quantity})
            served += 1
            found[f"participants, item {served}"] = (
                raw,
                {"participants": people},
                {"participants": _mistaken_participants(people)},
            )
    found["customer, 100-activity cart"] = (large_schema(), valid_customer(), invalid_customer())
    return found


def _mistaken_customer(valid: dict[str, Any]) -> dict[str, Any]:
    customer = {**valid, "email": "ada.lovelace.example.com", "musement_newsletter": "MAYBE"}
    del customer["lastname"]
    return customer


def _mistaken_participants(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first, *others = (dict(person) for person in people)
    first["date_of_birth"] = "10/12/1815"
    first.pop("firstname", None)
    return [first, *others]


def cases(sandbox: SandboxServer) -> list[Case]:
    found = []
    for form, (raw, valid, invalid) in forms(sandbox).items():
        compiled = compile_schema(raw)
        if compiled.validate(valid):
            raise RuntimeError(f"{form}: the valid payload is not: {compiled.validate(valid)}")
        if not compiled.validate(invalid):
            raise RuntimeError(f"{form}: the invalid payload passed")
        found += [Case(form, "valid", compiled, valid), Case(form, "invalid", compiled, invalid)]
    return found


def measure_validation(sandbox: SandboxServer, bench: BenchConfig) -> dict[str, Any]:
    """{"cases": {label: {fields, problems, validate: Summary dict}}}, in ms."""
    all_cases = cases(sandbox)
    samples: dict[str, list[float]] = {case.label: [] for case in all_cases}
    for case in all_cases:
        case.compiled.validate(case.instance)  # warm
    order = list(all_cases)
    rng = random.Random(25)
    for _ in range(bench.rounds):
        rng.shuffle(order)
        for case in order:
            bucket = samples[case.label]
            for _ in range(bench.validation_calls):
                started = time.perf_counter()
                case.compiled.validate(case.instance)
                bucket.append((time.perf_counter() - started) * 1000)
    return {
        "cases": {
            case.label: {
                "fields": len(case.compiled.fields),
                "problems": len(case.compiled.validate(case.instance)),
                "validate": Summary.of(samples[case.label]).as_dict(),
            }
            for case in all_cases
        }
    }
