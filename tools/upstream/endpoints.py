"""The Musement endpoints this product touches, as plain async calls on `MusementClient`.

Each endpoint says which resource its path names, so its 404 and 423 are that
resource's errors (`answers.Resource`); the shapes that are ours come back typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager

import httpx2

from ..arguments import is_uuid
from ..errors import ActivityNotFound, UpstreamError
from ..json_types import JSONArray, JSONObject, JSONValue, object_at
from ..models import OrderOfCart
from ..text import shown_text
from .answers import (
    ACTIVITY,
    CART,
    CART_ITEM,
    CART_ITEM_REMOVAL,
    CART_ORDER,
    ORDER,
    Answer,
    NoOrder,
    Resource,
    json_list,
    json_object,
)
from .auth import EarlyLogin, Login, login_ahead
from .config import MusementConfig
from .retry import RetryPolicy, call_budget, current_deadline
from .sending import Connection, Lanes, retrying, within


class MusementClient:
    """The cart endpoints this product touches, as plain async calls.

    One pooled connection; every request carries the configured Musement headers. With
    client credentials configured it logs in (`POST /login`), keeps the bearer token
    until shortly before it expires and logs in again once when a request answers 401.
    Every upstream answer becomes a parsed body or one of the typed failures in `errors`.
    """

    def __init__(
        self,
        config: MusementConfig,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        early_login: EarlyLogin | None = None,
    ) -> None:
        self.config = config
        self._connection = Connection(config, transport)
        self._login = Login(self._connection, early_login)
        self._lanes = Lanes()
        self.retry_policy = RetryPolicy(max_attempts=config.max_attempts)

    async def __aenter__(self) -> MusementClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._connection.aclose()

    # -- the endpoints -------------------------------------------------------

    async def get_customer_schema(self, cart_uuid: str) -> JSONObject:
        """`GET /carts/{cartUuid}/customer/schema`."""
        body = await self._request("GET", f"carts/{cart_uuid}/customer/schema", CART)
        return json_object(body, "the customer schema")

    async def put_customer(
        self, cart_uuid: str, customer: Mapping[str, JSONValue]
    ) -> JSONObject | None:
        """`PUT /carts/{cartUuid}/customer`: stores (merges) the customer.

        Success is the 2xx status. Musement documents the stored Customer as the
        answer; anything else in a 2xx (an empty body, a list) is still a success,
        reported as None.
        """
        body = await self._request("PUT", f"carts/{cart_uuid}/customer", CART, json_body=customer)
        return body if isinstance(body, dict) else None

    async def get_cart(self, cart_uuid: str) -> JSONObject:
        """`GET /carts/{cartUuid}`: items and the customer saved so far."""
        return json_object(await self._request("GET", f"carts/{cart_uuid}", CART), "the cart")

    async def get_participants_schema(self, cart_uuid: str, item_uuid: str) -> JSONObject:
        """`GET /carts/{cartUuid}/items/{cartItemUuid}/participants/schema`; its 404 is
        `CartItemNotFound` (no cart, no item or none needed alike)."""
        path = f"carts/{cart_uuid}/items/{item_uuid}/participants/schema"
        return json_object(await self._request("GET", path, CART_ITEM), "the participants schema")

    async def get_order_info(self, cart_uuid: str) -> OrderOfCart | None:
        """`GET /carts/{cartUuid}/order-info`: the cart's order and its payment state, or
        None without one. Only for a cart known to exist: its 404 means "no order" (an
        unknown cart answers 404 too, and the wording is not a contract)."""
        try:
            body = await self._request("GET", f"carts/{cart_uuid}/order-info", CART_ORDER)
        except NoOrder:
            return None
        return _order_of_cart(json_object(body, "order info"))

    async def create_order(self, body: Mapping[str, JSONValue]) -> JSONObject:
        """`POST /orders`, never retried: a repeat could make a second order. After an
        unknown outcome the caller looks for the cart's order instead. Its body names a
        cart: a 404 or 423 is the cart's."""
        answer = await self._request("POST", "orders", CART, json_body=body, retry=False)
        return json_object(answer, "the new order")

    async def get_order(self, order_uuid: str) -> JSONObject:
        """`GET /orders/{orderUuid}`."""
        return json_object(await self._request("GET", f"orders/{order_uuid}", ORDER), "the order")

    async def pay_without_payment(self, order_uuid: str) -> JSONObject:
        """`POST /payments/no/payment` `{uuid}` (Musement's no-payment flow): the Order;
        423 once the order is paid (`OrderAlreadyPaid`)."""
        body = await self._request(
            "POST", "payments/no/payment", ORDER, json_body={"uuid": order_uuid}, retry=False
        )
        return json_object(body, "the payment")

    async def get_participants(self, cart_uuid: str, item_uuid: str) -> JSONArray:
        """`GET /carts/{cartUuid}/items/{cartItemUuid}/participants`: what is stored."""
        path = f"carts/{cart_uuid}/items/{item_uuid}/participants"
        return json_list(await self._request("GET", path, CART_ITEM), "the participants")

    async def put_participants(
        self, cart_uuid: str, item_uuid: str, participants: Sequence[JSONValue]
    ) -> None:
        """`PUT .../participants` with a bare array; idempotent (it replaces them all).

        Musement documents no success body: any 2xx is a success, its body unread.
        """
        path = f"carts/{cart_uuid}/items/{item_uuid}/participants"
        await self._request("PUT", path, CART_ITEM, json_body=participants, read_body=False)

    # -- the catalog (the catalog toolset) --------------------------------------

    async def search_activities(self, query: dict[str, str]) -> JSONObject:
        """`GET /activities` with `query` (text, city_in, available_from/to,
        default_price_range, sort_by, offset, limit)."""
        body = await self._request("GET", "activities", ACTIVITY, params=query)
        if isinstance(body, list):  # a bare list of activities: no count
            return {"data": body}
        return json_object(body, "the activity search")

    async def get_activity(self, activity_uuid: str) -> JSONObject:
        """`GET /activities/{activityUuid}`; its 404 is `ActivityNotFound`."""
        body = await self._request("GET", f"activities/{activity_uuid}", ACTIVITY)
        return json_object(body, "the activity")

    async def get_activity_part(self, activity_uuid: str, part: str) -> JSONValue:
        """`GET /activities/{activityUuid}/{part}` (pickups, refund-policies, the previews
        `extra-customer-data/schema` and `participants-info/schema`); None where Musement
        answers 404, which these endpoints document for "nothing of the kind"."""
        try:
            return await self._request("GET", f"activities/{activity_uuid}/{part}", ACTIVITY)
        except ActivityNotFound:
            return None

    async def get_activity_dates(self, activity_uuid: str, query: dict[str, str]) -> JSONArray:
        """`GET /activities/{activityUuid}/dates?date_from=&date_to=&pickup=`."""
        body = await self._request(
            "GET", f"activities/{activity_uuid}/dates", ACTIVITY, params=query
        )
        return json_list(body, "the activity's dates")

    async def get_activity_day(
        self, activity_uuid: str, day: str, query: dict[str, str]
    ) -> JSONArray:
        """`GET /activities/{activityUuid}/dates/{date}`: the day's groups, slots and
        products. Asked in version 3.5.0 at least, the first to give timeslots their
        `availability`, `min_buy` and `max_buy`."""
        body = await self._request(
            "GET",
            f"activities/{activity_uuid}/dates/{day}",
            ACTIVITY,
            params=query,
            headers={"X-Musement-Version": at_least(self.config.version, DAY_VERSION)},
        )
        return json_list(body, "the day's options")

    async def create_cart(self, discount_code: str | None) -> JSONObject:
        """`POST /carts` with `{}` or `{"discount_code": ...}`; never retried (a repeat
        makes a second, empty cart: harmless, but not what was asked)."""
        body: JSONObject = {} if discount_code is None else {"discount_code": discount_code}
        answer = await self._request("POST", "carts", CART, json_body=body, retry=False)
        return json_object(answer, "the new cart")

    async def add_cart_items(
        self, cart_uuid: str, items: Sequence[Mapping[str, JSONValue]]
    ) -> JSONObject:
        """`POST /carts/{cartUuid}/items` with an array: answers the first item created.
        Never retried: a repeat would add the items twice."""
        answer = await self._request(
            "POST", f"carts/{cart_uuid}/items", CART, json_body=items, retry=False
        )
        return json_object(answer, "the added item")

    async def remove_cart_item(self, cart_uuid: str, item_uuid: str) -> None:
        """`DELETE /carts/{cartUuid}/items/{cartItemUuid}`: 204; 403 once the item is in an
        order (`CartLocked`)."""
        await self._request(
            "DELETE", f"carts/{cart_uuid}/items/{item_uuid}", CART_ITEM_REMOVAL, read_body=False
        )

    # -- logging in ------------------------------------------------------------

    async def login(self) -> None:
        """Log in now (`POST /login`) unless a valid token is held; a no-op without
        credentials. Requests log in by themselves: this is for checks and warm-ups."""
        if self.config.has_credentials:
            await self._login.bearer_token()

    async def login_ahead(self) -> None:
        """`login()` at start-up, so the first tool call finds a token: never fails (a
        failure is logged; the first request logs in itself and reports it)."""
        if self.config.has_credentials:
            await login_ahead(self._login)

    # -- plumbing -------------------------------------------------------------

    def call_budget(self) -> AbstractContextManager[None]:
        """Share one time budget among all requests inside (one tool call)."""
        return call_budget(self.config.call_budget)

    async def _request(
        self,
        method: str,
        path: str,
        resource: Resource,
        *,
        json_body: object = None,
        read_body: bool = True,
        retry: bool = True,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> JSONValue:
        deadline = current_deadline(self.config.call_budget)
        relogged = False
        sent = (json_body, params, headers)

        async def attempt() -> JSONValue:
            nonlocal relogged
            async with self._lanes.lane(path, deadline):
                answer = await self._send_within(deadline, method, path, *sent)
                if answer.status == 401 and self.config.has_credentials and not relogged:
                    # The token may have been revoked or expired early: log in again, once.
                    relogged = True
                    self._login.forget()
                    answer = await self._send_within(deadline, method, path, *sent)
                if read_body:
                    return answer.parse(resource, sent=json_body)
                answer.succeed(resource, sent=json_body)
                return None

        policy = self.retry_policy if retry else None
        return await retrying(attempt, policy, deadline, (method, path))

    async def _send_within(
        self,
        deadline: float,
        method: str,
        path: str,
        json_body: object,
        params: dict[str, str] | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> Answer:
        async def send(remaining: float) -> Answer:
            headers = dict(extra_headers or {})
            if self.config.has_credentials:
                headers["Authorization"] = f"Bearer {await self._login.bearer_token()}"
            timeout = min(self.config.timeout, remaining)
            return await self._connection.exchange(
                method, path, json_body, headers, timeout, params
            )

        return await within(deadline, self.config.call_budget, send)


# The first version whose timeslots carry availability, min_buy and max_buy.
DAY_VERSION = "3.5.0"


def at_least(version: str, floor: str) -> str:
    """The later of two versions `x.y.z` (an unreadable one counts as older)."""

    def parts(text: str) -> tuple[int, ...]:
        try:
            return tuple(int(p) for p in text.split("."))
        except ValueError:
            return ()

    return version if parts(version) >= parts(floor) else floor


def _order_of_cart(info: JSONObject) -> OrderOfCart:
    """Musement documents `{order_uuid, payment: {paid, status}}`."""
    order_uuid = info.get("order_uuid")
    payment = object_at(info, "payment")
    if not isinstance(order_uuid, str) or not is_uuid(order_uuid):
        # A 2xx naming no order: unknown, not "no order" (that would risk a second one).
        raise UpstreamError("Musement answered the cart's order info without an order UUID.")
    return OrderOfCart(
        order_uuid=order_uuid.lower(),
        paid=payment.get("paid") is True,
        # Musement's word, shown in results and in the locked-cart message: cleaned, short.
        payment_status=shown_text(payment.get("status"), 40),
    )
