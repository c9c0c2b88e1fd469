"""Running the server: stdio, or Streamable HTTP at `/mcp` (both protocol eras).

The SDK routes each request to its era by itself: `initialize` (or no
`MCP-Protocol-Version` 2026 header) takes the handshake era, a 2026-07-28
request the stateless path.
"""

from __future__ import annotations

import logging

import uvicorn
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

logger = logging.getLogger("musement_mcp.server")

MCP_PATH = "/mcp"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


async def serve_stdio(server: Server) -> None:
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def http_app(server: Server, *, host: str = "127.0.0.1", stateless: bool = False) -> Starlette:
    """The Starlette app: MCP at `/mcp`, an unauthenticated `/healthz` that holds no data."""

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    # Host and Origin are checked on loopback (DNS rebinding); a non-loopback
    # bind gets the same checks for the host it was given.
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    if host not in _LOOPBACK and host not in ("0.0.0.0", "::"):
        hosts.append(f"{host}:*")
        origins.append(f"http://{host}:*")
    return server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=stateless,
        host=host,
        transport_security=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=hosts,
            allowed_origins=origins,
        ),
        custom_starlette_routes=[Route("/healthz", healthz, methods=["GET"])],
    )


async def serve_http(
    server: Server, *, host: str, port: int, stateless: bool = False, announce: bool = True
) -> None:
    app = http_app(server, host=host, stateless=stateless)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    if announce:
        logger.info("serving Streamable HTTP", extra={"url": f"http://{host}:{port}{MCP_PATH}"})
    await uvicorn.Server(config).serve()
