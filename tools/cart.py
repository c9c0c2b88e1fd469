"""A cart at a glance: its items, the customer saved so far, and what the order still needs.

The checklist is computed from the cart's own schemas: the stored customer is
validated against the customer schema, and each item that needs participants
info has its stored list validated against the item's participants schema.
It is empty when the order can be placed.
"""

from __future__ import annotations

from typing import Any

import anyio

from .arguments import check_cart_uuid
from .cache import SchemaCache
from .client import MusementClient
from .customer import customer_schema
from .errors import ParticipantsNotRequired
from .models import CartOverview
from .participants import PARTICIPANTS, participants_schema, stored_participants


async def get_cart(
    client: MusementClient, cart_uuid: Any, *, cache: SchemaCache | None = None
) -> CartOverview:
    cart_uuid = check_cart_uuid(cart_uuid)
    with client.call_budget():
        cart = await client.get_cart(cart_uuid)
        items = [_item(raw) for raw in cart.get("items") or [] if isinstance(raw, dict)]
        stored_customer = _stored_customer(cart.get("customer"))
        checks: dict[str, list[dict[str, Any]]] = {}

        async def check_customer() -> None:
            compiled = await customer_schema(client, cart_uuid, cache).current()
            known = {k: v for k, v in stored_customer.items() if k in compiled.schema["properties"]}
            checks["customer"] = compiled.validate(known)

        async def check_item(item: dict[str, Any]) -> None:
            uuid = item["cart_item_uuid"]
            try:
                compiled = await participants_schema(client, cart_uuid, uuid, cache).current()
            except ParticipantsNotRequired:
                return
            people = await stored_participants(client, cart_uuid, uuid)
            item["participants_required"] = True
            item["participants_provided"] = len(people)
            checks[uuid] = compiled.validate({PARTICIPANTS: people})

        async with anyio.create_task_group() as group:
            group.start_soon(check_customer)
            for item in items:
                group.start_soon(check_item, item)

    participants = [
        {
            "cart_item_uuid": item["cart_item_uuid"],
            "activity_title": item["activity_title"],
            "problems": checks[item["cart_item_uuid"]],
        }
        for item in items
        if checks.get(item["cart_item_uuid"])
    ]
    return CartOverview.model_validate(
        {
            "cart_uuid": cart_uuid,
            "items": items,
            "customer": stored_customer or None,
            "missing": {"customer": checks["customer"], "participants": participants},
            "ready_for_order": not checks["customer"] and not participants,
        }
    )


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    product = raw.get("product") if isinstance(raw.get("product"), dict) else {}
    quantity = raw.get("quantity")
    return {
        "cart_item_uuid": str(raw.get("uuid", "")),
        "activity_uuid": product.get("activity_uuid") or product.get("product_identifier"),
        "activity_title": product.get("title"),
        "quantity": quantity if isinstance(quantity, int) else None,
        "participants_required": False,
        "participants_provided": 0,
    }


def _stored_customer(raw: Any) -> dict[str, Any]:
    """The customer as Musement stores it, without unset fields (null, PHP's `[]`)."""
    if not isinstance(raw, dict):
        return {}
    customer = {k: v for k, v in raw.items() if v is not None and v != []}
    extra = customer.get("extra_customer_data")
    if isinstance(extra, dict):
        customer["extra_customer_data"] = {
            activity: answers for activity, answers in extra.items() if answers != []
        }
    return customer
