"""`musement-mcp doctor` against the embedded sandbox: success, and each failure it names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest

from musement_mcp.sandbox import (
    BASE_CART_UUID,
    EXTRA_DATA_CART_UUID,
    SandboxServer,
)
from musement_mcp.server.catalog import TOOLS
from musement_mcp.server.cli import main
from musement_mcp.tools.upstream.retry import RetryPolicy
from tests.support.common import TEST_APPLICATION
from tests.support.processes import free_port

CLIENT_ID = "doctor-partner"
CLIENT_SECRET = "doctor-secret-0123456789"


@pytest.fixture(autouse=True)
def no_musement_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the flags and variables a test sets count."""
    for name in list(os.environ):
        if name.startswith("MUSEMENT_"):
            monkeypatch.delenv(name)


@pytest.fixture
def secured_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as server:
        yield server


def doctor(
    capsys: pytest.CaptureFixture[str], base_url: str, *args: str, application: bool = True
) -> tuple[int, str]:
    """Runs `musement-mcp doctor` in-process; its exit code and stdout."""
    argv = ["doctor", "--base-url", base_url, *args]
    if application:
        argv += ["--application", TEST_APPLICATION]
    code = main(argv)
    return code, capsys.readouterr().out


def line(out: str, start: str) -> str:
    """The one output line that starts with `start`."""
    (found,) = [text for text in out.splitlines() if text.startswith(start)]
    return found


def test_a_cart_shows_the_fields_and_tools(sandbox, capsys) -> None:
    code, out = doctor(capsys, sandbox.base_url, "--cart", EXTRA_DATA_CART_UUID)
    assert code == 0, out
    anonymous = line(out, "warn  login: no credentials: requests are anonymous")
    assert "Musement recommends authenticating" in anonymous
    assert "market us, version 3.4.0" in line(out, "ok    headers:")
    assert EXTRA_DATA_CART_UUID in line(out, "ok    cart:")
    assert "17 field(s), 11 required" in line(out, "ok    schema:")
    assert re.search(r"\.s_74380 +required  Hotel location\n", out)
    assert re.search(r"\.s_90112 +optional  Allergies\n", out)
    # The tools of the default settings: the checkout set, no no-payment flow, orders here.
    listed = line(out, "ok    tools:")
    for tool in TOOLS:
        expected = tool.toolset == "checkout" and tool.name != "pay_order_without_payment"
        assert (tool.name in listed) == expected, tool.name
    assert "local sandbox" in line(out, "warn  environment:")
    assert "FAIL" not in out
    assert out.splitlines()[-1] == "doctor: nothing failed, 2 warning(s)"


