"""Error responses shaped the way Musement sends them: {"code": "<string>", "message": ...}."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

# Codes Musement documents; anything without a documented code uses the default "0",
# documented as {"code": "0", "message": "There was an error"}
# (https://partner-api.musement.com/reference/openapi/customer-info/put/carts/cartuuid/items/cartitemuuid/participants.md).
# Every documented 404 has code "1400" (that page, and
# https://partner-api.musement.com/reference/openapi/carts-misc/get/carts/cartuuid/order-info.md).
NOT_FOUND = "1400"
CART_NOT_FOUND = NOT_FOUND
# https://partner-api.musement.com/api/getting-started/headers/application/
MISSING_APPLICATION = "2271"
# "-1" is both "unknown market" (400) and "cart locked" (423).
GENERIC = "-1"
DEFAULT = "0"

# The participants PUT reference documents 423 with this body; PUT customer documents the 423
# status ("cart cannot be modified due to connected order status") with the same error schema
# (https://partner-api.musement.com/reference/tag/Customer-info/).
CART_LOCKED_MESSAGE = "Cart is already connected to order with state 'closed'"
# https://partner-api.musement.com/guide/overview/musement-market-header
UNKNOWN_MARKET_MESSAGE = "Unknown market code was provided."
# https://partner-api.musement.com/api/getting-started/headers/application/
MISSING_APPLICATION_MESSAGE = (
    "The header 'x-musement-application' is mandatory but was not found on the request. "
    "Please specify it and try again."
)
# The participants endpoints' documented 404
# (https://partner-api.musement.com/reference/openapi/customer-info/put/carts/cartuuid/items/cartitemuuid/participants.md).
NO_PARTICIPANTS_MESSAGE = "This cart item does not require participant info"
# The 404 body the project's design (DESIGN.md, issue 13) gives for a missing resource (cart,
# item, order); no page we could read shows it, only code "1400" and "Resource not found" as
# the reference's description of PUT customer's 404.
RESOURCE_NOT_FOUND_MESSAGE = "Resource does not exist"
# GET /carts/{cartUuid}/order-info for a cart without an order
# (https://partner-api.musement.com/reference/openapi/carts-misc/get/carts/cartuuid/order-info.md).
NO_ORDER_MESSAGE = "Cart does not have an associated order"


def musement_error(
    status: int,
    code: str,
    message: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        # Per-field details travel in an extra key so the two documented keys stay intact.
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers)


def not_found() -> JSONResponse:
    """An unknown cart, cart item or order: one body for all, naming nothing."""
    return musement_error(404, NOT_FOUND, RESOURCE_NOT_FOUND_MESSAGE)


def cart_locked() -> JSONResponse:
    return musement_error(423, GENERIC, CART_LOCKED_MESSAGE)


def no_participants_needed() -> JSONResponse:
    return musement_error(404, NOT_FOUND, NO_PARTICIPANTS_MESSAGE)


# DELETE /carts/{cartUuid}/items/{cartItemUuid} answers 403 once the item is in an order; the
# body is not documented.
ITEM_IN_ORDER_MESSAGE = "The cart item is connected to an order and cannot be removed."


def item_in_order() -> JSONResponse:
    return musement_error(403, DEFAULT, ITEM_IN_ORDER_MESSAGE)


def no_order() -> JSONResponse:
    return musement_error(404, NOT_FOUND, NO_ORDER_MESSAGE)
