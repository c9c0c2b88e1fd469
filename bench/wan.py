"""The whole customer step as an agent feels it, against a Musement that is far away.

The sandbox waits `latency` seconds before each API request (100 ms by default: a
realistic round trip to Musement from a European data centre), and requires a
login, as the real API does for partners with credentials. Each repetition starts a
fresh server (so its first call may have to log in), connects, and at once runs the
step on a fresh two-item cart, one item needing participants:

    get_cart, get_customer_schema, update_cart_customer,
    get_participants_schema, update_participants, get_cart (ready for the order)

with answers built from the tools' own field guides by the demo's scripted user.
Reported per era and transport: the step's wall time in round trips (wall / latency),
each tool's, and the upstream requests the sandbox received per step (login
included). Only ours runs it: the peer has no such tools.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2
from mcp import Client

from musement_mcp.demo.script import ScriptedUser
from musement_mcp.sandbox import (
    PARTICIPANTS_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    SandboxServer,
    product_id_of,
)
from musement_mcp.server import build_server, load_settings
from musement_mcp.tools import MusementConfig

from .clients import ToolFailed, client_mode
from .implementations import OURS
from .processes import stdio_transport
from .stats import median
from .workload import APPLICATION

STEP = (
    "get_cart",
    "get_customer_schema",
    "update_cart_customer",
    "get_participants_schema",
    "update_participants",
    "get_cart (again)",
)
CLIENT_ID = "bench-partner"
CLIENT_SECRET = "bench-partner-secret-of-32-characters"
USER = ScriptedUser()


@dataclass
class StepTimes:
    """One run of the step: seconds per tool call and in all, upstream requests."""

    seconds: dict[str, float] = field(default_factory=dict)
    upstream_requests: int = 0

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def wan_sandbox(latency: float) -> SandboxServer:
    return SandboxServer(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, latency=latency)


def two_item_cart(sandbox: SandboxServer) -> str:
    """A fresh cart: a tour for two that needs participants, and museum tickets that do not.
    Made over the sandbox's HTTP API with a token of its own, its latency paid here."""
    items = [(PARTICIPANTS_ACTIVITY_UUID, 2), (VATICAN_MUSEUMS_UUID, 1)]
    headers = {"X-Musement-Application": APPLICATION, "X-Musement-Version": "3.4.0"}
    with httpx2.Client(base_url=sandbox.base_url + "/", headers=headers) as http:
        login = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "client_credentials",
        }
        token = http.post("login", json=login).raise_for_status().json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        cart = str(http.post("carts").raise_for_status().json()["uuid"])
        for activity, quantity in items:
            body = [
                {
                    "type": "musement",
                    "product_identifier": product_id_of(activity),
                    "quantity": quantity,
                }
            ]
            http.post(f"carts/{cart}/items", json=body).raise_for_status()
    return cart


@asynccontextmanager
async def connected(sandbox: SandboxServer, transport: str, era: str) -> AsyncIterator[Client]:
    """A fresh server (in-process, or a stdio child) with the partner's credentials."""
    async with AsyncExitStack() as stack:
        target: Any
        if transport == "inprocess":
            target = build_server(
                load_settings(
                    base_url=sandbox.base_url,
                    application=APPLICATION,
                    client_id=CLIENT_ID,
                    client_secret=CLIENT_SECRET,
                )
            )
        elif transport == "stdio":
            errlog = stack.enter_context(open(os.devnull, "w"))
            command = OURS.command(
                MusementConfig(base_url=sandbox.base_url, application=APPLICATION)
            )
            credentials = {"MUSEMENT_CLIENT_ID": CLIENT_ID, "MUSEMENT_CLIENT_SECRET": CLIENT_SECRET}
            target = stdio_transport(command, errlog, env=credentials)
        else:
            raise ValueError(f"unknown transport {transport!r}")
        yield await stack.enter_async_context(Client(target, mode=client_mode(era)))


async def run_step(client: Client, sandbox: SandboxServer, cart: str, before: int) -> StepTimes:
    """The step on `cart`; upstream requests counted from the `before`-th (the login ahead
    included)."""
    times = StepTimes()

    async def call(label: str, arguments: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        result = await client.call_tool(label.split(" ")[0], arguments)
        times.seconds[label] = time.perf_counter() - started
        if result.is_error or not isinstance(result.structured_content, dict):
            text = getattr(result.content[0], "text", "") if result.content else ""
            raise ToolFailed(f"{label} failed: {str(text)[:300]}")
        return result.structured_content

    ids = {"cart_uuid": cart}
    overview = await call("get_cart", ids)
    customer = USER.customer(await call("get_customer_schema", ids))
    await call("update_cart_customer", {**ids, "customer": customer})
    [needing] = [item for item in overview["items"] if item.get("participants_missing")]
    item = {**ids, "cart_item_uuid": needing["cart_item_uuid"]}
    people = USER.participants(await call("get_participants_schema", item))
    await call("update_participants", {**item, "participants": people})
    final = await call("get_cart (again)", ids)
    if not final["ready_for_order"]:
        raise ToolFailed(f"the step did not complete the cart: {final['missing']}")
    times.upstream_requests = len(sandbox.recorder) - before
    return times


async def measure_wan(
    *,
    latency: float,
    repeats: int,
    eras: tuple[str, ...],
    transports: tuple[str, ...],
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """{"latency_ms", "routes": {transport/era: {round trips, per tool, requests}}}."""
    runs: dict[str, list[StepTimes]] = {f"{t}/{e}": [] for t in transports for e in eras}
    with wan_sandbox(latency) as sandbox:
        for _ in range(repeats):
            for transport in transports:
                for era in eras:
                    cart = two_item_cart(sandbox)
                    # Requests counted from before the server starts: its login is part of
                    # the step; time from the connection on (a client connects, then calls).
                    before = len(sandbox.recorder)
                    async with connected(sandbox, transport, era) as client:
                        step = await run_step(client, sandbox, cart, before)
                        runs[f"{transport}/{era}"].append(step)
            log(f"wan: {sum(map(len, runs.values()))} steps done")
    return {
        "latency_ms": latency * 1000,
        "repeats": repeats,
        "routes": {label: _summary(samples, latency) for label, samples in runs.items()},
    }


def _summary(samples: list[StepTimes], latency: float) -> dict[str, Any]:
    return {
        "step_round_trips": round(median([s.total for s in samples]) / latency, 2),
        "step_ms": round(median([s.total for s in samples]) * 1000, 1),
        "upstream_requests": median([s.upstream_requests for s in samples]),
        "tools_round_trips": {
            label: round(median([s.seconds[label] for s in samples]) / latency, 2) for label in STEP
        },
    }
