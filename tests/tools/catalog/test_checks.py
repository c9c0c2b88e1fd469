"""tools/catalog/checks.py: the catalog calls' argument checks (typed refusals naming the
argument) and the readings of Musement's catalog fields (durations, counts, ratings)."""

from __future__ import annotations

import datetime as dt

import pytest

from musement_mcp.tools.catalog.checks import (
    check_activity_uuid,
    check_count,
    check_day,
    check_text,
    duration_text,
    limit_of,
    number,
    rating_of,
)
from musement_mcp.tools.errors import InvalidArgument

UUID = "C7A6F5DE-0F6B-4E12-9C1E-2A9E3B1D4F00"


def refusal(call: object) -> dict[str, object]:
    """The one problem of the `InvalidArgument` that `call` raises."""
    with pytest.raises(InvalidArgument) as failure:
        call()  # type: ignore[operator]
    (found,) = failure.value.details
    return dict(found)


def test_an_activity_uuid_is_lower_cased_and_a_non_uuid_named() -> None:
    assert check_activity_uuid(UUID) == UUID.lower()
    found = refusal(lambda: check_activity_uuid("../activities"))
    assert (found["path"], found["kind"]) == ("activity_uuid", "bad_format")


def test_a_day_is_an_iso_date_and_nothing_looser() -> None:
    assert check_day("2026-02-28", "day") == dt.date(2026, 2, 28)
    for bad in ("2026-02-30", "2026-2-28", "28/02/2026", "2026-02-28T10:00", 20260228, None):
        found = refusal(lambda bad=bad: check_day(bad, "date_from"))
        assert (found["path"], found["kind"], found["format"]) == (
            "date_from",
            "bad_format",
            "date",
        )


def test_a_count_is_whole_and_within_its_bounds() -> None:
    assert check_count(1, "limit", low=1, high=50) == 1
    assert check_count(50, "limit", low=1, high=50) == 50
    assert check_count(" 7 ", "limit", low=1, high=50) == 7  # digits as text are taken
    for bad in (0, 51, True, 2.0, "7.5", "-1", None):
        found = refusal(lambda bad=bad: check_count(bad, "limit", low=1, high=50))
        assert (found["path"], found["kind"]) == ("limit", "out_of_range"), bad


def test_a_text_is_stripped_non_empty_and_capped() -> None:
    assert check_text("  Rome  ", "text", 10) == "Rome"
    assert check_text("x" * 10, "text", 10) == "x" * 10
    for bad in ("", "   ", "x" * 11, 3, None):
        assert refusal(lambda bad=bad: check_text(bad, "text", 10))["kind"] == "invalid"


@pytest.mark.parametrize(
    ("iso", "shown"),
    [
        ("PT3H", "3h"),
        ("PT2H30M", "2h30m"),
        ("PT45M", "45m"),
        ("P1D", "1d"),
        ("P2DT4H", "2d4h"),
        # Not a duration we read: nothing rather than a guess.
        ("PT", None),
        ("P", None),
        ("PT1.5H", None),
        ("3 hours", None),
        ("PT3H ", None),
        (180, None),
        (None, None),
    ],
)
def test_durations_are_read_or_left_out(iso: object, shown: str | None) -> None:
    assert duration_text(iso) == shown


def test_numbers_limits_and_ratings_from_musement() -> None:
    assert (number(3), number(True), number(3.0), number("3")) == (3, None, None, None)
    # -1 is Musement's "no maximum": unknown, not a limit of -1.
    assert (limit_of(10), limit_of(0), limit_of(-1), limit_of(None)) == (10, 0, None, None)
    assert (rating_of(4.66), rating_of(5), rating_of(0)) == (4.7, 5.0, 0.0)
    assert (rating_of(5.1), rating_of(-0.1), rating_of(True), rating_of("4.5")) == (None,) * 4
