"""Patterns that came with a schema, run in RE2: time linear in the answer, always.

A `pattern` in a schema Musement serves (a keyword, or a supplier's Liform
`attr.pattern`) is someone else's code. Python's `re` backtracks: `([A-Za-z ]+)*`
against a 29-character answer held the event loop for 28 s. RE2 never backtracks;
a pattern it cannot take (backreferences, lookaround, oversized repetitions) is
not enforced at all, never handed to `re`. Our own two patterns (`NOT_BLANK`,
`NUMERIC_STRING`) are linear in `re` and keep its Unicode `\\s`.
"""

from __future__ import annotations

import functools
import re
from typing import Protocol

import re2

# Our own patterns: a required text is not blank; a `number` may come as a string.
NUMERIC_STRING = r"^-?[0-9]+(\.[0-9]+)?$"
NOT_BLANK = r"\S"
# A supplier's pattern is a field's format rule: a few dozen characters in practice.
MAX_PATTERN_CHARS = 500

_OWN: dict[str, re.Pattern[str]] = {p: re.compile(p) for p in (NOT_BLANK, NUMERIC_STRING)}
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is an answer here, not an error to log


class Searcher(Protocol):
    """A compiled pattern (RE2's, or `re`'s for our own two): what `search` needs."""

    def search(self, text: str, /) -> object: ...


@functools.lru_cache(maxsize=1024)
def linear_pattern(source: str) -> Searcher | None:
    """`source` compiled for a linear-time search, or None when RE2 cannot take it."""
    if source in _OWN:
        return _OWN[source]
    if len(source) > MAX_PATTERN_CHARS:
        return None
    try:
        return re2.compile(source, _OPTIONS)
    except re2.error:
        return None


def is_linear(source: object) -> bool:
    """Whether `source` is a pattern this module can run."""
    return isinstance(source, str) and linear_pattern(source) is not None


def found_in(source: str, value: str) -> bool:
    """Whether `source` matches somewhere in `value` (JSON Schema's `pattern`); a
    pattern RE2 cannot take is not enforced, so it never refuses."""
    compiled = linear_pattern(source)
    return compiled is None or compiled.search(value) is not None
