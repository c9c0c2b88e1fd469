"""JSON as Python holds it, typed: what `json.loads` gives and `json.dumps` takes.

Upstream bodies, Musement's schemas and the schemas we publish are JSON. Typed as
`JSONValue`, every read of one is checked: a value is narrowed (`isinstance`, or the
helpers below) before it is used as a string, a number, a list or an object.
"""

from __future__ import annotations

from typing import TypeAlias

JSONScalar: TypeAlias = str | int | float | bool | None
JSONValue: TypeAlias = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]
JSONObject: TypeAlias = dict[str, JSONValue]
JSONArray: TypeAlias = list[JSONValue]


def as_object(value: JSONValue) -> JSONObject | None:
    """`value` if it is a JSON object, else None."""
    return value if isinstance(value, dict) else None


def as_array(value: JSONValue) -> JSONArray | None:
    """`value` if it is a JSON array, else None."""
    return value if isinstance(value, list) else None


def object_at(parent: JSONObject, key: str) -> JSONObject:
    """The object under `key`, or an empty one when it is missing or not an object."""
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def text_at(parent: JSONObject, key: str) -> str | None:
    """The string under `key`, or None when it is missing or not a string."""
    value = parent.get(key)
    return value if isinstance(value, str) else None


def int_at(parent: JSONObject, key: str) -> int | None:
    """The integer under `key` (not a boolean), or None."""
    value = parent.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
