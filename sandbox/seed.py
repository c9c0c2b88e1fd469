"""Deterministic demo carts with stable UUIDs, seeded into every new sandbox state."""

from __future__ import annotations

import uuid

from .catalog import (
    COLOSSEUM_TOUR_UUID,
    EIFFEL_TOWER_UUID,
    FOOD_TOUR_UUID,
    GONDOLA_RIDE_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    product_id_of,
)
from .customer_fields import EXTRA_CUSTOMER_DATA
from .markets import MARKETS
from .state import SandboxState

BASE_CART_UUID = "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed0001"
EXTRA_DATA_CART_UUID = "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed0002"
LOCKED_CART_UUID = "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed0003"
LOCKED_ORDER_UUID = "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed0103"
PARTICIPANTS_CART_UUID = "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed0004"

SEEDED_CARTS: dict[str, str] = {
    BASE_CART_UUID: "base fields only (Vatican Museums tickets, no extra customer data)",
    EXTRA_DATA_CART_UUID: (
        "extra customer data from four activities: sandbox test activity (phone number, "
        "hotel location), Colosseum tour (date, single choice), food tour (optional multi "
        "choice and text), gondola ride (empty form: properties [])"
    ),
    LOCKED_CART_UUID: ("connected to a paid, closed order: PUT customer and POST items answer 423"),
    PARTICIPANTS_CART_UUID: (
        "participant info: Last Supper tour x2 (salutation, names, date of birth, optional "
        "email), Montenegro day trip x1 (names, date of birth, nationality, passport; plus extra "
        "customer data), Vatican Museums x1 (no participant info: 404)"
    ),
}

_ITEMS = uuid.UUID("6f1d2c3b-0000-4000-8000-5a1e5eed0000")


def _item_uuid(cart_uuid: str, index: int) -> str:
    return str(uuid.uuid5(_ITEMS, f"{cart_uuid}/{index}"))


# The participants cart's items, in cart order: Last Supper, Montenegro trip, Vatican Museums.
PARTICIPANTS_CART_ITEM_UUIDS: tuple[str, ...] = tuple(
    _item_uuid(PARTICIPANTS_CART_UUID, index) for index in range(3)
)


def seed(state: SandboxState) -> None:
    contents = {
        BASE_CART_UUID: [(VATICAN_MUSEUMS_UUID, 2)],
        EXTRA_DATA_CART_UUID: [
            (SANDBOX_TEST_ACTIVITY_UUID, 2),
            (COLOSSEUM_TOUR_UUID, 1),
            (FOOD_TOUR_UUID, 2),
            (GONDOLA_RIDE_UUID, 1),
            (VATICAN_MUSEUMS_UUID, 1),
        ],
        LOCKED_CART_UUID: [(SANDBOX_TEST_ACTIVITY_UUID, 1), (EIFFEL_TOWER_UUID, 1)],
        # Not every item needs participant info: a client must ask each one.
        PARTICIPANTS_CART_UUID: [
            (PARTICIPANTS_ACTIVITY_UUID, 2),
            (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1),
            (VATICAN_MUSEUMS_UUID, 1),
        ],
    }
    for cart_uuid, items in contents.items():
        cart = state.create_cart(cart_uuid)
        for index, (activity_uuid, quantity) in enumerate(items):
            item_uuid = _item_uuid(cart_uuid, index)
            state.add_item(cart, product_id_of(activity_uuid), quantity, item_uuid)

    locked = state.carts[LOCKED_CART_UUID]
    locked.customer = {
        "firstname": "Ada",
        "lastname": "Lovelace",
        "email": "ada@example.com",
        "musement_newsletter": "NO",
        "allow_profiling": "NO",
        "thirdparty_newsletter": "NO",
        "events_related_newsletter": "NO",
        EXTRA_CUSTOMER_DATA: {
            SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": 1234567890, "s_74380": "Hotel Roma"}
        },
    }
    locked.customer_country = MARKETS["us"]
    # Paid and closed: "Cart is already connected to order with state 'closed'".
    state.pay(state.create_order(locked, LOCKED_ORDER_UUID, email_notification="NONE"))
