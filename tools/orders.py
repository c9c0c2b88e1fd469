"""Placing the order of a ready cart, reading an order, and Musement's no-payment flow.

As Musement documents them (booking-flow guides "order / create", "order status"
and "payment"; API reference `POST /orders`, `GET /orders/{orderUuid}`,
`GET /carts/{cartUuid}/order-info`, `POST /payments/no/payment`): an order is
created `PENDING` and unpaid; its items turn `OK` once paid and confirmed, and
their vouchers appear then. The docs advise creating the order only when payment
is about to happen, so the order needs the user's explicit yes.

The user's yes is bound to what they saw (`confirmation`): placing re-reads the
cart and posts only if its confirmation token is the one the user said yes to.

A second order for one cart must never happen: `create_order` first looks for the
cart's order (and returns it), serializes calls on one cart, never retries
`POST /orders`, and after an unknown outcome (a timeout, a dropped connection, a
423 from a concurrent call) looks for the order again instead. If none is found,
nothing is posted for that cart while its order info is checked for a bounded
time, and then only after the user confirms anew, told that an order may exist.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import TypedDict, cast

from .arguments import check_cart_uuid, check_uuid
from .cache import SchemaCache
from .cart import get_cart
from .confirmation import confirmation_of
from .errors import (
    CartLocked,
    ConfirmationRequired,
    ConfirmationStale,
    InvalidArgument,
    MusementError,
    OrderNotReady,
    OrderOutcomeUnknown,
    UpstreamError,
    UpstreamUnavailable,
)
from .json_types import JSONObject, object_at
from .models import CartOverview, CreateOrderResult, OrderItemView, OrderView
from .order_guard import MemoryOrderGuard, OrderGuard
from .prices import order_charge
from .problems import Problem, problem
from .text import quoted, shown_text
from .upstream import MusementClient

EMAIL_NOTIFICATIONS = ("ALL", "NONE", "TO-CUSTOMER")
# One create_order at a time per cart: within this process unless the caller passes a shared
# guard (MUSEMENT_REDIS_URL: every worker and replica).
_PLACING = MemoryOrderGuard()


# How long a cart's order is looked for after an unknown outcome before the user may be
# asked again (Musement documents no delay; an order that exists is listed by order-info).
UNKNOWN_OUTCOME_CHECK_SECONDS = 60.0


async def create_order(
    client: MusementClient,
    cart_uuid: object,
    *,
    confirmation: str | None,
    email_notification: str,
    extra_data: dict[str, str] | None = None,
    affiliate: str | None = None,
    affiliate_channel: str | None = None,
    cache: SchemaCache | None = None,
    guard: OrderGuard | None = None,
    check_seconds: float = UNKNOWN_OUTCOME_CHECK_SECONDS,
) -> CreateOrderResult:
    """The cart's order: the existing one, or a new one once the cart is ready and
    `confirmation` is the token of what the cart is now (the summary the user said yes
    to). Refused before any write when the checklist is not empty; `ConfirmationRequired`
    (without a token) or `ConfirmationStale` (another one) carries the summary to ask."""
    cart_uuid = check_cart_uuid(cart_uuid)
    if email_notification not in EMAIL_NOTIFICATIONS:
        raise InvalidArgument(
            f"email_notification must be one of {', '.join(EMAIL_NOTIFICATIONS)}.",
            details=[problem("email_notification", "not_allowed", "not allowed")],
        )
    # Outcomes are kept with the lock: a shared guard shares both between processes.
    outcomes = guard or _PLACING
    async with outcomes.placing(cart_uuid, wait=client.config.call_budget):
        with client.call_budget():
            overview = await get_cart(client, cart_uuid, cache=cache)
            if overview.order is not None:
                await outcomes.clear_unknown(cart_uuid)
                order = await get_order(client, overview.order.order_uuid)
                if order.paid is None:
                    order = order.model_copy(update={"paid": overview.order.paid})
                return CreateOrderResult(
                    cart_uuid=cart_uuid, created=False, order=order, payment=""
                )
            _check_ready(overview)
            since = await outcomes.unknown_since(cart_uuid)
            if since is not None and time.time() - since < check_seconds:
                raise OrderOutcomeUnknown(
                    "An earlier attempt to place this cart's order got no answer, and Musement "
                    "does not list an order for it yet; nothing was sent.",
                    details=[
                        problem(
                            "cart_uuid",
                            "outcome_unknown",
                            "an order may exist",
                            retry_after_seconds=round(check_seconds - (time.time() - since)),
                        )
                    ],
                )
            asked = confirmation_of(overview, after_unknown_outcome=since is not None)
            if confirmation is None:
                raise ConfirmationRequired(
                    f"The user has not confirmed the order yet. {asked.summary}", asked
                )
            if confirmation != asked.token:
                raise ConfirmationStale(
                    "The cart is not what the user confirmed (items, quantities, prices or "
                    f"total changed, or an earlier attempt may have placed it). {asked.summary}",
                    asked,
                )
            created = await _post_order(
                client,
                cart_uuid,
                _order_body(
                    cart_uuid, email_notification, extra_data, affiliate, affiliate_channel
                ),
                outcomes,
            )
    return CreateOrderResult(
        cart_uuid=cart_uuid, created=True, order=order_view(created), payment=""
    )


def _order_body(
    cart_uuid: str,
    email_notification: str,
    extra_data: dict[str, str] | None,
    affiliate: str | None,
    affiliate_channel: str | None,
) -> JSONObject:
    body: JSONObject = {"cart_uuid": cart_uuid, "email_notification": email_notification}
    if extra_data:
        # Musement takes extra_data as a string of serialized JSON key-value pairs.
        body["extra_data"] = json.dumps(extra_data, separators=(",", ":"))
    if affiliate:
        body["affiliate"] = affiliate
        if affiliate_channel:
            body["affiliate_channel"] = affiliate_channel
    return body


async def _post_order(
    client: MusementClient, cart_uuid: str, body: JSONObject, outcomes: OrderGuard
) -> JSONObject:
    """POST /orders once, never retried. After an unknown outcome the cart's order is looked
    for; if none is listed, the cart is recorded as unknown (nothing more is posted for it
    until its order has been looked for long enough and the user confirmed anew)."""
    try:
        created = await client.create_order(body)
    except (UpstreamUnavailable, UpstreamError, CartLocked) as unknown:
        try:
            found = await client.get_order_info(cart_uuid)
            if found:
                created = await client.get_order(found.order_uuid)
                await outcomes.clear_unknown(cart_uuid)
                return created
        except MusementError:
            pass
        await outcomes.record_unknown(cart_uuid)
        raise OrderOutcomeUnknown(
            f"Placing the order got no clear answer ({unknown.type}); it may or may not "
            "exist. Nothing more will be sent for this cart until its order has been looked "
            "for.",
            status=unknown.status,
            code=unknown.code,
        ) from None
    await outcomes.clear_unknown(cart_uuid)
    return created


async def get_order(
    client: MusementClient, order_uuid: object, *, cart_uuid: object = None
) -> OrderView:
    """The order; where it does not say whether it is paid and its cart is given, the
    cart's order-info says (its `payment.paid` is documented as required)."""
    order = await _on_order(client, order_uuid, client.get_order)
    if order.paid is not None or cart_uuid is None:
        return order
    with client.call_budget():
        info = await client.get_order_info(check_cart_uuid(cart_uuid))
    if info is None or info.order_uuid != order.order_uuid:
        return order
    return order_view_with_paid(order, info.paid)


