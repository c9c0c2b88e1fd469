"""Checks of the catalog calls' arguments and readings of Musement's catalog fields, shared."""

from __future__ import annotations

import datetime as dt
import re

from ..arguments import check_uuid
from ..errors import InvalidArgument
from ..problems import problem

_ISO_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", re.ASCII)


def check_activity_uuid(value: object) -> str:
    return check_uuid(value, "activity_uuid", what="activity (search_activities gives it)")


def check_day(value: object, name: str) -> dt.date:
    """A date argument as YYYY-MM-DD."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidArgument(
        f"{name} must be a date as YYYY-MM-DD.",
        details=[problem(name, "bad_format", "must be a date as YYYY-MM-DD", format="date")],
    )


def check_count(value: object, name: str, *, low: int, high: int) -> int:
    """A whole number in [low, high] (a string of digits is taken too)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgument(
            f"{name} must be a whole number from {low} to {high}.",
            details=[problem(name, "out_of_range", f"must be a whole number from {low} to {high}")],
        )
    return value


def check_text(value: object, name: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidArgument(
            f"{name} must be a non-empty string of at most {limit} characters.",
            details=[problem(name, "invalid", f"must be text of 1 to {limit} characters")],
        )
    return value.strip()


def duration_text(value: object) -> str | None:
    """An ISO 8601 duration (`PT2H30M`) as `2h30m`; None when it is not one we read."""
    if not isinstance(value, str):
        return None
    found = _ISO_DURATION.fullmatch(value)
    if not found or not any(found.groups()):
        return None
    days, hours, minutes = found.groups()
    parts = [
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
    ]
    return "".join(parts) or None


def number(value: object) -> int | None:
    """A whole number from Musement, or None (booleans are not numbers)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def limit_of(value: object) -> int | None:
    """A `max_buy` or `availability`: None where Musement says -1 (no maximum, not said)."""
    found = number(value)
    return None if found is None or found < 0 else found


def rating_of(value: object) -> float | None:
    """An average review (0 to 5), one decimal; None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(float(value), 1) if 0 <= value <= 5 else None
