"""Async client for the Musement Partner API v3 cart endpoints.

One pooled `httpx2.AsyncClient` per `MusementClient`; every request carries the
configured Musement headers. With client credentials configured it logs in
(`POST /login`), keeps the bearer token until shortly before it expires and
logs in again once when a request answers 401. Every upstream answer becomes a
parsed body or one of the typed failures in `errors`.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2

from .errors import (
    CartLocked,
    CartNotFound,
    InvalidRequest,
    MusementError,
    RateLimited,
    Unauthorized,
    UpstreamError,
    UpstreamUnavailable,
)

logger = logging.getLogger("musement_mcp.client")

PUBLIC_SANDBOX_URL = "https://sandbox.musement.com/api/v3"
# Renew the token this long before Musement says it expires, so a request
# never leaves with a token that dies in flight.
TOKEN_RENEW_MARGIN_SECONDS = 60.0


@dataclass(frozen=True)
class MusementConfig:
    """What the client needs to talk to Musement; built by the server's settings."""

    base_url: str = PUBLIC_SANDBOX_URL
    application: str | None = None
    market: str = "us"
    version: str = "3.4.0"
    language: str = "en-US"
    currency: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    timeout: float = 10.0

    @property
    def has_credentials(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def headers(self) -> dict[str, str]:
        """The Musement headers sent on every call."""
        headers = {
            "Accept": "application/json",
            "X-Musement-Market": self.market,
            "X-Musement-Version": self.version,
            "Accept-Language": self.language,
        }
        if self.application:
            headers["X-Musement-Application"] = self.application
        if self.currency:
            headers["X-Musement-Currency"] = self.currency
        return headers

    def cache_key(self) -> tuple[str, ...]:
        """The settings that change what the API answers (labels, markets)."""
        return (
            self.base_url,
            self.application or "",
            self.market,
            self.version,
            self.language,
            self.currency or "",
        )


class MusementClient:
    """The cart endpoints this product touches, as plain async calls."""

    def __init__(
        self,
        config: MusementConfig,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self._http = httpx2.AsyncClient(
            base_url=config.base_url.rstrip("/") + "/",
            headers=config.headers(),
            timeout=config.timeout,
            transport=transport,
        )
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._login_lock = anyio.Lock()

    async def __aenter__(self) -> MusementClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- the endpoints -------------------------------------------------------

    async def get_customer_schema(self, cart_uuid: str) -> dict[str, Any]:
        """`GET /carts/{cartUuid}/customer/schema`."""
        body = await self._request("GET", f"carts/{cart_uuid}/customer/schema")
        if not isinstance(body, dict):
            raise UpstreamError(
                "Musement answered the customer schema with something else than a JSON object."
            )
        return body

    async def put_customer(self, cart_uuid: str, customer: dict[str, Any]) -> dict[str, Any]:
        """`PUT /carts/{cartUuid}/customer`: stores (merges) the customer, returns it."""
        body = await self._request("PUT", f"carts/{cart_uuid}/customer", json_body=customer)
        if not isinstance(body, dict):
            raise UpstreamError(
                "Musement answered the customer update with something else than a JSON object."
            )
        return body

    # -- plumbing -------------------------------------------------------------

    async def _request(self, method: str, path: str, *, json_body: Any = None) -> Any:
        response = await self._send(method, path, json_body)
        if response.status_code == 401 and self.config.has_credentials:
            # The token may have been revoked or expired early: one fresh login, one retry.
            self._token = None
            response = await self._send(method, path, json_body)
        return _parse(response)

    async def _send(self, method: str, path: str, json_body: Any) -> httpx2.Response:
        headers = {}
        if self.config.has_credentials:
            headers["Authorization"] = f"Bearer {await self._bearer_token()}"
        started = time.perf_counter()
        try:
            response = await self._http.request(method, path, json=json_body, headers=headers)
        except httpx2.TimeoutException as exc:
            raise UpstreamUnavailable(
                f"Musement did not answer within {self.config.timeout:g} s."
            ) from exc
        except httpx2.TransportError as exc:
            raise UpstreamUnavailable(f"Could not reach Musement ({type(exc).__name__}).") from exc
        logger.debug(
            "upstream %s %s -> %s in %.1f ms",
            method,
            _route_of(path),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    async def _bearer_token(self) -> str:
        if self._token and time.monotonic() < self._token_expires_at:
            return self._token
        async with self._login_lock:
            # Another call may have logged in while this one waited.
            if self._token and time.monotonic() < self._token_expires_at:
                return self._token
            await self._login()
            assert self._token is not None
            return self._token

    async def _login(self) -> None:
        try:
            response = await self._http.post(
                "login",
                json={
                    "client_id": self.config.client_id,
                    "client_secret": self.config.client_secret,
                    "grant_type": "client_credentials",
                },
            )
        except httpx2.TimeoutException as exc:
            raise UpstreamUnavailable("Musement login did not answer in time.") from exc
        except httpx2.TransportError as exc:
            raise UpstreamUnavailable(
                f"Could not reach Musement to log in ({type(exc).__name__})."
            ) from exc
        if response.status_code in (400, 401, 403):
            raise Unauthorized(
                "Musement refused the configured client credentials.",
                status=response.status_code,
                code=_error_fields(response)[0],
            )
        body = _parse(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise UpstreamError("Musement login answered without an access token.")
        expires_in = body.get("expires_in", 3600)
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
        self._token = token
        self._token_expires_at = time.monotonic() + max(lifetime - TOKEN_RENEW_MARGIN_SECONDS, 0.0)
        logger.debug("logged in to Musement; token valid for %.0f s", lifetime)


def _route_of(path: str) -> str:
    """The path with the cart UUID masked, for logs."""
    parts = path.split("/")
    if len(parts) > 1 and parts[0] == "carts":
        parts[1] = "{cartUuid}"
    return "/" + "/".join(parts)


def _error_fields(response: httpx2.Response) -> tuple[str | None, str | None, Any]:
    """Musement's `{"code", "message"}` (and any per-field `errors`), when present."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, None, None
    if not isinstance(body, dict):
        return None, None, None
    code = body.get("code")
    message = body.get("message")
    return (
        str(code) if code is not None else None,
        message if isinstance(message, str) else None,
        body.get("errors"),
    )


def _parse(response: httpx2.Response) -> Any:
    """The JSON body of a 2xx answer, or the typed failure for anything else."""
    status = response.status_code
    if 200 <= status < 300:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UpstreamError(
                "Musement answered with a body that is not valid JSON.", status=status
            ) from exc
    raise _failure_for(response)


def _failure_for(response: httpx2.Response) -> MusementError:
    status = response.status_code
    code, message, errors = _error_fields(response)
    details = _upstream_details(errors)
    said = message or response.reason_phrase or "no message"
    if status == 404:
        return CartNotFound(f"Musement has no such cart: {said}", status=status, code=code)
    if status == 423:
        return CartLocked(f"The cart is locked: {said}", status=status, code=code)
    if status in (401, 403):
        return Unauthorized(f"Musement refused the request: {said}", status=status, code=code)
    if status == 429:
        retry_after = response.headers.get("Retry-After")
        hint = None
        if retry_after:
            hint = f"Musement asks to wait {retry_after} s before calling again."
        return RateLimited(f"Too many requests: {said}", status=status, code=code, hint=hint)
    if status in (400, 409, 422):
        return InvalidRequest(
            f"Musement rejected the request: {said}", status=status, code=code, details=details
        )
    if status >= 500:
        return UpstreamUnavailable(
            f"Musement failed with HTTP {status}: {said}", status=status, code=code
        )
    return UpstreamError(
        f"Unexpected HTTP {status} from Musement: {said}", status=status, code=code
    )


def _upstream_details(errors: Any) -> list[dict[str, Any]]:
    """Musement's per-field errors, reduced to path and message."""
    if not isinstance(errors, list):
        return []
    details = []
    for item in errors[:50]:
        if isinstance(item, dict):
            path = item.get("field") or item.get("path") or item.get("property_path")
            message = item.get("message")
            details.append({"path": str(path) if path else "", "message": str(message or "")})
    return details
