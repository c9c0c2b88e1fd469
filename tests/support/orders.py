"""Placing an order the way a client must, before and after confirmation tokens.

Today `create_order {"confirmed_by_user": true}` places the order. With confirmation tokens,
the unconfirmed call's `confirmation_required` error offers a `confirmation_token` in its
details and the confirmed call passes it. `confirmed_arguments` works either way.
"""

from __future__ import annotations

from typing import Any

import mcp_types as types
from mcp import Client

from .common import error_of


def confirmation_token(result: types.CallToolResult) -> str | None:
    """The token a `confirmation_required` error offers in its details, if it offers one."""
    for detail in error_of(result)["details"]:
        if isinstance(detail, dict) and isinstance(detail.get("confirmation_token"), str):
            return str(detail["confirmation_token"])
    return None


async def confirmed_arguments(client: Client, cart: str) -> dict[str, Any]:
    """The arguments of a confirmed create_order for `cart`, after the unconfirmed call."""
    asked = await client.call_tool("create_order", {"cart_uuid": cart, "confirmed_by_user": False})
    assert error_of(asked)["type"] == "confirmation_required", asked.content[0].text
    arguments: dict[str, Any] = {"cart_uuid": cart, "confirmed_by_user": True}
    token = confirmation_token(asked)
    if token is not None:
        arguments["confirmation_token"] = token
    return arguments
