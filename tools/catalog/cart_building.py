"""Building a cart: create it, add a day's product to it, remove an item, change a quantity.

Adding is reversible and costs nothing until the order (whose confirmation covers the whole
cart), so it asks for no confirmation of its own; instead every add answers with what was
added, for when, how many and at what price. What the day's options say cannot work (a
product not on that day, a quantity outside min_buy/max_buy or the seats left, a language or
pickup not offered) is refused before anything is sent.

Repeats are safe. `POST /carts/{cartUuid}/items` is never retried, and an add whose product
is already in the cart with the same quantity answers "already in the cart" (`added: false`,
the item that is there) without sending anything, unless `another` is true. The cart is read
for that just before the add, and adds to one cart run one at a time in this process, so a
client's retry or a model calling twice never adds the item twice. (Two replicas of the
server adding the same product to one cart at the same instant could still both add it.)

A quantity changes by replacing the item (Musement has no update of an item): `replaces`
names the item to remove first; the answer says so, and the new item has a new UUID. Should
the add then fail, the old item is put back where possible and the error says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

import anyio

from ..arguments import check_cart_uuid, check_uuid, is_uuid
from ..cache import SchemaCache
from ..cart_items import MAX_CART_ITEMS, PREBOOK_OK, cart_item
from ..cart_schemas import SchemaListener
from ..catalog_models import CartItemAdded, CartItemRemoved, CreateCartResult
from ..customer import customer_schema
from ..errors import (
    CartItemNotFound,
    CartNotFound,
    ChoiceNotOffered,
    InvalidArgument,
    MusementError,
    UpstreamError,
)
from ..json_types import JSONObject, JSONValue
from ..models import Money
from ..prices import money, times
from ..problems import Problem, problem
from ..slots import KeyedSlots
from ..text import shown_text
from ..upstream import MusementClient
from .availability import Offer, check_pickup, read_day
from .checks import check_activity_uuid, check_count, check_day, check_text

MAX_QUANTITY = 100
NEW_CART_HINT = (
    "Check the cart UUID: create_cart gives a new one. A cart Musement no longer has (carts "
    "without an order are removed after three months) cannot be used again."
)
_T = TypeVar("_T")
# Adds to one cart, one at a time in this process: the repeat check reads the cart first.
_ADDING = KeyedSlots(1)


@dataclass(frozen=True)
class AddRequest:
    """add_to_cart's arguments, as given (checked by `add_to_cart`)."""

    cart_uuid: object
    activity_uuid: object
    day: object
    product_identifier: object
    quantity: object
    language: object = None
    pickup: object = None
    another: bool = False
    replaces: object = None


@dataclass(frozen=True)
class _Held:
    """An item the cart holds, with its product (`product.id`, documented in add-items)."""

    cart_item_uuid: str
    product_id: str | None
    quantity: int | None
    status: str | None
    unit_price: Money | None


def held_items(cart: JSONObject) -> list[_Held]:
    raw_items = cart.get("items")
    held = []
    for raw in raw_items[:MAX_CART_ITEMS] if isinstance(raw_items, list) else []:
        if not isinstance(raw, dict):
            continue
        view = cart_item(raw)
        product = raw.get("product")
        product_id = product.get("id") if isinstance(product, dict) else None
        if isinstance(product_id, int) and not isinstance(product_id, bool):
            product_id = str(product_id)
        if is_uuid(view.cart_item_uuid):
            held.append(
                _Held(
                    view.cart_item_uuid,
                    product_id if isinstance(product_id, str) else None,
                    view.quantity,
                    view.status,
                    view.unit_price,
                )
            )
    return held


@dataclass(frozen=True)
class _Checked:
    cart_uuid: str
    activity_uuid: str
    day: dt.date
    product_id: str
    quantity: int
    language: str | None
    pickup: str | None
    another: bool
    replaces: str | None


async def create_cart(client: MusementClient, discount_code: object = None) -> CreateCartResult:
    """A new, empty cart (`POST /carts`), with a promo code where given. A repeat makes
    another empty cart: harmless, and nothing is ever charged for one."""
    code = None if discount_code is None else check_text(discount_code, "discount_code", 50)
    with client.call_budget():
        cart = await client.create_cart(code)
    uuid = cart.get("uuid")
    if not is_uuid(uuid):
        raise UpstreamError("Musement answered the new cart without a cart UUID.")
    promo = cart.get("promo_code")
    applied = isinstance(promo, dict) and str(promo.get("code", "")).upper() == str(code).upper()
    return CreateCartResult(
        cart_uuid=str(uuid).lower(), discount_code_applied=applied if code else None
    )


