"""server/app.py: the server logs in to Musement ahead of the first call (issue 17), and a
login ahead that fails does not stop it.

What the tools read, and in how many rounds, is the domain's business: tests/tools/test_cart.py
and tests/tools/test_customer.py. A stdio server's login while it starts (a process):
tests/e2e/test_stdio_login.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import anyio
import pytest
from mcp import Client

from musement_mcp.sandbox import VATICAN_MUSEUMS_UUID, SandboxServer
from musement_mcp.server import build_server
from tests.support.common import error_of, settings_for
from tests.support.processes import READY_TIMEOUT
from tests.support.reads import asked, cart_with

pytestmark = pytest.mark.anyio

PARTNER = {"client_id": "partner", "client_secret": "s3cret-of-the-partner"}


@pytest.fixture
def partner_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(**PARTNER) as server:
        yield server


async def logged_in(sandbox: SandboxServer) -> None:
    """Wait until the server's login ahead has been answered."""
    with anyio.fail_after(READY_TIMEOUT):
        while not sandbox.recorder.count("POST", "/login") or sandbox.recorder.in_flight():
            await anyio.sleep(0.01)


async def test_the_server_logs_in_ahead_of_the_first_call(partner_sandbox: SandboxServer) -> None:
    settings = settings_for(partner_sandbox, **PARTNER)
    async with Client(build_server(settings), mode="auto") as client:
        await logged_in(partner_sandbox)
        assert asked(partner_sandbox.recorder.requests, "") == [("POST", "login")]
        cart = cart_with(partner_sandbox, (VATICAN_MUSEUMS_UUID, 1))
        result = await client.call_tool("get_customer_schema", {"cart_uuid": cart})
        assert not result.is_error, result.content[0].text
    assert partner_sandbox.recorder.count("POST", "/login") == 1


async def test_a_login_ahead_that_fails_does_not_stop_the_server(
    partner_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="musement_mcp")
    wrong = {**PARTNER, "client_secret": "not-the-partner-secret"}
    sandbox = partner_sandbox
    async with Client(build_server(settings_for(sandbox, **wrong))) as client:
        await logged_in(sandbox)
        assert (await client.list_tools()).tools
        result = await client.call_tool("get_cart", {"cart_uuid": sandbox.BASE_CART_UUID})
        assert error_of(result)["type"] == "unauthorized"
    assert "could not log in to Musement ahead" in caplog.text
    assert "not-the-partner-secret" not in caplog.text
