"""The Musement endpoints this product touches, as plain async calls on `MusementClient`.

Each endpoint says which resource its path names, so its 404 and 423 are that
resource's errors (`answers.Resource`); the shapes that are ours come back typed.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import httpx2

from ..arguments import is_uuid
from ..errors import UpstreamError
from ..models import OrderOfCart
from ..text import shown_text
from .answers import (
    CART,
    CART_ITEM,
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

    async def get_customer_schema(self, cart_uuid: str) -> dict[str, Any]:
        """`GET /carts/{cartUuid}/customer/schema`."""
        body = await self._request("GET", f"carts/{cart_uuid}/customer/schema", CART)
        return json_object(body, "the customer schema")

    async def put_customer(self, cart_uuid: str, customer: dict[str, Any]) -> dict[str, Any] | None:
        """`PUT /carts/{cartUuid}/customer`: stores (merges) the customer.

        Success is the 2xx status. Musement documents the stored Customer as the
        answer; anything else in a 2xx (an empty body, a list) is still a success,
        reported as None.
        """
        body = await self._request("PUT", f"carts/{cart_uuid}/customer", CART, json_body=customer)
        return body if isinstance(body, dict) else None

    async def get_cart(self, cart_uuid: str) -> dict[str, Any]:
        """`GET /carts/{cartUuid}`: items and the customer saved so far."""
        return json_object(await self._request("GET", f"carts/{cart_uuid}", CART), "the cart")

    async def get_participants_schema(self, cart_uuid: str, item_uuid: str) -> dict[str, Any]:
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

    async def create_order(self, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /orders`, never retried: a repeat could make a second order. After an
        unknown outcome the caller looks for the cart's order instead. Its body names a
        cart: a 404 or 423 is the cart's."""
        answer = await self._request("POST", "orders", CART, json_body=body, retry=False)
        return json_object(answer, "the new order")

    async def get_order(self, order_uuid: str) -> dict[str, Any]:
        """`GET /orders/{orderUuid}`."""
        return json_object(await self._request("GET", f"orders/{order_uuid}", ORDER), "the order")

    async def pay_without_payment(self, order_uuid: str) -> dict[str, Any]:
        """`POST /payments/no/payment` `{uuid}` (Musement's no-payment flow): the Order;
        423 once the order is paid (`OrderAlreadyPaid`)."""
        body = await self._request(
            "POST", "payments/no/payment", ORDER, json_body={"uuid": order_uuid}, retry=False
        )
        return json_object(body, "the payment")

    async def get_participants(self, cart_uuid: str, item_uuid: str) -> list[Any]:
        """`GET /carts/{cartUuid}/items/{cartItemUuid}/participants`: what is stored."""
        path = f"carts/{cart_uuid}/items/{item_uuid}/participants"
        return json_list(await self._request("GET", path, CART_ITEM), "the participants")

    async def put_participants(
        self, cart_uuid: str, item_uuid: str, participants: list[Any]
    ) -> None:
        """`PUT .../participants` with a bare array; idempotent (it replaces them all).

        Musement documents no success body: any 2xx is a success, its body unread.
        """
        path = f"carts/{cart_uuid}/items/{item_uuid}/participants"
        await self._request("PUT", path, CART_ITEM, json_body=participants, read_body=False)

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
        json_body: Any = None,
        read_body: bool = True,
        retry: bool = True,
    ) -> Any:
        deadline = current_deadline(self.config.call_budget)
        relogged = False

        async def attempt() -> Any:
            nonlocal relogged
            async with self._lanes.lane(path, deadline):
                answer = await self._send_within(deadline, method, path, json_body)
                if answer.status == 401 and self.config.has_credentials and not relogged:
                    # The token may have been revoked or expired early: log in again, once.
                    relogged = True
                    self._login.forget()
                    answer = await self._send_within(deadline, method, path, json_body)
                if read_body:
                    return answer.parse(resource, sent=json_body)
                answer.succeed(resource, sent=json_body)
                return None

        policy = self.retry_policy if retry else None
        return await retrying(attempt, policy, deadline, (method, path))

    async def _send_within(self, deadline: float, method: str, path: str, json_body: Any) -> Answer:
        async def send(remaining: float) -> Answer:
            headers = {}
            if self.config.has_credentials:
                headers["Authorization"] = f"Bearer {await self._login.bearer_token()}"
            timeout = min(self.config.timeout, remaining)
            return await self._connection.exchange(method, path, json_body, headers, timeout)

        return await within(deadline, self.config.call_budget, send)


def _order_of_cart(info: dict[str, Any]) -> OrderOfCart:
    """Musement documents `{order_uuid, payment: {paid, status}}`."""
    order_uuid = info.get("order_uuid")
    payment: dict[str, Any] = info["payment"] if isinstance(info.get("payment"), dict) else {}
    if not isinstance(order_uuid, str) or not is_uuid(order_uuid):
        # A 2xx naming no order: unknown, not "no order" (that would risk a second one).
        raise UpstreamError("Musement answered the cart's order info without an order UUID.")
    return OrderOfCart(
        order_uuid=order_uuid.lower(),
        paid=payment.get("paid") is True,
        # Musement's word, shown in results and in the locked-cart message: cleaned, short.
        payment_status=shown_text(payment.get("status"), 40),
    )
