"""`create_cart`: a new, empty cart (POST /carts), with a promo code where given."""

from __future__ import annotations

from ...tools.catalog import create_cart
from ...tools.catalog_models import CreateCartResult
from ...tools.input_schema import nullable
from ..toolkit import ToolCall, ToolResult, ToolSpec
from .booking_arguments import CATALOG

DESCRIPTION = """\
A new, empty cart for add_to_cart; an optional promo `discount_code` \
(`discount_code_applied` says whether it counted). Costs nothing."""


async def handle(call: ToolCall) -> ToolResult:
    return await create_cart(call.state.client, call.args.get("discount_code"))


TOOL = ToolSpec(
    name="create_cart",
    title="Create a cart",
    description=DESCRIPTION,
    arguments={"discount_code": nullable({"type": "string"})},
    output=CreateCartResult,
    handler=handle,
    read_only=False,
    # A repeat makes another empty cart: harmless, but not the same outcome.
    idempotent=False,
    toolset=CATALOG,
)
