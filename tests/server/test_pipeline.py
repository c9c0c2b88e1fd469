"""The call pipeline without an MCP session: arguments, handler, result or error, log,
list change. `ToolRunner.run` takes the server state and the request's params."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import mcp_types as types
import pytest
from mcp.server.session import ServerSession
from mcp.shared.exceptions import MCPError

from musement_mcp.sandbox import BASE_CART_UUID
from musement_mcp.server.catalog import BY_NAME, TOOLS
from musement_mcp.server.live_tools import LiveTools
from musement_mcp.server.pipeline import ToolRunner, check_arguments
from musement_mcp.server.toolkit import CART_UUID, Published, ServerState, ToolCall, ToolSpec
from musement_mcp.tools import CartOverview, MusementClient, SchemaCache
from tests.support.common import REPO_ROOT, settings_for

pytestmark = pytest.mark.anyio


@pytest.fixture
async def state(sandbox) -> AsyncIterator[ServerState]:
    async with MusementClient(settings_for(sandbox).musement_config()) as client:
        yield ServerState(client=client, cache=SchemaCache())


def params(name: str, **arguments: Any) -> types.CallToolRequestParams:
    return types.CallToolRequestParams(name=name, arguments=arguments)


def body(result: Any) -> dict[str, Any]:
    assert isinstance(result, types.CallToolResult)
    data: dict[str, Any] = json.loads(result.content[0].text)
    return data


async def test_a_call_runs_without_a_session(state: ServerState) -> None:
    result = await ToolRunner(LiveTools()).run(state, params("get_cart", cart_uuid=BASE_CART_UUID))
    assert isinstance(result, types.CallToolResult) and not result.is_error
    assert result.structured_content == body(result)
    assert body(result)["cart_uuid"] == BASE_CART_UUID


async def test_arguments_are_checked_against_the_published_schema(state: ServerState) -> None:
    runner = ToolRunner(LiveTools())
    result = await runner.run(state, params("get_cart", cart_uid=BASE_CART_UUID))
    error = body(result)["error"]
    assert error["type"] == "invalid_argument"
    assert {d["path"] for d in error["details"]} == {"cart_uid", "cart_uuid"}
    assert "did you mean 'cart_uuid'" in error["details"][0]["message"]


def test_booleans_sent_as_strings_are_read_for_any_boolean_argument() -> None:
    schema = {"properties": {"flag": {"type": "boolean"}, "other": {"type": "boolean"}}}
    assert check_arguments(schema, {"flag": "true", "other": "FALSE"}) == {
        "flag": True,
        "other": False,
    }


async def test_a_handler_bug_is_an_internal_error_result_and_is_logged_without_data(
    state: ServerState, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(call: ToolCall) -> CartOverview:
        raise KeyError(call.args["cart_uuid"])

    tool = ToolSpec(
        name="broken",
        title="Broken",
        description="A tool with a bug.",
        arguments={"cart_uuid": CART_UUID},
        output=CartOverview,
        handler=broken,
    )
    runner = ToolRunner(LiveTools(), tools={"broken": tool})
    with caplog.at_level(logging.INFO, logger="musement_mcp.server"):
        result = await runner.run(state, params("broken", cart_uuid=BASE_CART_UUID))
    assert body(result)["error"]["type"] == "internal_error"
    assert BASE_CART_UUID not in caplog.text
    assert [r.__dict__.get("outcome") for r in caplog.records if r.msg == "tool call"] == [
        "internal_error"
    ]


async def test_an_unknown_tool_is_a_protocol_error(state: ServerState) -> None:
    with pytest.raises(MCPError):
        await ToolRunner(LiveTools()).run(state, params("no_such_tool"))


async def test_schemas_seen_during_a_call_refine_the_published_list(sandbox, make_cart) -> None:
    cart = make_cart()
    sandbox.state.carts[cart].custom_base_fields = {"loyalty_number": {"type": "string"}}
    live = LiveTools()
    runner = ToolRunner(live)
    published = [live.tools]
    config = settings_for(sandbox, language="it-IT").musement_config()
    async with MusementClient(config) as client:
        state = ServerState(client=client, cache=SchemaCache())
        for _ in range(2):
            await runner.run(state, params("get_customer_schema", cart_uuid=cart))
            published.append(live.tools)
    # A base field the snapshot lacks: the list changed once, then stayed the same object.
    assert published[0] != published[1]
    assert published[1] is published[2]


def test_every_tool_is_declared_once_and_documented_in_the_readme() -> None:
    assert len(BY_NAME) == len(TOOLS)
    # The catalog set is presented in docs/CATALOG.md.
    readme = (REPO_ROOT / "README.md").read_text() + (REPO_ROOT / "docs/CATALOG.md").read_text()
    published = Published(LiveTools().customer_input)
    for tool in TOOLS:
        assert f"`{tool.name}(" in readme, f"the README does not present {tool.name}"
        definition = tool.definition(published)
        assert definition.annotations and definition.annotations.title == tool.title


def test_the_sdk_still_exposes_the_connection_of_a_session() -> None:
    # live_tools reads ServerSession._connection (no public handle in mcp 2.3) to send
    # list_changed after a request ends: this fails loudly if the SDK moves it.
    source = ServerSession.__init__.__code__
    assert "_connection" in source.co_names
    from mcp.server.connection import Connection

    assert callable(Connection.send_tool_list_changed)
