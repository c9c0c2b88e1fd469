"""tools/problems.py: our wording of what is wrong, one problem per field, its `kind` for code
to switch on, and never the value it is about. jsonschema finds the errors (on small schemas
here); `problems_of` words each. That no problem is built elsewhere is checked on the source
by tests/test_problem_kinds.py."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from musement_mcp.tools.patterns import NOT_BLANK, NUMERIC_STRING
from musement_mcp.tools.problems import Problem, field_problem, problem, problems_of

SECRET = "ada.lovelace@example.com"


def worded(
    schema: dict[str, Any], instance: Any, options: list[dict[str, Any]] | None = None
) -> list[Problem]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [
        found
        for error in validator.iter_errors(instance)
        for found in problems_of(error, lambda path: options)
    ]


def leaf(**keywords: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"f": {"title": "Field", **keywords}}}


def test_a_problem_has_a_path_a_kind_and_a_message_and_no_empty_extras() -> None:
    assert problem(["people", 0, "name"], "required", "is required", title=None) == {
        "path": "people.0.name",
        "kind": "required",
        "message": "is required",
    }
    with pytest.raises(AssertionError):
        problem("x", "no_such_kind", "m")  # type: ignore[arg-type]
    titled = field_problem(["f"], "m", {"title": "Field"}, "invalid", format="date")
    assert list(titled) == ["path", "kind", "message", "title", "format"]
    assert "title" not in field_problem(["f"], "m", {}, "invalid")


def test_a_missing_object_names_its_required_questions() -> None:
    schema = {
        "type": "object",
        "properties": {
            "extra": {
                "type": "object",
                "properties": {"phone": {"title": "Phone"}, "hotel": {}},
                "required": ["phone", "hotel"],
            },
            "email": {"title": "Email"},
        },
        "required": ["extra", "email"],
    }
    # jsonschema raises one `required` error per missing name, each with the whole list;
    # one of them names every missing question (CompiledSchema.validate drops the repeats).
    error = next(Draft202012Validator(schema).iter_errors({}))
    found = problems_of(error, lambda path: None)
    assert [(p["path"], p["kind"]) for p in found] == [
        ("extra.phone", "required"),
        ("extra.hotel", "required"),
        ("email", "required"),
    ]
    assert found[0]["title"] == "Phone"


def test_an_unknown_field_gets_a_suggestion_or_the_fields_there_are() -> None:
    schema = {
        "type": "object",
        "properties": {"firstname": {}, "lastname": {}},
        "additionalProperties": False,
    }
    (misspelt,) = worded(schema, {"fristname": "Ada"})
    assert (misspelt["path"], misspelt["kind"], misspelt["suggestion"]) == (
        "fristname",
        "unknown_field",
        "firstname",
    )
    assert "did you mean 'firstname'" in misspelt["message"]
    (unknown,) = worded(schema, {"shoe": 38})
    assert unknown["allowed_fields"] == ["firstname", "lastname"] and "suggestion" not in unknown


def test_a_choice_lists_its_options_with_labels() -> None:
    options = [{"value": "YES", "label": "Yes"}, {"value": "NO", "label": "No"}]
    (found,) = worded(leaf(enum=["YES", "NO"]), {"f": SECRET}, options)
    assert (found["kind"], found["allowed"]) == ("not_allowed", options)
    (bare,) = worded(leaf(enum=[1, 2]), {"f": 3})
    assert bare["allowed"] == [{"value": 1, "label": "1"}, {"value": 2, "label": "2"}]


@pytest.mark.parametrize(
    ("keywords", "value", "kind", "message"),
    [
        ({"type": "integer"}, SECRET, "wrong_type", "must be a whole number"),
        ({"type": ["number", "string"], "pattern": NUMERIC_STRING}, SECRET, "wrong_type", "number"),
        ({"type": "string", "pattern": NOT_BLANK}, " ", "blank", "must not be blank"),
        ({"type": "string", "pattern": "^[0-9]+$"}, SECRET, "bad_format", "expected format"),
        ({"type": "string", "format": "date"}, SECRET, "bad_format", "YYYY-MM-DD"),
        ({"type": "array", "minItems": 2, "maxItems": 2}, [SECRET], "too_few", "exactly 2 entries"),
        ({"type": "array", "minItems": 1, "maxItems": 1}, [1, 2], "too_many", "exactly 1 entry"),
        ({"type": "array", "minItems": 1}, [], "too_few", "at least one value"),
        ({"type": "array", "maxItems": 3}, [1, 2, 3, 4], "out_of_range", "maxItems 3"),
        ({"type": "array", "uniqueItems": True}, [SECRET, SECRET], "duplicate", "twice"),
        ({"type": "string", "maxLength": 3}, SECRET, "out_of_range", "maxLength 3"),
        ({"const": "YES"}, SECRET, "not_allowed", "const"),
        ({"not": {"type": "string"}}, SECRET, "invalid", "is not valid (not)"),
    ],
)
def test_each_error_is_worded_with_its_kind_and_never_quotes_the_value(
    keywords: dict[str, Any], value: Any, kind: str, message: str
) -> None:
    (found,) = worded(leaf(**keywords), {"f": value})
    assert (found["path"], found["kind"], found["title"]) == ("f", kind, "Field")
    assert message in found["message"]
    assert SECRET not in str(found) and "ada" not in found["message"]


def test_a_pattern_gives_the_schemas_example_when_it_has_one() -> None:
    (found,) = worded(leaf(type="string", pattern="^[0-9]+$", examples=["123"]), {"f": "x"})
    assert found["example"] == "123"
