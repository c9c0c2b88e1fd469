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
import time

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
    """Asks an RFC 7662 introspection endpoint whether a token is active."""

    def __init__(self, introspection_url: str, *, resource_url: str, timeout: float = 5.0) -> None:
        self.introspection_url = introspection_url
        self.resource_url = resource_url
        self.timeout = timeout

    async def verify_token(self, token: str) -> AccessToken | None:
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
        expires_at = claims.get("exp")
        if isinstance(expires_at, int) and expires_at < time.time():
            return None
        scope = claims.get("scope")
        return AccessToken(
            token=token,
            client_id=str(claims.get("client_id") or "unknown"),
            scopes=scope.split() if isinstance(scope, str) else [],
            expires_at=expires_at if isinstance(expires_at, int) else None,
            resource=self.resource_url if self.resource_url in audiences else None,
            subject=claims.get("sub") if isinstance(claims.get("sub"), str) else None,
        )
