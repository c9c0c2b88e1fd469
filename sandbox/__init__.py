"""Embedded emulator of the Musement Partner API v3 cart endpoints, served over loopback HTTP.

Endpoints, under `/api/v3` (a base URL looks like `http://127.0.0.1:PORT/api/v3`), each as
Musement documents it (the pages are cited next to the code; docs/MUSEMENT_API.md has the notes):

- `POST /login`: client_credentials (JSON or form) -> {access_token, expires_in, token_type,
  scope}
- `GET /activities` (text, city_in, country_in, venue_in, available_language_in,
  available_from + available_to, default_price_range, sort_by, offset, limit): `{data, meta:
  {count}}`; `GET /activities/{activityUuid}`: title, description, about, city, venues, meeting
  point, languages, reviews, duration, order_box_elements, "price from"
- `GET /activities/{activityUuid}/pickups`, `.../refund-policies` (404: non-refundable)
- `GET /activities/{activityUuid}/dates?date_from=&date_to=` (`pickup` where the activity has
  pickups): `[{day, sold_out}]`, end date excluded, 400 "1440" when swapped
- `GET /activities/{activityUuid}/dates/{date}`: `[{groups: [{feature_code, name, slots: [{time,
  languages, availability, min_buy, max_buy, products: [{holder_code, product_id, min_buy,
  max_buy, availability, prices...}]}]}]}]`; 422 when nothing is on sale. The first nine
  activities sell one product each, the same id every day (`product_id_of(activity_uuid)`);
  the catalog's (`ROME_GUIDED_TOUR_UUID`: adult/child on Saturdays, a 2-seat 15:00 slot;
  `SEINE_CRUISE_UUID`: pickups; `MURANO_BURANO_TOUR_UUID`: a private boat that prebooks
  PREBOOK_KO, min 2; `LOUVRE_UUID`) have an opaque id per day, slot, option and holder
- `GET /activities/{activityUuid}/extra-customer-data/schema`, `.../participants-info/schema`:
  previews of what the checkout will ask
- `POST /carts`: a new empty cart; `{"discount_code": "SANDBOX10"}` (`SANDBOX_PROMO_CODE`)
  takes 10% off (`promo_code`, `discount`, `total_discount`); an unknown code is ignored
- `POST /carts/{cartUuid}/items`: `[{"type": "musement", "product_identifier": <product id>,
  "quantity": n, "language"?, "pickup"?}]`; answers the first created item (`status:
  PREBOOK_OK`, `product.title` the ticket's name); at most 100 items a cart; refused (400 "0",
  all or nothing) outside min_buy/max_buy, past the seats left, without a listed language or
  pickup where the product has them; seats are held until the item is removed
- `DELETE /carts/{cartUuid}/items/{cartItemUuid}`: 204; 403 once the cart has an order
- `GET /carts/{cartUuid}`: items carry `product {id, type, title (the activity's), api_url
  (.../activities/{activityUuid}), retail_price}` and no activity UUID field of their own
- `GET /carts/{cartUuid}/customer/schema`: extra-data blocks keyed and titled by activity UUID
- `PUT /carts/{cartUuid}/customer`: partial, deep-merged; answers the Customer (documented
  fields only: allow_profiling, city, zipcode and tax_id are stored but never echoed; fields a
  guest never sets are null); required fields are only enforced by `POST /orders`
- `GET /carts/{cartUuid}/items/{cartItemUuid}/participants/schema`: `cart_item_participants_info`
  (a `participants` array of exactly `quantity` `prototype` objects); 404 "1400" "This cart item
  does not require participant info" when the item's activity asks for none
- `PUT /carts/{cartUuid}/items/{cartItemUuid}/participants`: a bare array, one object per
  participant; complete or rejected (400 with errors on `participants[i].field`), replaces what
  was stored; success is 200 with an empty body; `GET` on the same path answers what is stored
  (`[]` before a PUT)
- `POST /orders`: `{"cart_uuid", "email_notification"?, "extra_data"? (a JSON string),
  "affiliate"?, "affiliate_channel"?}`; needs the required customer fields and participant info
  (errors on `items.<cartItemUuid>.participants[i].field`); the order is PENDING and unpaid, and
  it locks its cart (423 "-1" "Cart is already connected to order with state 'closed'"); with
  `pending_orders_lock_cart=False` (`--pending-orders-unlocked`) only a paid order does, so an
  unpaid cart may get several orders and order-info names the newest
- `GET /orders/{orderUuid}`, `GET /carts/{cartUuid}/order-info` (`{order_uuid, payment: {paid,
  status}}`; 404 "1400" "Cart does not have an associated order")
- `POST /payments/no/payment` `{"uuid"}`: pays a zero-priced order, or any order when the sandbox
  has the no-payment scope (`no_payment_scope=True`, `--no-payment-scope`); else 422; 423 once
  paid. Paid orders are closed: items OK with vouchers

Unknown carts, items and orders answer 404 `{"code": "1400", "message": "Resource does not
exist"}`. Every endpoint, /login included, needs `X-Musement-Application` (400 "2271") and a
known `X-Musement-Market` (default `us`; else 400 "-1"). With client credentials, a bearer token
from /login is required too (401). Labels follow `Accept-Language` (en-US, it-IT).

Seeded carts (stable uuids, reseeded for every new app): `BASE_CART_UUID` (base fields only),
`EXTRA_DATA_CART_UUID` (extra customer data from four activities, one with `properties: []`),
`LOCKED_CART_UUID` (connected to the paid, closed order `LOCKED_ORDER_UUID`),
`PARTICIPANTS_CART_UUID` (two items that need participant info, one of them extra customer data
too, and one that needs none; their item uuids are `PARTICIPANTS_CART_ITEM_UUIDS`).

Fault switch: `SandboxServer(faults=True)` (or `--faults`) enables `sb.faults` (status,
rate_limit, delay, drop, malformed per method + path glob) and the `/__sandbox/...` admin
endpoints (faults, tokens, requests, `POST /__sandbox/orders/{orderUuid}/close` to mark an order
paid and closed); both are absent otherwise. `sb.close_order(uuid)` does the same in-process.
`sb.recorder` logs every request received.
"""

