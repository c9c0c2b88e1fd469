"""Logging in to Musement (`POST /login`, client credentials), the bearer token kept
until shortly before it expires, and the early login begun before the server starts."""

from __future__ import annotations

import logging
import threading
import time

import anyio

from ..errors import Unauthorized, UpstreamError
from ..json_types import as_object
from .answers import CART
from .config import MusementConfig
from .sending import Connection

logger = logging.getLogger("musement_mcp.client")

# Musement's codes for a request the server's settings got wrong: 2271, no (or an
# unknown) X-Musement-Application; -1 with 400, an unknown X-Musement-Market.
APPLICATION_HEADER_CODE = "2271"
_CONFIGURATION_CODES = frozenset({APPLICATION_HEADER_CODE, "-1"})
# Renew the token this long before Musement says it expires, so a request
# never leaves with a token that dies in flight.
TOKEN_RENEW_MARGIN_SECONDS = 60.0

# (token, when to renew it on `time.monotonic()`)
Token = tuple[str, float]


class Login:
    """The bearer token of one client: logged in when first needed, renewed before it
    expires, dropped (`forget`) when Musement refuses it."""

    def __init__(self, connection: Connection, early_login: EarlyLogin | None = None) -> None:
        self._connection = connection
        self._config = connection.config
        self._early_login = early_login
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._lock = anyio.Lock()

    @property
    def held(self) -> Token | None:
        return (self._token, self._token_expires_at) if self._token else None

    def forget(self) -> None:
        self._token = None

    async def bearer_token(self) -> str:
        if self._token and time.monotonic() < self._token_expires_at:
            return self._token
        async with self._lock:
            # Another call may have logged in while this one waited.
            if self._token and time.monotonic() < self._token_expires_at:
                return self._token
            if self._early_login is not None:
                early, self._early_login = self._early_login, None
                token = await anyio.to_thread.run_sync(early.wait, abandon_on_cancel=True)
                if token is not None:
                    self._token, self._token_expires_at = token
                    if time.monotonic() < self._token_expires_at:
                        return self._token
            await self._login()
            assert self._token is not None
            return self._token

    async def _login(self) -> None:
        credentials = {
            "client_id": self._config.client_id,
            "client_secret": self._config.client_secret,
            "grant_type": "client_credentials",
        }
        answer = await self._connection.exchange(
            "POST", "login", credentials, {}, self._config.timeout
        )
        code = answer.error_fields()[0]
        if answer.status == 400 and code in _CONFIGURATION_CODES:
            # The application header or the market, not the credentials (told apart by
            # code: Musement documents X-Musement-Application as required on /login too).
            raise answer.failure(CART, sent=credentials)
        if answer.status in (400, 401, 403):
            raise Unauthorized(
                "Musement refused the configured client credentials.",
                status=answer.status,
                code=code,
            )
        body = as_object(answer.parse(CART, sent=credentials)) or {}
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise UpstreamError("Musement login answered without an access token.")
        expires_in = body.get("expires_in", 3600)
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
        self._token = token
        self._token_expires_at = time.monotonic() + max(lifetime - TOKEN_RENEW_MARGIN_SECONDS, 0.0)
        logger.debug("logged in to Musement; token valid for %.0f s", lifetime)


async def login_ahead(login: Login) -> None:
    """Log in at start-up, so the first tool call finds a token: never fails (a failure is
    logged; the first request logs in itself and reports it)."""
    try:
        await login.bearer_token()
    except Exception as failure:  # noqa: BLE001 - a warm-up must not stop the server
        logger.warning(
            "could not log in to Musement ahead of the first call (%s); requests will try again",
            getattr(failure, "type", type(failure).__name__),
        )


class EarlyLogin:
    """A login begun in a thread as the process starts, before the MCP stack is imported
    (a few hundred milliseconds): its round trip to Musement overlaps the start-up, and
    the server's client adopts the token. Never raises: if it fails, the client logs in
    itself and reports why.

    Kept for speed (issue 25): a stdio server's first call is one login round trip
    shorter than with the login the server begins when its session starts (`login_ahead`):
    about 100 ms against a Musement 100 ms away; the thread's CPU delays the connection by
    some tens of ms, so spawn to the first answer is 60-90 ms shorter (bench/RESULTS.md,
    "Speed code"; `python -m bench --only early_login`, the alternative being the bench's
    `python -m bench.variant_server --no-early-login`)."""

    def __init__(self, config: MusementConfig) -> None:
        self._config = config
        self._token: Token | None = None
        self._thread = threading.Thread(target=self._run, name="musement-login", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        async def log_in() -> Token | None:
            connection = Connection(self._config)
            try:
                login = Login(connection)
                if self._config.has_credentials:
                    await login_ahead(login)
                return login.held
            finally:
                await connection.aclose()

        try:
            self._token = anyio.run(log_in)
        except Exception as failure:  # noqa: BLE001 - the server's client logs in itself
            logger.warning("could not begin the login to Musement (%s)", type(failure).__name__)
            return
        if self._token:
            logger.debug("logged in to Musement while the server was starting")

    def wait(self) -> Token | None:
        """(token, when to renew it on `time.monotonic()`), or None; waits for the thread
        at most a call's budget."""
        self._thread.join(self._config.call_budget)
        return self._token
