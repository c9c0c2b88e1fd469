"""tools/json_types.py: the typed reads of parsed JSON, each narrowing or answering "none"."""

from __future__ import annotations

import json

from musement_mcp.tools.json_types import (
    JSONValue,
    as_array,
    as_object,
    int_at,
    object_at,
    text_at,
)

BODY: JSONValue = json.loads(
    '{"uuid": "c", "count": 2, "paid": true, "price": {"value": 1.5}, "items": [1], "none": null}'
)


def test_a_value_is_narrowed_or_none() -> None:
    body = as_object(BODY)
    assert body is not None and body["uuid"] == "c"
    assert as_array(body["items"]) == [1]
    assert as_object(body["items"]) is None and as_array(body) is None
    assert as_object(None) is None and as_array("x") is None


def test_a_key_is_read_with_its_type_or_none() -> None:
    body = as_object(BODY)
    assert body is not None
    assert object_at(body, "price") == {"value": 1.5}
    # Missing or of another type: an empty object, never an error.
    assert object_at(body, "items") == {} and object_at(body, "absent") == {}
    assert text_at(body, "uuid") == "c" and text_at(body, "count") is None
    assert int_at(body, "count") == 2
    # A boolean is not a number here (Python's bool is an int).
    assert int_at(body, "paid") is None and int_at(body, "none") is None