from .app import create_app, sandbox_of
from .catalog import (
    CATALOG,
    COLOSSEUM_TOUR_UUID,
    EIFFEL_TOWER_UUID,
    FOOD_TOUR_UUID,
    FREE_WALKING_TOUR_UUID,
    GONDOLA_RIDE_UUID,
    LOUVRE_UUID,
    MURANO_BURANO_TOUR_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    PRODUCTS,
    ROME_GUIDED_TOUR_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    SEINE_CRUISE_UUID,
    VATICAN_MUSEUMS_UUID,
    Product,
    product_id_of,
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
from .state import SANDBOX_PROMO_CODE

__all__ = [
    "BASE_CART_UUID",
    "CATALOG",
    "COLOSSEUM_TOUR_UUID",
    "EIFFEL_TOWER_UUID",
    "EXTRA_DATA_CART_UUID",
    "FOOD_TOUR_UUID",
    "FREE_WALKING_TOUR_UUID",
    "GONDOLA_RIDE_UUID",
    "LOCKED_CART_UUID",
    "LOCKED_ORDER_UUID",
    "LOUVRE_UUID",
    "MURANO_BURANO_TOUR_UUID",
    "PARTICIPANTS_ACTIVITY_UUID",
    "PARTICIPANTS_CART_ITEM_UUIDS",
    "PARTICIPANTS_CART_UUID",
    "PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID",
    "PRODUCTS",
    "ROME_GUIDED_TOUR_UUID",
    "SANDBOX_PROMO_CODE",
    "SANDBOX_TEST_ACTIVITY_UUID",
    "SEEDED_CARTS",
    "SEINE_CRUISE_UUID",
    "VATICAN_MUSEUMS_UUID",
    "Fault",
    "FaultInjector",
    "FaultKind",
    "FaultsDisabled",
    "Product",
    "RecordedRequest",
    "Recorder",
    "SandboxServer",
    "create_app",
    "main",
    "product_id_of",
    "sandbox_of",
]
