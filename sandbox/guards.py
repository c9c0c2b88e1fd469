"""What every /api/v3 endpoint checks first: headers, market, bearer token; and body parsing."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from .components import Sandbox
from .errors import (
    DEFAULT,
    GENERIC,
    MISSING_APPLICATION,
    MISSING_APPLICATION_MESSAGE,
    UNKNOWN_MARKET_MESSAGE,
    musement_error,
)
from .faults import API_PREFIX
from .i18n import negotiate_language
from .markets import Country, market_code, resolve_market


@dataclass(frozen=True)
class Context:
    sandbox: Sandbox
    language: str
    country: Country
    market: str
    site_url: str  # http://127.0.0.1:PORT, where Musement has https://sandbox.musement.com

    @property
    def api_base_url(self) -> str:
        return self.site_url + API_PREFIX


Handler = Callable[[Request, Context], Awaitable[Response]]


class EarlyResponse(Exception):
    """Ends a handler early with a ready response (bad body, unknown or locked cart)."""

    def __init__(self, response: Response) -> None:
        self.response = response


def api_endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler with the checks Musement applies before routing to a resource."""
    return _guarded(handler, needs_token=True)


def login_endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The same checks but the bearer token, which /login is how a partner gets."""
    return _guarded(handler, needs_token=False)


def _guarded(handler: Handler, *, needs_token: bool) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        sandbox: Sandbox = request.app.state.sandbox
        # "This header is required for all endpoints", and "is also expected for
        # authentication requests" (https://partner-api.musement.com/api/getting-started/headers/application/;
        # https://partner-api.musement.com/api/getting-started/authentication: "All requests,
        # authenticated or not, require the X-Musement-Application header").
        if not request.headers.get("x-musement-application", "").strip():
            return musement_error(400, MISSING_APPLICATION, MISSING_APPLICATION_MESSAGE)
        # "An invalid X-Musement-Market value will return a 400 status code response"
        # (https://partner-api.musement.com/guide/overview/musement-market-header). Not every
        # endpoint lists the header (the participants endpoints, /orders and /login do not);
        # the sandbox checks it everywhere, the less convenient reading.
        market = market_code(request.headers.get("x-musement-market"))
        country = resolve_market(market)
        if country is None:
            return musement_error(400, GENERIC, UNKNOWN_MARKET_MESSAGE)
        if needs_token and sandbox.tokens.enforced and not _has_valid_token(request, sandbox):
            return unauthorized("The access token is missing, invalid or expired.")
        context = Context(
            sandbox,
            negotiate_language(request.headers.get("accept-language")),
            country,
            market,
            f"{request.url.scheme}://{request.url.netloc}",
        )
        try:
            return await handler(request, context)
        except EarlyResponse as bad:
            return bad.response

    return endpoint


def unauthorized(message: str) -> Response:
    return musement_error(401, DEFAULT, message, headers={"WWW-Authenticate": "Bearer"})


def _has_valid_token(request: Request, sandbox: Sandbox) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and sandbox.tokens.is_valid(token.strip())


async def json_body(request: Request, *, default: Any = None) -> Any:
    """The parsed JSON body; an empty body gives `default`, invalid JSON a 400."""
    raw = await request.body()
    if not raw.strip():
        return default
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise EarlyResponse(
            musement_error(400, DEFAULT, "The request body is not valid JSON.")
        ) from exc


async def json_or_form_body(request: Request) -> dict[str, Any]:
    """/login takes JSON or an urlencoded form (parsed here to avoid a multipart dependency)."""
    content_type = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" in content_type:
        return dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
    body = await json_body(request, default={})
    if not isinstance(body, dict):
        raise EarlyResponse(musement_error(400, DEFAULT, "The request body must be an object."))
    return body
