"""Streamable HTTP under abuse: slow senders (slowloris), readers that never read, and clients
that open sessions and never end them.

Every wait here is on an outcome (a socket closed, an answer), with bounds far above the
configured timeouts: the machine running the tests may be busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from starlette.responses import PlainTextResponse

from musement_mcp.sandbox import BASE_CART_UUID, SandboxServer
from musement_mcp.server import Settings, build_server, load_settings
from musement_mcp.server.http_limits import uvicorn_options
from musement_mcp.server.transports import http_app
from tests.support.common import (
    ERA_2026_07_28,
    INITIALIZE_REQUEST,
    MCP_HEADERS,
    client_mode,
    settings_for,
)
from tests.support.processes import free_port, serve_http

pytestmark = [pytest.mark.anyio, pytest.mark.process]

# Far above the one-second timeouts configured below: a bound, never a tuned deadline.
PATIENCE = 20.0
TOKEN_A = "token-a-0123456789abcdef0123456789abcdef"
TOKEN_B = "token-b-0123456789abcdef0123456789abcdef"


@contextlib.contextmanager
def running(app, settings: Settings) -> Iterator[str]:
    """`app` served by uvicorn with the server's transport options, on a thread (no process
    to start: fast); yields its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), log_config=None, **uvicorn_options(settings)
    )
    with running_config(config) as url:
        yield url


@contextlib.contextmanager
def running_config(config: uvicorn.Config) -> Iterator[str]:
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = time.monotonic()
    while not server.started:
        assert thread.is_alive() and time.monotonic() - started < 60, "server did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)


@contextlib.contextmanager
def mcp_server(sandbox: SandboxServer, **settings: Any) -> Iterator[str]:
    """The MCP server over HTTP, in this process, with `settings`; yields its base URL."""
    configured = settings_for(sandbox, **settings)
    server = build_server(configured, stateless_http=configured.http_stateless)
    with running(http_app(server, configured), configured) as url:
        yield url


