"""What the client needs to talk to Musement, with the project's defaults."""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC_SANDBOX_URL = "https://sandbox.musement.com/api/v3"


@dataclass(frozen=True)
class MusementConfig:
    """What the client needs to talk to Musement; built by the server's settings.

    Its defaults are the project's: the server's settings (and so `--help` and the
    environment) take theirs from here, so a default is stated once.
    """

    base_url: str = PUBLIC_SANDBOX_URL
    application: str | None = None
    market: str = "us"
    version: str = "3.4.0"
    language: str = "en-US"
    currency: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    timeout: float = 10.0
    # The whole tool call (schema read, update, retries) must end within this.
    call_budget: float = 20.0
    max_attempts: int = 4
    max_response_bytes: int = 2 * 1024 * 1024

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