async def add_to_cart(
    client: MusementClient,
    request: AddRequest,
    *,
    cache: SchemaCache | None = None,
    on_schema: SchemaListener | None = None,
) -> CartItemAdded:
    """Add `quantity` of a day's product to the cart, checked against the day's options;
    an add already made answers `added: false` (see the module's docstring)."""
    wanted = _check(request)
    with client.call_budget():
        async with _ADDING.hold(wanted.cart_uuid):
            result = await _add(client, wanted)
        if result.added:
            await _refresh_customer_form(client, wanted.cart_uuid, cache, on_schema)
    return result


async def remove_from_cart(
    client: MusementClient,
    cart_uuid: object,
    cart_item_uuid: object,
    *,
    cache: SchemaCache | None = None,
    on_schema: SchemaListener | None = None,
) -> CartItemRemoved:
    """`DELETE` the item; an item already gone from an existing cart answers `removed:
    false` (so a repeat is harmless)."""
    cart = check_cart_uuid(cart_uuid)
    item = check_uuid(cart_item_uuid, "cart_item_uuid", what="cart item (get_cart lists them)")
    with client.call_budget():
        async with _ADDING.hold(cart):
            try:
                await client.remove_cart_item(cart, item)
            except CartItemNotFound:
                held = held_items(await _cart(client, cart))
                if any(x.cart_item_uuid == item for x in held):
                    raise
                return CartItemRemoved(cart_uuid=cart, cart_item_uuid=item, removed=False)
        await _refresh_customer_form(client, cart, cache, on_schema)
    return CartItemRemoved(cart_uuid=cart, cart_item_uuid=item, removed=True)


def _check(request: AddRequest) -> _Checked:
    identifier = request.product_identifier
    if isinstance(identifier, int) and not isinstance(identifier, bool):
        identifier = str(identifier)
    language = request.language
    if language is not None and not (
        isinstance(language, str)
        and len(language) == 2
        and language.isascii()
        and language.isalpha()
    ):
        raise InvalidArgument(
            "language must be a two-letter code from get_day_options (e.g. en).",
            details=[problem("language", "bad_format", "must be a two-letter language code")],
        )
    return _Checked(
        cart_uuid=check_cart_uuid(request.cart_uuid),
        activity_uuid=check_activity_uuid(request.activity_uuid),
        day=check_day(request.day, "day"),
        product_id=check_text(identifier, "product_identifier", 200),
        quantity=check_count(request.quantity, "quantity", low=1, high=MAX_QUANTITY),
        language=language.lower() if isinstance(language, str) else None,
        pickup=check_pickup(request.pickup),
        another=request.another is True,
        replaces=None
        if request.replaces is None
        else check_uuid(request.replaces, "replaces", what="cart item to replace (get_cart)"),
    )