async def pay_without_payment(client: MusementClient, order_uuid: object) -> OrderView:
    """Musement's no-payment flow: for orders priced at zero, or partners with the
    no-payment scope (merchant of record); 422 otherwise, 423 once paid."""
    return await _on_order(client, order_uuid, client.pay_without_payment)


async def _on_order(
    client: MusementClient,
    order_uuid: object,
    request: Callable[[str], Awaitable[JSONObject]],
) -> OrderView:
    """`request(order_uuid)` on a checked UUID (the order endpoints raise `OrderNotFound`
    and `OrderAlreadyPaid` themselves)."""
    order_uuid = check_uuid(order_uuid, "order_uuid", what="order (from create_order)")
    with client.call_budget():
        return order_view(await request(order_uuid))


def order_view(order: JSONObject) -> OrderView:
    """An Order as documented, reduced to what the user needs, with the next step. Paid is
    the order's `isPaid` (only in the newer create-order example); None when absent."""
    uuid = order.get("uuid")
    if not isinstance(uuid, str):
        raise UpstreamError("Musement answered an order without its uuid.")
    listed = order.get("items")
    items = (
        [_item(raw) for raw in listed if isinstance(raw, dict)] if isinstance(listed, list) else []
    )
    said = order.get("isPaid")
    charge = order_charge(order)
    charged = charge["charged"]
    view = OrderView.model_validate(
        {
            "order_uuid": uuid,
            "identifier": shown_text(order.get("identifier"), 40),
            "status": shown_text(order.get("status"), 40),
            "paid": said if isinstance(said, bool) else None,
            "total": charged.text if charged else None,
            "discount": charge["discount"],
            "items": items,
            "next_step": "",
        }
    )
    return order_view_with_paid(view, view.paid)


