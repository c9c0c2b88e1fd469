"""Embedded emulator of the Musement Partner API v3 cart endpoints, served over loopback HTTP.

Endpoints, under `/api/v3` (a base URL looks like `http://127.0.0.1:PORT/api/v3`):

- `POST /login`: client_credentials (JSON or form) -> {access_token, expires_in, token_type}
- `POST /carts`: a new empty cart
- `POST /carts/{cartUuid}/items`: `[{"type": "musement", "product_identifier": <activity
  uuid>, "quantity": n}]`; answers the first created item (items get their own uuids)
- `GET /carts/{cartUuid}`, `GET /carts/{cartUuid}/customer/schema`
- `PUT /carts/{cartUuid}/customer`: partial, deep-merged; required fields are only enforced
  by `POST /orders`
- `GET /carts/{cartUuid}/items/{cartItemUuid}/participants/schema`: `cart_item_participants_info`
  (a `participants` array of exactly `quantity` `prototype` objects); 404 "1400" "This cart item
  does not require participant info" when the item's activity asks for none
- `PUT /carts/{cartUuid}/items/{cartItemUuid}/participants`: a bare array, one object per
  participant; complete or rejected (400 with errors on `participants[i].field`), replaces what
  was stored and answers it; `GET` on the same path answers what is stored (`[]` before a PUT)
- `POST /orders`: `{"cart_uuid": ...}`; needs the required customer fields and participant info
  (errors on `items.<cartItemUuid>.participants[i].field`); orders are created closed, which
  locks the cart (423)

Every endpoint but /login needs `X-Musement-Application` (400 "2271") and a known
`X-Musement-Market` (default `us`; else 400 "-1"). With client credentials, a bearer token from
/login is required too (401). Labels follow `Accept-Language` (en-US, it-IT).

Seeded carts (stable uuids, reseeded for every new app): `BASE_CART_UUID` (base fields only),
`EXTRA_DATA_CART_UUID` (extra customer data from four activities, one with `properties: []`),
`LOCKED_CART_UUID` (connected to a closed order), `PARTICIPANTS_CART_UUID` (two items that need
participant info, one of them extra customer data too, and one that needs none; their item uuids
are `PARTICIPANTS_CART_ITEM_UUIDS`).

Fault switch: `SandboxServer(faults=True)` (or `--faults`) enables `sb.faults` (status,
rate_limit, delay, drop, malformed per method + path glob) and the `/__sandbox/...` admin
endpoints; both are absent otherwise. `sb.recorder` logs every request received.
"""

from .app import create_app, sandbox_of
from .catalog import (
    CATALOG,
    COLOSSEUM_TOUR_UUID,
    EIFFEL_TOWER_UUID,
    FOOD_TOUR_UUID,
    GONDOLA_RIDE_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
)
from .cli import main
from .faults import Fault, FaultInjector, FaultKind, FaultsDisabled
from .recorder import RecordedRequest, Recorder
from .runner import SandboxServer
from .seed import (
    BASE_CART_UUID,
    EXTRA_DATA_CART_UUID,
    LOCKED_CART_UUID,
    LOCKED_ORDER_UUID,
    PARTICIPANTS_CART_ITEM_UUIDS,
    PARTICIPANTS_CART_UUID,
    SEEDED_CARTS,
)

__all__ = [
    "BASE_CART_UUID",
    "CATALOG",
    "COLOSSEUM_TOUR_UUID",
    "EIFFEL_TOWER_UUID",
    "EXTRA_DATA_CART_UUID",
    "FOOD_TOUR_UUID",
    "GONDOLA_RIDE_UUID",
    "LOCKED_CART_UUID",
    "LOCKED_ORDER_UUID",
    "PARTICIPANTS_ACTIVITY_UUID",
    "PARTICIPANTS_CART_ITEM_UUIDS",
    "PARTICIPANTS_CART_UUID",
    "PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID",
    "SANDBOX_TEST_ACTIVITY_UUID",
    "SEEDED_CARTS",
    "VATICAN_MUSEUMS_UUID",
    "Fault",
    "FaultInjector",
    "FaultKind",
    "FaultsDisabled",
    "RecordedRequest",
    "Recorder",
    "SandboxServer",
    "create_app",
    "main",
    "sandbox_of",
]
