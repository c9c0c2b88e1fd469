"""An agent that takes a cart from "missing data" to "ready for the order", using only the tools.

It reads the cart's checklist (get_cart), asks the user for the customer (here the scripted
user of `musement_mcp.demo.script` answers), saves it (update_cart_customer), then, for every
item that needs participants info, reads the item's form (get_participants_schema) and saves
one entry per ticket (update_participants), until the checklist is empty. The calls go to
stderr, the final checklists to stdout.

    python examples/agent_complete_cart.py [CART_UUID ...]   # default: the seeded carts
"""

from __future__ import annotations

import json
import sys

import anyio
from mcp import Client

from musement_mcp.demo.script import JSON, Script, ScriptedUser, Transcript, server_parameters
from musement_mcp.sandbox import (
    BASE_CART_UUID,
    EXTRA_DATA_CART_UUID,
    PARTICIPANTS_CART_UUID,
    SandboxServer,
)

USER = ScriptedUser()


async def complete(script: Script, cart: str) -> JSON:
    script.transcript.step(f"cart {cart}")
    overview = await script.call("get_cart", {"cart_uuid": cart})
    if overview["missing"]["customer"]:
        guide = await script.call("get_customer_schema", {"cart_uuid": cart})
        customer = USER.customer(guide)
        await script.call("update_cart_customer", {"cart_uuid": cart, "customer": customer})
    for item in [i for i in overview["items"] if i.get("participants_missing")]:
        ids = {"cart_uuid": cart, "cart_item_uuid": item["cart_item_uuid"]}
        guide = await script.call("get_participants_schema", ids)
        people = USER.participants(guide)
        await script.call("update_participants", {**ids, "participants": people})
        script.transcript.line(f"  {len(people)} participant(s) saved for {item['activity_title']}")
    return await script.call("get_cart", {"cart_uuid": cart})


async def main(carts: list[str]) -> None:
    with SandboxServer() as sandbox:
        async with Client(server_parameters(sandbox.base_url, "example")) as client:
            script = Script(client, Transcript(sys.stderr))
            results = {cart: await complete(script, cart) for cart in carts}
    print(
        json.dumps(
            {
                cart: r["missing"] | {"ready_for_order": r["ready_for_order"]}
                for cart, r in results.items()
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    default = [BASE_CART_UUID, EXTRA_DATA_CART_UUID, PARTICIPANTS_CART_UUID]
    anyio.run(main, sys.argv[1:] or default)
