"""The Musement Partner API v3 endpoints the sandbox emulates, mounted under /api/v3."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .activity_views import seats_left
from .catalog import CATALOG, Product
from .errors import (
    DEFAULT,
    cart_locked,
    item_in_order,
    musement_error,
    no_participants_needed,
    not_found,
)
from .guards import (
    Context,
    EarlyResponse,
    api_endpoint,
    json_body,
    json_or_form_body,
    login_endpoint,
    unauthorized,
)
from .listings import UNLIMITED
from .offers import Offer, find_offer, find_product
from .participants_schema import build_participants_schema
from .participants_validation import validate_participants
from .schema import build_customer_schema
from .state import ITEM_PREBOOK_KO, ITEM_PREBOOK_OK, MAX_CART_ITEMS, PROMO_CODES, Cart, CartItem
from .validation import merge_update, validate_update
from .views import added_item_json, cart_json, customer_json

# https://partner-api.musement.com/api/booking-flow/cart/add-items: "type ... Must be one of".
ITEM_TYPES = ("musement", "musement-realtime", "musement-gift")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@login_endpoint
async def login(request: Request, ctx: Context) -> Response:
    """POST /login (https://partner-api.musement.com/api/getting-started/authentication):
    `{client_id, client_secret, grant_type: "client_credentials"}` ->
    `{access_token, expires_in, token_type: "bearer", scope: null}`. Form bodies are accepted
    too (undocumented; GET /login "is considered deprecated")."""
    tokens = ctx.sandbox.tokens
    body = await json_or_form_body(request)
    if body.get("grant_type") != "client_credentials":
        return musement_error(400, DEFAULT, "Only grant_type 'client_credentials' is supported.")
    client_id, client_secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(client_secret, str):
        return musement_error(400, DEFAULT, "client_id and client_secret are required.")
    if not tokens.credentials_match(client_id, client_secret):
        return unauthorized("Invalid client credentials.")
    return JSONResponse(
        {
            "access_token": tokens.issue(),
            "expires_in": tokens.expires_in,
            "token_type": "bearer",
            "scope": None,
        }
    )


@api_endpoint
async def create_cart(request: Request, ctx: Context) -> Response:
    """POST /carts with `{}`, or `{"discount_code": "<promo code>"}`: a promo code is given
    only when creating a cart, and "The response will include the code in the promo_code
    property" (https://partner-api.musement.com/api/booking-flow/cart/promo-codes).

    What happens to a code Musement does not accept is not documented. The sandbox takes the
    least convenient plausible reading: the cart is created as if no code had been sent, with
    no `promo_code`, so a client must check the answer to know whether its code applies."""
    body = await json_body(request, default={})
    code = body.get("discount_code") if isinstance(body, dict) else None
    if code is not None and not isinstance(code, str):
        return musement_error(400, DEFAULT, "discount_code must be a string.")
    promo = PROMO_CODES.get(code) if code else None
    cart = ctx.sandbox.state.create_cart(promo_code=promo)
    return JSONResponse(cart_json(cart, ctx.language, ctx.api_base_url))


def find_cart(request: Request, ctx: Context) -> Cart:
    cart = ctx.sandbox.state.get_cart(request.path_params["cart_uuid"])
    if cart is None:
        raise EarlyResponse(not_found())
    return cart


def _unlocked_cart(request: Request, ctx: Context) -> Cart:
    cart = find_cart(request, ctx)
    if ctx.sandbox.state.is_locked(cart):
        raise EarlyResponse(cart_locked())
    return cart


@api_endpoint
async def get_cart(request: Request, ctx: Context) -> Response:
    return JSONResponse(cart_json(find_cart(request, ctx), ctx.language, ctx.api_base_url))


@dataclass(frozen=True)
class _WantedItem:
    product: Product
    quantity: int
    language: str | None
    pickup: str | None
    offer: Offer | None  # None: a legacy product, on sale every day without limits


@api_endpoint
async def add_items(request: Request, ctx: Context) -> Response:
    """An array of `{type, product_identifier, quantity, language?, pickup?}`, where
    product_identifier is a product id from GET /activities/{activityUuid}/dates/{date};
    answers the first created item, "regardless of the number of items in your request"
    (https://partner-api.musement.com/api/booking-flow/cart/add-items,
    https://partner-api.musement.com/guide/booking-flows/adding-items-to-cart).

    What a product says cannot work is refused, all items or none: a quantity outside the
    ticket holder's min_buy/max_buy or the timeslot's min_buy, more than the seats left, a
    missing or unknown language or pickup where the product has them
    (https://partner-api.musement.com/api/booking-flow/product/quantities). How Musement
    answers these is not documented: 400, code "0" (the default), one error per item. The
    seats are taken when the item is added and given back when it is removed (whether adding
    holds seats is not documented either; holding them is what lets a timeslot sell out
    between a client's read of the day and its add)."""
    cart = _unlocked_cart(request, ctx)
    body = await json_body(request)
    if not isinstance(body, list) or not body:
        return musement_error(400, DEFAULT, "The request body must be a non-empty array of items.")
    wanted: list[_WantedItem] = []
    errors: list[dict[str, str]] = []
    for index, item in enumerate(body):
        parsed = _parse_item(item)
        if isinstance(parsed, str):
            errors.append({"field": f"[{index}]", "message": parsed})
        else:
            wanted.append(parsed)
    if errors:
        return musement_error(400, DEFAULT, "Invalid cart items.", errors=errors)
    state = ctx.sandbox.state
    with state.lock:
        # "A cart can hold a maximum of 100 items" (ibid.); the error body is not documented.
        if len(cart.items) + len(wanted) > MAX_CART_ITEMS:
            return musement_error(
                400, DEFAULT, f"A cart can hold a maximum of {MAX_CART_ITEMS} items."
            )
        errors = _check_quantities(cart, wanted, ctx)
        if errors:
            return musement_error(400, DEFAULT, "These items cannot be added.", errors=errors)
        created = [
            state.add_item(
                cart,
                w.product.id,
                w.quantity,
                status=ITEM_PREBOOK_KO
                if w.offer and w.offer.option.prebook_ko
                else ITEM_PREBOOK_OK,
                language=w.language,
                pickup=w.pickup,
                slot_key=w.offer.slot_key if w.offer and w.offer.slot.seats != UNLIMITED else None,
            )
            for w in wanted
        ]
    return JSONResponse(added_item_json(created[0], ctx.language))


def _check_quantities(cart: Cart, wanted: list[_WantedItem], ctx: Context) -> list[dict[str, str]]:
    """Why the items cannot be added together to the cart, if they cannot (under the lock)."""
    errors: list[dict[str, str]] = []
    # What the cart will hold of each product and each timeslot, counting the earlier items.
    per_product: dict[str, int] = {}
    per_slot: dict[str, int] = {}
    for item in cart.items:
        per_product[item.product_id] = per_product.get(item.product_id, 0) + item.quantity
        if item.slot_key is not None:
            per_slot[item.slot_key] = per_slot.get(item.slot_key, 0) + item.quantity
    for index, w in enumerate(wanted):
        offer = w.offer
        if offer is None:
            continue
        holder, slot = offer.holder, offer.slot
        in_cart = per_product.get(w.product.id, 0) + w.quantity
        per_product[w.product.id] = in_cart
        already = per_slot.get(offer.slot_key, 0)
        per_slot[offer.slot_key] = already + w.quantity
        left = seats_left(ctx.sandbox.state, offer)
        requested_here = sum(
            x.quantity for x in wanted[:index] if x.offer and x.offer.slot_key == offer.slot_key
        )
        message = None
        if w.quantity < holder.min_buy:
            message = f"The minimum quantity of this product is {holder.min_buy}."
        elif holder.max_buy != UNLIMITED and in_cart > holder.max_buy:
            message = f"The maximum quantity of this product in a cart is {holder.max_buy}."
        elif left != UNLIMITED and requested_here + w.quantity > left:
            message = (
                "This timeslot is sold out."
                if left == 0
                else f"Only {left} seats are left in this timeslot."
            )
        elif already + w.quantity < slot.min_buy:
            message = f"The minimum quantity for this timeslot is {slot.min_buy}."
        if message:
            errors.append({"field": f"[{index}].quantity", "message": message})
    return errors


def _parse_item(item: Any) -> _WantedItem | str:
    """The item to add, or why it is rejected. `type`, `product_identifier` and `quantity` are
    required (the add-items table); `language` is a two-letter code "Required for activities
    with language options", `pickup` a pickup point UUID "Required for activities with pickups"
    (ibid.). Where a product offers languages or pickups, the value must be one of them; where
    it offers none, a given value is accepted and ignored (what Musement does then is not
    documented)."""
    if not isinstance(item, dict):
        return "An item must be an object."
    identifier = item.get("product_identifier")
    product = find_product(identifier) if isinstance(identifier, str) else None
    if product is None:
        # An activity UUID is not a product id: the docs never take one here.
        return f"Unknown product_identifier {identifier!r}."
    item_type = item.get("type")
    if item_type not in ITEM_TYPES:
        return f"type must be one of {', '.join(ITEM_TYPES)}."
    if item_type != product.type:
        return f"Product {product.id} is of type {product.type!r}."
    quantity = item.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        return "quantity must be an integer greater than 0."
    language = item.get("language")
    if language is not None and not (isinstance(language, str) and _LANGUAGE.match(language)):
        return "language must be a two-letter language code."
    pickup = item.get("pickup")
    if pickup is not None and not (isinstance(pickup, str) and _UUID.match(pickup)):
        return "pickup must be a pickup point UUID."
    offer = find_offer(product.id) if product.day is not None else None
    if offer is not None:
        languages = offer.slot.languages
        if languages and language is None:
            return f"language is required for this product: one of {', '.join(languages)}."
        if languages and language not in languages:
            return f"language must be one of {', '.join(languages)} for this product."
        pickups = {p.uuid for p in offer.listing.pickups}
        if pickups and pickup is None:
            return "pickup is required for this product."
        if pickups and pickup not in pickups:
            return "pickup is not one of this activity's pickup points."
        if not languages:
            language = None
        if not pickups:
            pickup = None
    return _WantedItem(product, quantity, language, pickup, offer)


@api_endpoint
async def remove_item(request: Request, ctx: Context) -> Response:
    """DELETE /carts/{cartUuid}/items/{cartItemUuid}: 204 with no body; 403 once the item is in
    an order; 404 for an unknown cart or item (DESIGN.md's summary of the reference,
    https://partner-api.musement.com/reference/openapi/carts-misc/delete/carts/cartuuid/items/cartitemuuid;
    the error bodies are not documented: code "0" for the 403). Any order counts, paid or not
    (the less convenient reading)."""
    cart = find_cart(request, ctx)
    state = ctx.sandbox.state
    with state.lock:
        item = cart.item(request.path_params["item_uuid"])
        if item is None:
            return not_found()
        if state.order_of(cart) is not None:
            return item_in_order()
        state.remove_item(cart, item)
    return Response(status_code=204)


@api_endpoint
async def get_customer_schema(request: Request, ctx: Context) -> Response:
    # https://partner-api.musement.com/reference/openapi/customer-info/get/carts/cartuuid/customer/schema.md
    return JSONResponse(build_customer_schema(find_cart(request, ctx), ctx.language))


@api_endpoint
async def put_customer(request: Request, ctx: Context) -> Response:
    """Partial bodies are accepted: extra customer data may be sent "either together with the
    lead booker information or separately"
    (https://partner-api.musement.com/guide/booking-flows/set-extra-customer-data); answers
    the Customer (200 Customer, https://partner-api.musement.com/reference/tag/Customer-info/)."""
    cart = _unlocked_cart(request, ctx)
    body = await json_body(request, default={})
    clean, errors = validate_update(body, cart)
    if errors:
        return musement_error(
            400, DEFAULT, "Invalid customer data.", errors=[e.to_json() for e in errors]
        )
    with ctx.sandbox.state.lock:
        cart.customer = merge_update(cart.customer, clean)
        cart.customer_country = ctx.country
        return JSONResponse(customer_json(cart, ctx.language))


def _participants_item(request: Request, ctx: Context) -> tuple[Cart, CartItem]:
    """The cart and the item of a participants path, if the item needs participant info."""
    cart = find_cart(request, ctx)
    item = cart.item(request.path_params["item_uuid"])
    if item is None:
        raise EarlyResponse(not_found())
    if not CATALOG[item.activity_uuid].asks_participants:
        # 404 {"code": "1400", "message": "This cart item does not require participant info"}
        # (https://partner-api.musement.com/reference/openapi/customer-info/put/carts/cartuuid/items/cartitemuuid/participants.md).
        raise EarlyResponse(no_participants_needed())
    return cart, item


@api_endpoint
async def get_participants_schema(request: Request, ctx: Context) -> Response:
    # https://partner-api.musement.com/api/booking-flow/customer/participant-info
    _, item = _participants_item(request, ctx)
    return JSONResponse(build_participants_schema(item, ctx.language))


@api_endpoint
async def get_participants(request: Request, ctx: Context) -> Response:
    """What the last valid PUT stored; `[]` before any. The guide names this endpoint
    ("Get participants - retrieve submitted participant information",
    https://partner-api.musement.com/api/booking-flow/customer/participant-info); its shape is
    not in any copy we read."""
    _, item = _participants_item(request, ctx)
    with ctx.sandbox.state.lock:
        return JSONResponse(item.participants)


@api_endpoint
async def put_participants(request: Request, ctx: Context) -> Response:
    """A bare array, one object per participant; it replaces what was stored.

    The reference documents 404, 423 and a default error, and no success response
    (https://partner-api.musement.com/reference/openapi/customer-info/put/carts/cartuuid/items/cartitemuuid/participants.md):
    the sandbox answers 200 with an empty body, the least a client can get.
    """
    cart, item = _participants_item(request, ctx)
    if ctx.sandbox.state.is_locked(cart):
        return cart_locked()
    body = await json_body(request)
    clean, errors = validate_participants(body, item)
    if errors:
        return musement_error(
            400, DEFAULT, "Invalid participant info.", errors=[e.to_json() for e in errors]
        )
    with ctx.sandbox.state.lock:
        item.participants = clean
    return Response(status_code=200)


ROUTES = [
    Route("/login", login, methods=["POST"]),
    Route("/carts", create_cart, methods=["POST"]),
    Route("/carts/{cart_uuid}", get_cart, methods=["GET"]),
    Route("/carts/{cart_uuid}/items", add_items, methods=["POST"]),
    Route("/carts/{cart_uuid}/items/{item_uuid}", remove_item, methods=["DELETE"]),
    Route("/carts/{cart_uuid}/customer/schema", get_customer_schema, methods=["GET"]),
    Route("/carts/{cart_uuid}/customer", put_customer, methods=["PUT"]),
    Route(
        "/carts/{cart_uuid}/items/{item_uuid}/participants/schema",
        get_participants_schema,
        methods=["GET"],
    ),
    Route(
        "/carts/{cart_uuid}/items/{item_uuid}/participants",
        put_participants,
        methods=["PUT"],
    ),
    Route(
        "/carts/{cart_uuid}/items/{item_uuid}/participants",
        get_participants,
        methods=["GET"],
    ),
]
