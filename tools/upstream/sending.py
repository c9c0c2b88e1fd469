"""Sending requests to Musement: one pooled connection, the call's deadline, a lane per
cart, retries, and bodies read up to a cap."""

from __future__ import annotations

import functools
import logging
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import anyio
import httpx2

from ..errors import MusementError, UpstreamError, UpstreamUnavailable
from ..slots import KeyedSlots, WaitedTooLong
from .answers import Answer
from .config import MusementConfig
from .retry import RetryPolicy

logger = logging.getLogger("musement_mcp.client")

# Upstream requests in flight for one cart at a time: a slow cart (or a cart with
# many items) waits in its own lane instead of taking the whole connection pool.
PER_CART_CONCURRENCY = 8

T = TypeVar("T")


class Connection:
    """One pooled `httpx2.AsyncClient` with the Musement headers: one exchange at a time,
    its body read up to the configured cap."""

    def __init__(
        self, config: MusementConfig, transport: httpx2.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
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

    async def aclose(self) -> None:
        await self._http.aclose()

    async def exchange(
        self,
        method: str,
        path: str,
        json_body: object,
        headers: dict[str, str],
        timeout: float,
        params: dict[str, str] | None = None,
    ) -> Answer:
        """One HTTP exchange, its body read up to the size cap; `params`, the query (never
        logged: a search's text is the user's)."""
        started = time.perf_counter()
        request = self._http.build_request(
            method, path, json=json_body, headers=headers, timeout=timeout, params=params
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
            route_of(path),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return Answer(response.status_code, response.reason_phrase, response.headers, body)


class Lanes:
    """At most `PER_CART_CONCURRENCY` requests of one cart in flight; the wait counts
    against the call's budget."""

    def __init__(self) -> None:
        self._slots = KeyedSlots(PER_CART_CONCURRENCY)

    @asynccontextmanager
    async def lane(self, path: str, deadline: float) -> AsyncIterator[None]:
        parts = path.split("/")
        if len(parts) < 2 or parts[0] != "carts":
            yield
            return
        try:
            async with self._slots.hold(parts[1], deadline=deadline):
                yield
        except WaitedTooLong as exc:
            raise UpstreamUnavailable(
                "Too many calls on this cart are waiting for Musement; the call's time "
                "budget ran out before its turn."
            ) from exc


async def within(
    deadline: float, budget: float, send: Callable[[float], Awaitable[Answer]]
) -> Answer:
    """`send(timeout)` cut off at the call's deadline (`budget` seconds, for messages)."""
    remaining = deadline - anyio.current_time()
    if remaining <= 0:
        raise UpstreamUnavailable(f"The call's time budget of {budget:g} s ran out.")
    try:
        # The hard stop: httpx timeouts are per read, so a trickling server
        # could otherwise hold a call past its budget.
        with anyio.fail_after(remaining):
            return await send(remaining)
    except TimeoutError as exc:
        raise UpstreamUnavailable(
            f"Musement did not answer within the call's budget of {budget:g} s."
        ) from exc


async def retrying(
    attempt_once: Callable[[], Awaitable[T]],
    policy: RetryPolicy | None,
    deadline: float,
    what: tuple[str, str],
) -> T:
    """`attempt_once()` again after each retryable failure, while the deadline allows
    (`policy` None: never again). `what` is (method, path), for logs."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return await attempt_once()
        except MusementError as failure:
            delay = policy.delay_before_retry(failure, attempt) if policy else None
            if delay is None or anyio.current_time() + delay >= deadline:
                raise
            method, path = what
            logger.info(
                "retrying upstream %s %s after %s (attempt %d, in %.2f s)",
                method,
                route_of(path),
                failure.type,
                attempt,
                delay,
            )
            await anyio.sleep(delay)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context (httpx2's default, SSL_CERT_FILE honoured) for every
    client: loading the CA bundle costs tens of milliseconds, paid once per process
    instead of once per client."""
    return httpx2.create_ssl_context()


def route_of(path: str) -> str:
    """The path with the cart and item UUIDs masked, for logs."""
    parts = path.split("/")
    if len(parts) > 1 and parts[0] == "carts":
        parts[1] = "{cartUuid}"
    if len(parts) > 3 and parts[2] == "items":
        parts[3] = "{cartItemUuid}"
    if len(parts) > 1 and parts[0] == "orders":
        parts[1] = "{orderUuid}"
    return "/" + "/".join(parts)


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
