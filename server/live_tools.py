"""The tool list, refined from the customer schemas Musement actually serves.

`tools/list` starts from the bundled snapshot, so it never waits for the
network. Each schema the API returns may refine the input schema of
`update_cart_customer`: a base field the snapshot lacks, localized titles, new
choices. Fields are only ever added, never dropped, so the list cannot flap
between carts. The list is one object for the whole server: every connection
sees the same tools at any moment. A change is announced on both channels:
`notifications/tools/list_changed` to handshake-era sessions, and a
`ToolsListChanged` event to 2026-07-28 `subscriptions/listen` streams.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

import mcp_types as types
from mcp.server.subscriptions import InMemorySubscriptionBus, ToolsListChanged

from ..tools import CompiledSchema, generic_customer_schema
from .definitions import build_tool_definitions, snapshot_customer_schema

logger = logging.getLogger("musement_mcp.server")


class LiveTools:
    def __init__(self) -> None:
        self.customer_schema = snapshot_customer_schema()
        self.tools = build_tool_definitions(self.customer_schema)
        self.bus = InMemorySubscriptionBus()
        # Handshake-era connections that can receive notifications; weak, so a
        # closed connection simply drops out.
        self._connections: weakref.WeakSet[Any] = weakref.WeakSet()

    def input_schema(self, name: str) -> dict[str, Any] | None:
        return next((t.input_schema for t in self.tools if t.name == name), None)

    def remember(self, session: Any) -> None:
        # `ctx.session` is a per-request view; the SDK (2.3.0) offers no public handle on
        # the connection behind it, which is what lives as long as the client does.
        connection = getattr(session, "_connection", None)
        if connection is not None:
            self._connections.add(connection)

    def observe(self, compiled: CompiledSchema) -> bool:
        """Refine the published customer schema from a served one; True if it changed."""
        served = generic_customer_schema(compiled)["properties"]
        current = self.customer_schema["properties"]
        merged = {name: served.get(name, schema) for name, schema in current.items()}
        merged.update((name, schema) for name, schema in served.items() if name not in merged)
        if merged == current:
            return False
        self.customer_schema = {**self.customer_schema, "properties": merged}
        self.tools = build_tool_definitions(self.customer_schema)
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
