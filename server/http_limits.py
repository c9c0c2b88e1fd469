"""Limits that keep one client from holding the HTTP server's memory, connections or sessions.

- `GuardedH11Protocol`: uvicorn's h11 protocol with the timeouts uvicorn lacks: a request's
  headers must arrive within `MUSEMENT_HTTP_HEADER_TIMEOUT` of its first byte (of the
  connection, for a new one), its body within `MUSEMENT_HTTP_BODY_TIMEOUT` of its headers
  (else 408), and an answer that a client does not read is dropped once writing has waited
  `MUSEMENT_HTTP_SEND_TIMEOUT`. The work a request asks for is never timed here (the call
  budget does that), nor an open event stream while the client reads it.
- `uvicorn_options()`: that protocol, plus uvicorn's header size and keep-alive limits, for
  `uvicorn.run` / `uvicorn.Config`. Not uvicorn's `limit_concurrency`: it counts connections
  that have sent nothing yet, so a flood of them would get every real request a 503;
  `RequestLimit` counts requests instead, and the read deadlines bound the connections.
- `RequestLimit`: requests to `/mcp` in flight at once (open event streams included), beyond
  which a request is answered 503: it bounds the request bodies held in memory together; and
  a client with a token gets its share of them and no more (429), so one client's open
  streams or slow bodies cannot lock the others out.
- `HostGuard`: the `Host` check before routing, so nothing (not even a redirect naming the
  requested host) is answered to a name that is not allowed; the probes stay open.
- `SessionLimits`: in front of the SDK's `/mcp` endpoint when sessions are kept: a request
  that would open a session is small (the session keeps its `initialize`), a client with
  a token gets its share of the sessions and no more (429), and a full session table is
  answered with a clear 503 and `Retry-After`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Any

import h11
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser, authorization_context
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import RequestBodyLimitMiddleware
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from .settings import Settings, load_settings

logger = logging.getLogger("musement_mcp.server")

OPENING_REQUEST_MAX_BYTES = 64 * 1024
"""Largest request that may open a session: an `initialize` is a few hundred bytes, and a
session keeps it for its lifetime, so sessions x the body limit would be the memory bound."""

MAX_HEADER_BYTES = 16 * 1024
"""Request line and headers, at most (answered 400 beyond)."""

KEEP_ALIVE_SECONDS = 5
"""An idle kept-alive connection is closed after this (uvicorn's default)."""

_REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 15\r\n"
    b"connection: close\r\n\r\n"
    b"Request Timeout"
)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with deadlines on reading a request and on a stalled answer.

    The deadlines are absolute per request (a byte at a time does not extend them): headers
    from the request's first byte, or from the connection's opening for its first request
    (a connection that says nothing is closed too); the body from the end of the headers.
    Between requests, uvicorn's keep-alive timeout closes an idle connection.
    """

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        header_timeout: float | None = None,
        body_timeout: float | None = None,
        send_timeout: float | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if header_timeout is None or body_timeout is None or send_timeout is None:
            # Named by uvicorn's `--http` (no arguments): the timeouts from the environment.
            known = _environment_settings()
            header_timeout = header_timeout or known.http_header_timeout
            body_timeout = body_timeout or known.http_body_timeout
            send_timeout = send_timeout or known.http_send_timeout
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.send_timeout = send_timeout
        self._read_deadline: asyncio.TimerHandle | None = None
        self._reading: str | None = None  # "headers" or "body" while a deadline runs
        self._send_deadline: asyncio.TimerHandle | None = None

    # Reading a request -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_reading("headers")

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow_request()  # a pipelined request may have begun

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_reading()
        if self._send_deadline is not None:
            self._send_deadline.cancel()
            self._send_deadline = None
        super().connection_lost(exc)

    def _follow_request(self) -> None:
        """Keep the deadline in step with where h11 is in reading the current request."""
        if self.transport is None or self.transport.is_closing():
            self._stop_reading()
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            # Waiting for a request: once any of it has arrived, its headers are on the clock.
            if self._reading != "headers":
                self._stop_reading()
                if self.conn.trailing_data[0]:
                    self._start_reading("headers")
        elif state is h11.SEND_BODY:
            if self._reading != "body":
                self._stop_reading()
                self._start_reading("body")
        else:  # the request is in (or the connection is closing): nothing to wait for
            self._stop_reading()

    def _start_reading(self, part: str) -> None:
        timeout = self.header_timeout if part == "headers" else self.body_timeout
        self._reading = part
        self._read_deadline = self.loop.call_later(timeout, self._read_timed_out, part)

    def _stop_reading(self) -> None:
        if self._read_deadline is not None:
            self._read_deadline.cancel()
        self._read_deadline = None
        self._reading = None

    def _read_timed_out(self, part: str) -> None:
        self._read_deadline = None
        self._reading = None
        if self.transport.is_closing():
            return
        if part == "headers":
            # Part of a request came in (an idle new connection is just closed): tell it why.
            if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
                self.transport.write(_REQUEST_TIMEOUT)
            logger.info("closing a connection that did not send its request headers in time")
        else:
            cycle = self.cycle
            if cycle is not None and not cycle.response_started and not cycle.disconnected:
                # The app waiting on the body sees a disconnect; what it answers is dropped.
                cycle.disconnected = True
                cycle.message_event.set()
                self.transport.write(_REQUEST_TIMEOUT)
            logger.info("closing a connection that did not send its request body in time")
        self._close()

    # Writing an answer -------------------------------------------------------------------

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._send_deadline is None:
            self._send_deadline = self.loop.call_later(self.send_timeout, self._send_stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._send_deadline is not None:
            self._send_deadline.cancel()
            self._send_deadline = None

    def _send_stalled(self) -> None:
        self._send_deadline = None
        if self.flow.write_paused and not self.transport.is_closing():
            logger.info("dropping a connection whose client does not read its answer")
            # Not close(): that would wait, holding the buffer, for a reader that never reads.
            self.transport.abort()

    def _close(self) -> None:
        self.transport.close()
        if self.transport.get_write_buffer_size():
            # What is left to write may never be read: do not keep it past the send timeout.
            self.loop.call_later(self.send_timeout, self.transport.abort)


@functools.cache
def _environment_settings() -> Settings:
    return load_settings()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn settings that bound what a client can hold: timeouts, connections, headers."""
    return {
        "http": functools.partial(
            GuardedH11Protocol,
            header_timeout=settings.http_header_timeout,
            body_timeout=settings.http_body_timeout,
            send_timeout=settings.http_send_timeout,
        ),
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    }


