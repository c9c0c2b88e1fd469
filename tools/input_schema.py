"""The cart-independent customer schema that `update_cart_customer` publishes as input.

A tool's input schema cannot depend on the cart, so it is the customer schema
with what varies per cart taken out: the base fields keep their types, titles,
enums and formats; `extra_customer_data` becomes a plain object (its keys are
per-cart activity UUIDs); nothing is required, since requirements depend on
the cart and on whether the update is partial. The server validates the exact
cart schema before anything is sent.
"""

from __future__ import annotations

from typing import Any

from .normalize import without_required
from .schema import CompiledSchema


def generic_customer_schema(compiled: CompiledSchema) -> dict[str, Any]:
    """The cart-independent form of a compiled customer schema."""
    schema = without_required(compiled.schema)
    schema.pop("$schema", None)
    schema.pop("additionalProperties", None)
    properties = schema.setdefault("properties", {})
    # Present even when the sample cart had no activity questions: other carts do.
    properties["extra_customer_data"] = {
        "type": "object",
        "title": properties.get("extra_customer_data", {}).get("title", "extra_customer_data"),
        "description": (
            "Answers to the activities' own questions, keyed by activity UUID, then by "
            "question key. get_customer_schema lists the questions of a given cart."
        ),
    }
    return schema
