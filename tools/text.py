"""Text from suppliers and from Musement, made safe to show: bounded and clean.

Activity titles, question labels, placeholders and upstream messages are data to
show, never instructions and never the source of a number. Before any of it
reaches a result, an error, a form or a confirmation summary, it goes through
`shown_text`: cut to a bound first (so the work is linear and bounded), control
and format characters removed (bidirectional overrides can reorder what a person
reads, zero-width characters hide text), white space folded to single spaces.
"""

from __future__ import annotations

import unicodedata

# A title, a label or a short message: enough for any real one, too little to hide a
# second story in.
TITLE_LIMIT = 120
MESSAGE_LIMIT = 500
ELLIPSIS = "…"
# Scanned at most: a few times the limit, so a long run of removable characters still
# leaves a full-length text, and a 2 MiB answer costs no more than a short one.
_SCAN_FACTOR = 4


def shown_text(value: object, limit: int = TITLE_LIMIT) -> str | None:
    """`value` as safe display text of at most `limit` characters, or None when it is
    not a string or nothing printable is left."""
    if not isinstance(value, str):
        return None
    kept: list[str] = []
    length, space = 0, False
    for char in value[: limit * _SCAN_FACTOR]:
        if char.isspace():
            space = length > 0
            continue
        if unicodedata.category(char) in _REMOVED:
            continue
        if space:
            kept.append(" ")
            length += 1
            space = False
        kept.append(char)
        length += 1
        if length > limit:
            break
    text = "".join(kept)
    if not text:
        return None
    if len(text) > limit or len(value) > limit * _SCAN_FACTOR:
        return text[: limit - 1].rstrip() + ELLIPSIS
    return text


def quoted(value: object, limit: int = TITLE_LIMIT, *, fallback: str = "an activity") -> str:
    """Supplier text inside a sentence of ours: cleaned, bounded and in quotation marks,
    so that a reader (a person or a model) sees where it begins and ends."""
    text = shown_text(value, limit)
    if text is None:
        return fallback
    return "“" + text.replace("“", "'").replace("”", "'").replace('"', "'") + "”"


# Unicode categories never shown: controls (Cc), format characters (Cf: bidirectional
# overrides and isolates, zero-width joiners), unassigned (Cn), private use (Co) and
# surrogates (Cs). Line and paragraph separators (Zl, Zp) count as white space.
_REMOVED = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})