class RequestLimit:
    """In front of the SDK's `/mcp` endpoint (inside bearer auth): answers 503 to a request
    beyond `max_requests` in flight, and 429 to one whose client (token or OAuth principal)
    already has `max_per_client` in flight. With auth on, only authenticated requests count
    (the others are refused for their token before their bodies are read), so clients without
    a token cannot fill the server. Without auth, clients cannot be told apart (addresses are
    not trusted: a proxy's is everyone's), so only the global limit applies."""

    def __init__(self, app: ASGIApp, max_requests: int, max_per_client: int | None = None) -> None:
        self.app = app
        self.max_requests = max_requests
        self.max_per_client = max_per_client or max_requests
        self.in_flight = 0
        self._per_client: Counter[Hashable] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _unauthenticated(scope):
            await self.app(scope, receive, send)
            return
        user = scope.get("user")
        client = _principal(user) if isinstance(user, AuthenticatedUser) else None
        # The share first: a client over it is told so (429), not that the server is busy.
        if client is not None and self._per_client[client] >= self.max_per_client:
            logger.warning("refused a request: its client has %d in flight", self.max_per_client)
            message = (
                f"Too many requests in flight for this client (the limit is "
                f"{self.max_per_client} per client, open event streams included). Close "
                "streams no longer used, or retry shortly."
            )
            await _refuse(scope, receive, send, status=429, message=message, retry_after="1")
            return
        if self.in_flight >= self.max_requests:
            logger.warning("refused a request: %d requests in flight", self.in_flight)
            busy = PlainTextResponse(
                "Too many requests in flight; retry shortly.",
                status_code=503,
                headers={"Retry-After": "1"},
            )
            await busy(scope, receive, send)
            return
        self.in_flight += 1
        if client is not None:
            self._per_client[client] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            if client is not None:
                self._per_client[client] -= 1
                if self._per_client[client] <= 0:
                    del self._per_client[client]


# The Host check, before routing ------------------------------------------------------------


def host_allowed(host: str | None, allowed: Iterable[str]) -> bool:
    """The SDK's rule: an exact match, or `name:*` for `name` with any port."""
    if not host:
        return False
    for pattern in allowed:
        if host == pattern:
            return True
        if pattern.endswith(":*") and host.startswith(pattern[:-1]):
            return True
    return False