@pytest.mark.parametrize(
    ("env", "order_tools"),
    [
        ({}, {"create_order"}),
        ({"MUSEMENT_NO_PAYMENT_FLOW": "true"}, {"create_order", "pay_order_without_payment"}),
        ({"MUSEMENT_CHECKOUT_URL": "https://shop.example/checkout?cart={cart_uuid}"}, set()),
        (
            {
                "MUSEMENT_CHECKOUT_URL": "https://shop.example/pay?cart={cart_uuid}&order={order_uuid}",
                "MUSEMENT_PLACE_ORDERS": "true",
            },
            {"create_order"},
        ),
    ],
)
def test_the_tools_line_follows_the_order_settings(
    sandbox, capsys, monkeypatch, env, order_tools
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out = doctor(capsys, sandbox.base_url, "--cart", BASE_CART_UUID)
    assert code == 0, out
    listed = {part.split(" (")[0] for part in line(out, "ok    tools: ")[11:].split(", ")}
    assert listed & {"create_order", "pay_order_without_payment"} == order_tools


@pytest.mark.parametrize("toolsets, catalog", [(None, False), ("checkout,catalog", True)])
def test_the_tools_line_follows_the_tool_sets(
    sandbox, capsys, monkeypatch, toolsets, catalog
) -> None:
    if toolsets:
        monkeypatch.setenv("MUSEMENT_TOOLSETS", toolsets)
    code, out = doctor(capsys, sandbox.base_url, "--cart", BASE_CART_UUID)
    assert code == 0, out
    named = line(out, "ok    tools: ").split("tools: ", 1)[1]
    listed = {part.split(" (")[0] for part in named.split(", ")}
    assert ("search_activities" in listed) is catalog and "get_cart" in listed


def test_a_base_url_without_the_api_root_names_it(sandbox, capsys, monkeypatch) -> None:
    """/login answers 404 where the base URL misses /api/v3: the base URL, not a cart."""
    monkeypatch.setenv("MUSEMENT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("MUSEMENT_CLIENT_SECRET", CLIENT_SECRET)
    root = sandbox.base_url.removesuffix("/api/v3")
    code, out = doctor(capsys, root, "--cart", BASE_CART_UUID)
    assert code == 1
    failed = line(out, "FAIL  login: no Musement API at")
    assert "ends in /api/v3" in failed and "cart" not in failed.split("->")[0]
    for step in ("headers", "cart", "schema"):
        assert line(out, f"skip  {step}: skipped: the login failed")


def test_without_a_cart_the_market_is_not_checked(sandbox, capsys) -> None:
    code, out = doctor(capsys, sandbox.base_url)
    assert code == 0, out
    assert "--cart" in line(out, "warn  market: NOT CHECKED: market us")
    assert "schema:" not in out
    assert line(out, "ok    tools:")


def test_credentials_log_in_and_nothing_is_created(secured_sandbox, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MUSEMENT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("MUSEMENT_CLIENT_SECRET", CLIENT_SECRET)
    code, out = doctor(capsys, secured_sandbox.base_url, "--cart", BASE_CART_UUID)
    assert code == 0, out
    assert "accepted the client credentials" in line(out, "ok    login:")
    assert line(out, "ok    schema: 11 field(s), 7 required")
    assert CLIENT_SECRET not in out
    sent = {(r.method, r.path.removeprefix("/api/v3")) for r in secured_sandbox.recorder.requests}
    assert sent == {
        ("POST", "/login"),
        ("GET", f"/carts/{BASE_CART_UUID}/customer/schema"),
        ("GET", f"/carts/{BASE_CART_UUID}"),
    }


def test_credentials_refused(secured_sandbox, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MUSEMENT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("MUSEMENT_CLIENT_SECRET", "not-the-secret")
    code, out = doctor(capsys, secured_sandbox.base_url, "--cart", BASE_CART_UUID)
    assert code == 1
    failed = line(out, "FAIL  login: credentials refused")
    assert "HTTP 401" in failed and "MUSEMENT_CLIENT_SECRET" in failed
    # nothing else is tried with refused credentials, and the output says so
    assert line(out, "skip  headers: skipped: the login failed")
    assert line(out, "skip  schema: skipped: the login failed")
    assert "not-the-secret" not in out
    assert out.splitlines()[-1].startswith("doctor: 1 failed")


def test_anonymous_requests_refused(secured_sandbox, capsys) -> None:
    code, out = doctor(capsys, secured_sandbox.base_url, "--cart", BASE_CART_UUID)
    assert code == 1
    assert "MUSEMENT_CLIENT_ID" in line(out, "FAIL  headers: anonymous requests refused")


def test_application_missing(sandbox, capsys) -> None:
    code, out = doctor(capsys, sandbox.base_url, "--cart", BASE_CART_UUID, application=False)
    assert code == 1
    assert "MUSEMENT_APPLICATION is not set" in line(out, "warn  application:")
    failed = line(out, "FAIL  headers: application missing or unknown")
    assert "code 2271" in failed and "--application" in failed


def test_unknown_market(sandbox, capsys) -> None:
    code, out = doctor(capsys, sandbox.base_url, "--cart", BASE_CART_UUID, "--market", "zz")
    assert code == 1
    failed = line(out, "FAIL  headers: market 'zz' refused")
    assert "code -1" in failed and "MUSEMENT_MARKET" in failed


def test_unknown_cart(sandbox, capsys) -> None:
    code, out = doctor(capsys, sandbox.base_url, "--cart", str(uuid.uuid4()))
    assert code == 1
    assert line(out, "ok    headers: not refused")
    assert "HTTP 404, code 1400" in line(out, "FAIL  cart: no such cart")
    assert line(out, "skip  schema: skipped: the cart step failed")


def test_upstream_down(capsys, monkeypatch) -> None:
    # Every attempt is still made and refused; only the backoff between them (0.1-0.8 s,
    # real time) is skipped: what is tested is what doctor says once they are spent.
    backoff = RetryPolicy.delay_before_retry
    monkeypatch.setattr(
        RetryPolicy,
        "delay_before_retry",
        lambda policy, failure, attempt: None if backoff(policy, failure, attempt) is None else 0.0,
    )
    closed = f"http://127.0.0.1:{free_port()}/api/v3"  # nothing listens there any more
    code, out = doctor(capsys, closed, "--cart", BASE_CART_UUID, "--call-budget", "3")
    assert code == 1
    assert "MUSEMENT_BASE_URL" in line(out, f"FAIL  headers: Musement unreachable at {closed}")


def test_rate_limited(faulty_sandbox, capsys) -> None:
    route = f"/carts/{BASE_CART_UUID}/customer/schema"
    faulty_sandbox.faults.rate_limit("GET", route, retry_after=60, times=None)
    code, out = doctor(capsys, faulty_sandbox.base_url, "--cart", BASE_CART_UUID)
    assert code == 1
    assert "wait 60 s" in line(out, "FAIL  headers: rate limited")


def test_a_cart_that_is_not_a_uuid(sandbox, capsys) -> None:
    code, out = doctor(capsys, sandbox.base_url, "--cart", "my-cart")
    assert code == 1
    assert "--cart" in line(out, "FAIL  cart:")
    assert sandbox.recorder.count(path="/carts/my-cart/customer/schema") == 0


def test_an_unknown_version_is_a_warning(sandbox, capsys) -> None:
    code, out = doctor(capsys, sandbox.base_url, "--cart", BASE_CART_UUID, "--api-version", "3.9.0")
    assert code == 0, out
    assert "3.4.0 (latest stable) or 3.5.0" in line(out, "warn  version:")


def test_bad_settings_exit_2_naming_the_variable(capsys) -> None:
    code = main(["doctor", "--market", "usa"])
    out = capsys.readouterr().out
    assert code == 2
    assert "MUSEMENT_MARKET (--market)" in out and out.startswith("FAIL  settings:")


def test_the_public_sandbox_is_named(capsys) -> None:
    code = main(["doctor", "--application", TEST_APPLICATION])  # no request without a cart
    out = capsys.readouterr().out
    assert code == 0, out
    assert "the public Musement sandbox" in line(out, "warn  environment:")


def test_as_a_subprocess(secured_sandbox) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MUSEMENT_")}
    environment |= {"MUSEMENT_CLIENT_ID": CLIENT_ID, "MUSEMENT_CLIENT_SECRET": CLIENT_SECRET}
    done = subprocess.run(
        [sys.executable, "-m", "musement_mcp.server", "doctor", "--cart", EXTRA_DATA_CART_UUID]
        + ["--base-url", secured_sandbox.base_url, "--application", TEST_APPLICATION],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    login: POST /login accepted the client credentials" in done.stdout
    assert "ok    schema: 17 field(s)" in done.stdout
    assert CLIENT_SECRET not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
