"""server/app.py: the server logs in to Musement ahead of the first call (issue 17), and a
login ahead that fails does not stop it (the sandbox in memory, as the server's upstream).

What the tools read, and in how many rounds, is the domain's business: tests/tools/test_cart.py
and tests/tools/test_customer.py. A stdio server's login while it starts (a process):
tests/e2e/test_stdio_login.py.
"""

from __future__ import annotations

import logging

import anyio
import pytest
from mcp import Client

from musement_mcp.sandbox import VATICAN_MUSEUMS_UUID
from musement_mcp.server import Settings, build_server, load_settings
from musement_mcp.server.app import MusementMCPServer
from tests.support.common import TEST_APPLICATION, error_of
from tests.support.in_memory import InMemorySandbox
from tests.support.processes import READY_TIMEOUT
from tests.support.reads import asked, cart_with

pytestmark = pytest.mark.anyio

PARTNER = {"client_id": "partner", "client_secret": "s3cret-of-the-partner"}


@pytest.fixture
def partner_sandbox() -> InMemorySandbox:
    """A sandbox that needs a login, reached in memory (the server's upstream transport)."""
    return InMemorySandbox(**PARTNER)


def server_on(sandbox: InMemorySandbox, **credentials: str) -> MusementMCPServer:
    settings: Settings = load_settings(
        base_url=sandbox.base_url, application=TEST_APPLICATION, **credentials
    )
    return build_server(settings, upstream_transport=sandbox.transport())


async def logged_in(sandbox: InMemorySandbox) -> None:
    """Wait until the server's login ahead has been answered."""
    with anyio.fail_after(READY_TIMEOUT):
        while not sandbox.recorder.count("POST", "/login") or sandbox.recorder.in_flight():
            await anyio.sleep(0.01)


async def test_the_server_logs_in_ahead_of_the_first_call(
    partner_sandbox: InMemorySandbox,
) -> None:
    async with Client(server_on(partner_sandbox, **PARTNER)) as client:
        await logged_in(partner_sandbox)
        assert asked(partner_sandbox.recorder.requests, "") == [("POST", "login")]
        cart = cart_with(partner_sandbox, (VATICAN_MUSEUMS_UUID, 1))
        result = await client.call_tool("get_customer_schema", {"cart_uuid": cart})
        assert not result.is_error, result.content[0].text
    assert partner_sandbox.recorder.count("POST", "/login") == 1


async def test_a_login_ahead_that_fails_does_not_stop_the_server(
    partner_sandbox: InMemorySandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="musement_mcp")
    wrong = {**PARTNER, "client_secret": "not-the-partner-secret"}
    sandbox = partner_sandbox
    async with Client(server_on(sandbox, **wrong)) as client:
        await logged_in(sandbox)
        assert (await client.list_tools()).tools
        result = await client.call_tool("get_cart", {"cart_uuid": sandbox.BASE_CART_UUID})
        assert error_of(result)["type"] == "unauthorized"
    assert "could not log in to Musement ahead" in caplog.text
    assert "not-the-partner-secret" not in caplog.text
