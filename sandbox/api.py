"""The Musement Partner API v3 endpoints the sandbox emulates, mounted under /api/v3."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .catalog import CATALOG
from .errors import (
    DEFAULT,
    cart_item_not_found,
    cart_locked,
    cart_not_found,
    musement_error,
    no_participants_needed,
)
from .guards import Context, EarlyResponse, api_endpoint, json_body, json_or_form_body, unauthorized
from .participants_schema import build_participants_schema
from .participants_validation import missing_participants, validate_participants
from .schema import build_customer_schema
from .state import Cart, CartItem
from .validation import merge_update, missing_fields, validate_update
from .views import cart_json, customer_json, item_json, order_json


async def login(request: Request) -> Response:
    # /login needs no X-Musement-Application: it is how a partner gets its token.
    tokens = request.app.state.sandbox.tokens
    try:
        body = await json_or_form_body(request)
    except EarlyResponse as bad:
        return bad.response
    if body.get("grant_type") != "client_credentials":
        return musement_error(400, DEFAULT, "Only grant_type 'client_credentials' is supported.")
    client_id, client_secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(client_secret, str):
        return musement_error(400, DEFAULT, "client_id and client_secret are required.")
    if not tokens.credentials_match(client_id, client_secret):
        return unauthorized("Invalid client credentials.")
    return JSONResponse(
        {"access_token": tokens.issue(), "expires_in": tokens.expires_in, "token_type": "bearer"}
    )


@api_endpoint
async def create_cart(request: Request, ctx: Context) -> Response:
    await json_body(request, default={})  # Musement takes `{}`; nothing in it is needed here
    return JSONResponse(cart_json(ctx.sandbox.state.create_cart(), ctx.language))


def _find_cart(request: Request, ctx: Context) -> Cart:
    cart_uuid = request.path_params["cart_uuid"]
    cart = ctx.sandbox.state.get_cart(cart_uuid)
    if cart is None:
        raise EarlyResponse(cart_not_found(cart_uuid))
    return cart


def _unlocked_cart(request: Request, ctx: Context) -> Cart:
    cart = _find_cart(request, ctx)
    if ctx.sandbox.state.is_locked(cart):
        raise EarlyResponse(cart_locked())
    return cart


@api_endpoint
async def get_cart(request: Request, ctx: Context) -> Response:
    return JSONResponse(cart_json(_find_cart(request, ctx), ctx.language))


@api_endpoint
async def add_items(request: Request, ctx: Context) -> Response:
    """Items reference activities: [{"type": "musement", "product_identifier": <activity uuid>,
    "quantity": n}]. Returns the first created item, as Musement does."""
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
        created = [ctx.sandbox.state.add_item(cart, uuid, qty) for uuid, qty in wanted]
    return JSONResponse(item_json(created[0], ctx.language))


def _parse_item(item: Any) -> tuple[str, int] | str:
    """(activity uuid, quantity), or why the item is rejected."""
    if not isinstance(item, dict):
        return "An item must be an object."
    if item.get("type", "musement") != "musement":
        return "Only items of type 'musement' are supported."
    identifier = item.get("product_identifier")
    if not isinstance(identifier, str) or identifier not in CATALOG:
        return f"Unknown product_identifier {identifier!r}."
    quantity = item.get("quantity", 1)
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        return "quantity must be a positive integer."
    return identifier, quantity


@api_endpoint
async def get_customer_schema(request: Request, ctx: Context) -> Response:
    return JSONResponse(build_customer_schema(_find_cart(request, ctx), ctx.language))


@api_endpoint
async def put_customer(request: Request, ctx: Context) -> Response:
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
    cart = _find_cart(request, ctx)
    item_uuid = request.path_params["item_uuid"]
    item = cart.item(item_uuid)
    if item is None:
        raise EarlyResponse(cart_item_not_found(item_uuid))
    if not CATALOG[item.activity_uuid].asks_participants:
        raise EarlyResponse(no_participants_needed())
    return cart, item


@api_endpoint
async def get_participants_schema(request: Request, ctx: Context) -> Response:
    _, item = _participants_item(request, ctx)
    return JSONResponse(build_participants_schema(item, ctx.language))


@api_endpoint
async def get_participants(request: Request, ctx: Context) -> Response:
    """What the last valid PUT stored; `[]` before any (Musement documents no other answer)."""
    _, item = _participants_item(request, ctx)
    with ctx.sandbox.state.lock:
        return JSONResponse(item.participants)


@api_endpoint
async def put_participants(request: Request, ctx: Context) -> Response:
    """A bare array, one object per participant; it replaces what was stored and is echoed."""
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
        return JSONResponse(item.participants)


@api_endpoint
async def create_order(request: Request, ctx: Context) -> Response:
    """Orders are created closed at once (no payment step), which locks their cart."""
    body = await json_body(request, default={})
    cart_uuid = body.get("cart_uuid") if isinstance(body, dict) else None
    if not isinstance(cart_uuid, str):
        return musement_error(400, DEFAULT, "cart_uuid is required.")
    state = ctx.sandbox.state
    cart = state.get_cart(cart_uuid)
    if cart is None:
        return cart_not_found(cart_uuid)
    with state.lock:
        if state.is_locked(cart):
            return cart_locked()
        if not cart.items:
            return musement_error(400, DEFAULT, "The cart is empty.")
        # Required customer fields are enforced here, not on the (partial) PUT customer; so is
        # participant info, which an item needing it has none of until its first PUT.
        missing_customer, missing_people = missing_fields(cart), missing_participants(cart)
        if missing_customer or missing_people:
            return musement_error(
                400,
                DEFAULT,
                f"{'Customer' if missing_customer else 'Participant'} info for the cart is "
                "incomplete.",
                errors=[e.to_json() for e in missing_customer + missing_people],
            )
        order = state.create_order(cart)
        return JSONResponse(order_json(order, cart, ctx.language))


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
    Route("/orders", create_order, methods=["POST"]),
]
