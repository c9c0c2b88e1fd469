"""The customer step of a checkout: read what a cart needs, send the customer.

Plain async functions over a `MusementClient`; no MCP here. Arguments are
checked before any network call, and `customer` is validated against the
cart's own schema before the PUT, so invalid input never reaches Musement.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import anyio

from .arguments import check_cart_uuid, parse_json_argument
from .cache import SchemaCache
from .cart_items import activity_names, fetch_activity_names, fingerprint, items_of
from .cart_schemas import CartSchema, SchemaListener
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
from .json_types import JSONObject
from .models import CustomerSchemaResult, UpdateCustomerResult
from .order_info import explained
from .problems import problem
from .schema import CompiledSchema, activity_of
from .upstream import MusementClient


def parse_customer(value: object, *, partial: bool) -> JSONObject:
    """`customer` as Musement's body: an object (some clients send a JSON string), in
    the published form (nulls, the activities' answers as a list) or Musement's own."""
    customer = musement_customer(parse_json_argument(value, "customer", dict))
    if partial and not customer:
        raise InvalidArgument(
            "customer is empty: a partial update needs at least one field.",
            details=[problem("customer", "required", "has no fields")],
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


async def read_with_customer_schema(
    client: MusementClient,
    cart_uuid: str,
    schema: CartSchema,
    *,
    cart_required: bool,
    beside: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
) -> tuple[JSONObject | None, CompiledSchema]:
    """The cart and its customer schema, read together, with `beside` in the same round.

    A kept schema is reused, without a request, while the cart read now still has the
    items it was read beside and two reads beside them agreed; otherwise it is read
    again beside the cart. Without `cart_required`, a cart that cannot be read only
    costs the activities' names.
    """
    hit = schema.cached()
    trusted = hit.schema if hit and hit.confirmed and hit.items is not None else None
    carts: list[JSONObject] = []
    schemas: list[CompiledSchema] = []
    failed: dict[str, MusementError] = {}

    async def read_cart() -> None:
        try:
            carts.append(await client.get_cart(cart_uuid))
        except MusementError as failure:
            failed["cart"] = failure

    async def read_schema() -> None:
        try:
            schemas.append(await schema.fetch())
        except MusementError as failure:
            failed["schema"] = failure

    async with anyio.create_task_group() as group:
        group.start_soon(read_cart)
        if trusted is None:
            group.start_soon(read_schema)
        for task in beside:
            group.start_soon(task)
    if cart_required and "cart" in failed:
        raise failed["cart"]
    if "schema" in failed:
        raise failed["schema"]
    cart = carts[0] if carts else None
    items = fingerprint(items_of(cart)) if cart is not None else None
    if trusted is not None and hit is not None and items == hit.items:
        return cart, trusted
    compiled = schemas[0] if schemas else await schema.fetch()
    agreed = (
        items is not None
        and hit is not None
        and hit.items == items
        and hit.schema is not None
        and hit.schema.schema == compiled.schema
    )
    schema.keep(compiled, items, confirmed=agreed)
    return cart, compiled


async def get_customer_schema(
    client: MusementClient,
    cart_uuid: object,
    *,
    cache: SchemaCache | None = None,
    on_schema: SchemaListener | None = None,
) -> CustomerSchemaResult:
    """What the cart needs from the customer: normalized schema and field guide.

    `on_schema` sees every schema fetched from Musement (not cache hits).
    """
    cart_uuid = check_cart_uuid(cart_uuid)
    schema = customer_schema(client, cart_uuid, cache, on_schema)
    with client.call_budget():
        # The cart gives the activities' names, and says whether a kept schema still holds.
        cart, compiled = await read_with_customer_schema(
            client, cart_uuid, schema, cart_required=False
        )
    compiled = compiled.with_activity_names(activity_names(cart) if cart else {})
    return CustomerSchemaResult.model_validate(
        {"schema": compiled.schema, **guide(compiled.fields)}
    )


async def update_cart_customer(
    client: MusementClient,
    cart_uuid: object,
    customer: object,
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
        except CartNotFound:
            schema.forget()
            raise
        except InvalidRequest as rejected:
            why = await schema.explain_rejection(
                customer, rejected, partial=partial, what="customer"
            )
            if isinstance(why, ValidationFailed):
                why = await _with_activity_names(client, cart_uuid, why)
            raise why from None
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
