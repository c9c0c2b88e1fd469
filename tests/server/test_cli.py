"""The command line: the demo, settings errors, `python -m` and the console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from musement_mcp.server import SettingsError, load_settings
from tests.support.common import REPO_ROOT
from tests.support.processes import READY_TIMEOUT


def run(*args: str, env: dict[str, str] | None = None, timeout: float = READY_TIMEOUT):
    return subprocess.run(
        [sys.executable, "-m", "musement_mcp.server", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.process
def test_demo_plays_the_customer_step() -> None:
    done = run("demo")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for expected in (
        "protocol 2026-07-28",
        "get_customer_schema",
        "validation_failed",
        "did you mean 'firstname'",
        "PUT requests that reached Musement: 0",
        "← saved: Ada Lovelace",
        "cart_locked (HTTP 423, code -1)",
        "cart_not_found (HTTP 404, code 1400)",
        "invalid_argument",
        "[form shown to the user]",
        "Musement newsletter (Yes / No): the user picks NO",
        "saved after the user's answers",
        "participants for 2 item(s); ready for the order: False",
        "← saved: 2 participant(s)",
        "participants for 0 item(s); ready for the order: True",
        "→ search_activities(",
        "Rome highlights guided walking tour (Rome, from 19.00 EUR",
        "added 2 x Adult, Guided tour,",
        "78.00 EUR, PREBOOK_OK",
        "already in the cart, nothing added",
        "the cart is ready: the order step goes as in 11",
        "Demo finished",
    ):
        assert expected in out, f"{expected!r} missing from the demo transcript"


@pytest.mark.process
@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MUSEMENT_MARKET": "usa"}, "MUSEMENT_MARKET"),
        ({"MUSEMENT_BASE_URL": "ftp://example.com"}, "MUSEMENT_BASE_URL"),
        ({"MUSEMENT_TIMEOUT": "-1"}, "MUSEMENT_TIMEOUT"),
        ({"MUSEMENT_LANGUAGE": "english please"}, "MUSEMENT_LANGUAGE"),
        ({"MUSEMENT_CLIENT_ID": "only-the-id"}, "MUSEMENT_CLIENT_SECRET"),
    ],
)
def test_bad_settings_stop_with_a_clear_message(env, named) -> None:
    done = run(env=env)
    assert done.returncode == 2
    assert named in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # stdout is the protocol's


def test_flags_override_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MUSEMENT_MARKET", "it")
    monkeypatch.setenv("MUSEMENT_CLIENT_SECRET", "from-env")
    monkeypatch.setenv("MUSEMENT_CLIENT_ID", "id")
    settings = load_settings(market="GB")
    assert settings.market == "gb"
    assert "from-env" not in repr(settings)  # secrets stay masked
    with pytest.raises(SettingsError, match="MUSEMENT_CURRENCY"):
        load_settings(currency="euro")


def test_a_clients_share_of_requests_in_flight_defaults_to_a_quarter(monkeypatch) -> None:
    assert load_settings().requests_per_client == 64  # of 256
    monkeypatch.setenv("MUSEMENT_HTTP_MAX_REQUESTS", "20")
    assert load_settings().requests_per_client == 5
    monkeypatch.setenv("MUSEMENT_HTTP_MAX_REQUESTS", "2")
    assert load_settings().requests_per_client == 1
    monkeypatch.setenv("MUSEMENT_HTTP_MAX_REQUESTS_PER_CLIENT", "8")
    assert load_settings().requests_per_client == 2  # never more than all of them
    monkeypatch.setenv("MUSEMENT_HTTP_MAX_REQUESTS", "20")
    assert load_settings().requests_per_client == 8


def test_the_redis_url_is_a_secret_checked_for_its_scheme(monkeypatch) -> None:
    monkeypatch.setenv("MUSEMENT_REDIS_URL", "http://:hunter2@redis.internal:6379/0")
    with pytest.raises(SettingsError, match="MUSEMENT_REDIS_URL") as bad:
        load_settings()
    assert "hunter2" not in str(bad.value)
    monkeypatch.setenv("MUSEMENT_REDIS_URL", "rediss://:hunter2@redis.internal:6380/0")
    settings = load_settings()
    assert settings.redis_url is not None and "hunter2" not in repr(settings)
    monkeypatch.setenv("MUSEMENT_REDIS_URL", "")
    assert load_settings().redis_url is None


def test_several_processes_without_redis_are_told_what_is_not_shared() -> None:
    from musement_mcp.server.transports import NOT_SHARED_WARNING

    assert not load_settings().may_have_replicas
    assert load_settings(http_stateless=True).may_have_replicas
    assert load_settings(http_workers=4).may_have_replicas
    for unshared in ("order lock", "unknown order outcomes", "spent form states"):
        assert unshared in NOT_SHARED_WARNING


@pytest.mark.process
def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "musement-mcp"
    assert script.exists() or shutil.which("musement-mcp")
    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=READY_TIMEOUT
    )
    assert done.returncode == 0 and "demo" in done.stdout


def test_readme_documents_every_setting() -> None:
    """Every setting has a row in the README's settings table or, for an HTTP deployment's,
    in docs/DEPLOYMENT.md's."""
    from musement_mcp.server import Settings
    from musement_mcp.server.cli import show_default
    from musement_mcp.server.settings import FLAGS

    readme = (REPO_ROOT / "README.md").read_text()
    readme += (REPO_ROOT / "docs" / "DEPLOYMENT.md").read_text()
    for name in Settings.model_fields:
        rows = [line for line in readme.splitlines() if line.startswith("| ")]
        # A settings table's row: the variable in its second column.
        row = next(
            (r for r in rows if r.strip("| ").split(" | ")[1:2] == [f"`MUSEMENT_{name.upper()}`"]),
            None,
        )
        assert row is not None, f"MUSEMENT_{name.upper()} is missing from the settings table"
        if name in FLAGS:
            assert f"`{FLAGS[name]}`" in row
        default = Settings.model_fields[name].default
        if default not in (None, ""):
            assert f"`{show_default(default)}`" in row, f"MUSEMENT_{name.upper()}: default"


def test_help_lists_every_flag_with_its_variable_and_default() -> None:
    from musement_mcp.server import Settings
    from musement_mcp.server.settings import FLAGS

    done = run("--help", timeout=60)
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    for name, flag in FLAGS.items():
        assert f" {flag}" in text, f"{flag} is missing from --help"
        description = " ".join(str(Settings.model_fields[name].description).split())
        assert f"{description} (MUSEMENT_{name.upper()}; default " in text


def test_settings_take_the_musement_defaults_from_the_client_config() -> None:
    from dataclasses import fields

    from musement_mcp.server import Settings
    from musement_mcp.tools import MusementConfig

    shared = [f for f in fields(MusementConfig) if f.name in Settings.model_fields]
    assert len(shared) >= 10
    for field in shared:
        assert Settings.model_fields[field.name].default == field.default, field.name
