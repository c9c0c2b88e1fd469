"""`get_participants_schema`: what one cart item needs about its participants."""

from __future__ import annotations

from ...tools import ParticipantsSchemaResult, get_participants_schema
from ..toolkit import CART_ITEM_UUID, CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
What one cart item needs per participant: `quantity` (entries, one per ticket) and `fields` \
(paths participants.*.<field>).
Errors: participants_not_required, cart_item_not_found, cart_not_found."""


async def handle(call: ToolCall) -> ToolResult:
    return await get_participants_schema(
        call.state.client,
        call.args["cart_uuid"],
        call.args["cart_item_uuid"],
        cache=call.state.cache,
    )


TOOL = ToolSpec(
    name="get_participants_schema",
    title="Get the participants form of a cart item",
    description=DESCRIPTION,
    arguments={"cart_uuid": CART_UUID, "cart_item_uuid": CART_ITEM_UUID},
    output=ParticipantsSchemaResult,
    handler=handle,
)
