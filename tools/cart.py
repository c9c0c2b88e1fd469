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

import dataclasses
import functools
from dataclasses import dataclass

import anyio

from .arguments import check_cart_uuid
from .cache import Fingerprint, SchemaCache
from .cart_items import PREBOOK_OK, activity_names, fingerprint, items_of
from .customer import customer_schema, read_with_customer_schema
from .errors import CartItemNotFound, MusementError, ParticipantsNotRequired, UpstreamError
from .json_types import JSONArray, JSONObject, JSONValue
from .models import (
    CartItemView,
    CartOverview,
    CartPrice,
    Customer,
    ItemNotBookable,
    Missing,
    NotShownField,
    OrderOfCart,
    UnknownPart,
)
from .participants import PARTICIPANTS, participants_schema
from .prices import cart_charge
from .problems import Problem
from .schema import CompiledSchema, activity_of
from .upstream import MusementClient

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
    client: MusementClient, cart_uuid: object, *, cache: SchemaCache | None = None
) -> CartOverview:
    """The cart at a glance: one round of reads (`read_cart`), then its checklist."""
    return checklist(await read_cart(client, check_cart_uuid(cart_uuid), cache))


@dataclass(frozen=True)
class ItemRead:
    """What an overview read about one item: its participants schema (None: it needs
    none), the participants stored (or why they could not be read), and the item
    fingerprint a kept schema was read for (None: read just now)."""

    schema: CompiledSchema | None
    people: JSONArray | MusementError = dataclasses.field(default_factory=list)
    kept_for: Fingerprint | None = None


@dataclass(frozen=True)
class CartRead:
    """What one round of `get_cart` read: the cart as Musement answered it, its items, its
    customer schema, per item what its participants read found (or why it failed), and
    the cart's order (None: none; an error: unknown)."""

    cart_uuid: str
    cart: JSONObject
    items: list[CartItemView]
    customer_schema: CompiledSchema
    item_reads: dict[str, ItemRead | MusementError]
    order: OrderOfCart | MusementError | None


async def read_cart(client: MusementClient, cart_uuid: str, cache: SchemaCache | None) -> CartRead:
    """The cart, its customer schema (unless kept), its order, and the participants of the
    items it had when last read, in one round; then any item new to us. The cart read and
    its customer schema are needed for anything at all: their failure is raised."""
    cart_key = (cart_uuid, *client.config.cache_key())
    order: OrderOfCart | MusementError | None = None
    reads: dict[str, ItemRead | MusementError] = {}

    async def read_order() -> None:
        nonlocal order
        try:
            order = await client.get_order_info(cart_uuid)
        except MusementError as failure:
            order = failure

    async def read_item(uuid: str, item: Fingerprint | None = None) -> None:
        try:
            reads[uuid] = await _read_item(client, cart_uuid, uuid, cache, item)
        except MusementError as failure:
            reads[uuid] = failure

    known = cache.items_of(cart_key) if cache else ()
    with client.call_budget():
        cart, compiled = await read_with_customer_schema(
            client,
            cart_uuid,
            customer_schema(client, cart_uuid, cache),
            cart_required=True,
            beside=[read_order, *(functools.partial(read_item, uuid) for uuid in known)],
        )
        assert cart is not None
        items = items_of(cart)
        async with anyio.create_task_group() as group:
            for item in items:
                uuid, now = item.cart_item_uuid, fingerprint([item])
                early = reads.get(uuid)
                if early is None or (
                    isinstance(early, ItemRead) and early.kept_for not in (None, now)
                ):
                    # New to us, or its kept schema was read for another quantity.
                    group.start_soon(read_item, uuid, now)
                elif isinstance(early, ItemRead) and early.kept_for is None:
                    participants_schema(client, cart_uuid, uuid, cache).keep(early.schema, now)
    if cache:
        cache.remember_items(cart_key, tuple(item.cart_item_uuid for item in items))
    return CartRead(cart_uuid, cart, items, compiled, reads, order)


