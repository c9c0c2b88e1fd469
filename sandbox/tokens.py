"""Bearer tokens issued by POST /login, enforced only when client credentials are configured."""

from __future__ import annotations

import secrets
import threading
import time

DEFAULT_EXPIRES_IN = 3600


class TokenStore:
    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        expires_in: float = DEFAULT_EXPIRES_IN,
    ) -> None:
        if (client_id is None) != (client_secret is None):
            raise ValueError("give both client_id and client_secret, or neither")
        self._client_id = client_id
        self._client_secret = client_secret
        self.expires_in = expires_in
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}

    @property
    def enforced(self) -> bool:
        return self._client_id is not None

    def credentials_match(self, client_id: str, client_secret: str) -> bool:
        if not self.enforced:
            return True
        assert self._client_id is not None and self._client_secret is not None
        same_id = secrets.compare_digest(client_id.encode(), self._client_id.encode())
        same_secret = secrets.compare_digest(client_secret.encode(), self._client_secret.encode())
        return same_id and same_secret

    def issue(self) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._expiry[token] = time.monotonic() + self.expires_in
        return token

    def is_valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._expiry.get(token)
            return expiry is not None and time.monotonic() < expiry

    def revoke_all(self) -> None:
        """Expire every issued token, so tests can drive a client's re-login on 401."""
        with self._lock:
            self._expiry.clear()
