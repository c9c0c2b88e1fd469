"""A fast "is this valid?" for the normalized customer schemas.

jsonschema walks every keyword through a generic dispatcher: about 8 ms for a
cart with a thousand questions. Compiling the (small, known) keyword set of a
normalized schema into nested closures answers the common question, "is it
valid?", about five times faster. It only ever says "valid": on any failure, or
for any keyword it does not know, jsonschema decides and words the problems.
Where the two could disagree, this side is the stricter one (enum values must
match in type too; uniqueness is only judged for lists of strings), so nothing
jsonschema would refuse is accepted here.
"""

from __future__ import annotations

from collections.abc import Callable

from jsonschema import FormatChecker

from .json_types import JSONObject, JSONValue
from .patterns import linear_pattern

Check = Callable[[JSONValue], bool]

_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}
_ANNOTATIONS = frozenset({"$schema", "title", "description", "default", "examples"})


def compile_check(schema: JSONObject, formats: FormatChecker, *, partial: bool) -> Check | None:
    """A closure answering "valid?" for `schema`, or None if it uses a keyword not covered."""
    checks: list[Check] = []
    for key, value in schema.items():
        if key in _ANNOTATIONS or (key == "additionalProperties" and value is False):
            continue  # additionalProperties: false is enforced with `properties`
        check = _keyword(key, value, schema, formats, partial)
        if check is None:
            return None
        if check is not _ALWAYS:
            checks.append(check)
    all_checks = tuple(checks)
    return lambda value: all(check(value) for check in all_checks)


def _always(_: JSONValue) -> bool:
    return True


_ALWAYS: Check = _always


def _keyword(
    key: str, value: JSONValue, schema: JSONObject, formats: FormatChecker, partial: bool
) -> Check | None:
    if key == "type":
        names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        known = [name for name in names if isinstance(name, str) and name in _TYPES]
        if len(known) != len(names):
            return None
        tests = tuple(_TYPES[name] for name in known)
        return lambda v: any(test(v) for test in tests)
    if key == "enum":
        if not isinstance(value, list):
            return None
        allowed = tuple(value)
        return lambda v: any(type(v) is type(a) and v == a for a in allowed)
    if key == "pattern":
        # Never Python's backtracking `re` on a supplier's pattern (`patterns`).
        regex = linear_pattern(value) if isinstance(value, str) else None
        if regex is None:
            return None
        return lambda v: not isinstance(v, str) or regex.search(v) is not None
    if key == "format":
        if not isinstance(value, str):
            return None
        return lambda v: formats.conforms(v, value)
    if key in _BOUNDS:
        bound, within = _number(value), _BOUNDS[key]
        if bound is None:
            return None
        return lambda v: within(v, bound)
    if key == "uniqueItems":
        if not value:
            return _ALWAYS
        return lambda v: (
            not isinstance(v, list)
            or (all(isinstance(x, str) for x in v) and len(set(v)) == len(v))
        )
    if key == "items":
        item = compile_check(value, formats, partial=partial) if isinstance(value, dict) else None
        if item is None:
            return None
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if key == "required":
        if partial:
            return _ALWAYS
        if not isinstance(value, list):
            return None
        required = tuple(value)
        return lambda v: not isinstance(v, dict) or all(name in v for name in required)
    if key == "properties":
        if not isinstance(value, dict):
            return None
        return _properties(value, schema.get("additionalProperties") is False, formats, partial)
    return None


def _properties(
    properties: JSONObject, closed: bool, formats: FormatChecker, partial: bool
) -> Check | None:
    compiled: dict[str, Check] = {}
    for name, sub in properties.items():
        check = compile_check(sub, formats, partial=partial) if isinstance(sub, dict) else None
        if check is None:
            return None
        compiled[name] = check

    def check_properties(value: JSONValue) -> bool:
        if not isinstance(value, dict):
            return True
        for name, item in value.items():
            check = compiled.get(name)
            if check is None:
                if closed:
                    return False
            elif not check(item):
                return False
        return True

    return check_properties


def _number(v: JSONValue) -> float | None:
    """`v` if it is a number (not a boolean), else None: the bound does not apply."""
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


# Each bound: whether a value is within it (True for a value it does not apply to).
_BOUNDS: dict[str, Callable[[JSONValue, float], bool]] = {
    "minLength": lambda v, n: not isinstance(v, str) or len(v) >= n,
    "maxLength": lambda v, n: not isinstance(v, str) or len(v) <= n,
    "minItems": lambda v, n: not isinstance(v, list) or len(v) >= n,
    "maxItems": lambda v, n: not isinstance(v, list) or len(v) <= n,
    "minimum": lambda v, n: (x := _number(v)) is None or x >= n,
    "maximum": lambda v, n: (x := _number(v)) is None or x <= n,
    "exclusiveMinimum": lambda v, n: (x := _number(v)) is None or x > n,
    "exclusiveMaximum": lambda v, n: (x := _number(v)) is None or x < n,
}
