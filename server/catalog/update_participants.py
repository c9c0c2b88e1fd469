"""`update_participants`: validate one item's participants (exact count), then save them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ...tools import UpdateParticipantsResult, update_participants
from ...tools.input_schema import participants_input_schema
from ...tools.participants import PARTICIPANTS
from ..elicitation import with_user_answers
from ..toolkit import CART_ITEM_UUID, CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
Save one cart item's participants: one object per ticket (`quantity`), replacing the stored \
list; validated first. Ask the user for each person; null or "": not asked.
Errors: validation_failed, participants_not_required, cart_item_not_found, cart_locked."""


async def handle(call: ToolCall) -> ToolResult:
    async def update(people: Any) -> BaseModel:
        return await update_participants(
            call.state.client,
            call.args["cart_uuid"],
            call.args["cart_item_uuid"],
            people,
            cache=call.state.cache,
        )

    # Forms complete the validated payload, `{"participants": [...]}`.
    return await with_user_answers(
        call, update, call.args[PARTICIPANTS], from_form=lambda completed: completed[PARTICIPANTS]
    )


TOOL = ToolSpec(
    name="update_participants",
    title="Save the participants of a cart item",
    description=DESCRIPTION,
    arguments={
        "cart_uuid": CART_UUID,
        "cart_item_uuid": CART_ITEM_UUID,
        PARTICIPANTS: participants_input_schema(),
    },
    output=UpdateParticipantsResult,
    handler=handle,
    read_only=False,
    # It replaces the item's whole list; a repeat with the same list is a no-op.
    destructive=True,
    idempotent=True,
)
