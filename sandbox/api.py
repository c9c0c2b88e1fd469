"""The Musement Partner API v3 endpoints the sandbox emulates, mounted under /api/v3."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .catalog import CATALOG, PRODUCTS
from .errors import DEFAULT, cart_locked, musement_error, no_participants_needed, not_found
from .guards import (
    Context,
    EarlyResponse,
    api_endpoint,
    json_body,
    json_or_form_body,
    login_endpoint,
    unauthorized,
)
from .participants_schema import build_participants_schema
from .participants_validation import validate_participants
from .schema import build_customer_schema
from .state import MAX_CART_ITEMS, Cart, CartItem
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
    await json_body(request, default={})  # Musement takes `{}`; nothing in it is needed here
    cart = ctx.sandbox.state.create_cart()
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


@api_endpoint
async def add_items(request: Request, ctx: Context) -> Response:
    """An array of `{type, product_identifier, quantity, language?, pickup?}`, where
    product_identifier is a product id from GET /activities/{activityUuid}/dates/{date};
    answers the first created item, "regardless of the number of items in your request"
    (https://partner-api.musement.com/api/booking-flow/cart/add-items,
    https://partner-api.musement.com/guide/booking-flows/adding-items-to-cart)."""
    cart = _unlocked_cart(request, ctx)
    body = await json_body(request)
    if not isinstance(body, list) or not body:
        return musement_error(400, DEFAULT, "The request body must be a non-empty array of items.")
    wanted: list[tuple[str, int]] = []
    errors: list[dict[str, str]] = []
    for index, item in enumerate(body):
        parsed = _parse_item(item)
        if isinstance(parsed, str):
            errors.append({"field": f"[{index}]", "message": parsed})
        else:
            wanted.append(parsed)
    if errors:
        return musement_error(400, DEFAULT, "Invalid cart items.", errors=errors)
    with ctx.sandbox.state.lock:
        # "A cart can hold a maximum of 100 items" (ibid.); the error body is not documented.
        if len(cart.items) + len(wanted) > MAX_CART_ITEMS:
            return musement_error(
                400, DEFAULT, f"A cart can hold a maximum of {MAX_CART_ITEMS} items."
            )
        created = [ctx.sandbox.state.add_item(cart, pid, qty) for pid, qty in wanted]
    return JSONResponse(added_item_json(created[0], ctx.language))


def _parse_item(item: Any) -> tuple[str, int] | str:
    """(product id, quantity), or why the item is rejected. `type`, `product_identifier` and
    `quantity` are required (the add-items table); `language` is a two-letter code and
    `pickup` a pickup point UUID when given (no sandbox activity has language options or
    pickups, so neither is ever required here)."""
    if not isinstance(item, dict):
        return "An item must be an object."
    identifier = item.get("product_identifier")
    product = PRODUCTS.get(identifier) if isinstance(identifier, str) else None
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
    return product.id, quantity


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
