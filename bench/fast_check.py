"""Issue 25, piece 2: `tools/fast_check.py` (compiled "is it valid?" closures tried first)
against plain jsonschema validation, in one process, on the schemas a server really meets.

Schemas: the customer forms of the seeded carts (base fields only; four activities' extra
customer data; the participants cart's), the two participants forms of the participants
cart (as the sandbox serves them), and the large 100-activity cart of `bench.large_schema`.
Payloads: a complete, valid answer built from each form's field guide by the demo's scripted
user, and the same with the mistakes a model makes (a malformed email and date, a choice not
offered, a required answer left out). Each case runs `CompiledSchema.validate` twice over:
as compiled (the fast check first, jsonschema only when it does not say "valid") and with
the fast check removed (jsonschema alone, what remains if the module goes), in interleaved,
shuffled rounds. Also timed: compiling the fast check itself, paid once per new schema.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
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
from musement_mcp.tools.fast_check import compile_check
from musement_mcp.tools.field_guide import guide
from musement_mcp.tools.schema import format_checker

from .config import BenchConfig
from .large_schema import invalid_customer, large_schema, valid_customer
from .stats import Summary
from .workload import musement_config

USER = ScriptedUser()
VARIANTS = ("fast_check", "jsonschema")
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


def without_fast_check(compiled: CompiledSchema) -> CompiledSchema:
    """The same schema validated by jsonschema alone (what `validate` does where the fast
    check could not be compiled)."""
    return dataclasses.replace(compiled, _fast_full=None, _fast_partial=None)


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


def measure_fast_check(sandbox: SandboxServer, bench: BenchConfig) -> dict[str, Any]:
    """{"cases": {label: {fields, problems, fast_check, jsonschema, ratio}},
    "compile": {form: fast check compile p50 ms}}; ratio = jsonschema p50 / fast_check p50."""
    all_cases = cases(sandbox)
    timed: list[tuple[Case, str, Callable[[], Any]]] = []
    for case in all_cases:
        plain = without_fast_check(case.compiled)
        timed.append((case, "fast_check", lambda c=case: c.compiled.validate(c.instance)))
        timed.append((case, "jsonschema", lambda c=case, p=plain: p.validate(c.instance)))
    samples: dict[tuple[str, str], list[float]] = {(c.label, v): [] for c, v, _ in timed}
    for _, _, work in timed:
        work()  # warm
    rng = random.Random(25)
    for _ in range(bench.rounds):
        rng.shuffle(timed)
        for case, variant, work in timed:
            bucket = samples[(case.label, variant)]
            for _ in range(bench.fast_check_calls):
                started = time.perf_counter()
                work()
                bucket.append((time.perf_counter() - started) * 1000)
    results: dict[str, Any] = {}
    for case in all_cases:
        fast = Summary.of(samples[(case.label, "fast_check")])
        plain = Summary.of(samples[(case.label, "jsonschema")])
        results[case.label] = {
            "fields": len(case.compiled.fields),
            "problems": len(case.compiled.validate(case.instance)),
            "fast_check": fast.as_dict(),
            "jsonschema": plain.as_dict(),
            "ratio": round(plain.p50 / fast.p50, 3),
        }
    checker = format_checker()
    compile_ms = {}
    for case in all_cases:
        if case.payload != "valid":
            continue
        schema = case.compiled.schema
        runs = []
        for _ in range(bench.rounds):
            started = time.perf_counter()
            compile_check(schema, checker, partial=False)
            compile_check(schema, checker, partial=True)
            runs.append((time.perf_counter() - started) * 1000)
        compile_ms[case.form] = round(Summary.of(runs).p50, 4)
    return {"cases": results, "compile_ms": compile_ms}
