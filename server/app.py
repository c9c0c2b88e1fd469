"""The MCP server: tools, their argument checks, calls, error results, and the rest.

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
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp.server.request_state import RequestStateBoundary, RequestStateSecurity
from mcp.server.subscriptions import ListenHandler
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

from ..tools import (
    CompiledSchema,
    InvalidArgument,
    MusementClient,
    MusementError,
    SchemaCache,
    ValidationFailed,
    get_cart,
    get_customer_schema,
    get_participants_schema,
    parse_customer,
    parse_json_argument,
    update_cart_customer,
    update_participants,
)
from ..tools.participants import PARTICIPANTS
from . import guidance
from .definitions import (
    GET_CART,
    GET_CUSTOMER_SCHEMA,
    GET_PARTICIPANTS_SCHEMA,
    SERVER_INSTRUCTIONS,
    UPDATE_CART_CUSTOMER,
    UPDATE_PARTICIPANTS,
)
from .elicitation import answered, ask_user, is_modern
from .live_tools import LiveTools
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


@dataclass
class ToolCall:
    """One `tools/call`: its checked arguments, the shared state and the request."""

    args: dict[str, Any]
    state: ServerState
    ctx: ServerRequestContext[ServerState]
    params: types.CallToolRequestParams
    seen_schemas: list[CompiledSchema]


ToolResult = BaseModel | types.InputRequiredResult
ToolHandler = Callable[[ToolCall], Awaitable[ToolResult]]


async def _get_customer_schema(call: ToolCall) -> ToolResult:
    return await get_customer_schema(
        call.state.client,
        call.args["cart_uuid"],
        cache=call.state.cache,
        on_schema=call.seen_schemas.append,
    )


async def _update_cart_customer(call: ToolCall) -> ToolResult:
    partial = _as_bool(call.args.get("partial", False)) is True

    async def update(customer: dict[str, Any]) -> BaseModel:
        return await update_cart_customer(
            call.state.client,
            call.args["cart_uuid"],
            customer,
            partial=partial,
            cache=call.state.cache,
            on_schema=call.seen_schemas.append,
        )

    return await _asking_the_user(
        call, update, parse_customer(call.args["customer"], partial=partial)
    )


async def _get_cart(call: ToolCall) -> ToolResult:
    return await get_cart(call.state.client, call.args["cart_uuid"], cache=call.state.cache)


async def _get_participants_schema(call: ToolCall) -> ToolResult:
    return await get_participants_schema(
        call.state.client,
        call.args["cart_uuid"],
        call.args["cart_item_uuid"],
        cache=call.state.cache,
    )


async def _update_participants(call: ToolCall) -> ToolResult:
    async def update(payload: dict[str, Any]) -> BaseModel:
        return await update_participants(
            call.state.client,
            call.args["cart_uuid"],
            call.args["cart_item_uuid"],
            payload[PARTICIPANTS],
            cache=call.state.cache,
        )

    people = parse_json_argument(call.args[PARTICIPANTS], PARTICIPANTS, list)
    return await _asking_the_user(call, update, {PARTICIPANTS: people})


async def _asking_the_user(
    call: ToolCall,
    update: Callable[[dict[str, Any]], Awaitable[BaseModel]],
    payload: dict[str, Any],
) -> ToolResult:
    """`update(payload)`; when it fails validation, the user may be asked to complete it."""
    if call.params.request_state is not None:
        # A 2026-07-28 retry carrying the user's answers: apply them, no further round.
        completed = answered(call.params, payload)
        if completed is not None:
            return await update(completed)
    try:
        return await update(payload)
    except ValidationFailed as failure:
        asked = await ask_user(call.ctx, failure)
        if asked is None:
            raise
        if isinstance(asked, types.InputRequiredResult):
            return asked
        return await update(asked)


_HANDLERS: dict[str, ToolHandler] = {
    GET_CART: _get_cart,
    GET_CUSTOMER_SCHEMA: _get_customer_schema,
    UPDATE_CART_CUSTOMER: _update_cart_customer,
    GET_PARTICIPANTS_SCHEMA: _get_participants_schema,
    UPDATE_PARTICIPANTS: _update_participants,
}


class MusementMCPServer(Server[ServerState]):
    """The low-level server, advertising `listChanged` where it can be delivered.

    Handshake-era notifications reach a client over stdio, in memory and on
    stateful HTTP; on stateless HTTP there is no channel, so it is not promised.
    (The 2026-07-28 era advertises it itself, through `subscriptions/listen`.)
    """

    def __init__(self, *args: Any, handshake_list_changed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handshake_list_changed = handshake_list_changed

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        options = notification_options or NotificationOptions(
            tools_changed=self.handshake_list_changed
        )
        return super().create_initialization_options(options, experimental_capabilities)


def build_server(
    settings: Settings,
    *,
    upstream_transport: httpx2.AsyncBaseTransport | None = None,
    stateless_http: bool = False,
) -> Server[ServerState]:
    """The MCP server for `settings`; `upstream_transport` is a test seam for faults."""

    @asynccontextmanager
    async def lifespan(_: Server[ServerState]) -> AsyncIterator[ServerState]:
        client = MusementClient(settings.musement_config(), transport=upstream_transport)
        async with client:
            yield ServerState(client=client, cache=SchemaCache(settings.schema_ttl))

    live = LiveTools()

    def remember(ctx: ServerRequestContext[ServerState]) -> None:
        if not stateless_http and not is_modern(ctx):
            live.remember(ctx.session)

    async def list_tools(
        ctx: ServerRequestContext[ServerState], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        remember(ctx)
        return live.list_result()

    async def call_tool(
        ctx: ServerRequestContext[ServerState], params: types.CallToolRequestParams
    ) -> types.CallToolResult | types.InputRequiredResult:
        handler = _HANDLERS.get(params.name)
        if handler is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name}")
        remember(ctx)
        started = time.perf_counter()
        seen: list[CompiledSchema] = []
        result: types.CallToolResult | types.InputRequiredResult
        try:
            schema = live.input_schema(params.name) or {}
            args = check_arguments(schema, params.arguments)
            outcome = await handler(ToolCall(args, ctx.lifespan_context, ctx, params, seen))
            if isinstance(outcome, types.InputRequiredResult):
                result, label = outcome, "input_required"
            else:
                result, label = success_result(outcome), "ok"
        except MusementError as exc:
            result, label = error_result(exc), exc.type
        except Exception as exc:  # a bug: report it as a result, log no data
            logger.error("tool %s failed with %s", params.name, type(exc).__name__)
            failure = InternalError(f"Unexpected {type(exc).__name__} in musement-mcp.")
            result, label = error_result(failure), failure.type
        logger.info(
            "tool call",
            extra={
                "tool": params.name,
                "outcome": label,
                "ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        if any([live.observe(compiled) for compiled in seen]):
            await live.announce()
        return result

    async def list_resources(
        ctx: ServerRequestContext[ServerState], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[])  # only per-cart templates

    async def list_resource_templates(
        ctx: ServerRequestContext[ServerState], params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=guidance.RESOURCE_TEMPLATES)

    async def read_resource(
        ctx: ServerRequestContext[ServerState], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        state = ctx.lifespan_context
        cart_uuid = guidance.cart_of(str(params.uri))
        try:
            data = await get_customer_schema(state.client, cart_uuid, cache=state.cache)
        except MusementError as exc:
            raise guidance.resource_error(str(params.uri), exc) from None
        return guidance.resource_result(
            str(params.uri), data.model_dump(mode="json", by_alias=True)
        )

    async def list_prompts(
        ctx: ServerRequestContext[ServerState], params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=guidance.PROMPTS)

    async def get_prompt(
        ctx: ServerRequestContext[ServerState], params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        return guidance.prompt(params.name, params.arguments)

    server = MusementMCPServer(
        "musement-mcp",
        version=__version__,
        title="TUI Musement checkout: customer step",
        instructions=SERVER_INSTRUCTIONS,
        lifespan=lifespan,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_list_resource_templates=list_resource_templates,
        on_read_resource=read_resource,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
        on_subscriptions_listen=ListenHandler(live.bus),
        get_tool_input_schema=live.input_schema,
        handshake_list_changed=not stateless_http,
    )
    server.middleware.append(
        RequestStateBoundary(_request_state_security(settings), default_audience=server.name)
    )
    return server


def _request_state_security(settings: Settings) -> RequestStateSecurity:
    """Sealed request state: with a shared key, a retry may land on any replica or after a
    restart; without one, a key held by this process only."""
    if settings.request_state_keys:
        return RequestStateSecurity(keys=settings.request_state_keys)
    return RequestStateSecurity.ephemeral()


def check_arguments(schema: dict[str, Any], arguments: dict[str, Any] | None) -> dict[str, Any]:
    """Top-level argument names: all required present, none unknown."""
    args = arguments or {}
    known = list(schema.get("properties", {}))
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
