"""tools/redaction.py: redaction of upstream messages: what it hides, and that it reads a
bounded window (its time is measured in tests/server/test_event_loop_stalls.py)."""

from __future__ import annotations

import pytest

from musement_mcp.tools.redaction import redact

SENT = {
    "firstname": "Katherine",
    "lastname": "Johnson",
    "extra_customer_data": {"a": {"hotel": "Hotel " + "Langley " * 20 + "Research Center"}},
}


def test_values_emails_and_phone_numbers_are_hidden_whatever_the_case() -> None:
    said = redact("KATHERINE johnson (kj@nasa.example, +1 757 864 1000) is invalid", SENT)
    assert said == "[redacted] [redacted] [redacted] [redacted]) is invalid"


def test_the_answer_is_cut_to_the_limit() -> None:
    assert len(redact("word " * 10_000, SENT, 200)) == 200
    assert len(redact("word " * 10_000, SENT)) == 500


def test_a_value_is_hidden_when_the_cut_falls_inside_it() -> None:
    hotel = SENT["extra_customer_data"]["a"]["hotel"]
    # Each earlier copy shrinks to "[redacted]", so the copy that the window redaction
    # reads cuts comes into view, cut anywhere in it.
    before = (hotel + " ") * 10
    for filler in range(180):
        said = redact(before + "y" * filler + hotel + " is not a hotel" + "x" * 3000, SENT)
        assert said.startswith("[redacted] " * 10 + "y" * min(filler, 100))
        assert "Langley" not in said and "Hotel" not in said and "Center" not in said


def test_only_a_window_of_a_long_message_is_read() -> None:
    message = "Johnson" + "x" * 20_000
    said = redact(message, SENT)
    assert said.startswith("[redacted]xxx") and len(said) == 500


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("to ada@example.com, bob@example.org.", "to [redacted] [redacted]"),
        ("x" * 40 + " @ y", "x" * 40 + " @ y"),
        ("call 12-345 or 123 456 7890", "call 12-345 or [redacted]"),
    ],
)
def test_shapes(message: str, shown: str) -> None:
    assert redact(message, {}) == shown