class HostGuard:
    """Answers 421 to a request whose `Host` is not allowed, before any route (or redirect)
    sees it; `open_paths` (the probes) are answered whatever the name."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str], open_paths: Iterable[str]) -> None:
        self.app = app
        self.allowed_hosts = list(allowed_hosts)
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"] not in self.open_paths:
            host = Headers(scope=scope).get("host")
            if not host_allowed(host, self.allowed_hosts):
                # The name as sent (printable, bounded): what to add to MUSEMENT_HTTP_ALLOWED_HOSTS.
                named = "".join(c for c in (host or "") if c.isprintable())[:200]
                logger.warning(
                    "refused a request for Host %r: not allowed (MUSEMENT_HTTP_ALLOWED_HOSTS)",
                    named,
                    extra={"status": 421, "path": scope["path"]},
                )
                refusal = PlainTextResponse(
                    "Invalid Host header: not a name this server accepts "
                    "(its operator can add it to MUSEMENT_HTTP_ALLOWED_HOSTS)",
                    status_code=421,
                )
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


# Sessions ------------------------------------------------------------------------------------


class SessionLimits:
    """In front of the SDK's stateful `/mcp` endpoint (inside bearer auth, outside the check
    that requires it): applies to the requests that would open a session."""

    def __init__(
        self,
        app: ASGIApp,
        manager: StreamableHTTPSessionManager,
        *,
        max_sessions: int,
        max_sessions_per_client: int,
        idle_timeout: float,
    ) -> None:
        # The SDK keeps who opened each session, for its own ownership check; the counts
        # come from there, so a session that ends or expires is no longer counted.
        if not isinstance(getattr(manager, "_session_owners", None), dict) or not isinstance(
            getattr(manager, "_server_instances", None), dict
        ):
            raise RuntimeError("this MCP SDK does not expose its sessions as expected")
        self.app = app
        self.opening_app = RequestBodyLimitMiddleware(app, OPENING_REQUEST_MAX_BYTES)
        self.manager = manager
        self.max_sessions = max_sessions
        self.max_sessions_per_client = max_sessions_per_client
        self.idle_timeout = idle_timeout
        self.retry_after = str(math.ceil(min(idle_timeout, 60)))
        # Opening requests admitted here and not yet answered, per client.
        self._opening: Counter[Hashable] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _opens_session(scope):
            await self.app(scope, receive, send)
            return
        if _unauthenticated(scope):
            await self.app(scope, receive, send)  # refused for its token further in
            return
        user = scope.get("user")
        client = _principal(user) if isinstance(user, AuthenticatedUser) else None
        if len(self.manager._server_instances) >= self.max_sessions:
            await self._refuse(scope, receive, send, status=503, message=self._full_message())
            return
        if client is not None:
            owners = self.manager._session_owners.values()
            open_now = sum(1 for owner in owners if _principal_of(owner) == client)
            if open_now + self._opening[client] >= self.max_sessions_per_client:
                await self._refuse(
                    scope, receive, send, status=429, message=self._client_full_message()
                )
                return
        await self._open(client, scope, receive, send)

    async def _open(
        self, client: Hashable | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if client is None:
            await self.opening_app(scope, receive, send)
            return
        self._opening[client] += 1
        pending = True

        def settled() -> None:
            nonlocal pending
            if pending:  # by its answer, the SDK has counted the session (or not opened it)
                pending = False
                self._opening[client] -= 1
                if self._opening[client] <= 0:
                    del self._opening[client]

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                settled()
            await send(message)

        try:
            await self.opening_app(scope, receive, watch)
        finally:
            settled()

    def _full_message(self) -> str:
        return (
            f"Too many open sessions (the server's limit is {self.max_sessions}). A session "
            f"closes when its client ends it (HTTP DELETE) or after {self.idle_timeout:g} s "
            "without requests; retry later."
        )

    def _client_full_message(self) -> str:
        return (
            f"Too many open sessions for this client (the limit is "
            f"{self.max_sessions_per_client} per client). End sessions no longer used "
            f"(HTTP DELETE), or wait: a session closes after {self.idle_timeout:g} s "
            "without requests."
        )

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, *, status: int, message: str
    ) -> None:
        logger.warning("refused a new session: %s", "server full" if status == 503 else "client")
        await _refuse(
            scope, receive, send, status=status, message=message, retry_after=self.retry_after
        )


async def _refuse(
    scope: Scope, receive: Receive, send: Send, *, status: int, message: str, retry_after: str
) -> None:
    """A refusal as a JSON-RPC error (what MCP clients show), with `Retry-After`."""
    body = {"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": message}}
    response = Response(
        json.dumps(body),
        status_code=status,
        media_type="application/json",
        headers={"Retry-After": retry_after},
    )
    await response(scope, receive, send)


def _unauthenticated(scope: Scope) -> bool:
    """Auth is on (the SDK's middleware set a user) and this request has no valid token."""
    return "user" in scope and not isinstance(scope["user"], AuthenticatedUser)


def _opens_session(scope: Scope) -> bool:
    """A handshake-era POST without a session: the SDK opens a session for it if it succeeds."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    headers = Headers(scope=scope)
    if "mcp-session-id" in headers:
        return False
    version = headers.get("mcp-protocol-version")
    return version is None or version in HANDSHAKE_PROTOCOL_VERSIONS


def _principal(user: AuthenticatedUser) -> Hashable:
    return _principal_of(authorization_context(user))


def _principal_of(owner: Any) -> Hashable:
    return (owner.get("client_id"), owner.get("issuer"), owner.get("subject"))
