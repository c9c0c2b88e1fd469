"""An agent that takes a cart from "missing data" to "ready for the order", using only the tools.

It reads the cart's checklist (get_cart), asks the user for the customer (here a scripted
user answers from a profile), saves it (update_cart_customer), then, for every item that
needs participants info, reads the item's form (get_participants_schema) and saves one
entry per ticket (update_participants), until the checklist is empty.

    python examples/agent_complete_cart.py [CART_UUID ...]   # default: the seeded carts
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import anyio
from mcp import Client, StdioServerParameters

from musement_mcp.sandbox import (
    BASE_CART_UUID,
    EXTRA_DATA_CART_UUID,
    PARTICIPANTS_CART_UUID,
    SandboxServer,
)

# The scripted user: what a person would answer when asked.
PEOPLE = [
    {
        "salutation": "Ms",
        "firstname": "Mary",
        "lastname": "Jackson",
        "date_of_birth": "1921-04-09",
        "nationality": "United States",
        "passport": "P1921040",
    },
    {
        "salutation": "Mr",
        "firstname": "Levi",
        "lastname": "Jackson",
        "date_of_birth": "1919-07-01",
        "nationality": "United States",
        "passport": "P1919070",
    },
]
LEAD = {"firstname": "Mary", "lastname": "Jackson", "email": "mary.jackson@example.org"}
CONSENT = "NO"  # the user's own choice, asked explicitly


def user_answer(field: dict[str, Any], person: dict[str, Any] | None = None) -> Any:
    """What the user answers to one question of a form."""
    name = field["path"].rsplit(".", 1)[-1]
    if person is not None and name in person:
        return person[name]
    if name in LEAD:
        return LEAD[name]
    if field["options"]:
        values = [o["value"] for o in field["options"]]
        choice = CONSENT if CONSENT in values else values[0]
        return [choice] if field["multiple"] else choice
    if field["format"] == "date":
        return "2026-12-24"
    if field["type"] in ("number", "integer"):
        return "2025550143"
    return "Hotel Artemide, Rome"


def build(fields: list[dict[str, Any]], prefix: str, person: dict[str, Any] | None = None) -> Any:
    """An object answering every required question whose path starts with `prefix`."""
    answer: dict[str, Any] = {}
    for field in fields:
        if not field["required"] or not field["path"].startswith(prefix):
            continue
        *parents, name = field["path"][len(prefix) :].split(".")
        target = answer
        for part in parents:
            target = target.setdefault(part, {})
        target[name] = user_answer(field, person)
    return answer


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    if result.is_error:
        raise RuntimeError(f"{tool}: {result.content[0].text}")
    return result.structured_content


async def complete(client: Client, cart: str, log: list[str]) -> dict[str, Any]:
    overview = await call(client, "get_cart", cart_uuid=cart)
    log.append(
        f"{cart}: {len(overview['missing']['customer'])} customer field(s) and "
        f"{len(overview['missing']['participants'])} item(s) of participants missing"
    )
    if overview["missing"]["customer"]:
        form = await call(client, "get_customer_schema", cart_uuid=cart)
        await call(
            client, "update_cart_customer", cart_uuid=cart, customer=build(form["fields"], "")
        )
        log.append(f"{cart}: customer saved")
    for item in overview["missing"]["participants"]:
        uuid = item["cart_item_uuid"]
        form = await call(client, "get_participants_schema", cart_uuid=cart, cart_item_uuid=uuid)
        people = [
            build(form["fields"], "participants.*.", PEOPLE[i % len(PEOPLE)])
            for i in range(form["quantity"])
        ]
        await call(
            client, "update_participants", cart_uuid=cart, cart_item_uuid=uuid, participants=people
        )
        log.append(f"{cart}: {len(people)} participant(s) saved for {item['activity_title']}")
    overview = await call(client, "get_cart", cart_uuid=cart)
    log.append(f"{cart}: ready for the order: {overview['ready_for_order']}")
    return overview


async def main(carts: list[str]) -> None:
    with SandboxServer() as sandbox:
        server = StdioServerParameters(
            command=sys.executable,
            args=["-m", "musement_mcp.server", "--base-url", sandbox.base_url],
            env={**os.environ, "MUSEMENT_APPLICATION": "example", "MUSEMENT_LOG_LEVEL": "WARNING"},
        )
        log: list[str] = []
        async with Client(server) as client:
            results = {cart: await complete(client, cart, log) for cart in carts}
    print("\n".join(log), file=sys.stderr)
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
