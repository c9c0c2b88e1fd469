"""Placing the order of a ready cart, reading an order, and Musement's no-payment flow.

As Musement documents them (booking-flow guides "order / create", "order status"
and "payment"; API reference `POST /orders`, `GET /orders/{orderUuid}`,
`GET /carts/{cartUuid}/order-info`, `POST /payments/no/payment`): an order is
created `PENDING` and unpaid; its items turn `OK` once paid and confirmed, and
their vouchers appear then. The docs advise creating the order only when payment
is about to happen, so the order needs the user's explicit yes.

A second order for one cart must never happen: `create_order` first looks for the
cart's order (and returns it), serializes calls on one cart within the process,
never retries `POST /orders`, and after an unknown outcome (a timeout, a dropped
connection, a 423 from a concurrent call) looks for the order again instead.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from .arguments import check_cart_uuid, check_uuid
from .cache import SchemaCache
from .cart import get_cart
from .client import MusementClient
from .errors import (
    CartLocked,
    CartNotFound,
    InvalidArgument,
    MusementError,
    UpstreamError,
    UpstreamUnavailable,
)
from .models import CartOverview, CreateOrderResult, OrderView
from .order_guard import MemoryOrderGuard, OrderGuard
from .order_info import order_of

EMAIL_NOTIFICATIONS = ("ALL", "NONE", "TO-CUSTOMER")
# One create_order at a time per cart: within this process unless the caller passes a shared
# guard (MUSEMENT_REDIS_URL: every worker and replica).
_PLACING = MemoryOrderGuard()


class OrderNotReady(MusementError):
    type = "order_not_ready"
    default_hint = (
        "Nothing was sent. Complete what `details` lists (get_cart shows the same checklist) "
        "with update_cart_customer and update_participants, then call create_order again."
    )


class ConfirmationRequired(MusementError):
    type = "confirmation_required"
    default_hint = (
        "Nothing was sent. Show the user the summary in this message, ask whether to place "
        "the order, and call create_order again with confirmed_by_user true only after an "
        "explicit yes."
    )

    def __init__(self, message: str, *, summary: str = "", **fields: Any) -> None:
        super().__init__(message, **fields)
        # What the user is asked to confirm, for callers that can ask them (a form).
        self.summary = summary


class OrderNotFound(MusementError):
    type = "order_not_found"
    default_hint = "Check the order UUID: create_order and get_cart give it."


class OrderAlreadyPaid(MusementError):
    type = "order_already_paid"
    default_hint = "Nothing to do: the order is paid. get_order shows its vouchers."


def summary(overview: CartOverview) -> str:
    """What the user is asked to confirm: the items and the total."""
    items = "; ".join(
        f"{item.quantity or 1} x {item.activity_title or 'an activity'}" for item in overview.items
    )
    total = f", total {overview.total}" if overview.total else ""
    return f"Place the order for: {items}{total}."


async def create_order(
    client: MusementClient,
    cart_uuid: Any,
    *,
    confirmed: bool,
    email_notification: str,
    extra_data: dict[str, str] | None = None,
    affiliate: str | None = None,
    affiliate_channel: str | None = None,
    cache: SchemaCache | None = None,
    guard: OrderGuard | None = None,
) -> CreateOrderResult:
    """The cart's order: the existing one, or a new one once the cart is ready and the
    user confirmed. Refused before any write when the checklist is not empty."""
    cart_uuid = check_cart_uuid(cart_uuid)
    if email_notification not in EMAIL_NOTIFICATIONS:
        raise InvalidArgument(
            f"email_notification must be one of {', '.join(EMAIL_NOTIFICATIONS)}.",
            details=[
                {"path": "email_notification", "kind": "not_allowed", "message": "not allowed"}
            ],
        )
    async with (guard or _PLACING).placing(cart_uuid, wait=client.config.call_budget):
        with client.call_budget():
            overview = await get_cart(client, cart_uuid, cache=cache)
            if overview.order is not None:
                order = await get_order(client, overview.order.order_uuid)
                return CreateOrderResult(
                    cart_uuid=cart_uuid, created=False, order=order, payment=""
                )
            _check_ready(overview)
            if not confirmed:
                asked = summary(overview)
                raise ConfirmationRequired(
                    f"The user has not confirmed the order yet. {asked}",
                    summary=asked,
                    details=[
                        {"path": "confirmed_by_user", "kind": "not_confirmed", "message": "false"}
                    ],
                )
            body: dict[str, Any] = {
                "cart_uuid": cart_uuid,
                "email_notification": email_notification,
            }
            if extra_data:
                # Musement takes extra_data as a string of serialized JSON key-value pairs.
                body["extra_data"] = json.dumps(extra_data, separators=(",", ":"))
            if affiliate:
                body["affiliate"] = affiliate
                if affiliate_channel:
                    body["affiliate_channel"] = affiliate_channel
            created: dict[str, Any] | None
            try:
                created = await client.create_order(body)
            except (UpstreamUnavailable, UpstreamError, CartLocked) as unknown:
                # The order may exist all the same: look before answering (never POST again).
                try:
                    found = await order_of(client, cart_uuid)
                    created = await client.get_order(found["order_uuid"]) if found else None
                except MusementError:
                    created = None
                if created is None:
                    unknown.hint = (
                        "The order may or may not have been placed. Call create_order again: "
                        "it returns the cart's order if there is one, and never makes a second."
                    )
                    raise unknown from None
    return CreateOrderResult(
        cart_uuid=cart_uuid, created=True, order=order_view(created), payment=""
    )


async def get_order(client: MusementClient, order_uuid: Any) -> OrderView:
    return await _on_order(client, order_uuid, client.get_order)


async def pay_without_payment(client: MusementClient, order_uuid: Any) -> OrderView:
    """Musement's no-payment flow: for orders priced at zero, or partners with the
    no-payment scope (merchant of record); 422 otherwise, 423 once paid."""
    return await _on_order(client, order_uuid, client.pay_without_payment)


async def _on_order(
    client: MusementClient,
    order_uuid: Any,
    request: Callable[[str], Awaitable[dict[str, Any]]],
) -> OrderView:
    """`request(order_uuid)` on a checked UUID, with the order endpoints' 404 and 423 (an
    unknown order, an order already paid) as their own errors."""
    order_uuid = check_uuid(order_uuid, "order_uuid", what="order (from create_order)")
    with client.call_budget():
        try:
            return order_view(await request(order_uuid))
        except CartNotFound as missing:
            raise OrderNotFound(
                "Musement has no such order.", status=missing.status, code=missing.code
            ) from None
        except CartLocked as paid:
            raise OrderAlreadyPaid(
                "The order is already paid.", status=paid.status, code=paid.code
            ) from None


def order_view(order: dict[str, Any]) -> OrderView:
    """An Order as documented, reduced to what the user needs, with the next step."""
    uuid = order.get("uuid")
    if not isinstance(uuid, str):
        raise UpstreamError("Musement answered an order without its uuid.")
    items = [_item(raw) for raw in order.get("items") or [] if isinstance(raw, dict)]
    paid = order.get("isPaid") is True
    return OrderView.model_validate(
        {
            "order_uuid": uuid,
            "identifier": _text(order.get("identifier")),
            "status": _text(order.get("status")),
            "paid": paid,
            "total": _total(order.get("items") or []),
            "items": items,
            "next_step": _next_step(paid, items),
        }
    )


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    product: dict[str, Any] = raw["product"] if isinstance(raw.get("product"), dict) else {}
    vouchers: list[Any] = raw["vouchers"] if isinstance(raw.get("vouchers"), list) else []
    quantity = raw.get("quantity")
    return {
        "order_item_uuid": str(raw.get("uuid", "")),
        "title": _text(product.get("title")),
        "quantity": quantity if isinstance(quantity, int) else None,
        "status": _text(raw.get("status")),
        "vouchers": [
            v["url"] for v in vouchers if isinstance(v, dict) and isinstance(v.get("url"), str)
        ],
    }


def _text(value: Any) -> str | None:
    """A string field of an upstream answer, or None when it is missing or not a string."""
    return value if isinstance(value, str) else None


def _total(items: list[Any]) -> str | None:
    """The sum of the items' retail prices (an Order's own total is not documented)."""
    total, currency = 0.0, None
    for item in items:
        product = item.get("product") if isinstance(item, dict) else None
        price = product.get("retail_price") if isinstance(product, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if not isinstance(price, dict) or not isinstance(price.get("value"), int | float):
            return None
        total += price["value"] * (quantity if isinstance(quantity, int) else 1)
        currency = price.get("currency") if isinstance(price.get("currency"), str) else currency
    return f"{total:.2f} {currency}" if currency else None


def _next_step(paid: bool, items: list[dict[str, Any]]) -> str:
    if not paid:
        return "Payment pending: the order is placed but not paid yet."
    if items and all(item["status"] == "OK" for item in items):
        if any(item["vouchers"] for item in items):
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
    details: list[dict[str, Any]] = [dict(problem) for problem in overview.missing.customer]
    for item in overview.missing.participants:
        details.extend(dict(problem) for problem in item.problems)
    for part in overview.unknown:
        details.append(
            {
                "path": f"items.{part.cart_item_uuid}",
                "kind": "invalid",
                "message": f"could not be read: {part.error.get('type')}",
            }
        )
    raise OrderNotReady(
        f"The cart is not ready for an order: {len(details)} thing(s) missing.",
        details=details[:50],
    )
