"""Drive a booking's customer step through MCP, the way an agent does.

Starts the embedded sandbox, connects `mcp.Client` to the server over stdio,
reads what the cart needs, fills in every required field from the user's
answers (here: a fixed profile), and saves the customer.

    python examples/customer_step.py [CART_UUID]
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import anyio
from mcp import Client, StdioServerParameters

from musement_mcp.sandbox import EXTRA_DATA_CART_UUID, SandboxServer

# What the user told the assistant. Consent answers are the user's, never guessed.
USER = {
    "firstname": "Mary",
    "lastname": "Jackson",
    "email": "mary.jackson@example.org",
    "musement_newsletter": "NO",
    "allow_profiling": "NO",
    "thirdparty_newsletter": "NO",
    "events_related_newsletter": "YES",
}


def answer(field: dict[str, Any]) -> Any:
    """The user's answer to one of the activities' questions."""
    if field["options"]:
        first = field["options"][0]["value"]
        return [first] if field["multiple"] else first
    if field["format"] == "date":
        return "2026-12-24"
    if field["type"] in ("number", "integer"):
        return "2025550143"
    return "Hotel Artemide, Rome"


async def customer_step(server: StdioServerParameters, cart_uuid: str) -> dict[str, Any]:
    async with Client(server) as client:
        guide = await client.call_tool("get_customer_schema", {"cart_uuid": cart_uuid})
        if guide.is_error:
            raise SystemExit(guide.content[0].text)
        customer: dict[str, Any] = {}
        for field in guide.structured_content["fields"]:
            if not field["required"]:
                continue
            *parents, name = field["path"].split(".")
            target = customer
            for part in parents:
                target = target.setdefault(part, {})
            target[name] = USER[name] if not parents else answer(field)
        saved = await client.call_tool(
            "update_cart_customer", {"cart_uuid": cart_uuid, "customer": customer}
        )
        if saved.is_error:
            raise SystemExit(saved.content[0].text)
        return saved.structured_content


async def main() -> None:
    cart_uuid = sys.argv[1] if len(sys.argv) > 1 else EXTRA_DATA_CART_UUID
    with SandboxServer() as sandbox:
        server = StdioServerParameters(
            command=sys.executable,
            args=["-m", "musement_mcp.server", "--base-url", sandbox.base_url],
            env={**os.environ, "MUSEMENT_APPLICATION": "example", "MUSEMENT_LOG_LEVEL": "WARNING"},
        )
        result = await customer_step(server, cart_uuid)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    anyio.run(main)
