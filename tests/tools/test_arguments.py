"""tools/arguments.py: tool arguments checked before any network call. A UUID that reaches a
URL path is exactly 8-4-4-4-12 ASCII hex; a JSON argument is an object (or list) of bounded
size and depth that JSON can carry, possibly sent as a JSON string."""

from __future__ import annotations

import json

import pytest

from musement_mcp.tools.arguments import (
    MAX_ARGUMENT_BYTES,
    MAX_ARGUMENT_DEPTH,
    MAX_REPORTED,
    check_cart_uuid,
    check_uuid,
    is_uuid,
    parse_json_argument,
)
from musement_mcp.tools.errors import InvalidArgument

UUID = "c7a6f5de-0f6b-4e12-9c1e-2a9e3b1d4f00"


def kinds(failure: pytest.ExceptionInfo[InvalidArgument]) -> list[tuple[str, str]]:
    return [(p["path"], p["kind"]) for p in failure.value.details]


@pytest.mark.parametrize(
    "value",
    [
        UUID.replace("-", ""),  # no dashes
        UUID + "0",
        UUID[:-1],
        "../orders",
        "c7a6f5de%2F0f6b-4e12-9c1e-2a9e3b1d4f00",
        f"{UUID}/../../orders",
        f" {UUID}",
        f"{UUID}\n",
        # Look-alike digits: an Arabic-Indic zero, a fullwidth one.
        UUID.replace("0", "\u0660"),
        UUID.replace("0", "\uff10"),
        None,
        123,
        [UUID],
    ],
)
def test_only_an_exact_ascii_uuid_is_a_uuid(value: object) -> None:
    assert not is_uuid(value)
    with pytest.raises(InvalidArgument) as failure:
        check_cart_uuid(value)
    assert kinds(failure) == [("cart_uuid", "bad_format")]


def test_a_uuid_comes_back_lower_cased_and_a_refusal_never_quotes_it() -> None:
    assert check_uuid(UUID.upper(), "cart_item_uuid", what="cart item") == UUID
    secret = "ada.lovelace@example.com"
    with pytest.raises(InvalidArgument) as failure:
        check_uuid(secret, "cart_item_uuid", what="cart item")
    assert secret not in failure.value.message
    assert f"{len(secret)} characters" in failure.value.message
    assert "cart item" in failure.value.hint


def test_a_json_string_is_parsed_and_an_object_taken_as_it_is() -> None:
    given = {"firstname": "Ada", "extra_customer_data": {UUID: {"phone": "+39"}}}
    assert parse_json_argument(json.dumps(given), "customer", dict) == given
    assert parse_json_argument(given, "customer", dict) is given
    assert parse_json_argument("[1, 2]", "participants", list) == [1, 2]


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("{not json", dict, "bad_format"),
        ("NaN", dict, "bad_format"),  # Python's json reads it; JSON has no NaN
        ('{"age": Infinity}', dict, "bad_format"),
        ("[]", dict, "wrong_type"),
        ('"a string in a string"', dict, "wrong_type"),
        ({"a": 1}, list, "wrong_type"),
        (None, dict, "wrong_type"),
        (True, list, "wrong_type"),
    ],
)
def test_what_is_not_the_wanted_json_is_refused(value: object, kind: type, expected: str) -> None:
    with pytest.raises(InvalidArgument) as failure:
        parse_json_argument(value, "customer", kind)
    assert kinds(failure) == [("customer", expected)]


def nested(levels: int) -> dict[str, object]:
    """An object `levels` deep (a scalar inside counts as one more level)."""
    node: dict[str, object] = {}
    for _ in range(levels - 1):
        node = {"a": node}
    return node


def test_depth_is_capped_exactly_at_the_limit() -> None:
    assert parse_json_argument(nested(MAX_ARGUMENT_DEPTH), "customer", dict)
    with pytest.raises(InvalidArgument) as failure:
        parse_json_argument(nested(MAX_ARGUMENT_DEPTH + 1), "customer", dict)
    assert kinds(failure) == [("customer", "too_large")]
    # Deep enough to break a recursive parser: refused, not a RecursionError.
    with pytest.raises(InvalidArgument):
        parse_json_argument("[" * 100_000 + "]" * 100_000, "participants", list)


def test_size_is_capped_as_text_and_as_an_object() -> None:
    fits = {"a": "x" * (MAX_ARGUMENT_BYTES - len('{"a":""}'))}
    assert parse_json_argument(fits, "customer", dict) is fits
    too_large = {"a": "x" * MAX_ARGUMENT_BYTES}
    for value in (too_large, json.dumps(too_large)):
        with pytest.raises(InvalidArgument) as failure:
            parse_json_argument(value, "customer", dict)
        assert kinds(failure) == [("customer", "too_large")]


def test_values_json_cannot_carry_are_listed_by_path() -> None:
    value = {
        "b": [1.0, float("nan")],
        "a": {"age": float("-inf"), "name": "Ada\ud800"},
        "\udfff": "a key that is not text",
    }
    with pytest.raises(InvalidArgument) as failure:
        parse_json_argument(value, "customer", dict)
    assert kinds(failure) == [
        ("customer", "unencodable"),  # the bad key, shown as its parent
        ("customer.a.age", "unencodable"),
        ("customer.a.name", "unencodable"),
        ("customer.b.1", "unencodable"),
    ]
    assert "4 found" in failure.value.message


def test_the_listed_problems_are_capped_and_the_message_counts_them_all() -> None:
    many = [float("inf")] * (MAX_REPORTED + 10)
    with pytest.raises(InvalidArgument) as failure:
        parse_json_argument(many, "participants", list)
    assert len(failure.value.details) == MAX_REPORTED
    assert f"{MAX_REPORTED + 10} found" in failure.value.message
