"""Settings from environment variables (`MUSEMENT_*`) and command-line flags.

Flags win over the environment. A bad value stops the server with a message
that names the variable and what it expects; secrets are never printed.

Each default is stated once: the Musement-side ones are `MusementConfig`'s (in
tools/), the server's own are here, and the command line's help is generated
from these fields (`FLAGS` lists the settings that have a flag).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..tools import MusementConfig

TOOLSETS = ("checkout", "catalog")
"""The tool sets a server may list (MUSEMENT_TOOLSETS); checkout is the default."""

MIN_TOKEN_LENGTH = 32
"""Shortest static bearer token accepted (a guessable token is no auth)."""


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is meant for a human."""


@dataclass(frozen=True)
class OrderOptions:
    """What the server lists and how it orders: the order settings (MUSEMENT_ORDER_*,
    MUSEMENT_AFFILIATE*, MUSEMENT_NO_PAYMENT_FLOW) and the tool sets (MUSEMENT_TOOLSETS)."""

    email_notification: str = "TO-CUSTOMER"
    # Whether the model may choose email_notification (an argument of create_order).
    email_choice: bool = False
    affiliate: str | None = None
    affiliate_channel: str | None = None
    # Musement's no-payment flow (merchants with the scope): pay_order_without_payment.
    no_payment_flow: bool = False
    # The partner's checkout page, a template with {cart_uuid} (and {order_uuid} where
    # orders are placed here): where the customer completes the booking and pays.
    checkout_url: str | None = None
    # Whether create_order places orders here (without a checkout URL, always).
    place_orders: bool = True
    # The tool sets listed (MUSEMENT_TOOLSETS): checkout by default, catalog on request.
    toolsets: frozenset[str] = frozenset({"checkout"})

    def checkout_link(self, cart_uuid: str, order_uuid: str = "") -> str | None:
        if self.checkout_url is None:
            return None
        return self.checkout_url.replace("{cart_uuid}", cart_uuid).replace(
            "{order_uuid}", order_uuid
        )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUSEMENT_", extra="ignore")

    # What the Musement client uses: defaults from MusementConfig.
    base_url: str = Field(MusementConfig.base_url, description="Musement API base URL.")
    application: str | None = Field(
        MusementConfig.application, description="X-Musement-Application value."
    )
    market: str = Field(
        MusementConfig.market, description="X-Musement-Market (two-letter market code)."
    )
    version: str = Field(MusementConfig.version, description="X-Musement-Version.")
    language: str = Field(MusementConfig.language, description="Accept-Language: labels follow it.")
    currency: str | None = Field(
        MusementConfig.currency, description="X-Musement-Currency (e.g. EUR)."
    )
    client_id: str | None = Field(
        MusementConfig.client_id,
        description="OAuth client id for POST /login (the secret only from "
        "MUSEMENT_CLIENT_SECRET).",
    )
    client_secret: SecretStr | None = Field(None, description="OAuth client secret.")
    timeout: float = Field(
        MusementConfig.timeout, gt=0, le=300, description="Upstream timeout in seconds."
    )
    call_budget: float = Field(
        MusementConfig.call_budget,
        gt=0,
        le=600,
        description="Seconds a tool call may take, retries included.",
    )
    max_attempts: int = Field(
        MusementConfig.max_attempts, ge=1, le=10, description="Upstream attempts per request."
    )

    # The server's own.
    schema_ttl: float = Field(
        60.0, ge=0, le=3600, description="Seconds a cart's schema is reused (0: never)."
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR (stderr).")

    order_email_notification: Literal["ALL", "NONE", "TO-CUSTOMER"] = Field(
        "TO-CUSTOMER", description="Who Musement emails about a new order (POST /orders)."
    )
    order_email_choice: bool = Field(
        False, description="Let the model choose email_notification in create_order."
    )
    affiliate: str | None = Field(None, description="Affiliate code sent with every order.")
    affiliate_channel: str | None = Field(
        None, description="Affiliate channel sent with every order (needs MUSEMENT_AFFILIATE)."
    )
    no_payment_flow: bool = Field(
        False,
        description="List pay_order_without_payment: only for accounts with Musement's "
        "no-payment scope (merchant of record).",
    )
    checkout_url: str | None = Field(
        None,
        description="The partner's checkout page for a ready cart: an https URL with "
        "{cart_uuid} (and optionally {order_uuid}). Set, get_cart hands it to the user and "
        "create_order is not listed unless MUSEMENT_PLACE_ORDERS is true.",
    )
    place_orders: bool | None = Field(
        None,
        description="Place orders here with create_order (default: yes without "
        "MUSEMENT_CHECKOUT_URL, no with it).",
    )

    toolsets: str = Field(
        "checkout",
        description="Tool sets to list, comma-separated: checkout (the customer step and the "
        "order) and catalog (search, availability, building a cart; docs/CATALOG.md).",
    )

    request_state_key: SecretStr | None = Field(
        None,
        description="Key(s) sealing elicitation request state, comma-separated, each at least "
        "32 characters; the first seals, all unseal. Share it among replicas.",
    )

    redis_url: SecretStr | None = Field(
        None,
        description="Redis shared by every worker and replica for the order lock, unknown "
        "order outcomes and spent form states (redis://, rediss:// or unix://; needs the "
        "redis extra). Without it each process keeps its own.",
    )

    # Streamable HTTP only.
    http_host: str = Field(
        "127.0.0.1", description="HTTP bind address (loopback: local clients only)."
    )
    http_port: int = Field(8000, ge=0, le=65535, description="HTTP port.")
    http_stateless: bool = Field(
        False, description="HTTP without sessions: any replica or worker can answer any request."
    )
    http_workers: int = Field(
        1, ge=1, le=64, description="Worker processes; more than one implies stateless."
    )
    http_allowed_hosts: str = Field(
        "", description="Extra Host values to accept, comma-separated (e.g. mcp.example.com)."
    )
    http_allowed_origins: str = Field(
        "", description="Extra Origin values to accept, comma-separated (https://app.example.com)."
    )
    http_auth_tokens: SecretStr | None = Field(
        None, description="Static bearer tokens for /mcp, comma-separated."
    )
    http_auth_issuer_url: str | None = Field(
        None, description="OAuth authorization server (resource-server mode)."
    )
    http_auth_introspection_url: str | None = Field(
        None, description="RFC 7662 token introspection endpoint (resource-server mode)."
    )
    http_resource_url: str | None = Field(
        None, description="This server's public /mcp URL (resource-server mode)."
    )
    http_max_body_bytes: int = Field(
        1024 * 1024, ge=1024, le=64 * 1024 * 1024, description="Largest accepted request body."
    )
    http_max_sessions: int = Field(
        1000, ge=1, le=100_000, description="Open handshake-era sessions, at most (all clients)."
    )
    http_max_sessions_per_client: int = Field(
        100,
        ge=1,
        le=100_000,
        description="Open sessions per authenticated client (token or OAuth principal).",
    )
    http_session_idle_timeout: float = Field(
        600.0, gt=0, le=86_400, description="Seconds after which an idle session is closed."
    )
    http_header_timeout: float = Field(
        10.0, gt=0, le=300, description="Seconds a client has to send a request's headers."
    )
    http_body_timeout: float = Field(
        30.0, gt=0, le=600, description="Seconds a client has to send a request's body."
    )
    http_send_timeout: float = Field(
        30.0,
        gt=0,
        le=600,
        description="Seconds an answer may wait on a client that does not read it.",
    )
    http_max_requests: int = Field(
        256,
        ge=1,
        le=100_000,
        description="Requests to /mcp in flight at once (open event streams too); beyond, 503.",
    )
    http_max_requests_per_client: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="Requests to /mcp in flight per authenticated client (token or OAuth "
        "principal), open event streams too; beyond, 429. Default: a quarter of "
        "MUSEMENT_HTTP_MAX_REQUESTS.",
    )
    http_auth_cache_ttl: float = Field(
        60.0,
        ge=0,
        le=3600,
        description="Seconds a positive token introspection answer is reused (0: never).",
    )
    http_auth_introspection_timeout: float = Field(
        5.0,
        gt=0,
        le=300,
        description="Seconds a token introspection may take; then the token is refused (401).",
    )
    http_auth_max_introspections: int = Field(
        16,
        ge=1,
        le=1000,
        description="Token introspections in flight at once; beyond, a request waits briefly, "
        "then is answered 503.",
    )

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError("must be an http(s) URL such as https://sandbox.musement.com/api/v3")
        return value.rstrip("/")

    @field_validator("checkout_url")
    @classmethod
    def _checkout_template(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith("https://") and not value.startswith("http://localhost"):
            raise ValueError("must be an https URL")
        if "{cart_uuid}" not in value:
            raise ValueError("must contain {cart_uuid}")
        return value

    @field_validator("http_auth_issuer_url", "http_auth_introspection_url", "http_resource_url")
    @classmethod
    def _optional_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        # The URL may carry a password: the message never repeats it.
        if not re.match(r"(rediss?|unix)://", value.get_secret_value()):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("market")
    @classmethod
    def _market(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]{2}", value.lower()):
            raise ValueError("must be a two-letter market code such as 'us' or 'it'")
        return value.lower()

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
            raise ValueError("must be a language tag such as 'en-US' or 'it-IT'")
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z]{3}", value):
            raise ValueError("must be a three-letter currency code such as 'EUR'")
        return value.upper() if value else None

    @field_validator("toolsets")
    @classmethod
    def _toolsets(cls, value: str) -> str:
        names = split_list(value.lower())
        unknown = sorted(set(names) - set(TOOLSETS))
        if unknown or not names:
            raise ValueError(f"must list tool sets among {', '.join(TOOLSETS)}")
        return ",".join(dict.fromkeys(names))

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @property
    def static_tokens(self) -> list[str]:
        if not self.http_auth_tokens:
            return []
        return split_list(self.http_auth_tokens.get_secret_value())

    @property
    def request_state_keys(self) -> list[str]:
        if not self.request_state_key:
            return []
        return split_list(self.request_state_key.get_secret_value())

    @property
    def requests_per_client(self) -> int:
        """One client's share of the requests in flight: what is set, else a quarter of all
        (so one token's streams and slow bodies leave room for at least three others)."""
        share = self.http_max_requests_per_client or max(1, self.http_max_requests // 4)
        return min(share, self.http_max_requests)

    @property
    def may_have_replicas(self) -> bool:
        """Whether several processes may serve (workers, or stateless replicas)."""
        return self.http_workers > 1 or self.http_stateless

    @property
    def oauth_resource_server(self) -> bool:
        return bool(self.http_auth_introspection_url)

    def order_options(self) -> OrderOptions:
        return OrderOptions(
            email_notification=self.order_email_notification,
            email_choice=self.order_email_choice,
            affiliate=self.affiliate,
            affiliate_channel=self.affiliate_channel if self.affiliate else None,
            no_payment_flow=self.no_payment_flow,
            checkout_url=self.checkout_url,
            place_orders=self.checkout_url is None or bool(self.place_orders),
            toolsets=frozenset(split_list(self.toolsets)),
        )

    def musement_config(self) -> MusementConfig:
        return MusementConfig(
            base_url=self.base_url,
            application=self.application,
            market=self.market,
            version=self.version,
            language=self.language,
            currency=self.currency,
            client_id=self.client_id,
            client_secret=self.client_secret.get_secret_value() if self.client_secret else None,
            timeout=self.timeout,
            call_budget=self.call_budget,
            max_attempts=self.max_attempts,
        )


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with non-None `overrides` (from flags) on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
    oauth = (
        settings.http_auth_issuer_url,
        settings.http_auth_introspection_url,
        settings.http_resource_url,
    )
    if any(oauth) and not all(oauth):
        raise SettingsError(
            "OAuth resource-server mode needs MUSEMENT_HTTP_AUTH_ISSUER_URL, "
            "MUSEMENT_HTTP_AUTH_INTROSPECTION_URL and MUSEMENT_HTTP_RESOURCE_URL together."
        )
    if settings.http_workers > 1 and not settings.http_stateless:
        # Sessions live in one process; with several workers any may answer.
        settings = settings.model_copy(update={"http_stateless": True})
    if settings.http_auth_tokens is not None:
        # A list that parses to nothing would mean no auth at all: refuse, never fail open.
        if not settings.static_tokens:
            raise SettingsError(
                "MUSEMENT_HTTP_AUTH_TOKENS: set but holds no token; give one or more tokens, "
                "comma-separated, or unset it to serve without auth."
            )
        if any(len(token) < MIN_TOKEN_LENGTH for token in settings.static_tokens):
            raise SettingsError(
                f"MUSEMENT_HTTP_AUTH_TOKENS: each token needs at least {MIN_TOKEN_LENGTH} "
                'characters (generate one with python -c "import secrets; '
                'print(secrets.token_urlsafe(32))").'
            )
    if any(len(key) < 32 for key in settings.request_state_keys):
        raise SettingsError("MUSEMENT_REQUEST_STATE_KEY: each key needs at least 32 characters.")
    if settings.redis_url is not None and importlib.util.find_spec("redis") is None:
        raise SettingsError(
            "MUSEMENT_REDIS_URL is set but the redis package is not installed: "
            "pip install 'musement-mcp[redis]'."
        )
    if bool(settings.client_id) != bool(settings.client_secret):
        raise SettingsError(
            "MUSEMENT_CLIENT_ID and MUSEMENT_CLIENT_SECRET go together: set both or neither."
        )
    return settings


def split_list(value: str) -> list[str]:
    """A comma-separated setting as a list."""
    return [part.strip() for part in value.split(",") if part.strip()]


# Settings that also have a command-line flag, and its name: the one table the
# command line is built from (type, help and default come from the field).
FLAGS: dict[str, str] = {
    "base_url": "--base-url",
    "application": "--application",
    "market": "--market",
    "version": "--api-version",
    "language": "--language",
    "currency": "--currency",
    "client_id": "--client-id",
    "timeout": "--timeout",
    "call_budget": "--call-budget",
    "schema_ttl": "--schema-ttl",
    "log_level": "--log-level",
    "toolsets": "--toolsets",
    "http_host": "--host",
    "http_port": "--port",
    "http_stateless": "--stateless",
    "http_workers": "--workers",
}


def _describe(exc: ValidationError) -> str:
    lines = ["Invalid settings:"]
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "?"
        message = error["msg"].removeprefix("Value error, ")
        flag = f" ({FLAGS[name]})" if name in FLAGS else ""
        lines.append(f"  MUSEMENT_{name.upper()}{flag}: {message}")
    return "\n".join(lines)
