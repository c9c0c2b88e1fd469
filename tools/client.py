"""Async client for the Musement Partner API v3 cart endpoints.

One pooled `httpx2.AsyncClient` per `MusementClient`; every request carries the
configured Musement headers. With client credentials configured it logs in
(`POST /login`), keeps the bearer token until shortly before it expires and
logs in again once when a request answers 401. Every upstream answer becomes a
parsed body or one of the typed failures in `errors`.
"""

from __future__ import annotations

import functools
import json
import logging
import ssl
import threading
import time
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2

from .errors import (
    CartLocked,
    CartNotFound,
    InvalidRequest,
    MusementError,
    RateLimited,
    Unauthorized,
    UpstreamError,
    UpstreamUnavailable,
)
from .redaction import redact
from .retry import RetryPolicy, call_budget, current_deadline
from .slots import KeyedSlots, WaitedTooLong
from .text import MESSAGE_LIMIT, TITLE_LIMIT, shown_text

logger = logging.getLogger("musement_mcp.client")

PUBLIC_SANDBOX_URL = "https://sandbox.musement.com/api/v3"
# Musement's codes for a request the server's settings got wrong: 2271, no (or an
# unknown) X-Musement-Application; -1 with 400, an unknown X-Musement-Market.
APPLICATION_HEADER_CODE = "2271"
_CONFIGURATION_CODES = frozenset({APPLICATION_HEADER_CODE, "-1"})
# Renew the token this long before Musement says it expires, so a request
# never leaves with a token that dies in flight.
TOKEN_RENEW_MARGIN_SECONDS = 60.0
# Upstream requests in flight for one cart at a time: a slow cart (or a cart with
# many items) waits in its own lane instead of taking the whole connection pool.
PER_CART_CONCURRENCY = 8


