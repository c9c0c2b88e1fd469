"""Running the server: stdio, or Streamable HTTP at `/mcp` (both protocol eras).

The SDK routes each request to its era by itself: `initialize` (or no 2026-07-28
`MCP-Protocol-Version` header) takes the handshake era, a 2026-07-28 request the
stateless path.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import uvicorn
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import AnyHttpUrl
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .http_auth import (
    BearerRefusal,
    IntrospectionBusyGuard,
    IntrospectionTokenVerifier,
    StaticTokenVerifier,
)
from .http_limits import HostGuard, RequestLimit, SessionLimits, uvicorn_options
from .settings import Settings, split_list
from .stdio_pipes import event_loop_stdio

logger = logging.getLogger("musement_mcp.server")

MCP_PATH = "/mcp"
PROBES = ("/healthz", "/livez", "/readyz")  # answered whatever the Host: kubelet uses addresses
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_ANY_ADDRESS = ("0.0.0.0", "::")


async def serve_stdio(server: Server) -> None:
    async with event_loop_stdio() as pipes:
        # The SDK's own reads and writes (worker threads) where stdio is not a pipe.
        stdin, stdout = pipes or (None, None)
        async with stdio_server(cast(Any, stdin), cast(Any, stdout)) as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())


def http_app(server: Server, settings: Settings) -> Starlette:
    """MCP at `/mcp`, with probes that need no auth and hold no data: `/healthz` (alias
    `/livez`: the process answers) and `/readyz` (the MCP endpoint is serving)."""
    serving = {"now": False}

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        if serving["now"]:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "starting or stopping"}, status_code=503)

    probes = [("/healthz", healthz), ("/livez", healthz), ("/readyz", readyz)]

    host = settings.http_host
    auth, verifier = _auth(settings, host)
    security = _transport_security(settings, host)
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=settings.http_stateless,
        host=host,
        max_request_body_size=settings.http_max_body_bytes,
        session_idle_timeout=settings.http_session_idle_timeout,
        max_sessions=settings.http_max_sessions,
        transport_security=security,
        auth=auth,
        token_verifier=verifier,
        custom_starlette_routes=[Route(path, probe, methods=["GET"]) for path, probe in probes],
    )
    install_wrappers(app, server, settings, security, auth, verifier)
    session_manager_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(starlette: Starlette) -> AsyncIterator[Any]:
        async with session_manager_lifespan(starlette) as state:
            serving["now"] = True
            try:
                yield state
            finally:
                serving["now"] = False
                if isinstance(verifier, IntrospectionTokenVerifier):
                    await verifier.aclose()

    app.router.lifespan_context = lifespan
    return app


def install_wrappers(
    app: Starlette,
    server: Server,
    settings: Settings,
    security: TransportSecuritySettings,
    auth: AuthSettings | None,
    verifier: TokenVerifier | None,
) -> None:
    """Our HTTP wrappers around the SDK's app, in one place. Outermost first:

    1. `HostGuard`: the Host check, before routing (no answer, not even a redirect, to a
       name that is not allowed; the probes stay open).
    2. `IntrospectionBusyGuard` (OAuth introspection only): outside the SDK's bearer auth.
    3. The SDK's own middleware: bearer auth (it needs no help to know who is asking).
    3b. On `/mcp`, with auth: `BearerRefusal`, before the SDK's own 401 (which says
       "Authentication required" whatever the mistake): a missing and a wrong token told apart.
    4. On `/mcp` only, inside bearer auth: `RequestLimit` (requests in flight, per client).
    5. `SessionLimits` (stateful only): the requests that would open a session.
    6. The SDK's `/mcp` endpoint (transport security, body limit, its own `max_sessions`).

    Starlette puts the middleware added last outermost, so each layer is installed
    innermost first below.
    """
    mcp_route = next(r for r in app.router.routes if isinstance(r, Route) and r.path == MCP_PATH)
    # The SDK's bearer check (RequireAuthMiddleware) names the OAuth metadata, if any.
    metadata = getattr(mcp_route.app, "resource_metadata_url", None)
    if not settings.http_stateless:  # 5
        mcp_route.app = SessionLimits(
            mcp_route.app,
            server.session_manager,
            max_sessions=settings.http_max_sessions,
            max_sessions_per_client=settings.http_max_sessions_per_client,
            idle_timeout=settings.http_session_idle_timeout,
        )
    mcp_route.app = RequestLimit(  # 4
        mcp_route.app, settings.http_max_requests, settings.requests_per_client
    )
    if auth is not None:  # 3b
        mcp_route.app = BearerRefusal(
            mcp_route.app, resource_metadata_url=str(metadata) if metadata else None
        )
    # No answer before the Host check: no redirect of `/mcp/` to the Host a request named.
    app.router.redirect_slashes = False
    if isinstance(verifier, IntrospectionTokenVerifier):  # 2
        app.add_middleware(IntrospectionBusyGuard)
    app.add_middleware(HostGuard, allowed_hosts=security.allowed_hosts, open_paths=PROBES)  # 1


def _transport_security(settings: Settings, host: str) -> TransportSecuritySettings:
    """Host and Origin checks against DNS rebinding: loopback, plus what settings name.

    Each name with any port, or none (a server on port 80 or 443 is reached so)."""
    hosts = ["127.0.0.1", "127.0.0.1:*", "localhost", "localhost:*", "[::1]", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    if host not in _LOOPBACK and host not in _ANY_ADDRESS:
        hosts.extend([host, f"{host}:*"])
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
            settings.http_auth_introspection_url,
            resource_url=settings.http_resource_url,
            timeout=settings.http_auth_introspection_timeout,
            cache_ttl=settings.http_auth_cache_ttl,
            max_concurrent=settings.http_auth_max_introspections,
        )
        auth = AuthSettings(
            issuer_url=AnyHttpUrl(settings.http_auth_issuer_url or ""),
            resource_server_url=AnyHttpUrl(settings.http_resource_url),
            validate_token_resource=True,
        )
        return auth, verifier
    if settings.static_tokens:
        # The SDK's bearer middleware needs an AuthSettings; with no resource URL
        # it publishes no OAuth metadata, and the issuer is never consulted.
        auth = AuthSettings(issuer_url=AnyHttpUrl(f"http://{host}"), resource_server_url=None)
        return auth, StaticTokenVerifier(settings.static_tokens)
    return None, None


# Said once at start when several processes may serve and nothing is shared between them.
NOT_SHARED_WARNING = (
    "several workers or stateless replicas without MUSEMENT_REDIS_URL: the order lock, "
    "unknown order outcomes and spent form states are per process, not shared; an upstream "
    "that does not lock a cart while its order is pending can then take two orders for one "
    "cart (docs/DEPLOYMENT.md, 'One order per cart')"
)


def auth_mode(settings: Settings) -> str:
    """How `/mcp` is protected, as the start-up log says it (never a token)."""
    if settings.oauth_resource_server:
        return "OAuth resource server (token introspection)"
    if settings.static_tokens:
        return f"static bearer tokens ({len(settings.static_tokens)})"
    return "none: anyone who reaches /mcp can call the tools"


def serve_http(settings: Settings, app: Starlette | str) -> None:
    """Serve `app` (or, with several workers, the factory named by `app`) with uvicorn."""
    host, port = settings.http_host, settings.http_port
    if host not in _LOOPBACK and not (settings.static_tokens or settings.oauth_resource_server):
        logger.warning("serving on a non-loopback address without bearer-token auth")
    if settings.http_stateless and not settings.request_state_keys and settings.http_workers == 1:
        logger.warning(
            "stateless without MUSEMENT_REQUEST_STATE_KEY: replicas behind a load balancer "
            "will refuse each other's elicitation retries"
        )
    if settings.may_have_replicas and settings.redis_url is None:
        logger.warning(NOT_SHARED_WARNING)
    logger.info(
        "serving Streamable HTTP",
        extra={
            "url": f"http://{host}:{port}{MCP_PATH}",
            "workers": settings.http_workers,
            "auth": auth_mode(settings),
        },
    )
    uvicorn.run(
        app,
        factory=isinstance(app, str),
        workers=settings.http_workers if isinstance(app, str) else None,
        host=host,
        port=port,
        log_config=None,  # our JSON lines on stderr, nothing from uvicorn on stdout
        log_level="warning",
        access_log=False,
        lifespan="on",
        # On SIGTERM, stop accepting and let in-flight calls finish.
        timeout_graceful_shutdown=int(settings.call_budget) + 5,
        # Deadlines on reading requests and on readers that do not read, header size.
        **uvicorn_options(settings),
    )
