"""The peer: a FastMCP server generated with `FastMCP.from_openapi` from a minimal OpenAPI
document of the same two Musement endpoints. It forwards arguments as they come (no schema
fetch, no validation), so it is the "thin generated wrapper" a team could ship instead.

fastmcp is an optional dependency (the `bench` extra); `unavailable_reason()` says why the
peer cannot run when it is missing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx2

from musement_mcp.tools import MusementConfig

if TYPE_CHECKING:
    from fastmcp import FastMCP

_CART_UUID = {
    "name": "cartUuid",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
_YES_NO = {"type": "string", "enum": ["YES", "NO"]}
_OBJECT_RESPONSE = {
    "description": "OK",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Musement Partner API: cart customer", "version": "3.5.0"},
    "servers": [{"url": "https://sandbox.musement.com/api/v3"}],
    "paths": {
        "/carts/{cartUuid}/customer/schema": {
            "get": {
                "operationId": "get_customer_schema",
                "summary": "The JSON Schema of the customer form of a cart.",
                "parameters": [_CART_UUID],
                "responses": {"200": _OBJECT_RESPONSE},
            }
        },
        "/carts/{cartUuid}/customer": {
            "put": {
                "operationId": "update_cart_customer",
                "summary": "Store the customer of a cart.",
                "parameters": [_CART_UUID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "firstname": {"type": "string"},
                                    "lastname": {"type": "string"},
                                    "email": {"type": "string", "format": "email"},
                                    "musement_newsletter": _YES_NO,
                                    "allow_profiling": _YES_NO,
                                    "thirdparty_newsletter": _YES_NO,
                                    "events_related_newsletter": _YES_NO,
                                    "city": {"type": "string"},
                                    "address": {"type": "string"},
                                    "zipcode": {"type": "string"},
                                    "tax_id": {"type": "string"},
                                    "extra_customer_data": {"type": "object"},
                                },
                            }
                        }
                    },
                },
                "responses": {"200": _OBJECT_RESPONSE},
            }
        },
    },
}


def unavailable_reason() -> str | None:
    """None when the peer can run here, else why not."""
    try:
        import fastmcp  # noqa: F401
    except ImportError as exc:
        return f"fastmcp is not installed (pip install -e '.[bench]'): {exc}"
    return None


def build_peer(config: MusementConfig, http: httpx2.AsyncClient) -> FastMCP:
    from fastmcp import FastMCP

    return FastMCP.from_openapi(OPENAPI, client=http, name="musement-openapi-peer")


def peer_http_client(config: MusementConfig) -> httpx2.AsyncClient:
    """Same base URL, headers and timeout as our Musement client."""
    return httpx2.AsyncClient(
        base_url=config.base_url, headers=config.headers(), timeout=config.timeout
    )


@asynccontextmanager
async def inprocess_peer(config: MusementConfig) -> AsyncIterator[Any]:
    """The peer's low-level `mcp.server.Server`, for `mcp.Client(server)` in-process.

    `FastMCP._mcp_server` and `_lifespan_manager` are private: fastmcp has no public way
    to hand its server to the SDK's in-memory client. Pinned to the `bench` extra's version.
    """
    async with peer_http_client(config) as http:
        peer = build_peer(config, http)
        async with peer._lifespan_manager():
            yield peer._mcp_server
