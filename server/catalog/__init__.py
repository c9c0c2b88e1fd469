"""Every tool of the server, one module each; `TOOLS` is the published order.

Adding a tool: a module here declaring `TOOL = ToolSpec(...)`, its entry in
`TOOLS`, and its tests (its snapshot is written by `UPDATE_SNAPSHOTS=1`).
"""

from __future__ import annotations

import mcp_types as types

from ..toolkit import Published, ToolSpec
from . import (
    add_to_cart,
    create_cart,
    create_order,
    get_activity,
    get_activity_dates,
    get_cart,
    get_customer_schema,
    get_day_options,
    get_order,
    get_participants_schema,
    pay_order_without_payment,
    remove_from_cart,
    search_activities,
    update_cart_customer,
    update_participants,
)

TOOLS: tuple[ToolSpec, ...] = (
    # The catalog set (MUSEMENT_TOOLSETS=checkout,catalog): from a search to a cart.
    search_activities.TOOL,
    get_activity.TOOL,
    get_activity_dates.TOOL,
    get_day_options.TOOL,
    create_cart.TOOL,
    add_to_cart.TOOL,
    remove_from_cart.TOOL,
    # The checkout set (the default).
    get_cart.TOOL,
    get_customer_schema.TOOL,
    update_cart_customer.TOOL,
    get_participants_schema.TOOL,
    update_participants.TOOL,
    create_order.TOOL,
    get_order.TOOL,
    pay_order_without_payment.TOOL,
)
BY_NAME: dict[str, ToolSpec] = {tool.name: tool for tool in TOOLS}


def tool_definitions(published: Published) -> tuple[types.Tool, ...]:
    """What `tools/list` publishes: the tools this server lists, as `published` shapes them."""
    return tuple(tool.definition(published) for tool in TOOLS if tool.listed_by(published.orders))
