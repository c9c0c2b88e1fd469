"""tools/normalize.py: one pass over a served schema (`Normalizer`): only known keywords and
safe names survive, Musement's quirks are read (`[]` properties, `propertyOrder`, numbers as
strings, Liform's `attr`), and the caps refuse a schema too large. The compiled results are
tested in test_schema.py; here the pass itself, and `without_required`."""

from __future__ import annotations

from typing import Any

import pytest

from musement_mcp.tools.labels import unchecked_pattern_note
from musement_mcp.tools.normalize import (
    MAX_DEPTH,
    MAX_ENUM_VALUES,
    MAX_PROPERTIES,
    Normalizer,
    SchemaTooLarge,
    without_required,
)
from musement_mcp.tools.patterns import NOT_BLANK, NUMERIC_STRING


def normalized(
    properties: Any, required: list[str] | None = None
) -> tuple[dict[str, Any], Normalizer]:
    normalizer = Normalizer()
    raw = {"type": "object", "properties": properties, "required": required or []}
    return normalizer.object_schema(raw, path=(), depth=0), normalizer


def test_unsafe_names_are_dropped_and_the_rest_follow_property_order() -> None:
    schema, normalizer = normalized(
        {
            "b": {"type": "string", "propertyOrder": 2},
            "../etc": {"type": "string", "propertyOrder": 0},
            "a b": {"type": "string"},
            "é": {"type": "string"},
            "last": {"type": "string"},  # no order: after the ordered ones, as listed
            "a": {"type": "string", "propertyOrder": 1},
            "flag": {"type": "string", "propertyOrder": True},  # not a number: no order
        }
    )
    assert list(schema["properties"]) == ["a", "b", "last", "flag"]
    assert [f.path for f in normalizer.fields] == ["a", "b", "last", "flag"]
    assert schema["additionalProperties"] is False


def test_an_empty_properties_list_is_an_empty_object() -> None:
    schema, normalizer = normalized([])
    assert schema["properties"] == {} and normalizer.fields == []


def test_numbers_may_come_as_strings_and_required_text_cannot_be_blank() -> None:
    schema, normalizer = normalized(
        {"age": {"type": "integer"}, "name": {"type": "string"}, "tags": {"type": "array"}},
        required=["age", "name", "tags"],
    )
    age, name, tags = (schema["properties"][n] for n in ("age", "name", "tags"))
    assert age["type"] == ["integer", "string"] and age["pattern"] == NUMERIC_STRING
    assert name["pattern"] == NOT_BLANK
    assert tags["minItems"] == 1
    assert [f.type for f in normalizer.fields] == ["integer", "string", "array"]


def test_liform_attr_gives_an_anchored_pattern_and_an_example() -> None:
    schema, normalizer = normalized(
        {
            "code": {"type": "string", "attr": {"pattern": "[A-Z]{3}", "placeholder": "ABC"}},
            "ref": {"type": "string", "attr": {"pattern": r"(\d)\1"}},  # RE2 cannot run it
        }
    )
    code, ref = schema["properties"]["code"], schema["properties"]["ref"]
    assert code["pattern"] == "^(?:[A-Z]{3})$" and code["examples"] == ["ABC"]
    assert "pattern" not in ref
    guide = {f.path: f for f in normalizer.fields}
    assert guide["code"].example == "ABC" and guide["code"].description is None
    # The guide says that the supplier's rule was not checked here.
    assert guide["ref"].description == unchecked_pattern_note("en-US")


def test_an_object_with_required_questions_is_required_and_lists_use_star_paths() -> None:
    schema, normalizer = normalized(
        {
            "extra": {
                "type": "object",
                "properties": {"q": {"type": "string"}},
                "required": ["q"],
            },
            "people": {
                "type": "array",
                "title": "Travellers",
                "minItems": 2,
                "items": {"type": "object", "title": "prototype", "properties": {"n": {}}},
            },
        }
    )
    assert schema["required"] == ["extra", "people"]
    assert [f.path for f in normalizer.fields] == ["extra.q", "people.*.n"]
    assert schema["properties"]["people"]["items"]["title"] == "Travellers"


def test_keywords_of_the_wrong_kind_or_unknown_are_dropped() -> None:
    schema, _ = normalized(
        {
            "a": {
                "type": "string",
                "minLength": -1,
                "maxLength": True,
                "format": "x" * 51,
                "$ref": "#/definitions/x",
                "oneOf": [{"type": "string"}],
                "default": "y" * 2000,
            }
        }
    )
    assert schema["properties"]["a"] == {"type": "string"}


@pytest.mark.parametrize(
    ("raw", "cap"),
    [
        ({f"p{n}": {"type": "string"} for n in range(MAX_PROPERTIES + 1)}, "properties"),
        ({"pick": {"type": "string", "enum": list(range(MAX_ENUM_VALUES + 1))}}, "choices"),
    ],
    ids=["properties", "enum"],
)
def test_a_schema_beyond_a_cap_is_refused(raw: dict[str, Any], cap: str) -> None:
    with pytest.raises(SchemaTooLarge, match=cap):
        normalized(raw)


def test_depth_is_capped() -> None:
    def nested(levels: int) -> dict[str, Any]:
        node: dict[str, Any] = {"type": "string"}
        for _ in range(levels):
            node = {"type": "object", "properties": {"a": node}}
        return node

    assert normalized(nested(MAX_DEPTH - 1)["properties"])[0]
    with pytest.raises(SchemaTooLarge, match="deeper"):
        normalized(nested(MAX_DEPTH + 1)["properties"])


def test_without_required_removes_every_required_and_copies() -> None:
    schema = {
        "type": "object",
        "required": ["a", "list"],
        "properties": {
            "a": {"type": "object", "required": ["b"], "properties": {"b": {}}},
            "list": {"type": "array", "items": {"type": "object", "required": ["c"]}},
        },
    }
    loose = without_required(schema)
    assert "required" not in str(loose)
    assert schema["required"] == ["a", "list"]  # the original is untouched
    assert loose["properties"]["a"]["properties"] == {"b": {}}
