"""Streamable HTTP safety: tokens, OAuth resource-server mode, hosts and origins, body size,
graceful shutdown."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterator

import anyio
import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from musement_mcp.sandbox import BASE_CART_UUID, SandboxServer
from musement_mcp.server import SettingsError, load_settings
from musement_mcp.server.http_auth import IntrospectionTokenVerifier
from tests.support.common import INITIALIZE_REQUEST, MCP_HEADERS
from tests.support.processes import free_port, serve_http, server_log, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.process]


def post_initialize(url: str, **headers: str) -> httpx2.Response:
    return httpx2.post(url + "/mcp", json=INITIALIZE_REQUEST, headers={**MCP_HEADERS, **headers})


async def schema_call(url: str, token: str | None) -> bool:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        transport = streamable_http_client(url + "/mcp", http_client=http)
        async with Client(transport) as client:
            result = await client.call_tool("get_customer_schema", {"cart_uuid": BASE_CART_UUID})
            return not result.is_error


N8N_TOKEN = "token-for-n8n-0123456789abcdef0123456789"
SUPPORT_TOKEN = "token-for-support-0123456789abcdef01234"


async def test_static_bearer_tokens(sandbox) -> None:
    env = {"MUSEMENT_HTTP_AUTH_TOKENS": f"{N8N_TOKEN}, {SUPPORT_TOKEN}"}
    with serve_http(sandbox, env=env) as (url, _):
        assert post_initialize(url).status_code == 401
        assert post_initialize(url, Authorization="Bearer nope").status_code == 401
        assert post_initialize(url, Authorization=N8N_TOKEN).status_code == 401
        assert httpx2.get(url + "/healthz").status_code == 200  # probes need no token
        assert await schema_call(url, SUPPORT_TOKEN)
        assert await schema_call(url, N8N_TOKEN)


async def test_a_missing_and_a_wrong_token_are_told_apart_and_logged(sandbox) -> None:
    """Different 401 texts for the two mistakes; no OAuth is advertised by a static-token
    server; the log says auth is on and records each refusal (never the token's text); a
    refused Host is named in the log."""
    env = {"MUSEMENT_HTTP_AUTH_TOKENS": N8N_TOKEN}
    with serve_http(sandbox, env=env) as (url, process):
        missing = post_initialize(url)
        wrong = post_initialize(url, Authorization="Bearer not-the-token-0123")
        assert missing.status_code == wrong.status_code == 401
        assert "No bearer token" in missing.json()["error_description"]
        assert wrong.json()["error"] == "invalid_token"
        assert "not accepted" in wrong.json()["error_description"]
        assert "resource_metadata" not in wrong.headers["WWW-Authenticate"]
        assert "error=" not in missing.headers["WWW-Authenticate"]  # RFC 6750: no credentials
        prm = httpx2.get(url + "/.well-known/oauth-protected-resource/mcp")
        assert prm.status_code == 404
        host = post_initialize(url, Host="evil.example")
        assert host.status_code == 421
        log = server_log(process)
    assert '"auth": "static bearer tokens (1)"' in log
    assert "refused a request: no bearer token" in log
    assert "refused a request: wrong bearer token" in log
    assert "not-the-token-0123" not in log and N8N_TOKEN not in log
    assert "refused a request for Host 'evil.example'" in log


async def test_the_start_log_says_when_auth_is_off(sandbox) -> None:
    with serve_http(sandbox) as (url, process):
        assert post_initialize(url).status_code == 200
        log = server_log(process)
    assert '"auth": "none: anyone who reaches /mcp can call the tools"' in log


@pytest.mark.parametrize("tokens", [",", " ", " , ,", "", "a", f"{N8N_TOKEN},short"])
def test_a_token_list_that_would_fail_open_stops_the_server(monkeypatch, tokens) -> None:
    """An empty list would mean no auth at all, a short token a guessable one."""
    monkeypatch.setenv("MUSEMENT_HTTP_AUTH_TOKENS", tokens)
    with pytest.raises(SettingsError, match="MUSEMENT_HTTP_AUTH_TOKENS"):
        load_settings()


def test_the_command_line_refuses_a_short_token_with_exit_2(monkeypatch, capsys) -> None:
    from musement_mcp.server.cli import main

    monkeypatch.setenv("MUSEMENT_HTTP_AUTH_TOKENS", "a")
    assert main(["serve", "--transport", "http", "--port", "0"]) == 2
    printed = capsys.readouterr()
    assert "MUSEMENT_HTTP_AUTH_TOKENS" in printed.err
    assert printed.out == ""


class AuthorizationServer:
    """What the introspection endpoint knows, how often it was asked, over how many
    connections, and how many questions it had at once. Tokens starting with `held-` are
    answered (inactive) only once `release` is set, or dropped when their asker gives up."""

    def __init__(self) -> None:
        self.url = ""
        self.audiences: dict[str, str] = {"other-audience": "https://elsewhere.example/mcp"}
        self.expiry: dict[str, object] = {}  # token -> the `exp` claim, as sent
        self.calls = 0
        self.connections: set[tuple[str, int]] = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self.release = threading.Event()


@pytest.fixture
def introspection() -> Iterator[AuthorizationServer]:
    """A minimal RFC 7662 introspection endpoint on loopback."""
    known = AuthorizationServer()

    async def introspect(request: Request) -> JSONResponse:
        known.calls += 1
        if request.client is not None:
            known.connections.add((request.client.host, request.client.port))
        known.in_flight += 1
        known.max_in_flight = max(known.max_in_flight, known.in_flight)
        try:
            return await answer(request)
        finally:
            known.in_flight -= 1

    async def answer(request: Request) -> JSONResponse:
        token = (await request.form()).get("token")
        if isinstance(token, str) and token.startswith("held-"):
            while not known.release.is_set() and not await request.is_disconnected():
                await anyio.sleep(0.01)
        if token not in known.audiences:
            return JSONResponse({"active": False})
        claims = {
            "active": True,
            "client_id": "agent",
            "scope": "mcp",
            "aud": known.audiences[token],
            "sub": "user-1",
        }
        if token in known.expiry:
            claims["exp"] = known.expiry[token]
        return JSONResponse(claims)

    port = free_port()
    app = Starlette(routes=[Route("/introspect", introspect, methods=["POST"])])
    # Kept-alive connections are kept long: a new connection then means a new client.
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, timeout_keep_alive=120
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, what="the authorization server", alive=thread.is_alive)
    known.url = f"http://127.0.0.1:{port}"
    yield known
    known.release.set()
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def authorization_server(introspection) -> tuple[str, dict[str, str]]:
    return introspection.url, introspection.audiences


RESOURCE = "http://127.0.0.1:8000/mcp"
PATIENCE = 120.0  # a bound on waiting for an outcome, never a tuned deadline


def verifier_for(known: AuthorizationServer, **options: float) -> IntrospectionTokenVerifier:
    return IntrospectionTokenVerifier(known.url + "/introspect", resource_url=RESOURCE, **options)


@pytest.mark.parametrize(
    "exp",
    [
        1000,
        1000.0,
        1000.5,
        "1000",
        " 1000 ",
        "1000.0",
        True,
        False,
        "soon",
        "",
        "nan",
        "inf",
        [],
        {},
    ],
)
async def test_introspection_refuses_expired_or_unreadable_expiry(introspection, exp) -> None:
    introspection.audiences["token"] = RESOURCE
    introspection.expiry["token"] = exp
    assert await verifier_for(introspection).verify_token("token") is None


@pytest.mark.parametrize("exp", ["float", "string"])
async def test_introspection_reads_a_future_expiry_in_any_numeric_spelling(
    introspection, exp
) -> None:
    future = time.time() + 3600
    introspection.audiences["token"] = RESOURCE
    introspection.expiry["token"] = future if exp == "float" else str(future)
    access = await verifier_for(introspection).verify_token("token")
    assert access is not None
    assert access.expires_at == int(future)
    assert access.resource == RESOURCE


async def test_introspection_answers_are_cached_briefly(introspection) -> None:
    introspection.audiences["token"] = RESOURCE
    verifier = verifier_for(introspection, cache_ttl=60)
    for _ in range(5):
        assert await verifier.verify_token("token") is not None
    assert introspection.calls == 1
    # A refusal is reused too, briefly: a token sent again and again is asked about once.
    for _ in range(5):
        assert await verifier.verify_token("unknown") is None
    assert introspection.calls == 2
    # Without a cache, every request asks.
    uncached = verifier_for(introspection, cache_ttl=0, refusal_ttl=0)
    for _ in range(2):
        assert await uncached.verify_token("token") is not None
        assert await uncached.verify_token("unknown") is None
    assert introspection.calls == 6
    await verifier.aclose()
    await uncached.aclose()


async def test_an_endpoint_that_fails_is_asked_again(introspection) -> None:
    """A failed call is no refusal: it is not remembered."""
    introspection.audiences["token"] = RESOURCE
    verifier = IntrospectionTokenVerifier(
        introspection.url + "/nowhere", resource_url=RESOURCE, refusal_ttl=60
    )
    for _ in range(2):
        assert await verifier.verify_token("token") is None
    assert introspection.calls == 0  # 404 before the endpoint
    verifier.introspection_url = introspection.url + "/introspect"
    assert await verifier.verify_token("token") is not None
    await verifier.aclose()


async def test_the_refusal_cache_is_bounded(introspection) -> None:
    verifier = verifier_for(introspection, refusal_cache_size=2)
    for token in ("one", "two", "three", "three", "two"):
        assert await verifier.verify_token(token) is None
    assert introspection.calls == 3
    assert await verifier.verify_token("one") is None  # evicted, asked again
    assert introspection.calls == 4
    await verifier.aclose()


async def test_a_cached_answer_never_outlives_the_token(introspection) -> None:
    introspection.audiences["token"] = RESOURCE
    expires = int(time.time()) + 2
    introspection.expiry["token"] = expires
    verifier = verifier_for(introspection, cache_ttl=3600)
    assert await verifier.verify_token("token") is not None
    while time.time() <= expires + 0.1:
        time.sleep(0.1)
    assert await verifier.verify_token("token") is None
    assert introspection.calls == 2


async def test_the_introspection_cache_is_bounded(introspection) -> None:
    for token in ("one", "two", "three"):
        introspection.audiences[token] = RESOURCE
    verifier = verifier_for(introspection, cache_ttl=60, cache_size=2)
    for token in ("one", "two", "three", "three", "two"):
        assert await verifier.verify_token(token) is not None
    assert introspection.calls == 3
    assert await verifier.verify_token("one") is not None  # evicted, asked again
    assert introspection.calls == 4


async def test_oauth_resource_server_mode(sandbox, authorization_server) -> None:
    issuer, audiences = authorization_server
    port = free_port()
    resource = f"http://127.0.0.1:{port}/mcp"
    audiences["good-token"] = resource
    env = {
        "MUSEMENT_HTTP_AUTH_ISSUER_URL": issuer,
        "MUSEMENT_HTTP_AUTH_INTROSPECTION_URL": issuer + "/introspect",
        "MUSEMENT_HTTP_RESOURCE_URL": resource,
    }
    with serve_http(sandbox, env=env, port=port) as (url, _):
        refused = post_initialize(url)
        assert refused.status_code == 401
        assert "resource_metadata" in refused.headers.get("WWW-Authenticate", "")
        metadata = httpx2.get(url + "/.well-known/oauth-protected-resource/mcp").json()
        assert metadata["resource"] == resource
        assert metadata["authorization_servers"][0].rstrip("/") == issuer
        assert post_initialize(url, Authorization="Bearer unknown").status_code == 401
        # A token issued for another resource is refused (RFC 8707 audience).
        assert post_initialize(url, Authorization="Bearer other-audience").status_code == 401
        assert await schema_call(url, "good-token")


async def test_bad_tokens_cannot_crowd_out_a_cached_one(sandbox, introspection) -> None:
    """Random tokens cost one bounded introspection each, over one HTTP client, and a
    request with a cached token is answered while they are all stuck."""
    port = free_port()
    resource = f"http://127.0.0.1:{port}/mcp"
    introspection.audiences["good-token"] = resource
    bound = 4
    env = {
        "MUSEMENT_HTTP_AUTH_ISSUER_URL": introspection.url,
        "MUSEMENT_HTTP_AUTH_INTROSPECTION_URL": introspection.url + "/introspect",
        "MUSEMENT_HTTP_RESOURCE_URL": resource,
        "MUSEMENT_HTTP_AUTH_MAX_INTROSPECTIONS": str(bound),
        # Held introspections stay held until released: no timer decides the outcome.
        "MUSEMENT_HTTP_AUTH_INTROSPECTION_TIMEOUT": "300",
    }
    with serve_http(sandbox, env=env, port=port) as (url, _):
        assert post_initialize(url, Authorization="Bearer good-token").status_code == 200
        # Unknown tokens one after another: each asked about once, over one kept connection.
        for n in range(20):
            assert post_initialize(url, Authorization=f"Bearer unknown-{n}").status_code == 401
        assert introspection.calls == 21
        assert len(introspection.connections) <= 2, "a new HTTP client per introspection"
        # A refused token sent again is refused from the cache.
        assert post_initialize(url, Authorization="Bearer unknown-0").status_code == 401
        assert introspection.calls == 21

        async with httpx2.AsyncClient(timeout=PATIENCE) as http:

            async def initialize(token: str) -> httpx2.Response:
                headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
                return await http.post(url + "/mcp", json=INITIALIZE_REQUEST, headers=headers)

            flood = [asyncio.create_task(initialize(f"held-{n}")) for n in range(40)]
            started = time.monotonic()
            while introspection.in_flight < bound:
                assert time.monotonic() - started < PATIENCE, "the flood never reached the endpoint"
                await asyncio.sleep(0.02)
            good = await initialize("good-token")
            assert good.status_code == 200
            assert introspection.in_flight == bound  # answered while every slot was stuck
            # Those that found no slot are told to come back (503), not that their token is bad.
            while not any(task.done() for task in flood):
                assert time.monotonic() - started < PATIENCE, "nobody waiting was turned away"
                await asyncio.sleep(0.02)
            turned_away = [task.result() for task in flood if task.done()]
            assert all(a.status_code == 503 and a.headers["retry-after"] for a in turned_away)
            assert introspection.in_flight == bound
            introspection.release.set()
            answers = await asyncio.gather(*flood)
        assert introspection.max_in_flight <= bound
        assert len(introspection.connections) <= bound + 2
        codes = sorted(a.status_code for a in answers)
        # Held ones are refused (401) once answered; the rest found no slot in time (503).
        assert codes.count(401) >= bound and set(codes) <= {401, 503}, codes
        print(
            f"introspections at once: {introspection.max_in_flight} (bound {bound}); "
            f"connections: {len(introspection.connections)}; answers: "
            f"{codes.count(401)}x401 {codes.count(503)}x503"
        )


async def test_named_hosts_and_origins_are_allowed(sandbox) -> None:
    env = {
        "MUSEMENT_HTTP_ALLOWED_HOSTS": "mcp.example.com",
        "MUSEMENT_HTTP_ALLOWED_ORIGINS": "https://app.example.com",
    }
    with serve_http(sandbox, env=env) as (url, _):
        assert post_initialize(url, Host="mcp.example.com").status_code == 200
        assert post_initialize(url, Origin="https://app.example.com").status_code == 200
        assert post_initialize(url, Host="evil.example.com").status_code == 421
        assert post_initialize(url, Origin="https://evil.example.com").status_code == 403


def test_default_ports_and_nothing_answered_before_the_host_check(sandbox) -> None:
    with serve_http(sandbox) as (url, _):
        # A server on port 80 or 443 is reached with a Host that names no port.
        for host in ("localhost", "127.0.0.1", "[::1]", "localhost:80", "127.0.0.1:443"):
            assert post_initialize(url, Host=host).status_code == 200, host
        for host in ("localhost.evil.example", "127.0.0.1.evil.example", "evil.example"):
            assert post_initialize(url, Host=host).status_code == 421, host
        # No redirect (to the Host the request named) or anything else before the Host check.
        for path in ("/mcp/", "/mcp", "/.well-known/oauth-protected-resource/mcp", "/nope"):
            foreign = httpx2.get(url + path, headers={"Host": "evil.example"})
            assert foreign.status_code == 421, (path, foreign.status_code)
            assert "location" not in foreign.headers
        trailing = httpx2.get(url + "/mcp/", headers=MCP_HEADERS)
        assert trailing.status_code == 404 and "location" not in trailing.headers
        # The probes stay reachable by any name (kubelet and load balancers use addresses).
        assert httpx2.get(url + "/healthz", headers={"Host": "10.1.2.3:8000"}).status_code == 200
        assert httpx2.get(url + "/readyz", headers={"Host": "10.1.2.3:8000"}).status_code == 200


async def test_request_body_size_is_capped(sandbox) -> None:
    with serve_http(sandbox, env={"MUSEMENT_HTTP_MAX_BODY_BYTES": "4096"}) as (url, _):
        big = {
            **INITIALIZE_REQUEST,
            "params": {**INITIALIZE_REQUEST["params"], "pad": "x" * 10_000},
        }
        response = httpx2.post(url + "/mcp", json=big, headers=MCP_HEADERS)
        assert response.status_code == 413
        assert post_initialize(url).status_code == 200


async def test_graceful_shutdown_finishes_in_flight_calls() -> None:
    with SandboxServer(faults=True) as sandbox:
        sandbox.faults.delay("GET", "/carts/*/customer/schema", 1.5)
        with serve_http(sandbox) as (url, process):
            outcome: list[bool] = []

            async def slow_call() -> None:
                async with Client(url + "/mcp") as client:
                    # Listed first: the client lists tools after a call to check its
                    # result, and that request would meet a server shutting down.
                    await client.list_tools()
                    result = await client.call_tool(
                        "get_customer_schema", {"cart_uuid": BASE_CART_UUID}
                    )
                    outcome.append(not result.is_error)

            async with anyio.create_task_group() as group:
                group.start_soon(slow_call)
                while not sandbox.recorder.count("GET"):
                    await anyio.sleep(0.02)  # the call has reached the upstream
                process.send_signal(signal.SIGTERM)
            assert outcome == [True]
            # uvicorn re-raises SIGTERM once it has drained, so the exit reports it.
            assert process.wait(timeout=30) in (0, -signal.SIGTERM)
