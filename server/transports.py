"""Running the server: stdio, or Streamable HTTP at `/mcp` (both protocol eras).

The SDK routes each request to its era by itself: `initialize` (or no
`MCP-Protocol-Version` 2026 header) takes the handshake era, a 2026-07-28
request the stateless path.
"""

from __future__ import annotations

import logging

import uvicorn
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .http_auth import IntrospectionTokenVerifier, StaticTokenVerifier
from .settings import Settings, split_list

logger = logging.getLogger("musement_mcp.server")

MCP_PATH = "/mcp"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_ANY_ADDRESS = ("0.0.0.0", "::")


async def serve_stdio(server: Server) -> None:
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def http_app(
    server: Server, settings: Settings, *, host: str = "127.0.0.1", stateless: bool = False
) -> Starlette:
    """MCP at `/mcp`; `/healthz` answers without auth and holds no data."""

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    auth, verifier = _auth(settings, host)
    return server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=stateless,
        host=host,
        max_request_body_size=settings.http_max_body_bytes,
        transport_security=_transport_security(settings, host),
        auth=auth,
        token_verifier=verifier,
        custom_starlette_routes=[Route("/healthz", healthz, methods=["GET"])],
    )


def _transport_security(settings: Settings, host: str) -> TransportSecuritySettings:
    """Host and Origin checks against DNS rebinding: loopback, plus what settings name."""
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    if host not in _LOOPBACK and host not in _ANY_ADDRESS:
        hosts.append(f"{host}:*")
    for name in split_list(settings.http_allowed_hosts):
        hosts.extend([name, f"{name}:*"] if ":" not in name else [name])
    origins.extend(split_list(settings.http_allowed_origins))
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


def _auth(settings: Settings, host: str) -> tuple[AuthSettings | None, TokenVerifier | None]:
    if settings.oauth_resource_server:
        assert settings.http_auth_introspection_url and settings.http_resource_url
        verifier = IntrospectionTokenVerifier(
            settings.http_auth_introspection_url, resource_url=settings.http_resource_url
        )
        auth = AuthSettings(
            issuer_url=settings.http_auth_issuer_url,
            resource_server_url=settings.http_resource_url,
            validate_token_resource=True,
        )
        return auth, verifier
    if settings.static_tokens:
        # The SDK's bearer middleware needs an AuthSettings; with no resource URL
        # it publishes no OAuth metadata, and the issuer is never consulted.
        auth = AuthSettings(issuer_url=f"http://{host}", resource_server_url=None)
        return auth, StaticTokenVerifier(settings.static_tokens)
    return None, None


async def serve_http(
    server: Server, settings: Settings, *, host: str, port: int, stateless: bool = False
) -> None:
    if host not in _LOOPBACK and not (settings.static_tokens or settings.oauth_resource_server):
        logger.warning("serving on a non-loopback address without bearer-token auth")
    app = http_app(server, settings, host=host, stateless=stateless)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        # On SIGTERM, stop accepting and let in-flight calls finish.
        timeout_graceful_shutdown=settings.call_budget + 5,
    )
    logger.info("serving Streamable HTTP", extra={"url": f"http://{host}:{port}{MCP_PATH}"})
    await uvicorn.Server(config).serve()
