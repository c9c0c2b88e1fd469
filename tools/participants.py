"""Participants info of a cart item: read what it needs, send one entry per ticket.

Activities may need details about each participant (names, dates of birth,
passports, ...). Musement answers the item's participants schema: a
`participants` list with exactly one entry per ticket. The list is validated
against it, exact count included, before the PUT (which replaces the list).
"""

from __future__ import annotations

from .arguments import check_cart_uuid, check_uuid, parse_json_argument
from .cache import SchemaCache
from .cart_items import items_of
from .cart_schemas import CartSchema, SchemaListener
from .errors import (
    CartItemNotFound,
    CartLocked,
    InvalidRequest,
    ParticipantsNotRequired,
)
from .field_guide import guide
from .input_schema import musement_participants
from .json_types import JSONObject, int_at, object_at, text_at
from .models import ParticipantsSchemaResult, UpdateParticipantsResult
from .order_info import explained
from .upstream import MusementClient

PARTICIPANTS = "participants"


def check_item_uuid(value: object) -> str:
    return check_uuid(value, "cart_item_uuid", what="cart item (see get_cart)")


def participants_schema(
    client: MusementClient,
    cart_uuid: str,
    item_uuid: str,
    cache: SchemaCache | None,
    on_schema: SchemaListener | None = None,
    *,
    known_item: bool = False,
) -> CartSchema:
    """The item's participants schema; with `known_item` (the item was just read in the
    cart), a 404 means the item needs no participants info, as Musement documents."""

    async def fetch() -> JSONObject:
        try:
            return await client.get_participants_schema(cart_uuid, item_uuid)
        except CartItemNotFound as missing:
            if known_item:
                raise not_required(missing.code) from None
            raise await what_was_not_found(client, cart_uuid, item_uuid, missing) from None

    return CartSchema(
        client, fetch, cart_uuid, item_uuid, PARTICIPANTS, cache=cache, on_schema=on_schema
    )


async def get_participants_schema(
    client: MusementClient,
    cart_uuid: object,
    cart_item_uuid: object,
    *,
    cache: SchemaCache | None = None,
) -> ParticipantsSchemaResult:
    """What one cart item needs about its participants: schema, count and field guide.

    A schema kept from a read moments ago (get_cart reads every item's) is served as is:
    Musement documents adding and removing cart items, never changing one, so an item's
    participants form stays what it was while the item exists (see cache.py).
    """
    cart_uuid, item_uuid = check_cart_uuid(cart_uuid), check_item_uuid(cart_item_uuid)
    with client.call_budget():
        compiled = await participants_schema(client, cart_uuid, item_uuid, cache).current()
    listed = object_at(compiled.schema["properties"], PARTICIPANTS)
    fields = guide(compiled.fields)["fields"]
    for field in fields:
        # Every question is about a participant: the list's own title groups nothing.
        if field["group"] == (text_at(listed, "title") or PARTICIPANTS):
            field["group"] = None
    return ParticipantsSchemaResult.model_validate(
        {"quantity": int_at(listed, "minItems") or 0, "fields": fields}
    )


async def update_participants(
    client: MusementClient,
    cart_uuid: object,
    cart_item_uuid: object,
    participants: object,
    *,
    cache: SchemaCache | None = None,
) -> UpdateParticipantsResult:
    """Validate the list (one entry per ticket) against the item's schema, then `PUT` it."""
    cart_uuid, item_uuid = check_cart_uuid(cart_uuid), check_item_uuid(cart_item_uuid)
    people = musement_participants(parse_json_argument(participants, PARTICIPANTS, list))
    schema = participants_schema(client, cart_uuid, item_uuid, cache)
    with client.call_budget():
        await schema.check({PARTICIPANTS: people}, partial=False, what=PARTICIPANTS)
        try:
            await client.put_participants(cart_uuid, item_uuid, people)
        except CartItemNotFound as missing:
            schema.forget()
            raise await what_was_not_found(client, cart_uuid, item_uuid, missing) from None
        except CartLocked as locked:
            schema.forget()
            raise await explained(client, cart_uuid, locked) from None
        except InvalidRequest as rejected:
            raise await schema.explain_rejection(
                {PARTICIPANTS: people}, rejected, partial=False, what=PARTICIPANTS
            ) from None
    # Musement documents no success body: the list was accepted as sent.
    return UpdateParticipantsResult(cart_uuid=cart_uuid, saved=len(people))


async def what_was_not_found(
    client: MusementClient, cart_uuid: str, item_uuid: str, error: CartItemNotFound
) -> CartItemNotFound | ParticipantsNotRequired:
    """Musement's 404 on an item path, told apart by asking the cart, never by wording.

    Musement answers 404 code "1400" for an unknown cart, an unknown item and an item
    that needs no participants info alike; only its message differs, and the wording is
    not a contract. The cart itself says which: no cart, no such item in it, or an item
    that is there (so it needs no participants info).
    """
    cart = await client.get_cart(cart_uuid)  # its own 404 is CartNotFound
    if item_uuid not in {item.cart_item_uuid for item in items_of(cart)}:
        return CartItemNotFound(
            "Musement has no such item in this cart.", status=404, code=error.code
        )
    return not_required(error.code)


def not_required(code: str | None) -> ParticipantsNotRequired:
    return ParticipantsNotRequired(
        "This cart item does not require participants info.", status=404, code=code
    )
