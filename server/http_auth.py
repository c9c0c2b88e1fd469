"""Bearer-token auth for the MCP endpoint over HTTP.

Two verifiers for the SDK's token-verifier hook:
- `StaticTokenVerifier`: tokens listed in settings (a shared secret per
  integration, e.g. one for n8n, one for the support console);
- `IntrospectionTokenVerifier`: OAuth resource-server mode, asking the
  authorization server about each token (RFC 7662 introspection); the server
  then also publishes its protected-resource metadata (RFC 9728).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections import OrderedDict

import httpx2
from mcp.server.auth.provider import AccessToken, TokenVerifier

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


class IntrospectionTokenVerifier(TokenVerifier):
    """Asks an RFC 7662 introspection endpoint whether a token is active.

    Positive answers are reused for `cache_ttl` seconds (never past the token's `exp`),
    for at most `cache_size` tokens, so a busy client does not cost one introspection per
    request; refusals are never cached. A token whose `exp` is not a number (a JSON number
    or a string of one; never a boolean) is refused.
    """

    def __init__(
        self,
        introspection_url: str,
        *,
        resource_url: str,
        timeout: float = 5.0,
        cache_ttl: float = 60.0,
        cache_size: int = 1024,
    ) -> None:
        self.introspection_url = introspection_url
        self.resource_url = resource_url
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self.cache_size = cache_size
        # sha256(token) -> (reuse until, answer); oldest first, so eviction pops the front.
        self._cache: OrderedDict[bytes, tuple[float, AccessToken]] = OrderedDict()

    async def verify_token(self, token: str) -> AccessToken | None:
        key = hashlib.sha256(token.encode()).digest()
        cached = self._cache.get(key)
        if cached is not None:
            until, known = cached
            if time.time() < until:
                self._cache.move_to_end(key)
                return known
            del self._cache[key]
        access = await self._introspect(token)
        if access is not None and self.cache_ttl > 0:
            until = time.time() + self.cache_ttl
            if access.expires_at is not None:
                until = min(until, access.expires_at)
            self._cache[key] = (until, access)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return access

    async def _introspect(self, token: str) -> AccessToken | None:
        try:
            async with httpx2.AsyncClient(timeout=self.timeout) as http:
                response = await http.post(self.introspection_url, data={"token": token})
        except httpx2.HTTPError as exc:
            logger.warning("token introspection failed: %s", type(exc).__name__)
            return None
        if response.status_code != 200:
            logger.warning("token introspection answered HTTP %s", response.status_code)
            return None
        try:
            claims = response.json()
        except ValueError:
            return None
        if not isinstance(claims, dict) or claims.get("active") is not True:
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
