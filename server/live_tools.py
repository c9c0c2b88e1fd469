"""The tool list, refined from the customer schemas Musement actually serves.

`tools/list` starts from the bundled snapshot, so it never waits for the
network. Each schema the API returns may refine the input schema of
`update_cart_customer`: a base field the snapshot lacks, new choices. Fields are
only ever added, never dropped, so the list cannot flap between carts; and the
list is ours and bounded (`generic_customer_schema`): a few other fields at most,
described in our words in the server's language, never in upstream text. The
list is one object for the whole server: every connection sees the same tools at
any moment. A change is announced on both channels:
`notifications/tools/list_changed` to handshake-era sessions, and a
`ToolsListChanged` event to 2026-07-28 `subscriptions/listen` streams.
"""

from __future__ import annotations

import json
import logging
import weakref
from functools import cache
from importlib import resources
from typing import Any, Protocol

import mcp_types as types
from mcp.server.session import ServerSession
from mcp.server.subscriptions import InMemorySubscriptionBus, ToolsListChanged
from mcp.shared.inbound import X_MCP_HEADER_KEY

from ..tools import CompiledSchema, compile_schema, generic_customer_schema
from ..tools.input_schema import merged_customer_schema
from .catalog import tool_definitions
from .settings import OrderOptions
from .toolkit import CustomerInput, Published

logger = logging.getLogger("musement_mcp.server")


class Notifiable(Protocol):
    async def send_tool_list_changed(self) -> None: ...


def connection_of(session: ServerSession) -> Notifiable | None:
    """The connection behind a per-request session view: it lives as long as the client.

    The SDK (2.3) has no public handle on it, so this reads `_connection`; the
    test `test_the_sdk_still_exposes_the_connection_of_a_session` fails loudly if the
    SDK moves it, and at run time its absence is logged as an error, not ignored.
    """
    connection = getattr(session, "_connection", None)
    if connection is None or not hasattr(connection, "send_tool_list_changed"):
        logger.error("the MCP SDK no longer exposes a session's connection: list_changed is off")
        return None
    return connection  # type: ignore[no-any-return]  # the SDK's private attribute is untyped


@cache
def snapshot_schema() -> dict[str, Any]:
    """Musement's customer schema for a cart with base fields only (en-US), as served."""
    text = resources.files(__package__).joinpath("customer_schema_snapshot.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def snapshot_customer_input(language: str = "en-US") -> CustomerInput:
    """The published customer input schema before any cart was read."""
    return generic_customer_schema(compile_schema(snapshot_schema()), language)


@cache
def snapshot_tool_definitions() -> tuple[types.Tool, ...]:
    """The tools as built from the bundled snapshot (what a fresh server lists)."""
    return tool_definitions(Published(snapshot_customer_input()))


class LiveTools:
    def __init__(self, orders: OrderOptions | None = None, language: str = "en-US") -> None:
        self.orders = orders or OrderOptions()
        self.language = language
        self.customer_input = snapshot_customer_input(language)
        self._publish()
        self.bus = InMemorySubscriptionBus()
        # Handshake-era connections that can receive notifications; weak, so a
        # closed connection simply drops out.
        self._connections: weakref.WeakSet[Notifiable] = weakref.WeakSet()

    def input_schema(self, name: str) -> dict[str, Any] | None:
        return next((t.input_schema for t in self.tools if t.name == name), None)

    def header_schema(self, name: str) -> dict[str, Any] | None:
        """What the SDK checks `Mcp-Param-*` headers against on every 2026-07-28 call over
        HTTP: it walks the schema for `x-mcp-header` annotations. Our tools declare none,
        so an empty schema gives the same verdicts without the walk (a tenth of a
        millisecond per call on the customer schema)."""
        return self._header_schemas.get(name)

    def _publish(self) -> None:
        self.tools = tool_definitions(Published(self.customer_input, self.orders))
        self._header_schemas: dict[str, dict[str, Any]] = {
            t.name: t.input_schema if _declares_headers(t.input_schema) else {"type": "object"}
            for t in self.tools
        }

    def remember(self, session: ServerSession) -> None:
        connection = connection_of(session)
        if connection is not None:
            self._connections.add(connection)

    def observe(self, compiled: CompiledSchema) -> bool:
        """Refine the published customer schema from a served one; True if it changed."""
        served = generic_customer_schema(compiled, self.language)
        merged = merged_customer_schema(self.customer_input, served)
        if merged == self.customer_input:
            return False
        self.customer_input = merged
        self._publish()
        logger.info("the customer schema changed: announcing a new tool list")
        return True

    async def announce(self) -> None:
        await self.bus.publish(ToolsListChanged())
        for connection in list(self._connections):
            try:
                await connection.send_tool_list_changed()
            except Exception as exc:  # a connection that went away meanwhile
                logger.debug("could not notify a connection: %s", type(exc).__name__)
                self._connections.discard(connection)

    def list_result(self) -> types.ListToolsResult:
        return types.ListToolsResult(tools=list(self.tools))


def _declares_headers(schema: Any) -> bool:
    if isinstance(schema, dict):
        return X_MCP_HEADER_KEY in schema or any(_declares_headers(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_declares_headers(v) for v in schema)
    return False
