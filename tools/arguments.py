"""Checks on tool arguments, made before any network call.

A UUID that reaches a URL path is ASCII hex in 8-4-4-4-12 form, so nothing like
`../orders`, `%2F` or a look-alike digit can ever reach another endpoint; a JSON
argument is an object (or list) of bounded size and depth, possibly sent as a
JSON string, as some clients do.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import InvalidArgument

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
MAX_ARGUMENT_BYTES = 64 * 1024
MAX_ARGUMENT_DEPTH = 6


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value.lower()) is not None


def check_uuid(value: Any, name: str, *, what: str) -> str:
    """The UUID, lower-cased, or `InvalidArgument` naming the argument."""
    if is_uuid(value):
        return str(value).lower()
    shown = type(value).__name__ if not isinstance(value, str) else f"{len(value)} characters"
    raise InvalidArgument(
        f"{name} must be a UUID like 'c7a6f5de-0f6b-4e12-9c1e-2a9e3b1d4f00' (got {shown}).",
        details=[{"path": name, "message": "must be a UUID (8-4-4-4-12 hex digits)"}],
        hint=f"Pass the UUID of the {what} exactly as the booking flow returned it.",
    )


def check_cart_uuid(value: Any) -> str:
    return check_uuid(value, "cart_uuid", what="cart")


def parse_json_argument(value: Any, name: str, kind: type[dict] | type[list]) -> Any:
    """`value` as a JSON object (or list); a JSON string is parsed first."""
    wanted = "an object" if kind is dict else "a list"
    if isinstance(value, str):
        if len(value) > MAX_ARGUMENT_BYTES:
            raise _too_large(name)
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise InvalidArgument(
                f"{name} is a string that is not valid JSON.",
                details=[{"path": name, "message": f"must be {wanted}"}],
            ) from None
    if not isinstance(value, kind):
        raise InvalidArgument(
            f"{name} must be {wanted}, not {_json_type(value)}.",
            details=[{"path": name, "message": f"must be {wanted}"}],
        )
    if _depth(value) > MAX_ARGUMENT_DEPTH:
        raise InvalidArgument(
            f"{name} nests deeper than {MAX_ARGUMENT_DEPTH} levels.",
            details=[{"path": name, "message": "is nested too deeply"}],
        )
    if len(json.dumps(value, separators=(",", ":"))) > MAX_ARGUMENT_BYTES:
        raise _too_large(name)
    return value


def _too_large(name: str) -> InvalidArgument:
    return InvalidArgument(
        f"{name} is larger than {MAX_ARGUMENT_BYTES // 1024} KiB.",
        details=[{"path": name, "message": "is too large"}],
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _depth(value: Any, level: int = 1) -> int:
    """How deeply `value` nests; stops counting past the cap."""
    if level > MAX_ARGUMENT_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level
