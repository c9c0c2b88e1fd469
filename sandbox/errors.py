"""Error responses shaped the way Musement sends them: {"code": "<string>", "message": ...}."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

# Codes Musement documents; anything without a documented code uses the default "0".
CART_NOT_FOUND = "1400"
MISSING_APPLICATION = "2271"
GENERIC = "-1"
DEFAULT = "0"

CART_LOCKED_MESSAGE = "Cart is already connected to order with state 'closed'"
UNKNOWN_MARKET_MESSAGE = "Unknown market code was provided."
NO_PARTICIPANTS_MESSAGE = "This cart item does not require participant info"


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


def cart_not_found(cart_uuid: str) -> JSONResponse:
    return musement_error(404, CART_NOT_FOUND, f"Cart with uuid '{cart_uuid}' not found")


def cart_locked() -> JSONResponse:
    return musement_error(423, GENERIC, CART_LOCKED_MESSAGE)


def cart_item_not_found(item_uuid: str) -> JSONResponse:
    # Musement documents only code "1400" here; the wording mirrors its missing-cart message.
    return musement_error(404, CART_NOT_FOUND, f"Cart item with uuid '{item_uuid}' not found")


def no_participants_needed() -> JSONResponse:
    return musement_error(404, CART_NOT_FOUND, NO_PARTICIPANTS_MESSAGE)