def order_view_with_paid(view: OrderView, paid: bool | None) -> OrderView:
    """`view` with `paid` and the next steps that follow from it."""
    items = [
        item.model_copy(update={"next_step": _item_step(item.status, paid, bool(item.vouchers))})
        for item in view.items
    ]
    return view.model_copy(
        update={"paid": paid, "items": items, "next_step": _next_step(paid, items)}
    )


class _OrderItem(TypedDict):
    """An order item as `OrderItemView` is built from it (its `next_step` comes later)."""

    order_item_uuid: str
    title: str | None
    quantity: int | None
    status: str | None
    vouchers: list[str]


def _item(raw: JSONObject) -> _OrderItem:
    product = object_at(raw, "product")
    listed = raw.get("vouchers")
    vouchers = listed if isinstance(listed, list) else []
    quantity = raw.get("quantity")
    return {
        "order_item_uuid": str(raw.get("uuid", ""))[:64],
        "title": shown_text(product.get("title")),
        "quantity": quantity if isinstance(quantity, int) else None,
        "status": shown_text(raw.get("status"), 40),
        "vouchers": [url[:2000] for url in map(_voucher_url, vouchers[:100]) if url is not None],
    }


def _voucher_url(voucher: object) -> str | None:
    url = voucher.get("url") if isinstance(voucher, dict) else None
    return url if isinstance(url, str) else None


# Order item statuses (the order-item webhook lists KO, REFUND_STARTED and
# CANCELLATION_ERROR beside PENDING and OK) and what each means for the user.
_ITEM_STEPS = {
    "KO": "The provider could not confirm this item: it is not booked. Tell the user and "
    "ask the partner's support about a refund; do not order it again without asking them.",
    "REFUND_STARTED": "A refund for this item has started; nothing to do but tell the user.",
    "REFUNDED": "This item was refunded; it is no longer booked.",
    "CANCELLATION_ERROR": "Cancelling this item failed at the provider: it may still be "
    "booked. Ask the partner's support, giving the order code.",
}


def _item_step(status: str | None, paid: bool | None, vouchers: bool) -> str:
    if status in _ITEM_STEPS:
        return _ITEM_STEPS[status]
    if status == "OK":
        return "Confirmed: " + ("vouchers available." if vouchers else "vouchers come by email.")
    if status == "PENDING":
        if paid:
            return "Paid; waiting for the provider to confirm it."
        return "Waiting for payment." if paid is False else "Waiting for payment or confirmation."
    return (
        f"Musement reports the status {quoted(status, 40, fallback='(none)')} for this item; "
        "ask the partner's support what it means."
    )


def _next_step(paid: bool | None, items: list[OrderItemView]) -> str:
    if paid is None:
        return (
            "Musement did not say whether the order is paid: get_cart on its cart shows the "
            "payment status."
        )
    if not paid:
        return "Payment pending: the order is placed but not paid yet."
    troubled = [item for item in items if item.status in _ITEM_STEPS]
    if troubled:
        return " ".join(f"{quoted(item.title)}: {item.next_step}" for item in troubled[:10])
    if items and all(item.status == "OK" for item in items):
        if any(item.vouchers for item in items):
            return "Paid and confirmed: the vouchers are available (items' vouchers)."
        return "Paid and confirmed; the vouchers will be sent by email."
    return "Paid; waiting for the providers to confirm the items (vouchers follow)."


def _check_ready(overview: CartOverview) -> None:
    if overview.ready_for_order:
        return
    for part in overview.unknown:
        if part.part == "order":
            # Whether the cart already has an order is unknown: never risk a second one.
            raise UpstreamUnavailable(
                f"Could not read whether this cart already has an order: "
                f"{part.error.get('message')}",
                hint="Nothing was sent. Try again in a moment.",
            )
    # The checklist's problems whole, as problems.py built them (the model types them loosely).
    details = [cast(Problem, dict(found)) for found in overview.problems]
    for blocked in overview.missing.items:
        details.append(
            problem(f"items.{blocked.cart_item_uuid}", "not_bookable", blocked.what_to_do)
        )
    for part in overview.unknown:
        details.append(
            problem(
                f"items.{part.cart_item_uuid}" if part.cart_item_uuid else part.part,
                "invalid",
                f"could not be read: {part.error.get('type')}",
            )
        )
    if not overview.items:
        details.append(problem("items", "too_few", "the cart is empty"))
    raise OrderNotReady(
        f"The cart is not ready for an order: {len(details)} thing(s) missing.",
        details=details[:50],
    )
