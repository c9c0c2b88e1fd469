"""A user who answers elicitation forms, and what the model knows before asking."""

from __future__ import annotations

from typing import Any

import mcp_types as types

# What the model knows: name and email, nothing else.
FROM_MODEL = {"firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.com"}


class User:
    """Answers elicitation forms the way a person would, and remembers what it was asked."""

    def __init__(self, action: str = "accept") -> None:
        self.action = action
        self.forms: list[types.ElicitRequestFormParams] = []

    async def __call__(self, ctx: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        assert isinstance(params, types.ElicitRequestFormParams)
        self.forms.append(params)
        if self.action != "accept":
            return types.ElicitResult(action=self.action)
        return types.ElicitResult(action="accept", content=answers(params.requested_schema))


def answers(schema: dict[str, Any]) -> dict[str, Any]:
    """Plausible answers to every field of an elicitation form (consents: NO)."""
    content: dict[str, Any] = {}
    for key, prop in schema["properties"].items():
        if "oneOf" in prop:
            values = [o["const"] for o in prop["oneOf"]]
            content[key] = "NO" if "NO" in values else values[-1]
        elif prop["type"] == "array":
            content[key] = [prop["items"]["anyOf"][0]["const"]]
        elif prop.get("format") == "date":
            content[key] = "2026-12-24"
        elif prop["type"] in ("number", "integer"):
            content[key] = 3901234567
        else:
            content[key] = "Hotel Artemide"
    return content
