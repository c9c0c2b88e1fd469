"""The MCP server: the catalog's tools, a resource template and a prompt, on the SDK.

Built on the low-level `mcp.server.lowlevel.Server` because the tool schemas
are generated at runtime. Each request handler is a thin method of
`MusementMCPServer`; a tool call goes through `pipeline.ToolRunner`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx2
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp.server.request_state import RequestStateBoundary, RequestStateSecurity
from mcp.server.subscriptions import ListenHandler

from ..tools import MusementClient, MusementError, SchemaCache, get_customer_schema
from ..tools.order_guard import guard_for, lease_for
from ..tools.upstream import EarlyLogin
from . import guidance
from .elicitation import in_2026_07_28_era
from .live_tools import LiveTools
from .pipeline import CallResult, ToolRunner
from .settings import Settings
from .toolkit import ServerState
from .ui import EXTENSION_ID, apps_negotiated, is_form_uri, read_result, ui_resource, with_ui
from .version import __version__

SERVER_INSTRUCTIONS = (
    "Tools for the customer step of a TUI Musement checkout. For a cart UUID: call get_cart "
    "to see what the order still needs; get_customer_schema and update_cart_customer for the "
    "lead booker and the activities' questions; get_participants_schema and "
    "update_participants for items that need details about each participant. Collect every "
    "value from the user: never invent names, contact details or consent answers. Errors are "
    "JSON objects with a `type` and a `hint` saying what to do."
)

Context = ServerRequestContext[ServerState]


class MusementMCPServer(Server[ServerState]):
    """The server for one set of settings; `upstream_transport` is a test seam for faults.

    It advertises `listChanged` to handshake-era clients only where a notification
    can be delivered: over stdio, in memory and on stateful HTTP, not on stateless
    HTTP. (The 2026-07-28 era advertises it itself, through `subscriptions/listen`.)
    """

    def __init__(
        self,
        settings: Settings,
        *,
        upstream_transport: httpx2.AsyncBaseTransport | None = None,
        stateless_http: bool = False,
        early_login: EarlyLogin | None = None,
    ) -> None:
        self.settings = settings
        self.early_login = early_login
        self.upstream_transport = upstream_transport
        self.stateless_http = stateless_http
        self.live = LiveTools(settings.order_options(), settings.language)
        self.runner = ToolRunner(self.live)
        super().__init__(
            "musement-mcp",
            version=__version__,
            title="TUI Musement checkout: customer step",
            instructions=SERVER_INSTRUCTIONS,
            lifespan=self._lifespan,
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            on_list_resources=self._list_resources,
            on_list_resource_templates=self._list_resource_templates,
            on_read_resource=self._read_resource,
            on_list_prompts=self._list_prompts,
            on_get_prompt=self._get_prompt,
            on_subscriptions_listen=ListenHandler(self.live.bus),
            get_tool_input_schema=self.live.header_schema,
        )
        # MCP Apps is offered to every client in `server/discover` (2026-07-28; the 2025-11-25
        # `initialize` result has no field for it, so a handshake-era host learns of the form
        # from the tools' `_meta.ui`); a client opts in by declaring it, and only then do
        # tools point at the form (ui/).
        self.extensions[EXTENSION_ID] = {}
        self.middleware.append(
            RequestStateBoundary(_request_state_security(settings), default_audience=self.name)
        )

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        options = notification_options or NotificationOptions(tools_changed=not self.stateless_http)
        return super().create_initialization_options(options, experimental_capabilities, extensions)

    @asynccontextmanager
    async def _lifespan(self, _: Server[ServerState]) -> AsyncIterator[ServerState]:
        config = self.settings.musement_config()
        redis_url = self.settings.redis_url
        async with (
            MusementClient(
                config, transport=self.upstream_transport, early_login=self.early_login
            ) as client,
            # The order lock, unknown outcomes and spent form states: shared through Redis
            # when configured (a lock outlives one call's budget), else this process's own.
            guard_for(
                redis_url.get_secret_value() if redis_url else None,
                lease=lease_for(config.call_budget),
            ) as guard,
            anyio.create_task_group() as ahead,
        ):
            # A login costs a round trip to Musement: pay it now, not in the first call.
            ahead.start_soon(client.login_ahead)
            try:
                yield ServerState(
                    client=client,
                    cache=SchemaCache(self.settings.schema_ttl),
                    guard=guard,
                    orders=self.settings.order_options(),
                )
            finally:
                ahead.cancel_scope.cancel()

    def _remember(self, ctx: Context) -> None:
        """Handshake-era connections get `notifications/tools/list_changed`."""
        if not self.stateless_http and not in_2026_07_28_era(ctx):
            self.live.remember(ctx.session)

    async def _list_tools(
        self, ctx: Context, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        self._remember(ctx)
        listed = self.live.list_result()
        if apps_negotiated(ctx):
            return types.ListToolsResult(tools=with_ui(listed.tools))
        return listed

    async def _call_tool(self, ctx: Context, params: types.CallToolRequestParams) -> CallResult:
        self._remember(ctx)
        return await self.runner.run(ctx.lifespan_context, params, ctx)

    async def _list_resources(
        self, ctx: Context, params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        # Per-cart templates, and the checkout form for clients that negotiated MCP Apps.
        return types.ListResourcesResult(resources=[ui_resource()] if apps_negotiated(ctx) else [])

    async def _list_resource_templates(
        self, ctx: Context, params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=guidance.RESOURCE_TEMPLATES)

    async def _read_resource(
        self, ctx: Context, params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        state = ctx.lifespan_context
        uri = str(params.uri)
        if is_form_uri(uri):
            return read_result(self.settings.language)
        try:
            data = await get_customer_schema(state.client, guidance.cart_of(uri), cache=state.cache)
        except MusementError as exc:
            raise guidance.resource_error(uri, exc) from None
        # The resource is the whole form: the field guide and the normalized JSON Schema.
        served = data.model_dump(mode="json", by_alias=True)
        return guidance.resource_result(uri, {**served, "schema": data.json_schema})

    async def _list_prompts(
        self, ctx: Context, params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=guidance.PROMPTS)

    async def _get_prompt(
        self, ctx: Context, params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        return guidance.prompt(params.name, params.arguments)


def build_server(
    settings: Settings,
    *,
    upstream_transport: httpx2.AsyncBaseTransport | None = None,
    stateless_http: bool = False,
    early_login: EarlyLogin | None = None,
) -> MusementMCPServer:
    """The MCP server for `settings`; `upstream_transport` is a test seam for faults;
    `early_login`, a login begun before the server was built (its token is adopted)."""
    return MusementMCPServer(
        settings,
        upstream_transport=upstream_transport,
        stateless_http=stateless_http,
        early_login=early_login,
    )


def _request_state_security(settings: Settings) -> RequestStateSecurity:
    """Sealed request state: with a shared key, a retry may land on any replica or after a
    restart; without one, a key held by this process only."""
    if settings.request_state_keys:
        return RequestStateSecurity(keys=settings.request_state_keys)
    return RequestStateSecurity.ephemeral()
