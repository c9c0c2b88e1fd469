"""The schema compiler on a large cart: 100 activities with 10 questions each.

The raw schema is shaped like the sandbox's (Liform style: `propertyOrder`, `enum_titles`,
`extra_customer_data` keyed by activity UUID). `compile_schema` caches on the
schema's JSON text, so each timed first compile gets a schema with a unique title.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from musement_mcp.tools import compile_schema

from .stats import Summary
from .workload import CUSTOMER

ACTIVITIES = 100
QUESTIONS = 10
_CHOICES = [("en", "English"), ("it", "Italian"), ("es", "Spanish"), ("fr", "French")]
_KINDS = ("number", "text", "date", "choice", "multi", "text", "text", "choice", "date", "text")


def _question(kind: str, order: int) -> dict[str, Any]:
    title = f"Question {order} ({kind})"
    if kind == "number":
        prop: dict[str, Any] = {"type": "number", "title": title}
    elif kind == "date":
        prop = {"type": "string", "title": title, "format": "date"}
    elif kind == "choice":
        prop = {
            "enum": [v for v, _ in _CHOICES],
            "enum_titles": [t for _, t in _CHOICES],
            "type": "string",
            "title": title,
        }
    elif kind == "multi":
        prop = {
            "type": "array",
            "title": title,
            "items": {
                "type": "string",
                "enum": [v for v, _ in _CHOICES],
                "enum_titles": [t for _, t in _CHOICES],
            },
            "uniqueItems": True,
        }
    else:
        prop = {"type": "string", "title": title}
    prop["propertyOrder"] = order
    return prop


def activity_uuids() -> list[str]:
    base = uuid.UUID("b3e1c4a0-0000-4000-8000-00000000be9c")
    return [str(uuid.uuid5(base, str(i))) for i in range(ACTIVITIES)]


def large_schema(title: str = "cart_customer_guest") -> dict[str, Any]:
    yes_no = {"enum": ["NO", "YES"], "enum_titles": ["NO", "YES"], "type": "string"}
    properties: dict[str, Any] = {
        "firstname": {"type": "string", "title": "firstname", "propertyOrder": 1},
        "lastname": {"type": "string", "title": "lastname", "propertyOrder": 2},
        "email": {"type": "string", "title": "email", "format": "email", "propertyOrder": 3},
    }
    for order, name in enumerate(
        ["musement_newsletter", "allow_profiling", "thirdparty_newsletter"], start=4
    ):
        properties[name] = {**yes_no, "title": name, "propertyOrder": order}
    properties["events_related_newsletter"] = {
        **yes_no,
        "title": "events_related_newsletter",
        "propertyOrder": 7,
    }
    forms = {}
    for position, activity in enumerate(activity_uuids(), start=1):
        questions = {f"q_{i}": _question(kind, i + 1) for i, kind in enumerate(_KINDS)}
        forms[activity] = {
            "title": f"Activity {position}",
            "type": "object",
            "properties": questions,
            "required": [f"q_{i}" for i in range(7)],
            "propertyOrder": position,
        }
    properties["extra_customer_data"] = {
        "title": "extra_customer_data",
        "type": "object",
        "properties": forms,
        "required": list(forms),
        "propertyOrder": 8,
    }
    return {
        "title": title,
        "type": "object",
        "properties": properties,
        "required": list(properties),
    }


def _answer(kind: str) -> Any:
    return {
        "number": "1234567890",
        "date": "2026-05-01",
        "choice": "it",
        "multi": ["en", "es"],
    }.get(kind, "Hotel Artemide")


def valid_customer() -> dict[str, Any]:
    base = {k: v for k, v in CUSTOMER.items() if k != "extra_customer_data"}
    answers = {f"q_{i}": _answer(kind) for i, kind in enumerate(_KINDS)}
    return {**base, "extra_customer_data": {a: dict(answers) for a in activity_uuids()}}


def invalid_customer() -> dict[str, Any]:
    """Ten activities with a bad date, a bad choice and a missing answer each."""
    customer = valid_customer()
    for activity in activity_uuids()[:10]:
        answers = customer["extra_customer_data"][activity]
        answers["q_2"] = "01/05/2026"
        answers["q_3"] = "de"
        del answers["q_1"]
    return customer


@dataclass(frozen=True)
class SchemaTimings:
    properties: int
    first_compile: Summary
    cached_compile: Summary
    validate_valid: Summary
    validate_invalid: Summary
    problems_in_invalid: int


def time_large_schema(compiles: int, validations: int) -> SchemaTimings:
    first = []
    for run in range(compiles):
        raw = large_schema(title=f"cart_customer_guest {uuid.uuid4()} {run}")
        started = time.perf_counter()
        compiled = compile_schema(raw)
        first.append((time.perf_counter() - started) * 1000)
    cached = _timed(validations, lambda: compile_schema(raw))
    valid, invalid = valid_customer(), invalid_customer()
    if compiled.validate(valid):
        raise RuntimeError(f"the valid payload is not valid: {compiled.validate(valid)[:3]}")
    problems = len(compiled.validate(invalid))
    return SchemaTimings(
        properties=len(compiled.fields),
        first_compile=Summary.of(first),
        cached_compile=cached,
        validate_valid=_timed(validations, lambda: compiled.validate(valid)),
        validate_invalid=_timed(validations, lambda: compiled.validate(invalid)),
        problems_in_invalid=problems,
    )


def _timed(repeats: int, work: Any) -> Summary:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return Summary.of(samples)
