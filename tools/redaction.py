"""Customer data out of upstream messages, in time linear in what is shown.

An upstream that quotes the request back must not put the customer's data into
a model-facing message: every value of the request body, and anything shaped
like an email address or a phone number, becomes `[redacted]`. The message is
cut to a window first (a 2 MiB answer costs what a short one does), and the
window is scanned once per value and once per shape, never re-scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .text import MESSAGE_LIMIT

REDACTED = "[redacted]"
# Scanned at most: a few times what is shown, so redactions that shorten the text still
# leave a full message.
_WINDOW_FACTOR = 4
# A value that runs past the window's end is found by its first characters; the last
# ones of a cut window are never shown, so a shorter start cannot slip through.
_HEAD_CHARS = 64
# Values searched at most (the longest first): a bound on values × window.
_MAX_VALUES = 1000
# Starts only where a token starts, so a long run without "@" is read once, not once per
# character (the unanchored `[^\s@]+@[^\s@]+` took 5 s on 40 KB).
_EMAIL_LIKE = re.compile(r"(?<![^\s@])[^\s@]+@[^\s@]+")
_LONG_NUMBER = re.compile(r"\+?\d[\d .\-]{5,}\d")


def redact(text: str, sent: object, limit: int = MESSAGE_LIMIT) -> str:
    """At most `limit` characters of `text`, without any value of the request body
    `sent` (case ignored) nor anything shaped like an email address or a phone number."""
    window = text[: limit * _WINDOW_FACTOR]
    was_cut = len(window) < len(text)
    spans = _value_spans(_fold(window), sent, was_cut)
    for shape in (_EMAIL_LIKE, _LONG_NUMBER):
        spans.extend(match.span() for match in shape.finditer(window))
    shown_until = len(window) - _HEAD_CHARS if was_cut else len(window)
    return _rebuilt(window, spans, limit, shown_until)


def _value_spans(folded: str, sent: object, was_cut: bool) -> list[tuple[int, int]]:
    """Where the values of `sent` are in the (case-folded) window, including one whose
    start is in it and whose end was cut off."""
    size = len(folded)
    values = sorted(_leaf_texts(sent), key=len, reverse=True)[:_MAX_VALUES]
    spans: list[tuple[int, int]] = []
    for value in values:
        probe = _fold(value[:size])
        if len(value) <= size:
            start = folded.find(probe)
            while start != -1:
                spans.append((start, start + len(probe)))
                start = folded.find(probe, start + len(probe))
        if was_cut and len(value) > _HEAD_CHARS:
            # Its head, starting where the value would not fit before the end: all to the end.
            start = folded.find(probe[:_HEAD_CHARS], max(0, size - len(value) + 1))
            if start != -1:
                spans.append((start, size))
    return spans


def _rebuilt(window: str, spans: list[tuple[int, int]], limit: int, shown_until: int) -> str:
    """`window` with each run of overlapping spans replaced by one `REDACTED`, up to
    `shown_until`, cut to `limit` characters."""
    parts: list[str] = []
    length = position = 0
    for start, end in sorted(spans):
        if length >= limit or start >= shown_until:
            break
        if end <= position:
            continue
        if start > position:
            parts.append(window[position:start])
            length += start - position
        elif parts:
            position = end  # overlaps or touches the span just replaced (always the last part)
            continue
        parts.append(REDACTED)
        length += len(REDACTED)
        position = end
    if length < limit and position < shown_until:
        parts.append(window[position:shown_until])
    return "".join(parts)[:limit]


def _fold(text: str) -> str:
    """`text` in lower case, character for character (so positions still match)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def json_leaves(value: object) -> Iterator[object]:
    """Every leaf (not a dict or a list) of a JSON value; a loop, not recursion: a request
    body may nest deep."""
    stack: list[object] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        else:
            yield node


def _leaf_texts(value: object) -> set[str]:
    """Every string and number in a JSON value, as text (short ones excepted: "NO" or
    "1" would blank out ordinary words)."""
    texts = (
        str(leaf).strip()
        for leaf in json_leaves(value)
        if isinstance(leaf, str | int | float) and not isinstance(leaf, bool)
    )
    return {text for text in texts if len(text) >= 3}
