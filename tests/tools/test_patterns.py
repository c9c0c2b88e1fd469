"""tools/patterns.py: a schema's patterns run in RE2, in time linear in the answer; one RE2
cannot take is not enforced (never handed to Python's backtracking `re`); our own two
patterns keep `re`'s Unicode whitespace."""

from __future__ import annotations

import time

from musement_mcp.tools.patterns import (
    MAX_PATTERN_CHARS,
    NOT_BLANK,
    NUMERIC_STRING,
    found_in,
    is_linear,
    linear_pattern,
)


def test_a_pattern_that_makes_re_backtrack_runs_at_once() -> None:
    # `re` took 28 s on this (tools/patterns.py); RE2 answers in microseconds.
    evil = r"^([A-Za-z ]+)*$"
    assert is_linear(evil)
    started = time.perf_counter()
    assert not found_in(evil, "A" * 28 + "!")
    assert not found_in(evil, "A" * 100_000 + "!")
    assert time.perf_counter() - started < 0.5


def test_what_re2_cannot_take_is_not_enforced() -> None:
    for refused in (r"(a)\1", r"(?=a)a", r"(?<!x)y", "a{1001}", "(", "x" * (MAX_PATTERN_CHARS + 1)):
        assert linear_pattern(refused) is None, refused
        assert not is_linear(refused)
        assert found_in(refused, "anything")  # never a refusal of the answer
    assert linear_pattern("x" * MAX_PATTERN_CHARS) is not None
    assert not is_linear(None) and not is_linear(42)


def test_search_semantics_match_json_schema() -> None:
    # JSON Schema's `pattern` is a search: unanchored unless the pattern anchors it.
    assert found_in("[0-9]{3}", "ab123cd")
    assert not found_in("^[0-9]{3}$", "ab123cd")
    assert found_in(r"^\+?[0-9 ]{6,20}$", "+39 06 1234567")


def test_our_own_patterns_keep_unicode_whitespace() -> None:
    assert found_in(NUMERIC_STRING, "-12.50") and not found_in(NUMERIC_STRING, "12.")
    assert not found_in(NUMERIC_STRING, "1e3")
    # A no-break space and an ideographic space are blank, as a person sees them.
    for blank in ("", "   ", "\u00a0", "\u3000\t\n"):
        assert not found_in(NOT_BLANK, blank), repr(blank)
    assert found_in(NOT_BLANK, " \u00a0x ")
