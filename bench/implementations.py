"""The two MCP servers under test, and how each is reached: in-process, stdio, or HTTP.

`ours` is musement-mcp; `peer` is the FastMCP OpenAPI server of `bench.peer`. Both take the
same upstream settings; they differ in tool argument shapes, which `schema_call` and
`update_call` hide.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from musement_mcp.server import build_server, load_settings
from musement_mcp.tools import MusementConfig

from . import peer

REPO_ROOT = Path(__file__).resolve().parent.parent
ToolCall = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Implementation:
    name: str
    module: str  # run as `python -m <module> --base-url ... --application ...`
    inprocess: Callable[[MusementConfig], AbstractAsyncContextManager[Any]]
    schema_call: Callable[[str], ToolCall]
    update_call: Callable[[str, dict[str, Any]], ToolCall]

    def command(self, config: MusementConfig, *, http_port: int | None = None) -> list[str]:
        """The server process: stdio, or Streamable HTTP at 127.0.0.1:`http_port`/mcp."""
        args = [sys.executable, "-m", self.module, "--base-url", config.base_url]
        args += ["--application", config.application or ""]
        if http_port is not None:
            args += ["--transport", "http", "--port", str(http_port)]
        return args


@asynccontextmanager
async def _inprocess_ours(config: MusementConfig) -> AsyncIterator[Any]:
    # The Client runs the server's lifespan (its pooled Musement client) itself.
    yield build_server(load_settings(base_url=config.base_url, application=config.application))


OURS = Implementation(
    name="ours",
    module="musement_mcp.server",
    inprocess=_inprocess_ours,
    schema_call=lambda cart: ("get_customer_schema", {"cart_uuid": cart}),
    update_call=lambda cart, customer: (
        "update_cart_customer",
        {"cart_uuid": cart, "customer": customer},
    ),
)
PEER = Implementation(
    name="peer",
    module="bench.peer_server",
    inprocess=peer.inprocess_peer,
    schema_call=lambda cart: ("get_customer_schema", {"cartUuid": cart}),
    update_call=lambda cart, customer: ("update_cart_customer", {"cartUuid": cart, **customer}),
)


def variant_command(config: MusementConfig, flags: list[str]) -> list[str]:
    """Ours over stdio with speed code switched off by `flags` (`bench.variant_server`);
    with no flag, the same server as `OURS.command(config)`."""
    args = OURS.command(config)[3:]  # after `python -m musement_mcp.server`
    return [sys.executable, "-m", "bench.variant_server", *flags, "--", *args]


def implementations(*, with_peer: bool = True) -> list[Implementation]:
    return [OURS, PEER] if with_peer else [OURS]


def by_name(name: str) -> Implementation:
    return {impl.name: impl for impl in (OURS, PEER)}[name]
