"""tools/upstream/config.py: the Musement headers sent on every call, the settings a cached
answer depends on, and when the client logs in."""

from __future__ import annotations

from dataclasses import fields, replace

from musement_mcp.tools import MusementConfig


def test_headers_carry_the_market_version_and_language_and_only_what_is_set() -> None:
    config = MusementConfig(market="it", language="it-IT")
    assert config.headers() == {
        "Accept": "application/json",
        "X-Musement-Market": "it",
        "X-Musement-Version": "3.4.0",
        "Accept-Language": "it-IT",
    }
    full = replace(config, application="partner-app", currency="EUR").headers()
    assert full["X-Musement-Application"] == "partner-app"
    assert full["X-Musement-Currency"] == "EUR"
    # Credentials never travel as headers of their own: a bearer token does (auth.py).
    secret = replace(config, client_id="id", client_secret="s3cret").headers()
    assert "s3cret" not in str(secret) and "id" not in secret.values()


def test_credentials_need_both_halves() -> None:
    assert not MusementConfig().has_credentials
    assert not MusementConfig(client_id="id").has_credentials
    assert not MusementConfig(client_id="id", client_secret="").has_credentials
    assert MusementConfig(client_id="id", client_secret="s").has_credentials


def test_the_cache_key_changes_with_what_changes_the_answers_only() -> None:
    base = MusementConfig()
    answers = {"base_url", "application", "market", "version", "language", "currency"}
    for field in fields(MusementConfig):
        value = getattr(base, field.name)
        other = (
            "x" if isinstance(value, str) or value is None else value * 2 + 1
        )  # a different value of the same kind
        changed = replace(base, **{field.name: other}).cache_key()
        assert (changed != base.cache_key()) == (field.name in answers), field.name
