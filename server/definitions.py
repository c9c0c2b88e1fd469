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
    CustomerSchemaResult,
    UpdateCustomerResult,
    compile_customer_schema,
    generic_customer_schema,
)

GET_CUSTOMER_SCHEMA = "get_customer_schema"
UPDATE_CART_CUSTOMER = "update_cart_customer"

SERVER_INSTRUCTIONS = (
    "Tools for the customer step of a TUI Musement checkout. For a cart UUID: call "
    "get_customer_schema to learn which fields this cart needs, collect the values from the "
    "user (never invent names, contact details or consent answers), then call "
    "update_cart_customer. Errors are JSON objects with a `type` and a `hint` saying what to do."
)

_CART_UUID = {
    "type": "string",
    "format": "uuid",
    "title": "Cart UUID",
    "description": "The Musement cart UUID, e.g. 'c7a6f5de-0f6b-4e12-9c1e-2a9e3b1d4f00'.",
}

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
            name=GET_CUSTOMER_SCHEMA,
            title="Get the customer form of a cart",
            description=_GET_DESCRIPTION,
            input_schema={
                "type": "object",
                "properties": {"cart_uuid": _CART_UUID},
                "required": ["cart_uuid"],
                "additionalProperties": False,
            },
            output_schema=output_schema(CustomerSchemaResult),
            annotations=types.ToolAnnotations(
                title="Get the customer form of a cart",
                read_only_hint=True,
                destructive_hint=False,
                idempotent_hint=True,
                open_world_hint=True,
            ),
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
