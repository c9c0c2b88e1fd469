"""A stdio server logs in to Musement in a thread while it starts, and only once
(tools.upstream.EarlyLogin, server/cli.py): the server as a subprocess, in both eras."""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import stdio_client

from musement_mcp.sandbox import SandboxServer
from tests.support.common import client_mode
from tests.support.processes import stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.process]

PARTNER = {"client_id": "partner", "client_secret": "s3cret-of-the-partner"}


async def call(client: Client, tool: str, **arguments: Any) -> None:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text


async def test_a_stdio_server_logs_in_while_it_starts_and_only_once(both_eras: str) -> None:
    with SandboxServer(**PARTNER) as sandbox, tempfile.TemporaryFile("w+") as errlog:
        params = stdio_params(
            sandbox, "--client-id", PARTNER["client_id"],
            env={"MUSEMENT_CLIENT_SECRET": PARTNER["client_secret"], "MUSEMENT_LOG_LEVEL": "DEBUG"},
        )  # fmt: skip
        async with Client(
            stdio_client(params, errlog=errlog), mode=client_mode(both_eras)
        ) as client:
            await call(client, "get_cart", cart_uuid=sandbox.BASE_CART_UUID)
            await call(client, "get_customer_schema", cart_uuid=sandbox.BASE_CART_UUID)
        errlog.seek(0)
        logged = errlog.read()
    # The login begun in a thread at start-up, and its token adopted: no second login.
    assert "logged in to Musement while the server was starting" in logged
    assert sandbox.recorder.count("POST", "/login") == 1
    tokens = {r.header("Authorization") for r in sandbox.recorder.requests[1:]}
    assert len(tokens) == 1
    assert PARTNER["client_secret"] not in logged
