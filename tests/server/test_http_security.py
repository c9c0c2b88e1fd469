"""Streamable HTTP safety: tokens, OAuth resource-server mode, hosts and origins, body size,
graceful shutdown."""

from __future__ import annotations

import signal
import threading
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
from tests.support.common import INITIALIZE_REQUEST, MCP_HEADERS
from tests.support.processes import free_port, serve_http, wait_until

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


async def test_static_bearer_tokens(sandbox) -> None:
    env = {"MUSEMENT_HTTP_AUTH_TOKENS": "token-for-n8n, token-for-support"}
    with serve_http(sandbox, env=env) as (url, _):
        assert post_initialize(url).status_code == 401
        assert post_initialize(url, Authorization="Bearer nope").status_code == 401
        assert post_initialize(url, Authorization="token-for-n8n").status_code == 401
        assert httpx2.get(url + "/healthz").status_code == 200  # probes need no token
        assert await schema_call(url, "token-for-support")
        assert await schema_call(url, "token-for-n8n")


@pytest.fixture
def authorization_server() -> Iterator[tuple[str, dict[str, str]]]:
    """A minimal RFC 7662 introspection endpoint on loopback; yields (URL, token -> audience)."""
    audiences: dict[str, str] = {"other-audience": "https://elsewhere.example/mcp"}

    async def introspect(request: Request) -> JSONResponse:
        token = (await request.form()).get("token")
        if token not in audiences:
            return JSONResponse({"active": False})
        return JSONResponse(
            {
                "active": True,
                "client_id": "agent",
                "scope": "mcp",
                "aud": audiences[token],
                "sub": "user-1",
            }
        )

    port = free_port()
    app = Starlette(routes=[Route("/introspect", introspect, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, what="the authorization server", alive=thread.is_alive)
    yield f"http://127.0.0.1:{port}", audiences
    server.should_exit = True
    thread.join(timeout=5)


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
