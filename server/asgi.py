"""The Streamable HTTP app as an ASGI factory, for worker processes and ASGI servers.

    uvicorn --factory musement_mcp.server.asgi:create_app --workers 4

Every setting comes from `MUSEMENT_*` environment variables, so each worker
builds the same server. Several workers need `MUSEMENT_HTTP_STATELESS=true`
(implied by `MUSEMENT_HTTP_WORKERS` > 1), for elicitation on the
2026-07-28 era a shared `MUSEMENT_REQUEST_STATE_KEY`, and for one order per cart a
shared `MUSEMENT_REDIS_URL` (docs/DEPLOYMENT.md).
"""

from __future__ import annotations

from starlette.applications import Starlette

from .app import build_server
from .logs import configure_logging
from .settings import load_settings
from .transports import http_app

FACTORY = "musement_mcp.server.asgi:create_app"


def create_app() -> Starlette:
    settings = load_settings()
    configure_logging(settings.log_level)
    return http_app(build_server(settings, stateless_http=settings.http_stateless), settings)