async def _add(client: MusementClient, wanted: _Checked) -> CartItemAdded:
    carts: list[JSONObject] = []
    days: list[list[Offer]] = []
    listed_pickups: list[JSONValue] = []
    failed: dict[str, MusementError] = {}

    async def reading(name: str, call: Awaitable[_T], into: list[_T]) -> None:
        try:
            into.append(await call)
        except MusementError as failure:
            failed[name] = failure

    async with anyio.create_task_group() as group:
        group.start_soon(reading, "cart", _cart(client, wanted.cart_uuid), carts)
        group.start_soon(
            reading,
            "day",
            read_day(client, wanted.activity_uuid, wanted.day, wanted.pickup),
            days,
        )
        group.start_soon(
            reading,
            "pickups",
            client.get_activity_part(wanted.activity_uuid, "pickups"),
            listed_pickups,
        )
    if "cart" in failed:
        raise failed["cart"]
    pickups = _pickup_ids(listed_pickups[0] if listed_pickups else None)
    problems = _pickup_problems(wanted, pickups)
    if problems:
        raise _refused(problems)
    if "day" in failed:
        raise failed["day"]
    offers = days[0]
    offer = next((o for o in offers if o.product_id == wanted.product_id), None)
    if offer is None:
        raise _refused(
            [
                problem(
                    "product_identifier",
                    "not_offered",
                    f"is not among the products of this activity on {wanted.day.isoformat()}"
                    " (identifiers differ per day, time, option and ticket)",
                )
            ]
        )
    held = held_items(carts[0])
    same_slot = {o.product_id for o in offers if (o.option, o.time) == (offer.option, offer.time)}
    problems = _offer_problems(wanted, offer, held, same_slot)
    if problems:
        raise _refused(problems)
    pickup = wanted.pickup if pickups else None
    language = wanted.language if offer.languages else None
    ignored = [
        name
        for name, given, used in (
            ("language", wanted.language, language),
            ("pickup", wanted.pickup, pickup),
        )
        if given is not None and used is None
    ]

    already = _already_there(wanted, held)
    replaced = next((x for x in held if x.cart_item_uuid == wanted.replaces), None)
    if wanted.replaces and replaced is None:
        if already is None:
            raise CartItemNotFound(
                "The cart has no item with the UUID given as `replaces`.",
                hint="get_cart lists the cart's items with their cart_item_uuid.",
            )
        return _answer(wanted, offer, language, already, added=False, note=_REPEAT)
    if already is not None and not wanted.another and replaced is None:
        return _answer(wanted, offer, language, already, added=False, note=_REPEAT)

    item: JSONObject = {
        "type": offer.type,
        "product_identifier": offer.product_id,
        "quantity": wanted.quantity,
    }
    if language:
        item["language"] = language
    if pickup:
        item["pickup"] = pickup
    if replaced is not None:
        await client.remove_cart_item(wanted.cart_uuid, replaced.cart_item_uuid)
    try:
        answer = await client.add_cart_items(wanted.cart_uuid, [item])
    except MusementError as failure:
        if replaced is not None:
            await _put_back(client, wanted, replaced, item, failure)
        raise _for_new_carts(failure) from None
    notes = []
    if replaced is not None:
        notes.append(
            f"Quantity changed by replacing item {replaced.cart_item_uuid} "
            f"({replaced.quantity} ticket(s)), which was removed; participants given for it "
            "must be given again for the new item."
        )
    if ignored:
        notes.append(f"Not needed for this product, not sent: {', '.join(ignored)}.")
    return _added(wanted, offer, language, answer, replaced, " ".join(notes) or None)


_REPEAT = (
    "Already in the cart with this quantity: nothing was added. To add the same tickets "
    "once more, call again with another: true."
)


def _already_there(wanted: _Checked, held: list[_Held]) -> _Held | None:
    """The cart's item of this product with this quantity, if there is one (newest last)."""
    raw = [x for x in held if x.quantity == wanted.quantity and x.cart_item_uuid]
    return next((x for x in reversed(raw) if x.product_id == wanted.product_id), None)


async def _put_back(
    client: MusementClient,
    wanted: _Checked,
    replaced: _Held,
    item: JSONObject,
    failure: MusementError,
) -> None:
    """After a failed add, the removed item again where its product is the same one."""
    restored = False
    if replaced.product_id == wanted.product_id and replaced.quantity:
        try:
            await client.add_cart_items(wanted.cart_uuid, [{**item, "quantity": replaced.quantity}])
            restored = True
        except MusementError:
            pass
    failure.message += f" The item it replaces ({replaced.cart_item_uuid}) was removed first" + (
        "; it was added again with its former quantity (it has a new UUID)."
        if restored
        else " and could not be put back: get_cart shows the cart as it is."
    )


def _answer(
    wanted: _Checked,
    offer: Offer,
    language: str | None,
    item: _Held,
    *,
    added: bool,
    note: str | None,
) -> CartItemAdded:
    unit = money(offer.price)
    return CartItemAdded(
        cart_uuid=wanted.cart_uuid,
        cart_item_uuid=item.cart_item_uuid,
        added=added,
        status=item.status,
        what=_what(wanted, offer, language),
        quantity=item.quantity or wanted.quantity,
        unit_price=item.unit_price or unit,
        total=times(item.unit_price or unit, item.quantity or wanted.quantity),
        replaced=None,
        note=note,
    )


