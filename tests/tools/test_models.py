"""tools/models.py: the tools' result models, where they do more than hold fields: Musement's
quirks read (an empty object sent as `[]`, fields it adds), and what is kept out of a result.
Their JSON Schemas are pinned by the tool snapshots (tests/snapshots/tools/)."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from musement_mcp.tools.models import (
    CartItemView,
    Customer,
    CustomerSchemaResult,
    ItemNotBookable,
    Money,
    OrderView,
)

ACTIVITY = "a2b4c6d8-1e2f-11e7-9cc9-06a7e332783f"


def test_a_customer_as_musement_stores_it() -> None:
    # Musement (PHP) serializes an empty object as [].
    assert Customer.model_validate({"extra_customer_data": []}).extra_customer_data == {}
    answers = {ACTIVITY: {"phone_number": "123"}}
    assert Customer.model_validate({"extra_customer_data": answers}).extra_customer_data == answers
    # A field Musement adds is kept, not an error.
    stored = Customer.model_validate({"firstname": "Ada", "loyalty_id": "L1"})
    assert stored.model_dump(exclude_none=True) == {"firstname": "Ada", "loyalty_id": "L1"}


def test_the_raw_schema_is_not_in_the_schema_tools_result() -> None:
    raw = {"type": "object", "properties": {}}
    result = CustomerSchemaResult.model_validate({"schema": raw, "fields": []})
    assert result.json_schema == raw  # read by its alias, for the resource that serves it
    assert result.model_dump() == {"fields": []}


def test_a_cart_item_shows_its_unit_price_as_text_and_keeps_the_numbers() -> None:
    unit = Money(value=45.0, currency="EUR", text="45.00 EUR")
    item = CartItemView(cart_item_uuid="i", activity_uuid="a", unit_price=unit)
    # What a client gets: the amount's text, no activity UUID, no participants defaults.
    assert item.model_dump(mode="json", exclude_none=True, exclude_defaults=True) == {
        "cart_item_uuid": "i",
        "unit_price": "45.00 EUR",
    }
    # What the confirmation token binds: the numbers.
    assert item.unit_price == unit and item.activity_uuid == "a"
    schema = CartItemView.model_json_schema(mode="serialization")
    assert "activity_uuid" not in schema["properties"]


def test_a_customers_country_is_its_name_and_code() -> None:
    country = {"id": 172, "name": "United States", "iso_code": "US", "iso3char": "USA"}
    stored = Customer.model_validate({"country": country})
    assert stored.country == {"name": "United States", "iso_code": "US"}


def test_a_field_that_may_be_unknown_is_never_required() -> None:
    """Results are sent without their None fields (server/pipeline.py): a field that may be
    None must not be required by the published output schema."""
    item = ItemNotBookable(cart_item_uuid="i", status=None, what_to_do="read it again")
    order = OrderView(order_uuid="o", paid=None, items=[], next_step="wait")
    for model in (item, order):
        sent = model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        schema = type(model).model_json_schema(mode="serialization")
        Draft202012Validator(schema).validate(sent)
