"""Connected MCP clients for a (implementation, transport, era) and the calls they make."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any, Literal

from mcp import Client

from musement_mcp.tools import MusementConfig

from .config import ERA_2026_07_28, HANDSHAKE_ERA
from .implementations import Implementation, ToolCall
from .processes import stdio_transport

TRANSPORTS = ("inprocess", "stdio", "http")


def client_mode(era: str) -> Literal["legacy", "auto"]:
    """The mcp SDK's `Client(mode=...)` for an era (bench.config): the one place the bench
    hands the SDK its own mode strings ("legacy": the `initialize` handshake; "auto":
    `server/discover`)."""
    modes: dict[str, Literal["legacy", "auto"]] = {HANDSHAKE_ERA: "legacy", ERA_2026_07_28: "auto"}
    return modes[era]


class ToolFailed(RuntimeError):
    """A call the benchmark expected to succeed returned `isError` (or raised)."""


@dataclass(frozen=True)
class Route:
    impl: Implementation
    transport: str
    era: str

    @property
    def label(self) -> str:
        return f"{self.impl.name}/{self.transport}/{self.era}"


async def connect(
    stack: AsyncExitStack,
    route: Route,
    config: MusementConfig,
    *,
    http_urls: dict[str, str] | None = None,
    errlog: Any = None,
) -> Client:
    """A connected client, closed with `stack`. HTTP needs the impl's running server URL."""
    target: Any
    if route.transport == "inprocess":
        target = await stack.enter_async_context(route.impl.inprocess(config))
    elif route.transport == "stdio":
        target = stdio_transport(route.impl.command(config), errlog)
    elif route.transport == "http":
        if not http_urls or route.impl.name not in http_urls:
            raise ValueError(f"no HTTP server running for {route.impl.name}")
        target = http_urls[route.impl.name]
    else:
        raise ValueError(f"unknown transport {route.transport!r}")
    return await stack.enter_async_context(Client(target, mode=client_mode(route.era)))


async def call(client: Client, tool_call: ToolCall) -> Any:
    """Call a tool; an `isError` result raises `ToolFailed`."""
    name, arguments = tool_call
    result = await client.call_tool(name, arguments)
    if result.is_error:
        text = getattr(result.content[0], "text", "") if result.content else ""
        raise ToolFailed(f"{name} failed: {str(text)[:300]}")
    return result
