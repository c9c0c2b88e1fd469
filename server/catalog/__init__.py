"""Every tool of the server, one module each; `TOOLS` is the published order.

Adding a tool: a module here declaring `TOOL = ToolSpec(...)`, its entry in
`TOOLS`, and its tests (its snapshot is written by `UPDATE_SNAPSHOTS=1`).
"""

from __future__ import annotations

import mcp_types as types

from ..toolkit import CustomerInput, ToolSpec
from . import (
    get_cart,
    get_customer_schema,
    get_participants_schema,
    update_cart_customer,
    update_participants,
)

TOOLS: tuple[ToolSpec, ...] = (
    get_cart.TOOL,
    get_customer_schema.TOOL,
    update_cart_customer.TOOL,
    get_participants_schema.TOOL,
    update_participants.TOOL,
)
BY_NAME: dict[str, ToolSpec] = {tool.name: tool for tool in TOOLS}


def tool_definitions(customer_input: CustomerInput) -> tuple[types.Tool, ...]:
    """What `tools/list` publishes, with `customer_input` as the customer's input schema."""
    return tuple(tool.definition(customer_input) for tool in TOOLS)
