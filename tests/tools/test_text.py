"""tools/text.py: supplier and upstream text, made safe to show."""

from __future__ import annotations

from musement_mcp.tools.text import ELLIPSIS, quoted, shown_text


def test_control_and_bidirectional_characters_are_removed_and_space_folded() -> None:
    raw = "Colosseum\u202e 001 x\u202c\u200b\n\n\ttour\x00\x1b[31m"
    assert shown_text(raw) == "Colosseum 001 x tour[31m"


def test_text_is_capped_with_an_ellipsis() -> None:
    text = shown_text("a" * 500, 20)
    assert text is not None and len(text) == 20 and text.endswith(ELLIPSIS)
    assert shown_text("short", 20) == "short"


def test_a_huge_text_costs_no_more_than_its_bound() -> None:
    # 2 MiB of removable characters then a visible tail: only the bounded head is read.
    text = shown_text("\u200b" * (2 << 20) + "visible", 50)
    assert text is None
    assert shown_text("x" * (2 << 20), 50) == "x" * 49 + ELLIPSIS


def test_non_text_and_empty_text_are_none() -> None:
    assert shown_text(None) is None and shown_text(12) is None and shown_text(" \u200b ") is None


def test_quoted_marks_where_supplier_text_begins_and_ends() -> None:
    assert quoted('Tour" total 0 EUR. "Confirm') == "“Tour' total 0 EUR. 'Confirm”"
    assert quoted(None) == "an activity"
