"""A cart at a glance: its items, the customer saved so far, and what the order still needs.

The checklist is computed from what Musement shows: the stored customer is
validated against the cart's customer schema, and each item that needs
participants info has its stored list validated against the item's schema.

Musement accepts some customer fields it never shows back (`SHOWN_FIELDS` is
the Customer it documents): those can never be seen, so they are listed apart
(`not_shown`) and never count as missing. Nothing is remembered between calls:
every replica, and the same one after a restart, computes the same checklist.

Where one read fails (an item's participants, say), the overview still shows
the rest and says which part is unknown and why; the cart read and the
customer check are needed for anything at all, so their failure is the answer.
"""

from __future__ import annotations

from typing import Any

import anyio

from .arguments import check_cart_uuid
from .cache import SchemaCache
from .cart_items import activity_names, items_of
from .client import MusementClient
from .customer import customer_schema
from .errors import MusementError, ParticipantsNotRequired
from .models import CartOverview
from .order_info import order_of
from .participants import PARTICIPANTS, participants_schema, stored_participants
from .schema import CompiledSchema

# The Customer that PUT /carts/{cartUuid}/customer answers, field by field (API
# reference 3.5.0, "Update customer info for cart", 200 Customer). Fields of the
# form outside this list (allow_profiling, city, zipcode, tax_id) are write-only.
SHOWN_FIELDS = frozenset(
    {
        "address",
        "avatar",
        "birthdate",
        "country",
        "currency",
        "email",
        "events_related_newsletter",
        "extra_customer_data",
        "favourite_city",
        "firstname",
        "gender",
        "id",
        "id_number",
        "lastname",
        "locale",
        "mobile",
        "musement_newsletter",
        "thirdparty_newsletter",
    }
)


async def get_cart(
    client: MusementClient, cart_uuid: Any, *, cache: SchemaCache | None = None
) -> CartOverview:
    cart_uuid = check_cart_uuid(cart_uuid)
    with client.call_budget():
        cart = await client.get_cart(cart_uuid)
        items = items_of(cart)
        names = activity_names(cart)
        stored_customer = _stored_customer(cart.get("customer"))
        checks: dict[str, list[dict[str, Any]]] = {}
        failures: dict[str, MusementError] = {}
        held: dict[str, Any] = {}

        async def check_order() -> None:
            try:
                held["order"] = await order_of(client, cart_uuid)
            except MusementError as failure:
                failures["order"] = failure

        async def check_customer() -> None:
            try:
                compiled = await customer_schema(client, cart_uuid, cache).current()
            except MusementError as failure:
                failures["customer"] = failure
                return
            compiled = compiled.with_activity_names(names)
            shown = compiled.schema["properties"].keys() & SHOWN_FIELDS
            checks["customer"] = compiled.validate(
                {k: v for k, v in stored_customer.items() if k in shown}
            )

        async def check_item(item: dict[str, Any]) -> None:
            uuid = item["cart_item_uuid"]
            try:
                compiled = await _participants_schema_of(client, cart_uuid, uuid, cache)
                if compiled is None:
                    return
                item["participants_required"] = True
                people = await stored_participants(client, cart_uuid, uuid)
            except MusementError as failure:
                failures[uuid] = failure
                return
            item["participants_provided"] = len(people)
            checks[uuid] = compiled.validate({PARTICIPANTS: people})

        async with anyio.create_task_group() as group:
            group.start_soon(check_customer)
            group.start_soon(check_order)
            for item in items:
                group.start_soon(check_item, item)

    if "customer" in failures:
        raise failures["customer"]
    customer_problems = [p for p in checks["customer"] if _top(p) in SHOWN_FIELDS]
    not_shown = [
        {"path": p["path"], "title": p.get("title")}
        for p in checks["customer"]
        if _top(p) not in SHOWN_FIELDS
    ]
    participants = [
        {
            "cart_item_uuid": item["cart_item_uuid"],
            "activity_title": item["activity_title"],
            "problems": checks[item["cart_item_uuid"]],
        }
        for item in items
        if checks.get(item["cart_item_uuid"])
    ]
    unknown = [
        {
            "cart_item_uuid": None if part == "order" else part,
            "part": "order" if part == "order" else "participants",
            "error": {"type": failure.type, "message": failure.message, "hint": failure.hint},
        }
        for part, failure in failures.items()
    ]
    return CartOverview.model_validate(
        {
            "cart_uuid": cart_uuid,
            "items": items,
            "total": _formatted(cart.get("full_price")),
            "order": held.get("order"),
            "customer": stored_customer or None,
            "missing": {"customer": customer_problems, "participants": participants},
            "not_shown": not_shown,
            "unknown": unknown,
            # A cart that already has its order is not ready for another one.
            "ready_for_order": not customer_problems
            and not participants
            and not unknown
            and held.get("order") is None,
        }
    )


async def _participants_schema_of(
    client: MusementClient, cart_uuid: str, item_uuid: str, cache: SchemaCache | None
) -> CompiledSchema | None:
    """The item's compiled participants schema, or None when it needs none.

    The item comes from the cart just read, so a 404 on its participants schema
    means "not required" (Musement's documented meaning), whatever its wording.
    """
    try:
        schema = participants_schema(client, cart_uuid, item_uuid, cache, known_item=True)
        return await schema.current()
    except ParticipantsNotRequired:
        return None


def _formatted(price: Any) -> str | None:
    """A Musement price object as it formats it (`€ 50.00`), or None."""
    if isinstance(price, dict) and isinstance(price.get("formatted_value"), str):
        return str(price["formatted_value"])
    return None


def _top(problem: dict[str, Any]) -> str:
    return str(problem["path"]).split(".", 1)[0]


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
