"""A resource template with a cart's customer form, and a prompt for the whole step.

`musement://carts/{cart_uuid}/customer-schema` serves what get_customer_schema
returns (normalized schema and field guide) for clients that attach resources
as context. `complete_customer_step` walks a model through the step.
"""

from __future__ import annotations

import json
import re
from typing import Any

import mcp_types as types
from mcp.shared.exceptions import MCPError

from ..tools import InvalidArgument, MusementError, check_cart_uuid

SCHEMA_TEMPLATE = "musement://carts/{cart_uuid}/customer-schema"
_SCHEMA_URI = re.compile(r"musement://carts/([^/]+)/customer-schema")
PROMPT_NAME = "complete_customer_step"
# A resource that does not exist: -32602 with the URI in `data` (SEP-2164).
RESOURCE_NOT_FOUND = types.INVALID_PARAMS

RESOURCE_TEMPLATES = [
    types.ResourceTemplate(
        uri_template=SCHEMA_TEMPLATE,
        name="cart_customer_schema",
        title="Customer form of a Musement cart",
        description="The normalized JSON Schema and the ordered field guide of a cart's customer "
        "step, as get_customer_schema returns them.",
        mime_type="application/json",
    )
]

PROMPTS = [
    types.Prompt(
        name=PROMPT_NAME,
        title="Complete the customer step of a Musement booking",
        description="Read what a cart needs, collect it from the user, save it, and handle a "
        "locked or missing cart.",
        arguments=[
            types.PromptArgument(
                name="cart_uuid", description="The Musement cart UUID.", required=True
            )
        ],
    )
]

_PROMPT_TEXT = """\
Complete the customer step of the TUI Musement booking for cart {cart_uuid}.

1. Call get_customer_schema with cart_uuid "{cart_uuid}". Its `fields` list every question \
in order, with its label (`title`), whether it is required, its format and its allowed options.
2. Ask the user for every required field you do not already know from this conversation: \
name, email, and the activities' own questions (e.g. a phone number or a hotel). Never \
invent personal details.
3. Ask the user explicitly for each consent choice (musement_newsletter, allow_profiling, \
thirdparty_newsletter, events_related_newsletter). Use "YES" or "NO" as they answer; never \
choose for them.
4. Call update_cart_customer with cart_uuid "{cart_uuid}" and the `customer` object. If the \
result is `validation_failed`, fix exactly the fields listed in `details` (asking the user \
when needed) and call it again. Your client may show the user a form instead: that is fine.
5. If the result is `cart_locked`, tell the user this cart already belongs to an order and a \
new cart is needed. If it is `cart_not_found`, check the cart UUID with the user. If it is \
`user_declined`, ask the user how they want to continue.
6. When the update succeeds, confirm to the user what was saved."""


def prompt(name: str, arguments: dict[str, str] | None) -> types.GetPromptResult:
    if name != PROMPT_NAME:
        raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown prompt: {name}")
    try:
        cart_uuid = check_cart_uuid((arguments or {}).get("cart_uuid"))
    except InvalidArgument as exc:
        raise MCPError(code=types.INVALID_PARAMS, message=exc.message) from None
    return types.GetPromptResult(
        description="Complete the customer step of a Musement booking",
        messages=[
            types.PromptMessage(
                role="user",
                content=types.TextContent(
                    type="text", text=_PROMPT_TEXT.format(cart_uuid=cart_uuid)
                ),
            )
        ],
    )


def cart_of(uri: str) -> str:
    """The cart UUID in a customer-schema resource URI, or a JSON-RPC error."""
    match = _SCHEMA_URI.fullmatch(uri)
    if not match:
        raise MCPError(RESOURCE_NOT_FOUND, f"Resource not found: {uri[:200]}", {"uri": uri})
    try:
        return check_cart_uuid(match.group(1))
    except InvalidArgument as exc:
        raise MCPError(types.INVALID_PARAMS, exc.message, {"uri": uri}) from None


def resource_result(uri: str, data: dict[str, Any]) -> types.ReadResourceResult:
    return types.ReadResourceResult(
        contents=[
            types.TextResourceContents(
                uri=uri, mime_type="application/json", text=json.dumps(data, ensure_ascii=False)
            )
        ]
    )


def resource_error(uri: str, error: MusementError) -> MCPError:
    """Resources have no isError results: a failure is a JSON-RPC error with the same body."""
    code = RESOURCE_NOT_FOUND if error.type == "cart_not_found" else types.INTERNAL_ERROR
    return MCPError(code, error.message, {"uri": uri, **error.to_dict()})
