"""Bearer-token auth for the MCP endpoint over HTTP.

Two verifiers for the SDK's token-verifier hook:
- `StaticTokenVerifier`: tokens listed in settings (a shared secret per
  integration, e.g. one for n8n, one for the support console);
- `IntrospectionTokenVerifier`: OAuth resource-server mode, asking the
  authorization server about each token (RFC 7662 introspection); the server
  then also publishes its protected-resource metadata (RFC 9728). Bad tokens cannot
  amplify: refusals are cached briefly, introspections are bounded, and a cached token
  never waits behind them; `IntrospectionBusyGuard` answers 503 when they stay saturated.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections import OrderedDict
from typing import Any

import anyio
import httpx2
from mcp.server.auth.provider import AccessToken, TokenVerifier
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger("musement_mcp.auth")


class StaticTokenVerifier(TokenVerifier):
    def __init__(self, tokens: list[str]) -> None:
        # Compare digests, in constant time, so neither a token's length nor
        # its prefix shows in timing.
        self._digests = [hashlib.sha256(t.encode()).digest() for t in tokens if t]

    async def verify_token(self, token: str) -> AccessToken | None:
        digest = hashlib.sha256(token.encode()).digest()
        for index, known in enumerate(self._digests):
            if hmac.compare_digest(digest, known):
                return AccessToken(token=token, client_id=f"static-token-{index + 1}", scopes=[])
        return None


class IntrospectionBusy(Exception):
    """No introspection slot came free in time: the token may be good, so it is not refused
    as bad (401); `IntrospectionBusyGuard` answers 503 instead."""


class IntrospectionTokenVerifier(TokenVerifier):
    """Asks an RFC 7662 introspection endpoint whether a token is active.

    Positive answers are reused for `cache_ttl` seconds (never past the token's `exp`),
    for at most `cache_size` tokens, so a busy client does not cost one introspection per
    request; refusals by the endpoint are reused for `refusal_ttl` seconds, for at most
    `refusal_cache_size` tokens (a failed call is not an answer, and is never reused). A token
    whose `exp` is not a number (a JSON number or a string of one; never a boolean) is refused.

    Unknown tokens cannot crowd out known ones: both caches are read before anything waits,
    at most `max_concurrent` introspections run at once, over one HTTP client (built on first
    use, closed by `aclose`), and a token that finds no slot within `queue_wait` seconds gets
    `IntrospectionBusy`. Caches are keyed by the token's SHA-256, never by its text.
    """

    def __init__(
        self,
        introspection_url: str,
        *,
        resource_url: str,
        timeout: float = 5.0,
        cache_ttl: float = 60.0,
        cache_size: int = 1024,
        refusal_ttl: float = 10.0,
        refusal_cache_size: int = 4096,
        max_concurrent: int = 16,
        queue_wait: float = 2.0,
    ) -> None:
        self.introspection_url = introspection_url
        self.resource_url = resource_url
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self.cache_size = cache_size
        self.refusal_ttl = refusal_ttl
        self.refusal_cache_size = refusal_cache_size
        self.max_concurrent = max_concurrent
        self.queue_wait = queue_wait
        # sha256(token) -> (reuse until, answer); oldest first, so eviction pops the front.
        self._cache: OrderedDict[bytes, tuple[float, AccessToken]] = OrderedDict()
        # sha256(token) -> refused until (monotonic); oldest first.
        self._refused: OrderedDict[bytes, float] = OrderedDict()
        self._slots = anyio.Semaphore(max_concurrent)
        self._http: httpx2.AsyncClient | None = None

    async def verify_token(self, token: str) -> AccessToken | None:
        key = hashlib.sha256(token.encode()).digest()
        cached = self._cache.get(key)
        if cached is not None:
            until, known = cached
            if time.time() < until:
                self._cache.move_to_end(key)
                return known
            del self._cache[key]
        if self._refused_recently(key):
            return None
        claims = await self._introspect(token)
        if claims is None:
            return None  # no answer: asked again next time
        access = self._access(token, claims)
        if access is None:
            self._remember_refusal(key)
        elif self.cache_ttl > 0:
            until = time.time() + self.cache_ttl
            if access.expires_at is not None:
                until = min(until, access.expires_at)
            self._cache[key] = (until, access)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return access

    async def aclose(self) -> None:
        """Close the HTTP client (at shutdown); a later introspection builds a new one."""
        if self._http is not None:
            http, self._http = self._http, None
            await http.aclose()

    def _refused_recently(self, key: bytes) -> bool:
        until = self._refused.get(key)
        if until is None:
            return False
        if time.monotonic() < until:
            return True
        del self._refused[key]
        return False

    def _remember_refusal(self, key: bytes) -> None:
        if self.refusal_ttl <= 0:
            return
        self._refused[key] = time.monotonic() + self.refusal_ttl
        self._refused.move_to_end(key)
        while len(self._refused) > self.refusal_cache_size:
            self._refused.popitem(last=False)

    def _client(self) -> httpx2.AsyncClient:
        if self._http is None:
            # One client for every introspection: building one loads the CA bundle (~20 ms
            # of CPU on the event loop), and its pool keeps connections to the endpoint.
            self._http = httpx2.AsyncClient(
                timeout=self.timeout,
                limits=httpx2.Limits(
                    max_connections=self.max_concurrent,
                    max_keepalive_connections=self.max_concurrent,
                ),
            )
        return self._http

    async def _introspect(self, token: str) -> dict[str, Any] | None:
        """The endpoint's claims about `token`, or None if it gave no usable answer."""
        acquired = False
        with anyio.move_on_after(self.queue_wait):
            await self._slots.acquire()
            acquired = True
        if not acquired:
            logger.warning("token introspection busy: %d in flight", self.max_concurrent)
            raise IntrospectionBusy
        try:
            response = await self._client().post(self.introspection_url, data={"token": token})
        except httpx2.HTTPError as exc:
            logger.warning("token introspection failed: %s", type(exc).__name__)
            return None
        finally:
            self._slots.release()
        if response.status_code != 200:
            logger.warning("token introspection answered HTTP %s", response.status_code)
            return None
        try:
            claims = response.json()
        except ValueError:
            return None
        return claims if isinstance(claims, dict) else None

    def _access(self, token: str, claims: dict[str, Any]) -> AccessToken | None:
        """What the claims grant, or None if they refuse the token."""
        if claims.get("active") is not True:
            return None
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        expires_at: int | None = None
        if claims.get("exp") is not None:
            exp = numeric_date(claims["exp"])
            if exp is None:
                logger.warning("token introspection answered an unreadable exp: token refused")
                return None
            if exp <= time.time():
                return None
            expires_at = math.floor(exp)
        scope = claims.get("scope")
        return AccessToken(
            token=token,
            client_id=str(claims.get("client_id") or "unknown"),
            scopes=scope.split() if isinstance(scope, str) else [],
            expires_at=expires_at,
            resource=self.resource_url if self.resource_url in audiences else None,
            subject=claims.get("sub") if isinstance(claims.get("sub"), str) else None,
        )


class IntrospectionBusyGuard:
    """Outside the SDK's bearer auth: a request whose token could not be checked because
    every introspection slot stayed taken is answered 503 with `Retry-After`, not 401 (a
    client told 401 would drop a token that may be good)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except IntrospectionBusy:
            # Raised while authenticating: nothing has been answered yet.
            busy = PlainTextResponse(
                "Too many token checks in progress; retry shortly.",
                status_code=503,
                headers={"Retry-After": "1"},
            )
            await busy(scope, receive, send)


def numeric_date(value: object) -> float | None:
    """An RFC 7519 NumericDate (seconds since the epoch) as a JSON number, or a string of one
    (some servers send that); None for anything else: booleans, NaN, infinities, text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


# What a refused client is told: a missing token and a wrong one are different mistakes.
MISSING_TOKEN = (
    "No bearer token: this server requires the header 'Authorization: Bearer <token>' "
    "with a token its operator gave you."
)
WRONG_TOKEN = (
    "The bearer token was not accepted: it is not one of this server's tokens "
    "(or it has expired). Check the token the client sends."
)


class BearerRefusal:
    """Around the SDK's bearer check on `/mcp` (which sets `scope["user"]` before routing):
    a request without a valid token is answered 401 here, telling a missing token from a
    refused one, and logged (the reason and the path, never the token's text). The
    `WWW-Authenticate` header names the protected-resource metadata only where the server
    has some (OAuth resource-server mode), so a static-token server advertises no OAuth."""

    def __init__(self, app: ASGIApp, *, resource_metadata_url: str | None = None) -> None:
        self.app = app
        self.resource_metadata_url = resource_metadata_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "user" not in scope or _authenticated(scope["user"]):
            await self.app(scope, receive, send)
            return
        sent = any(name == b"authorization" for name, _ in scope.get("headers", []))
        logger.warning(
            "refused a request: %s bearer token",
            "wrong" if sent else "no",
            extra={"status": 401, "path": scope.get("path", "")},
        )
        error, description = ("invalid_token", WRONG_TOKEN) if sent else (None, MISSING_TOKEN)
        parts = [f'error="{error}"'] if error else []
        if self.resource_metadata_url:
            parts.append(f'resource_metadata="{self.resource_metadata_url}"')
        challenge = "Bearer " + ", ".join(parts) if parts else 'Bearer realm="mcp"'
        body = {"error": error or "missing_token", "error_description": description}
        await JSONResponse(body, status_code=401, headers={"WWW-Authenticate": challenge})(
            scope, receive, send
        )


def _authenticated(user: object) -> bool:
    from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser

    return isinstance(user, AuthenticatedUser)
