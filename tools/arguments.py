"""Checks on tool arguments, made before any network call.

A UUID that reaches a URL path is ASCII hex in 8-4-4-4-12 form, so nothing like
`../orders`, `%2F` or a look-alike digit can ever reach another endpoint; a JSON
argument is an object (or list) of bounded size and depth, possibly sent as a
JSON string, as some clients do.
"""

from __future__ import annotations

import json
import math
import re
from typing import NoReturn, overload

from .errors import InvalidArgument
from .json_types import JSONArray, JSONObject, JSONValue
from .problems import problem

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
MAX_ARGUMENT_BYTES = 64 * 1024
MAX_ARGUMENT_DEPTH = 6
# At most this many problems are listed in one error (the message gives the count).
MAX_REPORTED = 50


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value.lower()) is not None


def check_uuid(value: object, name: str, *, what: str) -> str:
    """The UUID, lower-cased, or `InvalidArgument` naming the argument."""
    if is_uuid(value):
        return str(value).lower()
    shown = type(value).__name__ if not isinstance(value, str) else f"{len(value)} characters"
    raise InvalidArgument(
        f"{name} must be a UUID like 'c7a6f5de-0f6b-4e12-9c1e-2a9e3b1d4f00' (got {shown}).",
        details=[problem(name, "bad_format", "must be a UUID (8-4-4-4-12 hex digits)")],
        hint=f"Pass the UUID of the {what} exactly as the booking flow returned it.",
    )


def check_cart_uuid(value: object) -> str:
    return check_uuid(value, "cart_uuid", what="cart")


@overload
def parse_json_argument(value: object, name: str, kind: type[JSONObject]) -> JSONObject: ...
@overload
def parse_json_argument(value: object, name: str, kind: type[JSONArray]) -> JSONArray: ...
def parse_json_argument(
    value: object, name: str, kind: type[JSONObject] | type[JSONArray]
) -> JSONObject | JSONArray:
    """`value` as a JSON object (or list); a JSON string is parsed first. A tool's
    arguments arrive parsed from JSON (or as a JSON string): what passes the `kind` check
    is JSON data, checked below for size, depth and values JSON cannot carry."""
    wanted = "an object" if kind is dict else "a list"
    if isinstance(value, str):
        if len(value) > MAX_ARGUMENT_BYTES:
            raise _too_large(name)
        try:
            value = json.loads(value, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise InvalidArgument(
                f"{name} is a string that is not valid JSON.",
                details=[problem(name, "bad_format", f"must be {wanted}")],
            ) from None
    if not isinstance(value, kind):
        raise InvalidArgument(
            f"{name} must be {wanted}, not {_json_type(value)}.",
            details=[problem(name, "wrong_type", f"must be {wanted}")],
        )
    if _depth(value) > MAX_ARGUMENT_DEPTH:
        raise InvalidArgument(
            f"{name} nests deeper than {MAX_ARGUMENT_DEPTH} levels.",
            details=[problem(name, "too_large", "is nested too deeply")],
        )
    if len(json.dumps(value, separators=(",", ":"))) > MAX_ARGUMENT_BYTES:
        raise _too_large(name)
    unencodable = _unencodable(value, name)
    if unencodable:
        raise InvalidArgument(
            f"{name} holds values that cannot be sent as JSON: {len(unencodable)} found.",
            details=[
                problem(path, "unencodable", message)
                for path, message in unencodable[:MAX_REPORTED]
            ],
        )
    return value


def _unencodable(value: JSONValue, name: str) -> list[tuple[str, str]]:
    """Paths of values JSON cannot carry: NaN and infinities (1e400 is one), and strings
    with a lone surrogate (not UTF-8). They would fail only when the body is encoded."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, JSONValue]] = [(name, value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                if not _is_text(key):
                    found.append((path, "has a key that is not valid text"))
                else:
                    stack.append((f"{path}.{key}", child))
        elif isinstance(node, list):
            stack.extend((f"{path}.{index}", child) for index, child in enumerate(node))
        elif isinstance(node, float) and not math.isfinite(node):
            found.append((path, "must be a finite number"))
        elif isinstance(node, str) and not _is_text(node):
            found.append((path, "must be valid text (it holds a lone surrogate)"))
    found.sort()
    # A path that is itself bad text is not shown as is.
    return [(p if _is_text(p) else name, message) for p, message in found]


def _is_text(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_constant(constant: str) -> NoReturn:
    # Python's json reads NaN and Infinity, which JSON itself does not have.
    raise ValueError(f"{constant} is not JSON")


def _too_large(name: str) -> InvalidArgument:
    return InvalidArgument(
        f"{name} is larger than {MAX_ARGUMENT_BYTES // 1024} KiB.",
        details=[problem(name, "too_large", "is too large")],
    )


def _json_type(value: object) -> str:
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


def _depth(value: JSONValue, level: int = 1) -> int:
    """How deeply `value` nests; stops counting past the cap."""
    if level > MAX_ARGUMENT_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level
