"""`musement-mcp demo`: a booking's customer step, then a booking from a search, played
against the sandbox.

Starts the embedded sandbox, launches the server as a stdio subprocess, connects
real MCP clients and prints a transcript. Each step checks the outcome it
expects, so the demo fails loudly (exit 1) if the product misbehaves. The steps
below read in the order they run.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import uuid
from typing import TextIO

import anyio
import httpx2
from mcp import Client

from ..sandbox import (
    EXTRA_DATA_CART_UUID,
    LOCKED_CART_UUID,
    PARTICIPANTS_CART_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    SandboxServer,
    product_id_of,
)
from .script import (
    ADA,
    JSON,
    FormResponder,
    GuideField,
    Script,
    ScriptedUser,
    ToolFailed,
    Transcript,
    UnexpectedOutcome,
    server_parameters,
)

DEMO_APPLICATION = "musement-mcp-demo"
USER = ScriptedUser()


async def run_demo(out: TextIO | None = None) -> None:
    t = Transcript(out)
    # The demo's partner account is a merchant with Musement's no-payment scope, so the
    # booking ends paid (other partners' customers pay in the partner's own checkout).
    with SandboxServer(no_payment_scope=True) as sandbox:
        t.line(f"Embedded Musement sandbox at {sandbox.base_url}")
        server = server_parameters(sandbox.base_url, DEMO_APPLICATION, no_payment_flow=True)
        async with Client(server) as client:
            info = client.server_info
            name = f"{info.name} {info.version}" if info else "the server"
            t.line(f"Connected to {name} over stdio, protocol {client.protocol_version}")
            script = Script(client, t)
            await step_1_tools(script)
            fields = await step_2_what_the_cart_needs(script)
            await step_3_mistakes(script, sandbox)
            customer = await step_4_corrected(script, fields)
            await step_5_partial(script, customer)
            await step_6_locked(script)
            await step_7_not_found(script)
            await step_8_not_a_uuid(script, sandbox)
        responder = FormResponder(USER, t)
        async with Client(server, elicitation_callback=responder) as client:
            await step_9_forms(Script(client, t), sandbox, responder)
        async with Client(server) as client:
            await step_10_whole_step(Script(client, t))
            await step_11_order(Script(client, t))
        booking = server_parameters(sandbox.base_url, DEMO_APPLICATION, toolsets="checkout,catalog")
        async with Client(booking) as client:
            await step_12_from_a_search(Script(client, t))
    t.line("\nDemo finished: every step behaved as expected.")


async def step_1_tools(script: Script) -> None:
    t = script.transcript
    t.step("1. The tools the server offers")
    for tool in (await script.client.list_tools()).tools:
        hints = tool.annotations
        read_only = hints.read_only_hint if hints else None
        idempotent = hints.idempotent_hint if hints else None
        t.line(f"- {tool.name}: {tool.title} (read-only: {read_only}, idempotent: {idempotent})")


async def step_2_what_the_cart_needs(script: Script) -> list[GuideField]:
    t = script.transcript
    t.step("2. What does the cart need from the customer?")
    guide = await script.call(
        "get_customer_schema", {"cart_uuid": EXTRA_DATA_CART_UUID}, summarize=False
    )
    fields: list[GuideField] = guide["fields"]
    for field in fields:
        options = ", ".join(
            f"{o['value']}={o['label']}" if "label" in o else str(o["value"])
            for o in field.get("options") or []
        )
        t.line(
            f"  {'*' if field.get('required') else ' '} {field['path']}: {field['title']}"
            f" [{field.get('type', 'string')}{', ' + field['format'] if 'format' in field else ''}]"
            f"{'  options: ' + options if options else ''}"
        )
    t.line(f"  ({len(fields)} fields, * = required)")
    return fields


async def step_3_mistakes(script: Script, sandbox: SandboxServer) -> None:
    t = script.transcript
    t.step("3. A first attempt with mistakes: a misspelt field, a bad email, no consent")
    t.line("(this client cannot show forms, so the model is told what to fix)")
    sandbox.recorder.clear()
    sloppy = {"first_name": "Ada", "lastname": "Lovelace", "email": "ada(at)example.com"}
    args: JSON = {"cart_uuid": EXTRA_DATA_CART_UUID, "customer": sloppy}
    error = await script.call_failing("update_cart_customer", args, "validation_failed")
    for problem in error["details"][:12]:
        t.line(f"    {problem['path']}: {problem['message']}")
    if len(error["details"]) > 12:
        t.line(f"    ... and {len(error['details']) - 12} more")
    puts = sandbox.recorder.count("PUT")
    t.line(f"  PUT requests that reached Musement: {puts}")
    _expect(puts == 0, "invalid input reached the upstream")


async def step_4_corrected(script: Script, fields: list[GuideField]) -> JSON:
    script.transcript.step("4. The corrected update, with the user's answers")
    customer = USER.fill(fields, "", ADA)
    await script.call(
        "update_cart_customer", {"cart_uuid": EXTRA_DATA_CART_UUID, "customer": customer}
    )
    return customer


async def step_5_partial(script: Script, customer: JSON) -> None:
    script.transcript.step("5. A partial update: only one activity answer changes")
    activity, answers = next(iter(customer["extra_customer_data"].items()))
    key = next(iter(answers))
    patch = {"extra_customer_data": {activity: {key: answers[key]}}}
    args: JSON = {"cart_uuid": EXTRA_DATA_CART_UUID, "customer": patch, "partial": True}
    saved = await script.call("update_cart_customer", args, summarize=False)
    script.transcript.result(
        f"saved ({saved['mode']}); the name is still {saved['customer']['firstname']}"
    )


async def step_6_locked(script: Script) -> None:
    script.transcript.step("6. A cart already tied to a closed order")
    args: JSON = {
        "cart_uuid": LOCKED_CART_UUID,
        "customer": {"email": "ada@example.com"},
        "partial": True,
    }
    error = await script.call_failing("update_cart_customer", args, "cart_locked")
    script.transcript.line(f"  hint: {error['hint']}")


async def step_7_not_found(script: Script) -> None:
    script.transcript.step("7. A cart that does not exist")
    args: JSON = {"cart_uuid": str(uuid.UUID(int=7))}
    await script.call_failing("get_customer_schema", args, "cart_not_found")


async def step_8_not_a_uuid(script: Script, sandbox: SandboxServer) -> None:
    script.transcript.step("8. Something that is not a cart UUID never reaches a URL")
    sandbox.recorder.clear()
    await script.call_failing("get_customer_schema", {"cart_uuid": "../orders"}, "invalid_argument")
    _expect(len(sandbox.recorder) == 0, "an invalid cart UUID reached the upstream")
    script.transcript.line("  requests that reached Musement: 0")


async def step_9_forms(script: Script, sandbox: SandboxServer, responder: FormResponder) -> None:
    t = script.transcript
    t.step("9. A client that can show forms: the server asks the user, not the model")
    t.line(
        "(a second client, which declared form elicitation; "
        f"protocol {script.client.protocol_version})"
    )
    cart = _new_cart_with_the_test_activity(sandbox)
    known = {key: ADA[key] for key in ("firstname", "lastname", "email")}
    t.line("The model knows only the name and the email:")
    saved = await script.call(
        "update_cart_customer", {"cart_uuid": cart, "customer": known}, summarize=False
    )
    _expect(responder.forms == 1, "the user should have been asked once")
    stored = saved["customer"]
    t.result(
        f"saved after the user's answers: newsletter {stored['musement_newsletter']}, "
        f"extra data for {len(stored['extra_customer_data'])} activity (profiling was sent "
        "too: Musement never shows it back)"
    )


async def step_10_whole_step(script: Script) -> None:
    t = script.transcript
    t.step("10. The whole step: customer and participants, until nothing is missing")
    cart = {"cart_uuid": PARTICIPANTS_CART_UUID}
    overview = await script.call("get_cart", cart)
    for item in overview["items"]:
        needed = item.get("participants_required")
        needs = "participants info needed" if needed else "no participants"
        t.line(
            f"  item {item['cart_item_uuid'][:8]}…: {item['activity_title']} x "
            f"{item['quantity']} ({needs})"
        )
    customer = USER.customer(await script.call("get_customer_schema", cart))
    await script.call("update_cart_customer", {**cart, "customer": customer})
    for item in [i for i in overview["items"] if i.get("participants_missing")]:
        ids = {**cart, "cart_item_uuid": item["cart_item_uuid"]}
        guide_for_item = await script.call("get_participants_schema", ids)
        people = USER.participants(guide_for_item)
        await script.call("update_participants", {**ids, "participants": people})
    overview = await script.call("get_cart", cart)
    _expect(overview["ready_for_order"], "the checklist should be empty")


async def step_11_order(script: Script) -> None:
    t = script.transcript
    t.step("11. The order: the user's yes, one order however often it is asked, then paid")
    cart = {"cart_uuid": PARTICIPANTS_CART_UUID}
    asked = await script.call_failing(
        "create_order", {**cart, "confirmed_by_user": False}, "confirmation_required"
    )
    t.line("(the model shows the user that summary; the user says yes to exactly that)")
    (token,) = [d["confirmation_token"] for d in asked["details"] if "confirmation_token" in d]
    yes = {**cart, "confirmed_by_user": True, "confirmation_token": token}
    placed = await script.call("create_order", yes)
    again = await script.call("create_order", yes)
    order = {"order_uuid": placed["order"]["order_uuid"]}
    _expect(again["order"] == placed["order"], "a second call should return the same order")
    paid = await script.call("pay_order_without_payment", order)
    _expect(paid["paid"], "the order should be paid")
    await script.call("get_order", order)
    await script.call_failing(
        "update_cart_customer",
        {**cart, "customer": {"email": "ada@example.com"}, "partial": True},
        "cart_locked",
    )


async def step_12_from_a_search(script: Script) -> None:
    t = script.transcript
    t.step(
        "12. From a conversation to a cart: the catalog tools (MUSEMENT_TOOLSETS=checkout,catalog)"
    )
    saturday = _next_saturday()
    t.line(f'The user: "a guided tour in Rome for two adults next Saturday" ({saturday})')
    found = await script.call(
        "search_activities",
        {"text": "guided tour Rome", "date_from": saturday, "date_to": saturday, "sort": "rating"},
    )
    activity = found["activities"][0]["activity_uuid"]
    await script.call("get_activity", {"activity_uuid": activity})
    dates = await script.call(
        "get_activity_dates",
        {"activity_uuid": activity, "date_from": saturday, "date_to": saturday},
    )
    _expect(saturday in dates["days"], "the tour should run next Saturday")
    day = await script.call("get_day_options", {"activity_uuid": activity, "day": saturday})
    slot = day["options"][0]
    adult = next(x for x in slot["tickets"] if x.get("holder") == "ADULT")
    cart = (await script.call("create_cart", {}))["cart_uuid"]
    add = {
        "cart_uuid": cart,
        "activity_uuid": activity,
        "day": saturday,
        "product_identifier": adult["product_identifier"],
        "quantity": 2,
        "language": "en",
    }
    added = await script.call("add_to_cart", add)
    t.line("(the client retries the same call: nothing is added twice)")
    again = await script.call("add_to_cart", add)
    _expect(added["added"] and not again["added"], "a repeated add should add nothing")
    ids = {"cart_uuid": cart}
    customer = USER.customer(await script.call("get_customer_schema", ids))
    await script.call("update_cart_customer", {**ids, "customer": customer})
    overview = await script.call("get_cart", ids)
    _expect(overview["ready_for_order"], "the cart built from the search should be ready")
    t.line("  the cart is ready: the order step goes as in 11 (the user's yes, then the order)")


def _next_saturday() -> str:
    today = datetime.date.today()
    return (today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)).isoformat()


def _new_cart_with_the_test_activity(sandbox: SandboxServer) -> str:
    """A fresh cart (straight from the sandbox, not through the tools)."""
    headers = {"X-Musement-Application": DEMO_APPLICATION}
    cart: str = httpx2.post(f"{sandbox.base_url}/carts", headers=headers).json()["uuid"]
    items = [
        {
            "type": "musement",
            "product_identifier": product_id_of(SANDBOX_TEST_ACTIVITY_UUID),
            "quantity": 1,
        }
    ]
    httpx2.post(
        f"{sandbox.base_url}/carts/{cart}/items", headers=headers, json=items
    ).raise_for_status()
    return cart


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise UnexpectedOutcome(message)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="musement-mcp demo",
        description="Play a booking's customer step against the embedded sandbox.",
    ).parse_args(argv)
    failures: list[BaseException] = []
    try:
        anyio.run(run_demo)
    except* (UnexpectedOutcome, ToolFailed) as group:  # the client's task groups wrap them
        failures.extend(group.exceptions)
    for failure in failures:
        print(f"\nDemo FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0
