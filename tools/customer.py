"""The customer step of a checkout: read what a cart needs, send the customer.

Plain async functions over a `MusementClient`; no MCP here. Arguments are
checked before any network call, and `customer` is validated against the
cart's own schema before the PUT, so invalid input never reaches Musement.
"""

from __future__ import annotations

from typing import Any

import anyio

from .arguments import check_cart_uuid, parse_json_argument
from .cache import SchemaCache
from .cart_items import fetch_activity_names
from .cart_schemas import CartSchema, SchemaListener
from .client import MusementClient
from .errors import (
    CartLocked,
    CartNotFound,
    InvalidArgument,
    InvalidRequest,
    MusementError,
    ValidationFailed,
)
from .field_guide import guide
from .input_schema import musement_customer
from .models import CustomerSchemaResult, UpdateCustomerResult
from .order_info import explained
from .schema import CompiledSchema, activity_of


def parse_customer(value: Any, *, partial: bool) -> dict[str, Any]:
    """`customer` as Musement's body: an object (some clients send a JSON string), in
    the published form (nulls, the activities' answers as a list) or Musement's own."""
    customer = musement_customer(parse_json_argument(value, "customer", dict))
    if partial and not customer:
        raise InvalidArgument(
            "customer is empty: a partial update needs at least one field.",
            details=[{"path": "customer", "kind": "required", "message": "has no fields"}],
        )
    return customer


def customer_schema(
    client: MusementClient,
    cart_uuid: str,
    cache: SchemaCache | None,
    on_schema: SchemaListener | None = None,
) -> CartSchema:
    return CartSchema(
        client,
        lambda: client.get_customer_schema(cart_uuid),
        cart_uuid,
        "customer",
        cache=cache,
        on_schema=on_schema,
    )


async def get_customer_schema(
    client: MusementClient,
    cart_uuid: Any,
    *,
    cache: SchemaCache | None = None,
    on_schema: SchemaListener | None = None,
) -> CustomerSchemaResult:
    """What the cart needs from the customer: normalized schema and field guide.

    `on_schema` sees every schema fetched from Musement (not cache hits).
    """
    cart_uuid = check_cart_uuid(cart_uuid)
    names: dict[str, str] = {}
    read: dict[str, CompiledSchema] = {}
    failed: list[MusementError] = []

    async def read_names() -> None:
        names.update(await fetch_activity_names(client, cart_uuid))

    async def read_schema() -> None:
        try:
            read["schema"] = await customer_schema(client, cart_uuid, cache, on_schema).fresh()
        except MusementError as failure:
            failed.append(failure)

    with client.call_budget():
        # The activities' names come from the cart: read it beside the schema.
        async with anyio.create_task_group() as group:
            group.start_soon(read_names)
            group.start_soon(read_schema)
    if failed:
        raise failed[0]
    compiled = read["schema"].with_activity_names(names)
    return CustomerSchemaResult.model_validate(
        {"cart_uuid": cart_uuid, "schema": compiled.schema, **guide(compiled.fields)}
    )


async def update_cart_customer(
    client: MusementClient,
    cart_uuid: Any,
    customer: Any,
    *,
    partial: bool = False,
    cache: SchemaCache | None = None,
    on_schema: SchemaListener | None = None,
) -> UpdateCustomerResult:
    """Validate `customer` against the cart's schema, then `PUT` it.

    With `partial`, required fields are not enforced: Musement merges a partial
    body into the stored customer (e.g. only `extra_customer_data`).
    """
    cart_uuid = check_cart_uuid(cart_uuid)
    customer = parse_customer(customer, partial=partial)
    schema = customer_schema(client, cart_uuid, cache, on_schema)
    with client.call_budget():
        try:
            await schema.check(customer, partial=partial, what="customer")
        except ValidationFailed as failure:
            raise await _with_activity_names(client, cart_uuid, failure) from None
        try:
            stored = await client.put_customer(cart_uuid, customer)
        except CartLocked as locked:
            schema.forget()
            raise await explained(client, cart_uuid, locked) from None
        except (CartNotFound, InvalidRequest):
            schema.forget()
            raise
    return UpdateCustomerResult.model_validate(
        {"cart_uuid": cart_uuid, "mode": "partial" if partial else "full", "customer": stored}
    )


async def _with_activity_names(
    client: MusementClient, cart_uuid: str, failure: ValidationFailed
) -> ValidationFailed:
    """The failure with activity questions labelled by the activity's name (one cart
    read, only when an activity question is at fault)."""
    compiled = failure.schema
    if not isinstance(compiled, CompiledSchema) or not any(
        activity_of(problem["path"]) for problem in failure.details
    ):
        return failure
    named = compiled.with_activity_names(await fetch_activity_names(client, cart_uuid))
    return ValidationFailed(
        failure.message,
        details=[
            {**problem, "group": question.group}
            if (question := named.field_at(problem["path"])) is not None and question.group
            else problem
            for problem in failure.details
        ],
        schema=named,
        payload=failure.payload,
    )
