"""Orders: creating one from a cart, reading it, a cart's order info, and the no-payment flow."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .api import find_cart
from .errors import DEFAULT, cart_locked, musement_error, no_order, not_found
from .guards import Context, EarlyResponse, api_endpoint, json_body
from .participants_validation import missing_participants
from .state import ITEM_PREBOOK_OK, Order
from .validation import missing_fields
from .views import order_info_json, order_json

# "email_notification": ALL | NONE | TO-CUSTOMER
# (https://partner-api.musement.com/reference/openapi/orders/post/orders.md).
EMAIL_NOTIFICATIONS = ("ALL", "NONE", "TO-CUSTOMER")


def _order_body(order: Order, ctx: Context) -> JSONResponse:
    return JSONResponse(order_json(order, ctx.language, ctx.api_base_url, ctx.site_url))


@dataclass(frozen=True)
class _OrderRequest:
    email_notification: str | None
    extra_data: str | None
    affiliate: str | None
    affiliate_channel: str | None


def _order_request(body: dict[str, Any]) -> _OrderRequest:
    """The optional fields of POST /orders, checked: email_notification one of the three
    values, extra_data "a string" of serialized JSON key-value pairs, affiliate_channel only
    with affiliate (https://partner-api.musement.com/reference/openapi/orders/post/orders.md,
    https://partner-api.musement.com/api/partner/booking-flow/order/create)."""
    fields = {
        key: body.get(key)
        for key in ("email_notification", "extra_data", "affiliate", "affiliate_channel")
    }
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise _bad_request(f"{key} must be a string.")
    if fields["email_notification"] not in (None, *EMAIL_NOTIFICATIONS):
        raise _bad_request(f"email_notification must be one of {', '.join(EMAIL_NOTIFICATIONS)}.")
    if fields["extra_data"] is not None:
        try:
            pairs = json.loads(fields["extra_data"])
        except ValueError:
            pairs = None
        if not isinstance(pairs, dict):
            raise _bad_request("extra_data must be a string of serialized JSON key-value pairs.")
    if fields["affiliate_channel"] is not None and fields["affiliate"] is None:
        raise _bad_request("affiliate_channel requires affiliate.")
    return _OrderRequest(**fields)


def _bad_request(message: str) -> EarlyResponse:
    return EarlyResponse(musement_error(400, DEFAULT, message))


@api_endpoint
async def create_order(request: Request, ctx: Context) -> Response:
    """POST /orders answers "a new order": PENDING, isPaid false, its items PENDING
    (https://partner-api.musement.com/api/partner/booking-flow/order/create). The order locks
    its cart unless the sandbox runs with `pending_orders_lock_cart=False`, and then only
    once paid (see `SandboxState.is_locked`); it is paid with POST /payments/no/payment or, for
    tests, the admin endpoint."""
    body = await json_body(request, default={})
    cart_uuid = body.get("cart_uuid") if isinstance(body, dict) else None
    if not isinstance(cart_uuid, str):
        return musement_error(400, DEFAULT, "cart_uuid is required.")
    fields = _order_request(body)
    state = ctx.sandbox.state
    cart = state.get_cart(cart_uuid)
    if cart is None:
        return not_found()
    with state.lock:
        if state.is_locked(cart):
            return cart_locked()
        if not cart.items:
            return musement_error(400, DEFAULT, "The cart is empty.")
        if any(item.status != ITEM_PREBOOK_OK for item in cart.items):
            # Only a cart whose items are all PREBOOK_OK goes on (the checkout guide); the
            # docs show no such 400: refusing is the less convenient guess.
            return musement_error(400, DEFAULT, "The cart has items that are not pre-booked.")
        # Required customer fields are enforced here, not on the (partial) PUT customer; so is
        # participant info, which an item needing it has none of until its first PUT. (The
        # docs show no such 400; refusing an incomplete cart is the less convenient guess.)
        missing_customer, missing_people = missing_fields(cart), missing_participants(cart)
        if missing_customer or missing_people:
            return musement_error(
                400,
                DEFAULT,
                f"{'Customer' if missing_customer else 'Participant'} info for the cart is "
                "incomplete.",
                errors=[e.to_json() for e in missing_customer + missing_people],
            )
        order = state.create_order(
            cart,
            market=ctx.market,
            email_notification=fields.email_notification,
            extra_data=fields.extra_data,
            affiliate=fields.affiliate,
            affiliate_channel=fields.affiliate_channel,
        )
        return _order_body(order, ctx)


def _find_order(order_uuid: Any, ctx: Context) -> Order:
    order = ctx.sandbox.state.get_order(order_uuid) if isinstance(order_uuid, str) else None
    if order is None:
        raise EarlyResponse(not_found())
    return order


@api_endpoint
async def get_order(request: Request, ctx: Context) -> Response:
    # The same Order as POST /orders (https://partner-api.musement.com/api/booking-flow/order/status/).
    order = _find_order(request.path_params["order_uuid"], ctx)
    with ctx.sandbox.state.lock:
        return _order_body(order, ctx)


@api_endpoint
async def get_order_info(request: Request, ctx: Context) -> Response:
    """`{order_uuid, payment: {paid, status}}`, or 404 "1400" "Cart does not have an
    associated order"
    (https://partner-api.musement.com/reference/openapi/carts-misc/get/carts/cartuuid/order-info.md)."""
    cart = find_cart(request, ctx)
    with ctx.sandbox.state.lock:
        order = ctx.sandbox.state.order_of(cart)
        if order is None:
            return no_order()
        return JSONResponse(order_info_json(order))


@api_endpoint
async def no_payment(request: Request, ctx: Context) -> Response:
    """POST /payments/no/payment `{uuid}`: 200 Order, 404 unknown order, 422 "order price is
    greater than zero and partner does not have permission to use 'no-payment flow'", 423
    "order has already been paid" (https://partner-api.musement.com/reference/3.4.0/tag/payments;
    "any partner if the total price of an order is zero",
    https://partner-api.musement.com/api/booking-flow/payment). Error bodies are not
    documented: code "0" with the reference's wording."""
    body = await json_body(request, default={})
    order_uuid = body.get("uuid") if isinstance(body, dict) else None
    if not isinstance(order_uuid, str):
        return musement_error(400, DEFAULT, "uuid is required.")
    order = _find_order(order_uuid, ctx)
    with ctx.sandbox.state.lock:
        if order.paid:
            return musement_error(423, DEFAULT, "Order has already been paid.")
        if order.total > 0 and not ctx.sandbox.no_payment_scope:
            return musement_error(
                422,
                DEFAULT,
                "Order price is greater than zero and partner does not have permission to use "
                "no-payment flow.",
            )
        ctx.sandbox.state.pay(order)
        return _order_body(order, ctx)


ORDER_ROUTES = [
    Route("/orders", create_order, methods=["POST"]),
    Route("/orders/{order_uuid}", get_order, methods=["GET"]),
    Route("/carts/{cart_uuid}/order-info", get_order_info, methods=["GET"]),
    Route("/payments/no/payment", no_payment, methods=["POST"]),
]