def checklist(read: CartRead) -> CartOverview:
    """The overview of one round's reads: what the order still needs, what is unknown and
    why. Pure: no request, nothing kept."""
    items: list[CartItemView] = []
    lacking_participants: list[Problem] = []
    failures: dict[str, MusementError] = {}
    if isinstance(read.order, MusementError):
        failures["order"] = read.order
    for item in read.items:
        uuid = item.cart_item_uuid
        found = read.item_reads[uuid]
        if isinstance(found, MusementError):
            failures[uuid] = found
        elif found.schema is not None:
            item = item.model_copy(update={"participants_required": True})
            if isinstance(found.people, MusementError):
                failures[uuid] = found.people
            else:
                lacking = found.schema.validate({PARTICIPANTS: found.people})
                lacking_participants.extend(lacking)
                item = item.model_copy(
                    update={
                        "participants_provided": len(found.people),
                        "participants_missing": [_listed(p) for p in lacking],
                    }
                )
        items.append(item)
    compiled = read.customer_schema.with_activity_names(activity_names(read.cart))
    stored_customer = _stored_customer(read.cart.get("customer"))
    shown = compiled.schema["properties"].keys() & SHOWN_FIELDS
    customer_check = compiled.validate({k: v for k, v in stored_customer.items() if k in shown})

    customer_problems = [p for p in customer_check if _top(p) in SHOWN_FIELDS]
    # Base fields, named by their paths (get_customer_schema has their titles).
    not_shown = [
        NotShownField(path=p["path"]) for p in customer_check if _top(p) not in SHOWN_FIELDS
    ]
    not_bookable = [
        ItemNotBookable(
            cart_item_uuid=item.cart_item_uuid,
            activity_title=item.activity_title,
            status=item.status,
            what_to_do=_what_to_do(item.status),
        )
        for item in items
        if item.status != PREBOOK_OK
    ]
    unknown = [
        UnknownPart(
            cart_item_uuid=None if part == "order" else part,
            part="order" if part == "order" else "participants",
            error={"type": failure.type, "message": failure.message, "hint": failure.hint},
        )
        for part, failure in failures.items()
    ]
    price = cart_charge(read.cart)
    charged = price["charged"]
    if charged is None and items:
        unknown.append(
            UnknownPart(
                cart_item_uuid=None,
                part="price",
                error={
                    "type": "upstream_error",
                    "message": "Musement's answer has no usable charged amount (retail_price).",
                    "hint": "Read the cart again in a moment: the order needs a known amount.",
                },
            )
        )
    order = None if isinstance(read.order, MusementError) else read.order
    discount = price["discount"]
    return CartOverview(
        cart_uuid=read.cart_uuid,
        items=items,
        total=charged.text if charged else None,
        # Without a discount, `total` says it all.
        price=CartPrice.model_validate(price) if discount and discount.value else None,
        charged=charged,
        problems=[dict(p) for p in (*customer_problems, *lacking_participants)],
        order=order,
        customer=Customer.model_validate(stored_customer) if stored_customer else None,
        missing=Missing(
            customer=[_listed(p) for p in customer_problems],
            items=not_bookable,
        ),
        not_shown=not_shown,
        unknown=unknown,
        # A cart that already has its order is not ready for another one; nor is an
        # empty one, one with an item Musement could not pre-book, or one whose charged
        # amount is unknown (in `unknown`: the user must see what they will pay).
        ready_for_order=bool(items)
        and not customer_problems
        and not any(item.participants_missing for item in items)
        and not not_bookable
        and not unknown
        and order is None,
        checkout_url=None,
    )


def _what_to_do(status: str | None) -> str:
    if status is None:
        return (
            "Musement did not say whether this item is pre-booked, so it cannot be ordered: "
            "read the cart again in a moment; if it stays so, remove the item and add it again."
        )
    return (
        f"Musement could not pre-book this item (status {status}): the date, time or ticket "
        "may no longer be available. Tell the user; remove the item and choose another date "
        "or option, or ask the partner's support."
    )


async def _read_item(
    client: MusementClient,
    cart_uuid: str,
    item_uuid: str,
    cache: SchemaCache | None,
    item: Fingerprint | None,
) -> ItemRead:
    """The item's participants schema and stored participants, read together.

    With `item` (the item as the cart shows it now), a kept schema is used only if it was
    read for that same item; without (the cart is being read meanwhile), any kept schema
    with a known item is used, and the caller checks it against the cart afterwards.
    The item comes from the cart (just read, or moments ago), so a 404 on its
    participants schema means "not required" (Musement's documented meaning), whatever
    its wording; the stored list of an item that needs none is not looked at.
    """
    schema = participants_schema(client, cart_uuid, item_uuid, cache, known_item=True)
    hit = schema.cached()
    if hit is not None and (hit.items == item if item else hit.items is not None):
        if hit.schema is None:
            return ItemRead(None, kept_for=hit.items)
    else:
        hit = None
    read_schema: CompiledSchema | None = hit.schema if hit else None
    schema_failure: MusementError | None = None
    people: JSONArray | MusementError = []

    async def fetch_schema() -> None:
        nonlocal read_schema, schema_failure
        try:
            read_schema = await schema.fetch()
        except ParticipantsNotRequired:
            read_schema = None
        except MusementError as failure:
            schema_failure = failure
            return
        schema.keep(read_schema, item)

    async def read_people() -> None:
        nonlocal people
        try:
            people = await client.get_participants(cart_uuid, item_uuid)
        except MusementError as failure:
            people = failure

    async with anyio.create_task_group() as group:
        if hit is None:
            group.start_soon(fetch_schema)
        group.start_soon(read_people)
    if schema_failure is not None:
        raise schema_failure
    kept_for = hit.items if hit else None
    if read_schema is None:
        return ItemRead(None, kept_for=kept_for)
    if isinstance(people, CartItemNotFound):
        # The cart (read beside this) says whether the item is there; if it is, its form
        # asks for participants but its list cannot be read: say that, not "no cart".
        people = UpstreamError(
            f"Musement could not read this item's participants: {people.message}",
            status=people.status,
            code=people.code,
        )
    return ItemRead(read_schema, people, kept_for)


def _listed(problem: Problem) -> dict[str, object]:
    """A problem as the checklist lists it, without what is said elsewhere: `is required`
    (the kind says it) and the title of a question whose path names it (`email`,
    `participants.0.firstname`: the schema tools give every title). An activity's question,
    whose path ends in a code (`s_52210`), keeps its title and its activity's name (`group`).
    Errors keep the whole problem (`CartOverview.problems`)."""
    drop = set() if activity_of(problem["path"]) else {"group", "title"}
    listed: dict[str, object] = {k: v for k, v in problem.items() if k not in drop}
    if problem["kind"] == "required":
        del listed["message"]
    return listed


def _top(problem: Problem) -> str:
    return str(problem["path"]).split(".", 1)[0]


def _stored_customer(raw: JSONValue) -> JSONObject:
    """The customer as Musement stores it, without unset fields (null, PHP's `[]`)."""
    if not isinstance(raw, dict):
        return {}
    customer: JSONObject = {k: v for k, v in raw.items() if v is not None and v != []}
    extra = customer.get("extra_customer_data")
    if isinstance(extra, dict):
        customer["extra_customer_data"] = {
            activity: answers for activity, answers in extra.items() if answers != []
        }
    return customer
