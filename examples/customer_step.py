"""Drive a booking's customer step through MCP, the way an agent does.

Starts the embedded sandbox, connects `mcp.Client` to the server over stdio,
reads what the cart needs, fills in every required field from the user's
answers (here: the scripted user of `musement_mcp.demo.script`), and saves the
customer. The calls go to stderr, the saved customer to stdout.

    python examples/customer_step.py [CART_UUID]
"""

from __future__ import annotations

import json
import sys

import anyio
from mcp import Client, StdioServerParameters

from musement_mcp.demo.script import JSON, Script, ScriptedUser, Transcript, server_parameters
from musement_mcp.sandbox import EXTRA_DATA_CART_UUID, SandboxServer


async def customer_step(server: StdioServerParameters, cart_uuid: str) -> JSON:
    async with Client(server) as client:
        script = Script(client, Transcript(sys.stderr))
        guide = await script.call("get_customer_schema", {"cart_uuid": cart_uuid})
        customer = ScriptedUser().customer(guide)
        return await script.call(
            "update_cart_customer", {"cart_uuid": cart_uuid, "customer": customer}
        )


async def main() -> None:
    cart_uuid = sys.argv[1] if len(sys.argv) > 1 else EXTRA_DATA_CART_UUID
    with SandboxServer() as sandbox:
        result = await customer_step(server_parameters(sandbox.base_url, "example"), cart_uuid)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    anyio.run(main)