@dataclass(frozen=True)
class MusementConfig:
    """What the client needs to talk to Musement; built by the server's settings.

    Its defaults are the project's: the server's settings (and so `--help` and the
    environment) take theirs from here, so a default is stated once.
    """

    base_url: str = PUBLIC_SANDBOX_URL
    application: str | None = None
    market: str = "us"
    version: str = "3.4.0"
    language: str = "en-US"
    currency: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    timeout: float = 10.0
    # The whole tool call (schema read, update, retries) must end within this.
    call_budget: float = 20.0
    max_attempts: int = 4
    max_response_bytes: int = 2 * 1024 * 1024

    @property
    def has_credentials(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def headers(self) -> dict[str, str]:
        """The Musement headers sent on every call."""
        headers = {
            "Accept": "application/json",
            "X-Musement-Market": self.market,
            "X-Musement-Version": self.version,
            "Accept-Language": self.language,
        }
        if self.application:
            headers["X-Musement-Application"] = self.application
        if self.currency:
            headers["X-Musement-Currency"] = self.currency
        return headers

    def cache_key(self) -> tuple[str, ...]:
        """The settings that change what the API answers (labels, markets)."""
        return (
            self.base_url,
            self.application or "",
            self.market,
            self.version,
            self.language,
            self.currency or "",
        )


class MusementClient:
    """The cart endpoints this product touches, as plain async calls."""

    def __init__(
        self,
        config: MusementConfig,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        early_login: EarlyLogin | None = None,
    ) -> None:
        self.config = config
        self._early_login = early_login
        self._http = httpx2.AsyncClient(
            base_url=config.base_url.rstrip("/") + "/",
            headers=config.headers(),
            timeout=config.timeout,
            transport=transport,
            verify=_tls_context(),
            # An agent's calls come seconds apart (a model's turn each): keep a connection
            # that long, or every call pays a new TCP and TLS handshake (two round trips).
            limits=httpx2.Limits(
                max_connections=100, max_keepalive_connections=20, keepalive_expiry=30.0
            ),
        )
        self.retry_policy = RetryPolicy(max_attempts=config.max_attempts)
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._login_lock = anyio.Lock()
        self._lanes = KeyedSlots(PER_CART_CONCURRENCY)

    async def __aenter__(self) -> MusementClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- the endpoints -------------------------------------------------------

    async def get_customer_schema(self, cart_uuid: str) -> dict[str, Any]:
        """`GET /carts/{cartUuid}/customer/schema`."""
        body = await self._request("GET", f"carts/{cart_uuid}/customer/schema")
        return _object(body, "the customer schema")

    async def put_customer(self, cart_uuid: str, customer: dict[str, Any]) -> dict[str, Any] | None:
        """`PUT /carts/{cartUuid}/customer`: stores (merges) the customer.

        Success is the 2xx status. Musement documents the stored Customer as the
        answer; anything else in a 2xx (an empty body, a list) is still a success,
        reported as None.
        """
        body = await self._request("PUT", f"carts/{cart_uuid}/customer", json_body=customer)
        return body if isinstance(body, dict) else None

    async def get_cart(self, cart_uuid: str) -> dict[str, Any]:
        """`GET /carts/{cartUuid}`: items and the customer saved so far."""
        return _object(await self._request("GET", f"carts/{cart_uuid}"), "the cart")

    async def get_participants_schema(self, cart_uuid: str, item_uuid: str) -> dict[str, Any]:
        """`GET /carts/{cartUuid}/items/{cartItemUuid}/participants/schema`."""
        path = f"carts/{cart_uuid}/items/{item_uuid}/participants/schema"
        return _object(await self._request("GET", path), "the participants schema")

    async def get_order_info(self, cart_uuid: str) -> dict[str, Any]:
        """`GET /carts/{cartUuid}/order-info`: the cart's order and its payment state."""
        return _object(await self._request("GET", f"carts/{cart_uuid}/order-info"), "order info")

    async def create_order(self, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /orders`, never retried: a repeat could make a second order. After an
        unknown outcome the caller looks for the cart's order instead."""
        answer = await self._request("POST", "orders", json_body=body, retry=False)
        return _object(answer, "the new order")

    async def get_order(self, order_uuid: str) -> dict[str, Any]:
        """`GET /orders/{orderUuid}`."""
        return _object(await self._request("GET", f"orders/{order_uuid}"), "the order")

    async def pay_without_payment(self, order_uuid: str) -> dict[str, Any]:
        """`POST /payments/no/payment` `{uuid}` (Musement's no-payment flow): the Order."""
        body = await self._request(
            "POST", "payments/no/payment", json_body={"uuid": order_uuid}, retry=False
        )
        return _object(body, "the payment")

    async def get_participants(self, cart_uuid: str, item_uuid: str) -> list[Any]:
        """`GET /carts/{cartUuid}/items/{cartItemUuid}/participants`: what is stored."""
        body = await self._request("GET", f"carts/{cart_uuid}/items/{item_uuid}/participants")
        return _list(body, "the participants")

    async def put_participants(
        self, cart_uuid: str, item_uuid: str, participants: list[Any]
    ) -> None:
        """`PUT .../participants` with a bare array; idempotent (it replaces them all).

        Musement documents no success body: any 2xx is a success, its body unread.
        """
        path = f"carts/{cart_uuid}/items/{item_uuid}/participants"
        await self._request("PUT", path, json_body=participants, read_body=False)

    # -- plumbing -------------------------------------------------------------

    def call_budget(self) -> AbstractContextManager[None]:
        """Share one time budget among all requests inside (one tool call)."""
        return call_budget(self.config.call_budget)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        read_body: bool = True,
        retry: bool = True,
    ) -> Any:
        deadline = current_deadline(self.config.call_budget)
        attempt = 0
        relogged = False
        while True:
            attempt += 1
            try:
                async with self._lane(path, deadline):
                    answer = await self._send_within(deadline, method, path, json_body)
                    if answer.status == 401 and self.config.has_credentials and not relogged:
                        # The token may have been revoked or expired early: log in again, once.
                        relogged, self._token = True, None
                        answer = await self._send_within(deadline, method, path, json_body)
                return answer.parse(sent=json_body) if read_body else answer.succeed(json_body)
            except MusementError as failure:
                delay = self.retry_policy.delay_before_retry(failure, attempt) if retry else None
                if delay is None or anyio.current_time() + delay >= deadline:
                    raise
                logger.info(
                    "retrying upstream %s %s after %s (attempt %d, in %.2f s)",
                    method,
                    _route_of(path),
                    failure.type,
                    attempt,
                    delay,
                )
                await anyio.sleep(delay)

    @asynccontextmanager
    async def _lane(self, path: str, deadline: float) -> AsyncIterator[None]:
        """At most `PER_CART_CONCURRENCY` requests of one cart in flight; the wait counts
        against the call's budget."""
        parts = path.split("/")
        if len(parts) < 2 or parts[0] != "carts":
            yield
            return
        try:
            async with self._lanes.hold(parts[1], deadline=deadline):
                yield
        except WaitedTooLong as exc:
            raise UpstreamUnavailable(
                "Too many calls on this cart are waiting for Musement; the call's time "
                "budget ran out before its turn."
            ) from exc

    async def _send_within(
        self, deadline: float, method: str, path: str, json_body: Any
    ) -> _Answer:
        remaining = deadline - anyio.current_time()
        if remaining <= 0:
            raise UpstreamUnavailable(
                f"The call's time budget of {self.config.call_budget:g} s ran out."
            )
        try:
            # The hard stop: httpx timeouts are per read, so a trickling server
            # could otherwise hold a call past its budget.
            with anyio.fail_after(remaining):
                return await self._send(
                    method, path, json_body, min(self.config.timeout, remaining)
                )
        except TimeoutError as exc:
            raise UpstreamUnavailable(
                f"Musement did not answer within the call's budget of "
                f"{self.config.call_budget:g} s."
            ) from exc

    async def _send(self, method: str, path: str, json_body: Any, timeout: float) -> _Answer:
        headers = {}
        if self.config.has_credentials:
            headers["Authorization"] = f"Bearer {await self._bearer_token()}"
        return await self._exchange(method, path, json_body, headers, timeout)

    async def _exchange(
        self, method: str, path: str, json_body: Any, headers: dict[str, str], timeout: float
    ) -> _Answer:
        """One HTTP exchange, its body read up to the size cap."""
        started = time.perf_counter()
        request = self._http.build_request(
            method, path, json=json_body, headers=headers, timeout=timeout
        )
        try:
            response = await self._http.send(request, stream=True)
            try:
                body = await _read_capped(response, self.config.max_response_bytes)
            finally:
                await response.aclose()
        except httpx2.TimeoutException as exc:
            raise UpstreamUnavailable(f"Musement did not answer within {timeout:g} s.") from exc
        except httpx2.TransportError as exc:
            raise UpstreamUnavailable(f"Could not reach Musement ({type(exc).__name__}).") from exc
        logger.debug(
            "upstream %s %s -> %s in %.1f ms",
            method,
            _route_of(path),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return _Answer(response.status_code, response.reason_phrase, response.headers, body)

    async def login(self) -> None:
        """Log in now (`POST /login`) unless a valid token is held; a no-op without
        credentials. Requests log in by themselves: this is for checks and warm-ups."""
        if self.config.has_credentials:
            await self._bearer_token()

    async def login_ahead(self) -> None:
        """`login()` at start-up, so the first tool call finds a token: never fails (a
        failure is logged; the first request logs in itself and reports it)."""
        try:
            await self.login()
        except Exception as failure:  # noqa: BLE001 - a warm-up must not stop the server
            logger.warning(
                "could not log in to Musement ahead of the first call (%s); requests will "
                "try again",
                getattr(failure, "type", type(failure).__name__),
            )

    async def _bearer_token(self) -> str:
        if self._token and time.monotonic() < self._token_expires_at:
            return self._token
        async with self._login_lock:
            # Another call may have logged in while this one waited.
            if self._token and time.monotonic() < self._token_expires_at:
                return self._token
            if self._early_login is not None:
                early, self._early_login = self._early_login, None
                token = await anyio.to_thread.run_sync(early.wait, abandon_on_cancel=True)
                if token is not None:
                    self._token, self._token_expires_at = token
                    if time.monotonic() < self._token_expires_at:
                        return self._token
            await self._login()
            assert self._token is not None
            return self._token

    async def _login(self) -> None:
        credentials = {
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "grant_type": "client_credentials",
        }
        answer = await self._exchange("POST", "login", credentials, {}, self.config.timeout)
        code = answer.error_fields()[0]
        if answer.status == 400 and code in _CONFIGURATION_CODES:
            # The application header or the market, not the credentials (told apart by
            # code: Musement documents X-Musement-Application as required on /login too).
            raise answer.failure(sent=credentials)
        if answer.status in (400, 401, 403):
            raise Unauthorized(
                "Musement refused the configured client credentials.",
                status=answer.status,
                code=code,
            )
        body = answer.parse(sent=credentials)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise UpstreamError("Musement login answered without an access token.")
        expires_in = body.get("expires_in", 3600)
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
        self._token = token
        self._token_expires_at = time.monotonic() + max(lifetime - TOKEN_RENEW_MARGIN_SECONDS, 0.0)
        logger.debug("logged in to Musement; token valid for %.0f s", lifetime)


class EarlyLogin:
    """A login begun in a thread as the process starts, before the MCP stack is imported
    (a few hundred milliseconds): its round trip to Musement overlaps the start-up, and
    the server's client adopts the token. Never raises: if it fails, the client logs in
    itself and reports why."""

    def __init__(self, config: MusementConfig) -> None:
        self._config = config
        self._token: tuple[str, float] | None = None
        self._thread = threading.Thread(target=self._run, name="musement-login", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        async def log_in() -> tuple[str, float] | None:
            async with MusementClient(self._config) as client:
                await client.login_ahead()
                return (client._token, client._token_expires_at) if client._token else None

        try:
            self._token = anyio.run(log_in)
        except Exception as failure:  # noqa: BLE001 - the server's client logs in itself
            logger.warning("could not begin the login to Musement (%s)", type(failure).__name__)
            return
        if self._token:
            logger.debug("logged in to Musement while the server was starting")

    def wait(self) -> tuple[str, float] | None:
        """(token, when to renew it on `time.monotonic()`), or None; waits for the thread
        at most a call's budget."""
        self._thread.join(self._config.call_budget)
        return self._token


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context (httpx2's default, SSL_CERT_FILE honoured) for every
    client: loading the CA bundle costs tens of milliseconds, paid once per process
    instead of once per client."""
    return httpx2.create_ssl_context()


def _route_of(path: str) -> str:
    """The path with the cart and item UUIDs masked, for logs."""
    parts = path.split("/")
    if len(parts) > 1 and parts[0] == "carts":
        parts[1] = "{cartUuid}"
    if len(parts) > 3 and parts[2] == "items":
        parts[3] = "{cartItemUuid}"
    if len(parts) > 1 and parts[0] == "orders":
        parts[1] = "{orderUuid}"
    return "/" + "/".join(parts)


def _object(body: Any, what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise UpstreamError(f"Musement answered {what} with something else than a JSON object.")
    return body


def _list(body: Any, what: str) -> list[Any]:
    # PHP's empty array: Musement may send `{}` for an empty list too.
    if body == {}:
        return []
    if not isinstance(body, list):
        raise UpstreamError(f"Musement answered {what} with something else than a JSON list.")
    return body


async def _read_capped(response: httpx2.Response, cap: int) -> bytes:
    """The body, or `UpstreamError` as soon as it is larger than `cap` bytes."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise _too_large(response.status_code, cap)
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise _too_large(response.status_code, cap)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(status: int, cap: int) -> UpstreamError:
    return UpstreamError(
        f"Musement answered with a body larger than {cap // 1024} KiB; it was not read.",
        status=status,
    )


@dataclass
class _Answer:
    """An upstream answer, fully read."""

    status: int
    reason: str
    headers: httpx2.Headers
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def error_fields(self) -> tuple[str | None, str | None, Any]:
        """Musement's `{"code", "message"}` (and any per-field `errors`), when present."""
        try:
            body = self.json()
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None, None, None
        if not isinstance(body, dict):
            return None, None, None
        code = body.get("code")
        message = body.get("message")
        return (
            # Codes are short ("1400", "-1"); a longer one is text, bounded like text.
            shown_text(str(code), 40) if code is not None else None,
            message if isinstance(message, str) else None,
            body.get("errors"),
        )

    def parse(self, *, sent: Any) -> Any:
        """The JSON body of a 2xx answer (None when empty), or the typed failure."""
        if 200 <= self.status < 300:
            if not self.body.strip():
                return None
            try:
                return self.json()
            except (ValueError, UnicodeDecodeError, RecursionError) as exc:
                raise UpstreamError(
                    "Musement answered with a body that is not valid JSON.", status=self.status
                ) from exc
        raise self.failure(sent=sent)

    def succeed(self, sent: Any) -> None:
        """Success decided by the status alone (the body is not documented)."""
        if not 200 <= self.status < 300:
            raise self.failure(sent=sent)

    def failure(self, *, sent: Any) -> MusementError:
        """The typed failure of a non-2xx answer. Its message and details never carry a
        value of `sent` (the request body), even when the upstream quotes it back."""
        status = self.status
        code, message, errors = self.error_fields()
        # `redact` cuts (seeing to it that a value split by the cut is not shown), then
        # shown_text cleans what is left of control and bidirectional characters.
        said = (
            (shown_text(redact(message, sent, MESSAGE_LIMIT), MESSAGE_LIMIT) if message else None)
            or shown_text(self.reason, TITLE_LIMIT)
            or "no message"
        )
        if status == 404:
            return CartNotFound(f"Musement has no such cart: {said}", status=status, code=code)
        if status == 423:
            return CartLocked(f"The cart is locked: {said}", status=status, code=code)
        if status in (401, 403):
            return Unauthorized(f"Musement refused the request: {said}", status=status, code=code)
        if status == 429:
            return RateLimited(
                f"Too many requests: {said}",
                status=status,
                code=code,
                retry_after=_seconds(self.headers.get("Retry-After")),
            )
        if status in (400, 409, 422):
            return InvalidRequest(
                f"Musement rejected the request: {said}",
                status=status,
                code=code,
                details=_upstream_details(errors, sent),
            )
        if status >= 500:
            return UpstreamUnavailable(
                f"Musement failed with HTTP {status}: {said}", status=status, code=code
            )
        return UpstreamError(
            f"Unexpected HTTP {status} from Musement: {said}", status=status, code=code
        )


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` in seconds (the delta form; an HTTP date is ignored)."""
    if retry_after and retry_after.strip().isdigit():
        return float(retry_after.strip())
    return None


def _upstream_details(errors: Any, sent: Any) -> list[dict[str, Any]]:
    """Musement's per-field errors, where the body really has them: path and message.

    The shape of a 400 body is not documented: only a list of objects naming a
    field is read, and every message is redacted like the main one.
    """
    if not isinstance(errors, list):
        return []
    details = []
    for item in errors[:50]:
        if isinstance(item, dict):
            path = item.get("field") or item.get("path") or item.get("property_path")
            message = item.get("message")
            if isinstance(path, str) and isinstance(message, str):
                shown_path = shown_text(redact(path, sent, 200), 200)
                said = shown_text(redact(message, sent, MESSAGE_LIMIT), MESSAGE_LIMIT)
                if shown_path and said:
                    details.append(
                        {"path": shown_path, "kind": "rejected_by_musement", "message": said}
                    )
    return details