def open_socket(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.settimeout(PATIENCE)
    return sock


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    started = time.monotonic()
    received = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        except TimeoutError:
            raise AssertionError(f"still open after {PATIENCE} s; received {received!r}") from None
        if not chunk:
            break
        received += chunk
    return received, time.monotonic() - started


def request_head(url: str, content_length: int, token: str | None = None) -> bytes:
    host = url.removeprefix("http://")
    authorization = f"Authorization: Bearer {token}\r\n" if token else ""
    return (
        f"POST /mcp HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json, text/event-stream\r\nContent-Length: {content_length}\r\n"
        f"{authorization}\r\n"
    ).encode()


# --- Slowloris: partial headers, partial bodies -------------------------------------------


@pytest.fixture(scope="module")
def impatient_server(sandbox) -> Iterator[str]:
    """A server that gives a request one second for its headers and one for its body: the
    command line's, so that the settings are seen to reach uvicorn."""
    env = {"MUSEMENT_HTTP_HEADER_TIMEOUT": "1", "MUSEMENT_HTTP_BODY_TIMEOUT": "1"}
    with serve_http(sandbox, env=env) as (url, _):
        yield url


def test_half_a_header_line_is_closed_within_the_header_timeout(impatient_server) -> None:
    with open_socket(impatient_server) as sock:
        sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
        received, lifetime = read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 408 "), received
    print(f"partial headers: closed after {lifetime:.2f} s")


def test_the_protocol_named_on_uvicorns_command_line_reads_the_environment(monkeypatch) -> None:
    """`uvicorn --factory musement_mcp.server.asgi:create_app --http <this class>`."""
    from musement_mcp.server import http_limits

    monkeypatch.setenv("MUSEMENT_HTTP_HEADER_TIMEOUT", "1")
    http_limits._environment_settings.cache_clear()
    config = uvicorn.Config(
        PlainTextResponse("ok"),
        host="127.0.0.1",
        port=free_port(),
        log_config=None,
        http="musement_mcp.server.http_limits:GuardedH11Protocol",
    )
    try:
        with running_config(config) as url, open_socket(url) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHo")
            received, _ = read_until_closed(sock)
        assert received.startswith(b"HTTP/1.1 408 ")
    finally:
        http_limits._environment_settings.cache_clear()


def test_a_connection_that_says_nothing_is_closed(impatient_server) -> None:
    with open_socket(impatient_server) as sock:
        received, lifetime = read_until_closed(sock)
    assert received == b""
    print(f"silent connection: closed after {lifetime:.2f} s")


def test_half_a_body_is_answered_408_within_the_body_timeout(impatient_server) -> None:
    body = json.dumps(INITIALIZE_REQUEST).encode()
    with open_socket(impatient_server) as sock:
        sock.sendall(request_head(impatient_server, len(body)) + body[: len(body) // 2])
        received, lifetime = read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 408 "), received
    assert b"connection: close" in received.lower()
    print(f"partial body: answered and closed after {lifetime:.2f} s")


def test_a_body_trickling_in_is_cut_at_the_body_timeout(impatient_server) -> None:
    """A byte at a time keeps a per-read idle timer alive forever; the bound is on the whole."""
    body = json.dumps(INITIALIZE_REQUEST).encode()
    with open_socket(impatient_server) as sock:
        sock.sendall(request_head(impatient_server, len(body)))
        started = time.monotonic()
        sent = 0
        while time.monotonic() - started < PATIENCE and sent < len(body) - 1:
            try:
                sock.sendall(body[sent : sent + 1])
            except OSError:
                break  # closed by the server: what we wait for
            sent += 1
            time.sleep(0.1)
        received, _ = read_until_closed(sock)
    assert sent < len(body) - 1, "the server took a body trickling in for longer than the bound"
    assert received.startswith(b"HTTP/1.1 408 "), received


async def test_normal_clients_are_unaffected(impatient_server) -> None:
    async with Client(impatient_server + "/mcp") as client:
        tools = await client.list_tools()
        assert tools.tools
    assert post_initialize(impatient_server).status_code == 200


async def test_a_call_longer_than_the_read_timeouts_completes() -> None:
    """The timeouts bound reading a request, never the work it asks for."""
    timeouts = {"http_header_timeout": 1, "http_body_timeout": 1}
    with SandboxServer(faults=True) as sandbox:
        sandbox.faults.delay("GET", "/carts/*/customer/schema", 2.5)
        with mcp_server(sandbox, **timeouts) as url:
            async with Client(url + "/mcp") as client:
                result = await client.call_tool(
                    "get_customer_schema", {"cart_uuid": BASE_CART_UUID}
                )
                assert not result.is_error
                # The connection idled past both timeouts, and the session still works.
                assert (await client.list_tools()).tools


def test_requests_in_flight_are_capped_and_idle_connections_crowd_out_nobody(sandbox) -> None:
    body = json.dumps(INITIALIZE_REQUEST).encode()
    with mcp_server(sandbox, http_max_requests=3) as url:
        # Connections that have sent nothing are no requests: real ones still get in.
        idle = [open_socket(url) for _ in range(20)]
        assert post_initialize(url).status_code == 200
        # Three requests waiting on the rest of their bodies fill the server.
        held = [open_socket(url) for _ in range(3)]
        for sock in held:
            sock.sendall(request_head(url, len(body)) + body[:10])
        started = time.monotonic()
        while (busy := post_initialize(url)).status_code != 503:
            assert time.monotonic() - started < PATIENCE, "never refused a request"
            time.sleep(0.05)
        assert busy.headers["retry-after"] == "1"
        assert httpx2.get(url + "/healthz").status_code == 200  # only /mcp is counted
        for sock in held + idle:
            sock.close()
        started = time.monotonic()
        while post_initialize(url).status_code != 200:
            assert time.monotonic() - started < PATIENCE, "the requests that left still count"
            time.sleep(0.05)


# --- Readers that do not read ---------------------------------------------------------------


def test_a_request_that_could_open_a_session_is_small(sandbox) -> None:
    """A session keeps its `initialize`: the request that opens one is capped far below the
    body limit, so sessions x body size cannot pin memory."""
    padded = {
        **INITIALIZE_REQUEST,
        "params": {
            **INITIALIZE_REQUEST["params"],
            "clientInfo": {"name": "x" * 200_000, "version": "1"},
        },
    }
    with mcp_server(sandbox) as url:
        refused = httpx2.post(url + "/mcp", json=padded, headers=MCP_HEADERS)
        assert refused.status_code == 413
        assert "mcp-session-id" not in refused.headers
        assert post_initialize(url).status_code == 200


@pytest.fixture
def big_answer_server() -> Iterator[tuple[str, dict[str, float]]]:
    """uvicorn with the server's transport options, serving an 8 MB answer; records when the
    app got past its last send (the connection freed) and how long sending took."""
    seen: dict[str, float] = {}
    payload = b"x" * (8 * 1024 * 1024)

    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        started = time.monotonic()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for offset in range(0, len(payload), 65536):
            await send(
                {
                    "type": "http.response.body",
                    "body": payload[offset : offset + 65536],
                    "more_body": True,
                }
            )
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        seen["sent_for"] = time.monotonic() - started

    with running(app, load_settings(http_send_timeout=1)) as url:
        yield url, seen


def test_a_reader_that_stops_reading_is_dropped(big_answer_server) -> None:
    url, seen = big_answer_server
    host = url.removeprefix("http://")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", int(host.split(":")[1])))
    try:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        started = time.monotonic()
        while "sent_for" not in seen and time.monotonic() - started < PATIENCE:
            time.sleep(0.05)  # never reading
        assert "sent_for" in seen, "the server still holds the answer for a reader that stopped"
    finally:
        sock.close()
    print(f"stalled reader dropped after {seen['sent_for']:.2f} s")


# --- Sessions: a cap, an idle timeout, a share per client ------------------------------------


def post_initialize(url: str, token: str | None = None) -> httpx2.Response:
    headers = {**MCP_HEADERS, **({"Authorization": f"Bearer {token}"} if token else {})}
    return httpx2.post(url + "/mcp", json=INITIALIZE_REQUEST, headers=headers, timeout=PATIENCE)


def test_a_full_session_table_answers_clearly_and_frees_up_after_the_idle_timeout(
    sandbox,
) -> None:
    with mcp_server(sandbox, http_max_sessions=5, http_session_idle_timeout=2) as url:
        opened = [post_initialize(url) for _ in range(5)]
        assert [r.status_code for r in opened] == [200] * 5
        session = opened[-1].headers["mcp-session-id"]
        refused = post_initialize(url)
        assert refused.status_code == 503
        assert "retry-after" in refused.headers
        message = refused.json()["error"]["message"]
        assert "sessions" in message and "5" in message, message
        # Sessions already open keep working while the table is full.
        ping = httpx2.post(
            url + "/mcp",
            json={"jsonrpc": "2.0", "id": 2, "method": "ping"},
            headers={
                **MCP_HEADERS,
                "Mcp-Session-Id": session,
                "MCP-Protocol-Version": "2025-11-25",
            },
        )
        assert ping.status_code == 200
        # Idle sessions expire: a new client gets in (polled, with a generous bound).
        started = time.monotonic()
        while post_initialize(url).status_code != 200:
            assert time.monotonic() - started < 60, "no room freed after the idle timeout"
            time.sleep(0.25)


def test_one_token_filling_its_share_does_not_lock_out_another(sandbox) -> None:
    limits = {"http_max_sessions": 5, "http_max_sessions_per_client": 2}
    with mcp_server(sandbox, http_auth_tokens=f"{TOKEN_A},{TOKEN_B}", **limits) as url:
        assert [post_initialize(url, TOKEN_A).status_code for _ in range(2)] == [200, 200]
        refused = post_initialize(url, TOKEN_A)
        assert refused.status_code == 429
        assert "retry-after" in refused.headers
        assert "this client" in refused.json()["error"]["message"]
        assert [post_initialize(url, TOKEN_B).status_code for _ in range(2)] == [200, 200]
        assert post_initialize(url, TOKEN_B).status_code == 429
        # Unauthenticated requests are refused for their token, not counted.
        assert post_initialize(url).status_code == 401


def test_requests_without_a_token_cannot_fill_the_server(sandbox) -> None:
    body = json.dumps(INITIALIZE_REQUEST).encode()
    with mcp_server(sandbox, http_auth_tokens=TOKEN_A, http_max_requests=2) as url:
        held = [open_socket(url) for _ in range(5)]
        for sock in held:
            sock.sendall(request_head(url, len(body)) + body[:10])
        for sock in held:
            assert sock.recv(65536).startswith(b"HTTP/1.1 401 ")  # before the body came
        assert post_initialize(url, TOKEN_A).status_code == 200
        for sock in held:
            sock.close()


async def test_sessions_are_counted_per_principal_across_concurrent_opens(sandbox) -> None:
    with mcp_server(sandbox, http_auth_tokens=TOKEN_A, http_max_sessions_per_client=3) as url:
        headers = {**MCP_HEADERS, "Authorization": f"Bearer {TOKEN_A}"}
        async with httpx2.AsyncClient(timeout=PATIENCE) as http:
            answers = await asyncio.gather(
                *(
                    http.post(url + "/mcp", json=INITIALIZE_REQUEST, headers=headers)
                    for _ in range(10)
                )
            )
        codes = sorted(a.status_code for a in answers)
        assert codes.count(200) <= 3 and set(codes) <= {200, 429, 503}, codes


# --- Requests in flight: a share per client ---------------------------------------------------


async def test_one_token_holding_streams_and_slow_bodies_leaves_room_for_another(sandbox) -> None:
    """Token A holds its share of the requests in flight with `subscriptions/listen` streams
    and a body it never finishes: A's next request is refused (429), token B still gets in."""
    body = json.dumps(INITIALIZE_REQUEST).encode()
    # Stateless (as in production): no session share in the way, only the requests in flight.
    limits = {"http_max_requests": 6, "http_max_requests_per_client": 3, "http_stateless": True}
    with mcp_server(sandbox, http_auth_tokens=f"{TOKEN_A},{TOKEN_B}", **limits) as url:
        async with (
            contextlib.AsyncExitStack() as held,
            httpx2.AsyncClient(timeout=PATIENCE) as http,
        ):

            async def initialize(token: str) -> httpx2.Response:
                headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
                return await http.post(url + "/mcp", json=INITIALIZE_REQUEST, headers=headers)

            for _ in range(2):
                client = await held.enter_async_context(mcp_client(url, TOKEN_A))
                await held.enter_async_context(client.listen(tools_list_changed=True))
            slow = held.enter_context(open_socket(url))
            slow.sendall(request_head(url, len(body), token=TOKEN_A) + body[:10])
            started = time.monotonic()
            while (refused := await initialize(TOKEN_A)).status_code != 429:
                assert refused.status_code == 200, refused.status_code
                assert time.monotonic() - started < PATIENCE, "token A was never held to a share"
                await asyncio.sleep(0.05)
            assert refused.headers["retry-after"] == "1"
            assert "this client" in refused.json()["error"]["message"]
            # Token B gets in, for a session and a tool call, while A's share stays taken.
            assert (await initialize(TOKEN_B)).status_code == 200
            async with mcp_client(url, TOKEN_B) as client:
                result = await client.call_tool(
                    "get_customer_schema", {"cart_uuid": BASE_CART_UUID}
                )
                assert not result.is_error
            assert (await initialize(TOKEN_A)).status_code == 429
        # A's streams and its slow body have gone: its share is free again.
        started = time.monotonic()
        while post_initialize(url, TOKEN_A).status_code != 200:
            assert time.monotonic() - started < PATIENCE, "token A's requests that left still count"
            time.sleep(0.05)


@contextlib.asynccontextmanager
async def mcp_client(url: str, token: str) -> AsyncIterator[Client]:
    """A real MCP client (2026-07-28 era where the server speaks it) with a bearer token."""
    async with httpx2.AsyncClient(
        headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE
    ) as http:
        transport = streamable_http_client(url + "/mcp", http_client=http)
        async with Client(transport, mode=client_mode(ERA_2026_07_28)) as client:
            yield client
