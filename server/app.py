"""The MCP server: tool listing, argument checks, calls, and error results.

Built on the low-level `mcp.server.lowlevel.Server` because the tool schemas are
generated at runtime. The SDK does not validate arguments, so this module does,
and every domain failure becomes an `isError` result the model can read: an
exception escaping a handler would reach the client as an opaque JSON-RPC error.
"""

from __future__ import annotations

import difflib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

from ..tools import (
    InvalidArgument,
    MusementClient,
    MusementError,
    SchemaCache,
    get_customer_schema,
    update_cart_customer,
)
from .definitions import (
    GET_CUSTOMER_SCHEMA,
    SERVER_INSTRUCTIONS,
    UPDATE_CART_CUSTOMER,
    tool_definitions,
)
from .settings import Settings
from .version import __version__

logger = logging.getLogger("musement_mcp.server")


@dataclass
class ServerState:
    """What every call shares: one pooled Musement client and the schema cache."""

    client: MusementClient
    cache: SchemaCache


class InternalError(MusementError):
    type = "internal_error"
    default_hint = "A bug in musement-mcp; the call may be retried. Please report it."


ToolHandler = Callable[[ServerState, dict[str, Any]], Awaitable[BaseModel]]


async def _get_customer_schema(state: ServerState, args: dict[str, Any]) -> BaseModel:
    return await get_customer_schema(state.client, args["cart_uuid"], cache=state.cache)


async def _update_cart_customer(state: ServerState, args: dict[str, Any]) -> BaseModel:
    return await update_cart_customer(
        state.client,
        args["cart_uuid"],
        args["customer"],
        partial=_as_bool(args.get("partial", False)),
        cache=state.cache,
    )


_HANDLERS: dict[str, ToolHandler] = {
    GET_CUSTOMER_SCHEMA: _get_customer_schema,
    UPDATE_CART_CUSTOMER: _update_cart_customer,
}


def build_server(
    settings: Settings, *, upstream_transport: httpx2.AsyncBaseTransport | None = None
) -> Server[ServerState]:
    """The MCP server for `settings`; `upstream_transport` is a test seam for faults."""

    @asynccontextmanager
    async def lifespan(_: Server[ServerState]) -> AsyncIterator[ServerState]:
        client = MusementClient(settings.musement_config(), transport=upstream_transport)
        async with client:
            yield ServerState(client=client, cache=SchemaCache(settings.schema_ttl))

    tools = tool_definitions()
    schemas = {tool.name: tool.input_schema for tool in tools}

    async def list_tools(
        ctx: ServerRequestContext[ServerState], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=list(tools))

    async def call_tool(
        ctx: ServerRequestContext[ServerState], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        handler = _HANDLERS.get(params.name)
        if handler is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name}")
        started = time.perf_counter()
        try:
            args = check_arguments(schemas[params.name], params.arguments)
            result = success_result(await handler(ctx.lifespan_context, args))
            outcome = "ok"
        except MusementError as exc:
            result, outcome = error_result(exc), exc.type
        except Exception as exc:  # a bug: report it as a result, log no data
            logger.error("tool %s failed with %s", params.name, type(exc).__name__)
            failure = InternalError(f"Unexpected {type(exc).__name__} in musement-mcp.")
            result, outcome = error_result(failure), failure.type
        logger.info(
            "tool call",
            extra={
                "tool": params.name,
                "outcome": outcome,
                "ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        return result

    return Server(
        "musement-mcp",
        version=__version__,
        title="TUI Musement checkout: customer step",
        instructions=SERVER_INSTRUCTIONS,
        lifespan=lifespan,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        get_tool_input_schema=schemas.get,
    )


def check_arguments(schema: dict[str, Any], arguments: dict[str, Any] | None) -> dict[str, Any]:
    """Top-level argument names: all required present, none unknown."""
    args = arguments or {}
    known = list(schema["properties"])
    problems = []
    for name in args:
        if name not in known:
            problem = {"path": name, "message": "is not an argument of this tool"}
            guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            if guess:
                problem["message"] += f"; did you mean '{guess[0]}'?"
            problems.append(problem)
    for name in schema.get("required", []):
        if name not in args:
            problems.append({"path": name, "message": "is required"})
    if "partial" in args and _as_bool(args["partial"]) is None:
        problems.append({"path": "partial", "message": "must be true or false"})
    if problems:
        raise InvalidArgument(
            "The arguments do not match the tool: "
            + "; ".join(f"{p['path']} {p['message']}" for p in problems),
            details=problems,
        )
    return args


def _as_bool(value: Any) -> bool | None:
    """A boolean; low-code platforms often send "true"/"false" strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


def success_result(model: BaseModel) -> types.CallToolResult:
    data = model.model_dump(mode="json", by_alias=True)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(data, ensure_ascii=False))],
        structured_content=data,
    )


def error_result(error: MusementError) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(error.to_dict()))],
        is_error=True,
    )
