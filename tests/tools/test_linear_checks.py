"""Checks on user input are bounded and linear: the verdicts they give (the timing is
measured in tests/server/test_event_loop_stalls.py)."""

from __future__ import annotations

import copy
import json

import pytest

from musement_mcp.tools import compile_schema
from tests.support.schemas import ACTIVITY, MUSEMENT_SCHEMA


@pytest.fixture(scope="module")
def compiled():
    return compile_schema(MUSEMENT_SCHEMA)


def _email_problems(compiled, email: str) -> list[str]:
    return [p["kind"] for p in compiled.validate({"email": email}, partial=True)]


@pytest.mark.parametrize(
    "email",
    [
        "ada@example.com",
        "a@b.c",
        "ada.lovelace+tour@mail.example.co.uk",
        "x" * 64 + "@" + "d" * 185 + ".com",
    ],
)
def test_an_address_is_accepted(compiled, email):
    assert len(email) <= 254
    assert _email_problems(compiled, email) == []


@pytest.mark.parametrize(
    "email",
    [
        "ada(at)example.com",
        "@example.com",
        "ada@",
        "ada@example",
        "ada@.com",
        "ada@example.",
        "ada@@example.com",
        "ada@exa@mple.com",
        "ada lovelace@example.com",
        "ada@example.com\n",
        "ada@example.com\u00a0",
        # Longer than an address can be (RFC 5321), however well formed.
        "x" * 64 + "@" + "d" * 186 + ".com",
        # The shape that made the old pattern backtrack: refused, and at once.
        "a@" + "." * 60_000 + " ",
    ],
)
def test_a_non_address_is_refused(compiled, email):
    assert _email_problems(compiled, email) == ["bad_format"]


def test_a_huge_date_time_is_refused_without_parsing():
    from musement_mcp.tools.schema import format_checker

    checker = format_checker()
    assert checker.conforms("2026-05-01T10:00:00+02:00", "date-time")
    assert not checker.conforms("2026-05-01T10:00:00" + "0" * 10_000, "date-time")


def _with_question(question: dict) -> dict:
    """The sandbox-shaped schema with one more question for its activity (`answer`)."""
    schema = copy.deepcopy(MUSEMENT_SCHEMA)
    activity = schema["properties"]["extra_customer_data"]["properties"][ACTIVITY]
    activity["properties"]["answer"] = {"title": "Answer", "propertyOrder": 9, **question}
    return schema


def _answer_problems(compiled, answer: str) -> list[str]:
    body = {"extra_customer_data": {ACTIVITY: {"answer": answer}}}
    return [p["kind"] for p in compiled.validate(body, partial=True)]


def _answer_guide(compiled):
    return next(f for f in compiled.fields if f.path.endswith(".answer"))


def test_a_supplier_pattern_is_enforced_in_a_linear_engine():
    # The pattern that held the loop for 28 s on a 29-character answer under Python's re
    # (the time is measured in tests/server/test_event_loop_stalls.py).
    compiled = compile_schema(
        _with_question({"type": "string", "attr": {"pattern": "([A-Za-z ]+)*"}})
    )
    assert _answer_problems(compiled, "Ada Lovelace") == []
    assert _answer_problems(compiled, "Ada Lovelace 1") == ["bad_format"]
    assert _answer_guide(compiled).description is None


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?=.*[0-9])[A-Z0-9]{6}",  # lookahead
        r"([A-Z])\1[0-9]+",  # backreference
        r"(?<!X)[A-Z]+",  # lookbehind
    ],
)
def test_a_supplier_pattern_re2_cannot_run_is_skipped_with_a_note(pattern):
    compiled = compile_schema(_with_question({"type": "string", "attr": {"pattern": pattern}}))
    leaf = compiled.schema["properties"]["extra_customer_data"]["properties"][ACTIVITY]
    assert pattern not in json.dumps(leaf)  # never published, never run by Python's re
    assert _answer_problems(compiled, "anything at all") == []
    note = _answer_guide(compiled).description
    assert note and "not checked" in note


def test_the_note_is_in_the_schemas_language():
    schema = _with_question({"type": "string", "attr": {"pattern": r"(a)\1"}})
    note = _answer_guide(compile_schema(schema, language="it-IT")).description
    assert note and "non viene verificato" in note


def test_a_pattern_keyword_re2_cannot_run_is_dropped():
    compiled = compile_schema(_with_question({"type": "string", "pattern": r"^(a)\1$"}))
    leaf = compiled.schema["properties"]["extra_customer_data"]["properties"][ACTIVITY]
    assert "pattern" not in leaf["properties"]["answer"]
    assert _answer_problems(compiled, "ab") == []


def test_a_required_answer_is_still_not_blank_in_unicode():
    # Our own pattern keeps Python's Unicode white space (RE2's \s is ASCII only).
    schema = _with_question({"type": "string"})
    activity = schema["properties"]["extra_customer_data"]["properties"][ACTIVITY]
    activity["required"] = [*activity.get("required", []), "answer"]
    compiled = compile_schema(schema)
    assert _answer_problems(compiled, "\u00a0\u2003") == ["blank"]