def _added(
    wanted: _Checked,
    offer: Offer,
    language: str | None,
    answer: JSONObject,
    replaced: _Held | None,
    note: str | None,
) -> CartItemAdded:
    uuid = answer.get("uuid")
    if not is_uuid(uuid):
        raise UpstreamError(
            "Musement added the item but answered without its UUID: get_cart shows it.",
            hint="Call get_cart: do not add the item again.",
        )
    product = answer.get("product")
    quantity = answer.get("quantity")
    count = quantity if isinstance(quantity, int) and quantity > 0 else wanted.quantity
    unit = money(product.get("retail_price")) if isinstance(product, dict) else None
    unit = unit or money(offer.price)
    status = shown_text(answer.get("status"), 40)
    if status != PREBOOK_OK:
        refused = (
            f"Musement could not pre-book this item (status {status}): the order cannot "
            "include it. Remove it with remove_from_cart and offer another time or day."
        )
        note = f"{note} {refused}" if note else refused
    return CartItemAdded(
        cart_uuid=wanted.cart_uuid,
        cart_item_uuid=str(uuid).lower(),
        added=True,
        status=status,
        what=_what(wanted, offer, language),
        quantity=count,
        unit_price=unit,
        total=money(answer.get("total_price")) or times(unit, count),
        replaced=replaced.cart_item_uuid if replaced else None,
        note=note,
    )


def _what(wanted: _Checked, offer: Offer, language: str | None) -> str:
    ticket = offer.ticket or offer.holder or "ticket"
    when = f"{wanted.day.isoformat()} {offer.time}" if offer.time else wanted.day.isoformat()
    said = f"{wanted.quantity} x {ticket}, {offer.option or 'ticket'}, {when}"
    return said + (f", in {language}" if language else "")


def _offer_problems(
    wanted: _Checked, offer: Offer, held: list[_Held], same_slot: set[str]
) -> list[Problem]:
    problems = []
    quantity = wanted.quantity
    if quantity < offer.min_buy:
        problems.append(_quantity(f"must be at least {offer.min_buy} for this ticket"))
    if offer.max_buy is not None and quantity > offer.max_buy:
        problems.append(_quantity(f"must be at most {offer.max_buy} for this ticket"))
    if offer.seats_left is not None and quantity > offer.seats_left:
        problems.append(_quantity(f"is more than the {offer.seats_left} seat(s) left"))
    in_slot = sum(
        x.quantity or 0
        for x in held
        if x.product_id in same_slot and x.cart_item_uuid != wanted.replaces
    )
    if in_slot + quantity < offer.slot_min_buy:
        problems.append(
            _quantity(f"this time slot needs at least {offer.slot_min_buy} tickets in the cart")
        )
    if offer.languages and wanted.language is None:
        problems.append(
            problem(
                "language",
                "required",
                "is required for this product: one of " + ", ".join(offer.languages),
            )
        )
    elif offer.languages and wanted.language not in offer.languages:
        problems.append(
            problem(
                "language",
                "not_offered",
                "is not offered at this time: one of " + ", ".join(offer.languages),
            )
        )
    return problems


def _quantity(message: str) -> Problem:
    return problem("quantity", "out_of_range", message)


def _pickup_ids(raw: JSONValue) -> set[str]:
    if not isinstance(raw, list):
        return set()
    return {
        str(p["uuid"]).lower() for p in raw[:100] if isinstance(p, dict) and is_uuid(p.get("uuid"))
    }


def _pickup_problems(wanted: _Checked, pickups: set[str]) -> list[Problem]:
    if not pickups:
        return []
    if wanted.pickup is None:
        return [problem("pickup", "required", "is required: get_activity lists the pickups")]
    if wanted.pickup not in pickups:
        return [problem("pickup", "not_offered", "is not one of this activity's pickups")]
    return []


def _refused(problems: list[Problem]) -> ChoiceNotOffered:
    said = "; ".join(f"{p['path']} {p['message']}" for p in problems)
    return ChoiceNotOffered(f"Not added, nothing was sent: {said}.", details=problems)


async def _cart(client: MusementClient, cart_uuid: str) -> JSONObject:
    try:
        return await client.get_cart(cart_uuid)
    except CartNotFound as failure:
        raise _for_new_carts(failure) from None


def _for_new_carts(failure: MusementError) -> MusementError:
    if isinstance(failure, CartNotFound):
        failure.hint = NEW_CART_HINT
    return failure


async def _refresh_customer_form(
    client: MusementClient,
    cart_uuid: str,
    cache: SchemaCache | None,
    on_schema: SchemaListener | None,
) -> None:
    """Read the cart's customer schema again: its items changed, so may its questions; the
    listener (the server's live tool list) sees it. A failure only costs that refresh."""
    try:
        await customer_schema(client, cart_uuid, cache, on_schema).fresh()
    except MusementError:
        pass
