"""tools/models.py: the tools' result models, where they do more than hold fields: Musement's
quirks read (an empty object sent as `[]`, fields it adds), and what is kept out of a result.
Their JSON Schemas are pinned by the tool snapshots (tests/snapshots/tools/)."""

from __future__ import annotations

from musement_mcp.tools.models import Customer, CustomerSchemaResult

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
    result = CustomerSchemaResult.model_validate({"cart_uuid": "c", "schema": raw, "fields": []})
    assert result.json_schema == raw  # read by its alias, for the resource that serves it
    assert result.model_dump() == {"cart_uuid": "c", "fields": []}
