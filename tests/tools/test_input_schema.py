"""tools/input_schema.py: the cart-independent input schemas the update tools publish (closed,
every property required, `null` for "not given", bounded in size and unions), and the
Musement bodies built from either payload form."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from musement_mcp.tools import compile_schema
from musement_mcp.tools.input_schema import (
    MAX_OTHER_FIELDS,
    MAX_OTHER_UNIONS,
    MAX_PUBLISHED_CHOICES,
    OTHER_FIELD,
    generic_customer_schema,
    merged_customer_schema,
    musement_customer,
    musement_participants,
    nullable,
    participants_input_schema,
)
from musement_mcp.tools.labels import KNOWN_BASE_FIELDS
from musement_mcp.tools.schema import CompiledSchema
from tests.support.schemas import ACTIVITY, MUSEMENT_SCHEMA


@pytest.fixture(scope="module")
def compiled() -> CompiledSchema:
    return compile_schema(MUSEMENT_SCHEMA)


def served(properties: dict[str, Any]) -> CompiledSchema:
    """A customer schema as Musement would serve it, with these base fields."""
    ordered = {
        name: {**leaf, "propertyOrder": i} for i, (name, leaf) in enumerate(properties.items())
    }
    return compile_schema({"type": "object", "properties": ordered, "required": []})


def closed_everywhere(schema: Any) -> list[str]:
    """Objects that are not strict-expressible: open, or with a property not required."""
    found: list[str] = []
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            if schema.get("additionalProperties") is not False:
                found.append(f"open: {sorted(schema.get('properties', {}))}")
            if schema.get("required") != list(schema.get("properties", {})):
                found.append(f"not all required: {sorted(schema.get('properties', {}))}")
        for value in schema.values():
            found += closed_everywhere(value)
    elif isinstance(schema, list):
        for value in schema:
            found += closed_everywhere(value)
    return found


def test_generic_form_drops_cart_specific_parts(compiled):
    generic = generic_customer_schema(compiled)
    Draft202012Validator.check_schema(generic)
    # Strict-expressible: closed, every property listed as required; optional ones nullable,
    # or free text ("" means not given), or a list ([] means none).
    assert generic["additionalProperties"] is False
    assert generic["required"] == list(generic["properties"])
    assert all(
        p.get("type") in ("string", "array") or p["anyOf"][-1] == {"type": "null"}
        for p in generic["properties"].values()
    )
    # The activities' answers: a closed list, not the cart's own activity keys.
    answers = generic["properties"]["extra_customer_data"]
    assert answers["type"] == "array"
    assert answers["items"]["required"] == ["activity_uuid", "question", "value"]
    assert ACTIVITY not in str(generic)
    newsletter = generic["properties"]["musement_newsletter"]
    assert newsletter["anyOf"][0]["enum"] == ["YES", "NO"]  # one order: Musement's varies
    # Inside the non-null branch: every converter keeps it there (google-genai drops it beside).
    assert newsletter["anyOf"][0]["description"] == "Musement newsletter"


def test_the_published_schemas_are_strict_expressible(compiled: CompiledSchema) -> None:
    for schema in (generic_customer_schema(compiled), participants_input_schema()):
        Draft202012Validator.check_schema(schema)
        assert closed_everywhere(schema) == []
        assert "default" not in str(schema)


def test_null_is_a_branch_of_its_own_with_the_description_inside() -> None:
    assert nullable({"type": "string"}, "When") == {
        "anyOf": [{"type": "string", "description": "When"}, {"type": "null"}]
    }
    assert nullable({"type": "string"}) == {"anyOf": [{"type": "string"}, {"type": "null"}]}


def test_other_fields_are_bounded_in_number_and_in_unions() -> None:
    plain = {f"note_{n}": {"type": "string"} for n in range(MAX_OTHER_FIELDS + 3)}
    published = generic_customer_schema(served(plain))["properties"]
    others = [name for name in published if name.startswith("note_")]
    assert others == [f"note_{n}" for n in range(MAX_OTHER_FIELDS)]  # the first ones, in order
    assert published["note_0"] == {"type": "string", "description": OTHER_FIELD}
    # A choice is a union (it is nullable): only so many of those.
    choices = {f"pick_{n}": {"type": "string", "enum": ["a", "b"]} for n in range(6)}
    unions = generic_customer_schema(served({**choices, "note": {"type": "string"}}))
    picked = [name for name in unions["properties"] if name.startswith("pick_")]
    assert len(picked) == MAX_OTHER_UNIONS and "note" in unions["properties"]
    # The known fields are never what the bound leaves out.
    known = {name: {"type": "string"} for name in sorted(KNOWN_BASE_FIELDS)}
    crowded = generic_customer_schema(served({**plain, **known}))["properties"]
    assert KNOWN_BASE_FIELDS <= set(crowded)


def test_only_safe_flat_names_and_short_choices_are_published() -> None:
    schema = generic_customer_schema(
        served(
            {
                "Bad-Name": {"type": "string"},
                "x" * 41: {"type": "string"},
                "nested": {"type": "object", "properties": {"a": {"type": "string"}}},
                "size": {"type": "string", "enum": ["M", "L", "S"]},
                "many": {
                    "type": "string",
                    "enum": [f"c{n}" for n in range(MAX_PUBLISHED_CHOICES + 1)],
                },
                "spaced": {"type": "string", "enum": ["a b", "c"]},
                "age": {"type": "integer"},
            }
        )
    )["properties"]
    assert set(schema) == {"size", "many", "spaced", "age", "extra_customer_data"}
    assert schema["size"]["anyOf"][0]["enum"] == ["L", "M", "S"]  # sorted: it must not flap
    # Too many, or not safe to publish: free text (the server checks them against the cart).
    assert schema["many"] == schema["spaced"] == {"type": "string", "description": OTHER_FIELD}
    # A number may come as a string of digits, as Musement documents.
    assert [branch["type"] for branch in schema["age"]["anyOf"]] == ["string", "number", "null"]


def test_a_merge_never_drops_a_field_and_respects_the_bound() -> None:
    current = generic_customer_schema(served({"note_a": {"type": "string"}}))
    new = generic_customer_schema(
        served({f"note_{n}": {"type": "string"} for n in range(MAX_OTHER_FIELDS + 2)})
    )
    merged = merged_customer_schema(current, new)
    names = list(merged["properties"])
    assert names[0] == "note_a" and "extra_customer_data" in names
    others = [name for name in names if name.startswith("note_")]
    assert len(others) == MAX_OTHER_FIELDS
    assert closed_everywhere(merged) == []


def test_a_customer_body_from_either_form() -> None:
    answers = [
        {"activity_uuid": ACTIVITY, "question": "phone_number", "value": "123"},
        {"activity_uuid": ACTIVITY, "question": "hotel", "value": None},  # not given
        {"activity_uuid": 7, "question": "x", "value": "y"},  # no activity: ignored
        "junk",
    ]
    listed = musement_customer({"firstname": "Ada", "city": None, "extra_customer_data": answers})
    assert listed == {
        "firstname": "Ada",
        "extra_customer_data": {ACTIVITY: {"phone_number": "123"}},
    }
    mapped = musement_customer(
        {"extra_customer_data": {ACTIVITY: {"phone_number": "123", "hotel": None}, "other": None}}
    )
    assert mapped == {"extra_customer_data": {ACTIVITY: {"phone_number": "123"}}}
    # No answer at all is no answers: the key is not sent.
    for none in (
        [],
        {},
        {ACTIVITY: {}},
        [{"activity_uuid": ACTIVITY, "question": "q", "value": None}],
    ):
        assert musement_customer({"firstname": "Ada", "extra_customer_data": none}) == {
            "firstname": "Ada"
        }


def test_a_participants_body_merges_other_answers_without_overriding() -> None:
    people = [
        {
            "firstname": "Ada",
            "passport": None,
            "other_answers": [
                {"question": "shoe_size", "value": "38"},
                {"question": "firstname", "value": "Not Ada"},  # a known field wins
                {"question": "diet", "value": None},
                {"value": "no question"},
            ],
        },
        "not a person",
    ]
    assert musement_participants(people) == [
        {"firstname": "Ada", "shoe_size": "38"},
        "not a person",
    ]
