"""`musement-mcp demo`: a booking's customer step, played against the sandbox.

Starts the embedded sandbox, launches the server as a stdio subprocess, connects
a real MCP client and prints a transcript. Each step checks the outcome it
expects, so the demo fails loudly (exit 1) if the product misbehaves.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from typing import Any

import anyio
import httpx2
import mcp_types as types
from mcp import Client, StdioServerParameters

from ..sandbox import (
    EXTRA_DATA_CART_UUID,
    LOCKED_CART_UUID,
    PARTICIPANTS_CART_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    SandboxServer,
)

DEMO_APPLICATION = "musement-mcp-demo"


class DemoFailure(AssertionError):
    pass


class Transcript:
    def __init__(self, out: Any) -> None:
        self.out = out

    def step(self, title: str) -> None:
        print(f"\n== {title}", file=self.out)

    def line(self, text: str = "") -> None:
        print(text, file=self.out)

    def call(self, tool: str, arguments: dict[str, Any]) -> None:
        print(f"→ {tool}({_compact(arguments)})", file=self.out)


async def run_demo(out: Any = sys.stdout) -> None:
    t = Transcript(out)
    with SandboxServer() as sandbox:
        t.line(f"Embedded Musement sandbox at {sandbox.base_url}")
        params = StdioServerParameters(
            command=sys.executable,
            args=[
                "-m",
                "musement_mcp.server",
                "--base-url",
                sandbox.base_url,
                "--application",
                DEMO_APPLICATION,
            ],
            env={**os.environ, "MUSEMENT_LOG_LEVEL": "WARNING"},
        )
        async with Client(params) as client:
            t.line(
                f"Connected to {client.server_info.name} {client.server_info.version} over "
                f"stdio, protocol {client.protocol_version}"
            )
            await _play(t, client, sandbox)
        user = DemoUser(t)
        async with Client(params, elicitation_callback=user) as client:
            await _play_with_forms(t, client, sandbox, user)
        async with Client(params) as client:
            await _play_whole_step(t, client)
    t.line("\nDemo finished: every step behaved as expected.")


class DemoUser:
    """The person behind a client that can show forms: reads the form, answers it."""

    def __init__(self, t: Transcript) -> None:
        self.t = t
        self.forms = 0

    async def __call__(self, ctx: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        assert isinstance(params, types.ElicitRequestFormParams)
        self.forms += 1
        self.t.line(f"  [form shown to the user] {params.message}")
        content: dict[str, Any] = {}
        for key, prop in params.requested_schema["properties"].items():
            if "oneOf" in prop:
                labels = " / ".join(f"{o['title']}" for o in prop["oneOf"])
                content[key] = (
                    "NO"
                    if any(o["const"] == "NO" for o in prop["oneOf"])
                    else (prop["oneOf"][0]["const"])
                )
                self.t.line(f"    {prop['title']} ({labels}): the user picks {content[key]}")
            else:
                content[key] = 3901234567 if prop["type"] == "number" else "Hotel Artemide"
                self.t.line(f"    {prop['title']}: the user types {content[key]}")
        return types.ElicitResult(action="accept", content=content)


async def _play_with_forms(
    t: Transcript, client: Client, sandbox: SandboxServer, user: DemoUser
) -> None:
    t.step("9. A client that can show forms: the server asks the user, not the model")
    t.line(
        f"(a second client, which declared form elicitation; protocol {client.protocol_version})"
    )
    headers = {"X-Musement-Application": DEMO_APPLICATION}
    cart = httpx2.post(f"{sandbox.base_url}/carts", headers=headers).json()["uuid"]
    items = [{"type": "musement", "product_identifier": SANDBOX_TEST_ACTIVITY_UUID}]
    httpx2.post(f"{sandbox.base_url}/carts/{cart}/items", headers=headers, json=items)
    known = {"firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.com"}
    args = {"cart_uuid": cart, "customer": known}
    t.line("The model knows only the name and the email:")
    t.call("update_cart_customer", args)
    saved = await _call(client, "update_cart_customer", args)
    _expect(user.forms == 1, "the user should have been asked once")
    stored = saved["customer"]
    t.line(
        f"← saved after the user's answers: newsletter {stored['musement_newsletter']}, "
        f"profiling {stored['allow_profiling']}, extra data for "
        f"{len(stored['extra_customer_data'])} activity"
    )


async def _play(t: Transcript, client: Client, sandbox: SandboxServer) -> None:
    t.step("1. The tools the server offers")
    for tool in (await client.list_tools()).tools:
        hints = tool.annotations
        t.line(
            f"- {tool.name}: {tool.title} (read-only: {hints.read_only_hint}, "
            f"idempotent: {hints.idempotent_hint})"
        )

    t.step("2. What does the cart need from the customer?")
    cart = EXTRA_DATA_CART_UUID
    args = {"cart_uuid": cart}
    t.call("get_customer_schema", args)
    schema = await _call(client, "get_customer_schema", args)
    fields = schema["fields"]
    for field in fields:
        options = ", ".join(f"{o['value']}={o['label']}" for o in field["options"] or [])
        t.line(
            f"  {'*' if field['required'] else ' '} {field['path']}: {field['title']}"
            f" [{field['type']}{', ' + field['format'] if field['format'] else ''}]"
            f"{'  options: ' + options if options else ''}"
        )
    t.line(f"  ({len(fields)} fields, * = required)")

    t.step("3. A first attempt with mistakes: a misspelt field, a bad email, no consent")
    t.line("(this client cannot show forms, so the model is told what to fix)")
    sandbox.recorder.clear()
    sloppy = {"first_name": "Ada", "lastname": "Lovelace", "email": "ada(at)example.com"}
    args = {"cart_uuid": cart, "customer": sloppy}
    t.call("update_cart_customer", args)
    error = await _call(client, "update_cart_customer", args, expect_error="validation_failed")
    t.line(f"← {error['type']}: {error['message']}")
    for problem in error["details"][:12]:
        t.line(f"    {problem['path']}: {problem['message']}")
    if len(error["details"]) > 12:
        t.line(f"    ... and {len(error['details']) - 12} more")
    puts = sandbox.recorder.count("PUT")
    t.line(f"  PUT requests that reached Musement: {puts}")
    _expect(puts == 0, "invalid input reached the upstream")

    t.step("4. The corrected update, with the user's answers")
    customer = _answers_for(fields)
    args = {"cart_uuid": cart, "customer": customer}
    t.call("update_cart_customer", args)
    saved = await _call(client, "update_cart_customer", args)
    stored = saved["customer"]
    t.line(
        f"← saved: {stored['firstname']} {stored['lastname']} <{stored['email']}>, "
        f"extra data for {len(stored.get('extra_customer_data') or {})} activities"
    )

    t.step("5. A partial update: only one activity answer changes")
    activity, answers = next(iter(customer["extra_customer_data"].items()))
    key = next(iter(answers))
    patch = {"extra_customer_data": {activity: {key: answers[key]}}}
    args = {"cart_uuid": cart, "customer": patch, "partial": True}
    t.call("update_cart_customer", args)
    saved = await _call(client, "update_cart_customer", args)
    t.line(f"← saved ({saved['mode']}); the name is still {saved['customer']['firstname']}")

    t.step("6. A cart already tied to a closed order")
    args = {
        "cart_uuid": LOCKED_CART_UUID,
        "customer": {"email": "ada@example.com"},
        "partial": True,
    }
    t.call("update_cart_customer", args)
    error = await _call(client, "update_cart_customer", args, expect_error="cart_locked")
    t.line(f"← {error['type']} (HTTP {error['status']}, code {error['code']}): {error['message']}")
    t.line(f"  hint: {error['hint']}")

    t.step("7. A cart that does not exist")
    args = {"cart_uuid": str(uuid.UUID(int=7))}
    t.call("get_customer_schema", args)
    error = await _call(client, "get_customer_schema", args, expect_error="cart_not_found")
    t.line(f"← {error['type']} (HTTP {error['status']}, code {error['code']}): {error['message']}")

    t.step("8. Something that is not a cart UUID never reaches a URL")
    sandbox.recorder.clear()
    args = {"cart_uuid": "../orders"}
    t.call("get_customer_schema", args)
    error = await _call(client, "get_customer_schema", args, expect_error="invalid_argument")
    t.line(f"← {error['type']}: {error['message']}")
    _expect(len(sandbox.recorder) == 0, "an invalid cart UUID reached the upstream")
    t.line("  requests that reached Musement: 0")


ADA = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "email": "ada@example.com",
    "salutation": "Ms",
    "date_of_birth": "1815-12-10",
    "nationality": "United Kingdom",
    "passport": "GB1815121",
}
CHARLES = {
    **ADA,
    "firstname": "Charles",
    "lastname": "Babbage",
    "salutation": "Mr",
    "date_of_birth": "1791-12-26",
    "email": "charles@example.com",
}


def _answers_for(
    fields: list[dict[str, Any]], prefix: str = "", person: dict[str, Any] = ADA
) -> dict[str, Any]:
    """What a user would answer to the required questions under `prefix` (and to the
    person's own details); consent is a deliberate NO."""
    answers: dict[str, Any] = {}
    for field in fields:
        if not field["path"].startswith(prefix):
            continue
        path = field["path"][len(prefix) :].split(".")
        if path[-1] in person:
            value: Any = person[path[-1]]
        elif not field["required"]:
            continue
        elif field["options"]:
            values = [o["value"] for o in field["options"]]
            value = [values[0]] if field["multiple"] else ("NO" if "NO" in values else values[0])
        elif field["format"] == "date":
            value = "2026-12-24"
        elif field["type"] in ("number", "integer"):
            value = "3901234567"
        else:
            value = "Hotel Artemide, Via Nazionale 22"
        target = answers
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return answers


async def _play_whole_step(t: Transcript, client: Client) -> None:
    t.step("10. The whole step: customer and participants, until nothing is missing")
    cart = PARTICIPANTS_CART_UUID
    overview = await _checklist(t, client, cart)
    for item in overview["items"]:
        people = "participants info needed" if item["participants_required"] else "no participants"
        t.line(
            f"  item {item['cart_item_uuid'][:8]}…: {item['activity_title']} x "
            f"{item['quantity']} ({people})"
        )
    form = await _call(client, "get_customer_schema", {"cart_uuid": cart})
    args = {"cart_uuid": cart, "customer": _answers_for(form["fields"])}
    t.call("update_cart_customer", args)
    await _call(client, "update_cart_customer", args)
    t.line("← customer saved")
    for item in overview["missing"]["participants"]:
        ids = {"cart_uuid": cart, "cart_item_uuid": item["cart_item_uuid"]}
        t.call("get_participants_schema", ids)
        form = await _call(client, "get_participants_schema", ids)
        t.line(
            f"← {form['quantity']} participant(s): "
            + ", ".join(f["title"] for f in form["fields"] if f["required"])
        )
        people = [
            _answers_for(form["fields"], "participants.*.", person)
            for person in [ADA, CHARLES][: form["quantity"]]
        ]
        args = {**ids, "participants": people}
        t.call("update_participants", args)
        saved = await _call(client, "update_participants", args)
        t.line(f"← saved: {', '.join(p['firstname'] for p in saved['participants'])}")
    overview = await _checklist(t, client, cart)
    _expect(overview["ready_for_order"], "the checklist should be empty")


async def _checklist(t: Transcript, client: Client, cart: str) -> dict[str, Any]:
    t.call("get_cart", {"cart_uuid": cart})
    overview = await _call(client, "get_cart", {"cart_uuid": cart})
    missing = overview["missing"]
    t.line(
        f"← missing: {len(missing['customer'])} customer field(s), participants for "
        f"{len(missing['participants'])} item(s); ready for the order: "
        f"{overview['ready_for_order']}"
    )
    return overview


async def _call(
    client: Client, tool: str, args: dict[str, Any], *, expect_error: str | None = None
) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    if expect_error is None:
        _expect(not result.is_error, f"{tool} failed: {result.content[0].text}")
        return result.structured_content
    _expect(result.is_error, f"{tool} should have failed with {expect_error}")
    error = json.loads(result.content[0].text)["error"]
    _expect(error["type"] == expect_error, f"{tool}: expected {expect_error}, got {error['type']}")
    return error


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise DemoFailure(message)


def _compact(value: Any, limit: int = 160) -> str:
    text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in value.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="musement-mcp demo",
        description="Play a booking's customer step against the embedded sandbox.",
    ).parse_args(argv)
    failures: list[BaseException] = []
    try:
        anyio.run(run_demo)
    except* DemoFailure as group:  # the client's task groups wrap it
        failures.extend(group.exceptions)
    for failure in failures:
        print(f"\nDemo FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0
