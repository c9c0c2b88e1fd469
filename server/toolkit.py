"""What a tool is made of: one `ToolSpec` per tool, and what its handler receives.

A tool is declared once, in its own module of `catalog/`: name, title,
description, arguments, output model, effects and handler. Registration
(`tools/list`, `tools/call`), the snapshots and the docs all read these
declarations; nothing else names a tool.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from pydantic import BaseModel

from ..tools import CompiledSchema, MusementClient, SchemaCache
from ..tools.order_guard import MemoryOrderGuard, OrderGuard
from .settings import OrderOptions


@dataclass
class ServerState:
    """What every call shares: one pooled Musement client, the schema cache, the order
    guard (the per-cart placing lock and the form states already answered: per process,
    or shared through Redis) and the order settings."""

    client: MusementClient
    cache: SchemaCache
    guard: OrderGuard = field(default_factory=MemoryOrderGuard)
    orders: OrderOptions = field(default_factory=OrderOptions)


@dataclass
class ToolCall:
    """One `tools/call`: its checked arguments, the shared state and the request.

    `ctx` is None outside an MCP session (unit tests, other adapters): the user
    cannot be asked, and validation failures go to the caller as they are.
    """

    args: dict[str, Any]
    state: ServerState
    params: types.CallToolRequestParams
    ctx: ServerRequestContext[ServerState] | None = None
    # Every schema fetched from Musement during the call (they refine the tool list).
    seen_schemas: list[CompiledSchema] = field(default_factory=list)


ToolResult = BaseModel | types.InputRequiredResult
Handler = Callable[[ToolCall], Awaitable[ToolResult]]
# The published, cart-independent customer schema: the input of update_cart_customer.
CustomerInput = dict[str, Any]


@dataclass(frozen=True)
class Published:
    """What the published tool list depends on: the customer input schema (refined from
    served schemas) and the order settings (fixed for the server's life)."""

    customer_input: CustomerInput
    orders: OrderOptions = OrderOptions()


Arguments = Mapping[str, dict[str, Any]] | Callable[[Published], Mapping[str, dict[str, Any]]]


@dataclass(frozen=True)
class ToolSpec:
    """One tool, whole: what clients see of it and what runs when it is called."""

    name: str
    title: str
    description: str
    # The input schema's properties, or a function of the published customer schema.
    arguments: Arguments
    output: type[BaseModel]
    handler: Handler
    read_only: bool = True
    destructive: bool = False
    idempotent: bool = True
    # Whether this server lists the tool (a setting may turn it on).
    listed: Callable[[OrderOptions], bool] = lambda _: True
    # The tool set it belongs to (MUSEMENT_TOOLSETS): checkout or catalog.
    toolset: str = "checkout"

    def listed_by(self, options: OrderOptions) -> bool:
        """Whether a server with `options` lists (and runs) this tool."""
        return self.toolset in options.toolsets and self.listed(options)

    def definition(self, published: Published) -> types.Tool:
        properties = dict(self.arguments(published) if callable(self.arguments) else self.arguments)
        return types.Tool(
            name=self.name,
            title=self.title,
            description=self.description,
            input_schema={
                "type": "object",
                "properties": properties,
                # Every argument is listed as required (strict clients need it); one
                # that may be left out is nullable, and the server takes it missing too.
                "required": list(properties),
                "additionalProperties": False,
            },
            output_schema=output_schema(self.output),
            annotations=types.ToolAnnotations(
                title=self.title,
                read_only_hint=self.read_only,
                destructive_hint=self.destructive,
                idempotent_hint=self.idempotent,
                # Every tool talks to Musement.
                open_world_hint=True,
            ),
        )


CART_UUID: dict[str, Any] = {"type": "string", "description": "From the booking flow."}
CART_ITEM_UUID: dict[str, Any] = {"type": "string", "description": "From get_cart."}


def output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema with every `$ref` inlined (some clients refuse them); a copy
    the caller may change."""
    return copy.deepcopy(_output_schema(model))


# Every server built and every tool list published asks for the same few schemas: pydantic
# generating them each time was a fifth of the default test run's CPU.
@functools.cache
def _output_schema(model: type[BaseModel]) -> dict[str, Any]:
    # What the results hold: excluded fields out, serialized types (an amount as its text).
    schema = model.model_json_schema(by_alias=True, mode="serialization")
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target = definitions[ref.rsplit("/", 1)[-1]]
                return {**inline(target), **{k: v for k, v in node.items() if k != "$ref"}}
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    result: dict[str, Any] = inline(schema)
    return result
