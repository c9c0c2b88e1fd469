"""What clients see of the tools: names, descriptions, annotations, schemas.

Built once at start-up. The input schema of `update_cart_customer` is generated
from a Musement customer schema (the bundled snapshot of a cart with base fields
only, as the API serves it), not written by hand; the exact schema of a given
cart comes from `get_customer_schema`. Output schemas come from the result
models, with `$ref`s inlined since some clients refuse them.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import mcp_types as types

from ..tools import (
    CartOverview,
    CustomerSchemaResult,
    ParticipantsSchemaResult,
    UpdateCustomerResult,
    UpdateParticipantsResult,
    compile_customer_schema,
    generic_customer_schema,
)

GET_CART = "get_cart"
GET_CUSTOMER_SCHEMA = "get_customer_schema"
UPDATE_CART_CUSTOMER = "update_cart_customer"
GET_PARTICIPANTS_SCHEMA = "get_participants_schema"
UPDATE_PARTICIPANTS = "update_participants"

SERVER_INSTRUCTIONS = (
    "Tools for the customer step of a TUI Musement checkout. For a cart UUID: call get_cart "
    "to see what the order still needs; get_customer_schema and update_cart_customer for the "
    "lead booker and the activities' questions; get_participants_schema and "
    "update_participants for items that need details about each participant. Collect every "
    "value from the user: never invent names, contact details or consent answers. Errors are "
    "JSON objects with a `type` and a `hint` saying what to do."
)

_CART_UUID = {
    "type": "string",
    "format": "uuid",
    "title": "Cart UUID",
    "description": "The Musement cart UUID, e.g. 'c7a6f5de-0f6b-4e12-9c1e-2a9e3b1d4f00'.",
}

_CART_ITEM_UUID = {
    "type": "string",
    "format": "uuid",
    "title": "Cart item UUID",
    "description": "The item's `cart_item_uuid` from get_cart (not the activity UUID).",
}

_GET_CART_DESCRIPTION = """\
See a Musement cart at a glance: its items (activity, quantity, `cart_item_uuid`), the \
customer saved so far, and `missing`, what the order still needs: customer fields \
(including the activities' extra questions) and, per item, participants info. \
`ready_for_order` is true when nothing is missing. Call it first, and again to check \
progress.

Errors: `cart_not_found`, `invalid_argument`."""

_GET_PARTICIPANTS_DESCRIPTION = """\
Read what one cart item needs about its participants (one entry per ticket): `quantity` \
(how many entries), `schema` (the JSON Schema of the `participants` list) and `fields` \
(each question with its label, type, format, options; paths read \
`participants.*.<field>`).

Errors: `participants_not_required` (this item needs none: nothing to do), \
`cart_item_not_found`, `cart_not_found`, `invalid_argument`."""

_UPDATE_PARTICIPANTS_DESCRIPTION = """\
Save the participants info of one cart item: a list with exactly one object per \
ticket (`quantity` from get_participants_schema), each with that item's fields, e.g. \
`{"salutation": "Ms", "firstname": "Ada", "lastname": "Lovelace", \
"date_of_birth": "1815-12-10"}`. It replaces what was stored for the item. The list is \
validated before anything is sent; every problem comes back with its path \
(`participants.1.date_of_birth`). Ask the user for each person's details: never invent \
them. Your client may show the user a form per person instead.

Errors: `validation_failed` (nothing was sent), `participants_not_required`, \
`cart_item_not_found`, `cart_not_found`, `cart_locked`, `invalid_argument`."""

_GET_DESCRIPTION = """\
Read what a Musement cart needs from the customer before it can be ordered.

Returns `schema`, the exact JSON Schema that `customer` of update_cart_customer must \
match for this cart, and `fields`, every question in the order to ask it: its `path`, \
`title` (the label to show the user), `type`, `required`, `format` and the allowed \
`options` with labels. Activities in the cart may add their own questions under \
`extra_customer_data.<activity uuid>` (e.g. a phone number or a hotel). The consent \
fields (newsletters, profiling) are the user's choice: ask, never assume.

Errors: `cart_not_found` (unknown cart UUID), `invalid_argument` (not a UUID)."""

_UPDATE_DESCRIPTION = """\
Save the customer of a Musement cart (the lead booker and the activities' extra \
questions).

Call get_customer_schema first: `customer` is validated against that cart's exact \
schema before anything is sent, and every problem comes back at once with its path \
and the allowed values. Only send values the user gave you: never invent names, \
emails or phone numbers, and ask the user for each consent field \
(musement_newsletter, allow_profiling, thirdparty_newsletter, \
events_related_newsletter: "YES" or "NO"). Answers to activity questions go under \
`extra_customer_data.<activity uuid>.<question key>`.

By default every required field must be present. Set `partial` to true to send only \
some fields (e.g. only `extra_customer_data`); Musement merges them into the stored \
customer. Repeating the same call is safe.

Errors: `validation_failed` (nothing was sent; fix the listed fields), \
`cart_not_found`, `cart_locked` (the cart belongs to an order: start a new cart), \
`invalid_argument`."""


def snapshot_customer_schema() -> dict[str, Any]:
    """The generic customer schema from the bundled snapshot: what `tools/list` starts with."""
    return generic_customer_schema(compile_customer_schema(snapshot_schema()))


@cache
def tool_definitions() -> tuple[types.Tool, ...]:
    """The tools as built from the bundled snapshot."""
    return build_tool_definitions(snapshot_customer_schema())


def build_tool_definitions(customer_schema: dict[str, Any]) -> tuple[types.Tool, ...]:
    """The tools, with `customer_schema` (a generic customer schema) as the update's input."""
    return (
        types.Tool(
            name=GET_CART,
            title="See what a cart still needs",
            description=_GET_CART_DESCRIPTION,
            input_schema=_inputs({"cart_uuid": _CART_UUID}),
            output_schema=output_schema(CartOverview),
            annotations=read_only("See what a cart still needs"),
        ),
        types.Tool(
            name=GET_CUSTOMER_SCHEMA,
            title="Get the customer form of a cart",
            description=_GET_DESCRIPTION,
            input_schema=_inputs({"cart_uuid": _CART_UUID}),
            output_schema=output_schema(CustomerSchemaResult),
            annotations=read_only("Get the customer form of a cart"),
        ),
        types.Tool(
            name=UPDATE_CART_CUSTOMER,
            title="Save the customer of a cart",
            description=_UPDATE_DESCRIPTION,
            input_schema={
                "type": "object",
                "properties": {
                    "cart_uuid": _CART_UUID,
                    "customer": {
                        **customer_schema,
                        "title": "Customer",
                        "description": "The customer's fields, as the user gave them. The "
                        "exact per-cart schema is `schema` from get_customer_schema.",
                    },
                    "partial": {
                        "type": "boolean",
                        "default": False,
                        "title": "Partial update",
                        "description": "Send only some fields; required fields are not "
                        "enforced and Musement keeps the others as stored.",
                    },
                },
                "required": ["cart_uuid", "customer"],
                "additionalProperties": False,
            },
            output_schema=output_schema(UpdateCustomerResult),
            annotations=types.ToolAnnotations(
                title="Save the customer of a cart",
                read_only_hint=False,
                # It sets fields on the cart and deletes nothing; a repeat is a no-op.
                destructive_hint=False,
                idempotent_hint=True,
                open_world_hint=True,
            ),
        ),
        types.Tool(
            name=GET_PARTICIPANTS_SCHEMA,
            title="Get the participants form of a cart item",
            description=_GET_PARTICIPANTS_DESCRIPTION,
            input_schema=_inputs({"cart_uuid": _CART_UUID, "cart_item_uuid": _CART_ITEM_UUID}),
            output_schema=output_schema(ParticipantsSchemaResult),
            annotations=read_only("Get the participants form of a cart item"),
        ),
        types.Tool(
            name=UPDATE_PARTICIPANTS,
            title="Save the participants of a cart item",
            description=_UPDATE_PARTICIPANTS_DESCRIPTION,
            input_schema=_inputs(
                {
                    "cart_uuid": _CART_UUID,
                    "cart_item_uuid": _CART_ITEM_UUID,
                    "participants": {
                        "type": "array",
                        "title": "Participants",
                        "description": "One object per ticket, with the fields "
                        "get_participants_schema lists for this item.",
                        "items": {"type": "object"},
                    },
                }
            ),
            output_schema=output_schema(UpdateParticipantsResult),
            annotations=types.ToolAnnotations(
                title="Save the participants of a cart item",
                read_only_hint=False,
                # It replaces the item's whole list; a repeat with the same list is a no-op.
                destructive_hint=True,
                idempotent_hint=True,
                open_world_hint=True,
            ),
        ),
    )


def _inputs(properties: dict[str, Any]) -> dict[str, Any]:
    """An input schema whose every property is required."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def read_only(title: str) -> types.ToolAnnotations:
    return types.ToolAnnotations(
        title=title,
        read_only_hint=True,
        destructive_hint=False,
        idempotent_hint=True,
        open_world_hint=True,
    )


def snapshot_schema() -> dict[str, Any]:
    """Musement's customer schema for a cart with base fields only (en-US)."""
    text = resources.files(__package__).joinpath("customer_schema_snapshot.json").read_text()
    return json.loads(text)


def output_schema(model: type[Any]) -> dict[str, Any]:
    """A model's JSON Schema with every `$ref` inlined."""
    schema = model.model_json_schema(by_alias=True)
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target = definitions[ref.rsplit("/", 1)[-1]]
                merged = {**inline(target), **{k: v for k, v in node.items() if k != "$ref"}}
                return merged
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)
