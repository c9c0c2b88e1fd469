"""A scripted user and a transcript: what the demo and the examples share.

A real MCP client talks to the server (a stdio subprocess); each tool call is
printed with a one-line summary of its result, and the forms the tools hand
back (field guides) are filled in by a fixed, fictional user. Consent answers
(the newsletter and profiling flags) are that user's own choice, a deliberate
NO: a script never guesses them for anyone.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import cycle, islice
from typing import Any, TextIO, TypedDict

import mcp_types as types
from mcp import Client, StdioServerParameters
from mcp.client import ClientRequestContext

JSON = dict[str, Any]
Person = Mapping[str, str]
Choice = str | int | float | bool


class Option(TypedDict, total=False):
    value: Choice
    label: str  # absent when it only repeats the value


class GuideField(TypedDict, total=False):
    """One question of a field guide (`fields` of get_customer_schema or
    get_participants_schema); absent keys take their defaults (type string, not required,
    not multiple)."""

    path: str
    title: str
    type: str
    required: bool
    format: str
    options: list[Option]
    group: str
    multiple: bool


# The fixed fictional people behind every script.
ADA: Person = {
    "firstname": "Ada",
    "lastname": "Lovelace",
    "email": "ada@example.com",
    "salutation": "Ms",
    "date_of_birth": "1815-12-10",
    "nationality": "United Kingdom",
    "passport": "GB1815121",
}
CHARLES: Person = {
    **ADA,
    "firstname": "Charles",
    "lastname": "Babbage",
    "salutation": "Mr",
    "date_of_birth": "1791-12-26",
    "email": "charles@example.com",
}


def server_parameters(
    base_url: str,
    application: str,
    *,
    log_level: str = "WARNING",
    no_payment_flow: bool = False,
    toolsets: str | None = None,
) -> StdioServerParameters:
    """The server as a stdio subprocess (`python -m musement_mcp.server`) against `base_url`;
    `no_payment_flow` lists pay_order_without_payment (a merchant account's setting),
    `toolsets` the tool sets (MUSEMENT_TOOLSETS; the checkout set by default)."""
    flow = {"MUSEMENT_NO_PAYMENT_FLOW": "true"} if no_payment_flow else {}
    if toolsets:
        flow["MUSEMENT_TOOLSETS"] = toolsets
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "musement_mcp.server", "--base-url", base_url, "--application", application],
        env={**os.environ, "MUSEMENT_LOG_LEVEL": log_level, **flow},
    )


class Transcript:
    """What a script prints: steps, tool calls and their results."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = sys.stdout if out is None else out

    def step(self, title: str) -> None:
        self.line(f"\n== {title}")

    def line(self, text: str = "") -> None:
        print(text, file=self.out)

    def call(self, tool: str, arguments: Mapping[str, Any]) -> None:
        self.line(f"→ {tool}({compact(arguments)})")

    def result(self, text: str) -> None:
        self.line(f"← {text}")


class ToolFailed(Exception):
    """A tool answered with an error result; `error` is its `error` object."""

    def __init__(self, tool: str, error: JSON) -> None:
        super().__init__(f"{tool} failed: {error.get('type')}: {error.get('message')}")
        self.tool = tool
        self.error = error


class UnexpectedOutcome(AssertionError):
    """A tool did not do what the script expected of it."""


class Script:
    """A connected MCP client, driven call by call, with a transcript."""

    def __init__(self, client: Client, transcript: Transcript) -> None:
        self.client = client
        self.transcript = transcript

    async def call(self, tool: str, arguments: JSON, *, summarize: bool = True) -> JSON:
        """Call `tool` and return its structured result; print the call (and, unless
        `summarize` is False, a one-line summary). An error result raises ToolFailed."""
        self.transcript.call(tool, arguments)
        result = await self.client.call_tool(tool, arguments)
        if result.is_error:
            raise ToolFailed(tool, _error_of(result))
        content = result.structured_content
        if not isinstance(content, dict):
            raise UnexpectedOutcome(f"{tool} returned no structured result")
        if summarize:
            self.transcript.result(summary(tool, content))
        return content

    async def call_failing(self, tool: str, arguments: JSON, expected: str) -> JSON:
        """Call `tool`, expecting an error of type `expected`; print it and return it."""
        try:
            await self.call(tool, arguments, summarize=False)
        except ToolFailed as failed:
            if failed.error.get("type") != expected:
                raise UnexpectedOutcome(f"{tool}: expected {expected}, got {failed}") from None
            self.transcript.result(error_summary(failed.error))
            return failed.error
        raise UnexpectedOutcome(f"{tool} should have failed with {expected}")


def summary(tool: str, content: JSON) -> str:
    """One line saying what a tool's result holds."""
    if tool == "get_cart":
        lacking = [item for item in content["items"] if item.get("participants_missing")]
        return (
            f"missing: {len(content['missing']['customer'])} customer field(s), participants "
            f"for {len(lacking)} item(s); ready for the order: {content['ready_for_order']}"
        )
    if tool == "get_customer_schema":
        fields: list[GuideField] = content["fields"]
        required = sum(1 for f in fields if f.get("required"))
        return f"{len(fields)} fields, {required} required"
    if tool == "update_cart_customer":
        customer = content["customer"]
        activities = len(customer.get("extra_customer_data") or {})
        return (
            f"saved: {customer.get('firstname')} {customer.get('lastname')} "
            f"<{customer.get('email')}>, extra data for {activities} "
            f"{'activity' if activities == 1 else 'activities'}"
        )
    if tool == "get_participants_schema":
        fields = content["fields"]
        titles = ", ".join(f["title"] for f in fields if f.get("required"))
        return f"{content['quantity']} participant(s): {titles}"
    if tool == "update_participants":
        return f"saved: {content['saved']} participant(s)"
    if tool == "create_order":
        order = content["order"]
        made = "placed" if content.get("created") else "already placed"
        return f"order {order['order_uuid']} {made}, {order.get('status')}; {content['payment']}"
    if tool in ("get_order", "pay_order_without_payment"):
        paid = "paid" if content.get("paid") else "not paid"
        status = f"{content.get('status')}, {paid}"
        return f"order {content['order_uuid']}: {status}; {content['next_step']}"
    if tool == "search_activities":
        return f"{len(content['activities'])} activities: " + "; ".join(
            f"{a.get('title')} ({a.get('city')}, from {a.get('price_from')}, {a.get('rating')}★)"
            for a in content["activities"][:3]
        )
    if tool == "get_activity":
        return (
            f"{content.get('title')}: {content.get('duration')}, meet: "
            f"{content.get('meeting_point')}; {content.get('cancellation')}"
        )
    if tool == "get_activity_dates":
        return f"bookable: {', '.join(content['days']) or 'no day in the range'}"
    if tool == "get_day_options":
        return "; ".join(
            f"{o.get('option')} {o.get('time')} [{'/'.join(o.get('languages', []))}]: "
            + ", ".join(f"{t.get('ticket')} {t.get('price')}" for t in o["tickets"])
            for o in content["options"]
        )
    if tool == "create_cart":
        return f"cart {content['cart_uuid']}"
    if tool == "add_to_cart":
        total = (content.get("total") or {}).get("text")
        if not content.get("added"):
            return f"already in the cart, nothing added: {content['what']} ({total})"
        return f"added {content['what']}: {total}, {content.get('status')}"
    return compact(content)


def error_summary(error: JSON) -> str:
    """An error result in one line: its type, where it came from, and its message."""
    origin = f" (HTTP {error['status']}, code {error['code']})" if error.get("status") else ""
    return f"{error['type']}{origin}: {error['message']}"


def compact(value: Mapping[str, Any], limit: int = 160) -> str:
    """Arguments as `name=json, ...`, cut at `limit` characters."""
    text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in value.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ScriptedUser:
    """A fixed fictional user, who answers every form the same way.

    Their own details come from `people` (the first is the customer); a choice is
    `consent` when offered (NO: the user's own answer), else the first option;
    dates, numbers and free text get the fixed answers below.
    """

    people: Sequence[Person] = (ADA, CHARLES)
    consent: str = "NO"
    date: str = "2026-12-24"
    number: str = "3901234567"
    text: str = "Hotel Artemide, Via Nazionale 22"

    def answer(
        self,
        name: str,
        *,
        kind: str,
        format: str | None = None,
        options: Sequence[Choice] = (),
        multiple: bool = False,
        person: Person | None = None,
    ) -> Any:
        """The answer to one question named `name` (the last part of its path)."""
        if person is not None and name in person:
            return person[name]
        if options:
            if multiple:
                return [options[0]]
            return self.consent if self.consent in options else options[0]
        if format == "date":
            return self.date
        if kind in ("number", "integer"):
            return self.number
        if kind == "boolean":
            return False
        return self.text

    def fill(
        self, fields: Sequence[GuideField], prefix: str = "", person: Person | None = None
    ) -> JSON:
        """An object answering the required questions whose path starts with `prefix`,
        and any question about the person's own details."""
        answers: JSON = {}
        for question in fields:
            if not question["path"].startswith(prefix):
                continue
            *parents, name = question["path"][len(prefix) :].split(".")
            if not question.get("required") and not (person is not None and name in person):
                continue
            target = answers
            for part in parents:
                target = target.setdefault(part, {})
            target[name] = self.answer(
                name,
                kind=question.get("type", "string"),
                format=question.get("format"),
                options=[o["value"] for o in question.get("options") or []],
                multiple=question.get("multiple", False),
                person=person,
            )
        return answers

    def customer(self, guide: JSON) -> JSON:
        """The customer, from get_customer_schema's result."""
        return self.fill(guide["fields"], "", self.people[0])

    def participants(self, guide: JSON) -> list[JSON]:
        """One entry per ticket, from get_participants_schema's result."""
        people = islice(cycle(self.people), guide["quantity"])
        return [self.fill(guide["fields"], "participants.*.", person) for person in people]


@dataclass
class FormResponder:
    """The user behind a client that can show forms (elicitation): reads each form,
    answers it, and says so in the transcript."""

    user: ScriptedUser
    transcript: Transcript
    forms: int = 0

    async def __call__(
        self, context: ClientRequestContext, params: types.ElicitRequestParams
    ) -> types.ElicitResult:
        if not isinstance(params, types.ElicitRequestFormParams):
            return types.ElicitResult(action="decline")
        self.forms += 1
        self.transcript.line(f"  [form shown to the user] {params.message}")
        content: dict[str, Any] = {}
        for key, prop in params.requested_schema["properties"].items():
            title = prop.get("title", key)
            choices = prop.get("oneOf") or prop.get("items", {}).get("anyOf") or []
            if choices:
                labels = " / ".join(str(c["title"]) for c in choices)
                value = self.user.answer(
                    key,
                    kind=prop["type"],
                    options=[c["const"] for c in choices],
                    multiple=prop["type"] == "array",
                )
                self.transcript.line(f"    {title} ({labels}): the user picks {value}")
            else:
                value = self.user.answer(key, kind=prop["type"], format=prop.get("format"))
                if prop["type"] in ("number", "integer"):
                    value = int(value)
                self.transcript.line(f"    {title}: the user types {value}")
            content[key] = value
        return types.ElicitResult(action="accept", content=content)


def _error_of(result: types.CallToolResult) -> JSON:
    text = "".join(c.text for c in result.content if isinstance(c, types.TextContent))
    try:
        error = json.loads(text)["error"]
    except (ValueError, KeyError, TypeError):
        return {"type": "unreadable", "message": text}
    return error if isinstance(error, dict) else {"type": "unreadable", "message": text}
