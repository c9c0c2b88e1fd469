"""A bounded mixed load over Streamable HTTP, checked call by call.

Each simulated client owns a cart and makes a fixed number of calls: schema
reads, valid and invalid updates, a missing cart and the locked cart. Every
answer must be the right one for that client's own cart (no cross-talk), and
afterwards every cart must hold exactly the last customer its client sent.

    python -m tests.support.load --clients 64 --calls 40      # the full run (prints JSON)

The test suite runs a smaller one (tests/e2e/test_load.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
from mcp import Client

from musement_mcp.sandbox import (
    LOCKED_CART_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    SandboxServer,
    product_id_of,
)
from tests.support.common import ERA_2026_07_28, HANDSHAKE_ERA, client_mode

from .processes import serve_http

APPLICATION = "musement-mcp-load"
MISSING_CART = "00000000-0000-4000-8000-00000000dead"


@dataclass
class LoadReport:
    clients: int
    calls: int = 0
    wrong_answers: list[str] = field(default_factory=list)
    protocol_errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    lost_updates: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rss_before_kb: int | None = None
    rss_after_kb: int | None = None

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms) or [0.0]
        return {
            "clients": self.clients,
            "calls": self.calls,
            "protocol_errors": len(self.protocol_errors),
            "wrong_answers": len(self.wrong_answers),
            "lost_updates": len(self.lost_updates),
            "seconds": round(self.seconds, 2),
            "calls_per_second": round(self.calls / self.seconds, 1) if self.seconds else None,
            "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
            "server_rss_mb_before": megabytes(self.rss_before_kb),
            "server_rss_mb_after": megabytes(self.rss_after_kb),
        }


def megabytes(kb: int | None) -> float | None:
    return round(kb / 1024, 1) if kb else None


def rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def make_carts(sandbox: SandboxServer, count: int) -> list[str]:
    headers = {"X-Musement-Application": APPLICATION}
    carts = []
    with httpx2.Client(base_url=sandbox.base_url + "/", headers=headers) as http:
        for index in range(count):
            cart = http.post("carts").raise_for_status().json()["uuid"]
            if index % 2:  # half of the carts ask for extra customer data
                items = [
                    {
                        "type": "musement",
                        "product_identifier": product_id_of(SANDBOX_TEST_ACTIVITY_UUID),
                        "quantity": 1,
                    }
                ]
                http.post(f"carts/{cart}/items", json=items).raise_for_status()
            carts.append(cart)
    return carts


def customer_for(client: int, call: int, extra: bool) -> dict[str, Any]:
    """A customer unique to this client and call, so a mix-up cannot go unnoticed."""
    customer: dict[str, Any] = {
        "firstname": f"Client{client}",
        "lastname": f"Call{call}",
        "email": f"client{client}.call{call}@example.org",
        "musement_newsletter": "NO",
        "allow_profiling": "YES" if call % 2 else "NO",
        "thirdparty_newsletter": "NO",
        "events_related_newsletter": "NO",
    }
    if extra:
        customer["extra_customer_data"] = {
            SANDBOX_TEST_ACTIVITY_UUID: {
                "phone_number": f"555{client:03d}{call:04d}",
                "s_74380": f"Hotel {client}-{call}",
            }
        }
    return customer


async def run_client(
    url: str, index: int, cart: str, calls: int, report: LoadReport, last_sent: dict[str, Any]
) -> None:
    extra = bool(index % 2)
    async with Client(
        url, mode=client_mode(ERA_2026_07_28 if index % 3 else HANDSHAKE_ERA)
    ) as client:
        for call in range(calls):
            kind = call % 5
            if kind == 0:
                tool, args, expect = "get_customer_schema", {"cart_uuid": cart}, "ok"
            elif kind in (1, 3):
                sent = customer_for(index, call, extra)
                tool, args, expect = (
                    "update_cart_customer",
                    {"cart_uuid": cart, "customer": sent},
                    "ok",
                )
            elif kind == 2:
                bad = {**customer_for(index, call, extra), "email": "not-an-email"}
                tool, args = "update_cart_customer", {"cart_uuid": cart, "customer": bad}
                expect = "validation_failed"
            elif call % 2:
                tool, args, expect = (
                    "get_customer_schema",
                    {"cart_uuid": MISSING_CART},
                    "cart_not_found",
                )
            else:
                tool, args = (
                    "update_cart_customer",
                    {"cart_uuid": LOCKED_CART_UUID, "customer": {"lastname": "X"}, "partial": True},
                )
                expect = "cart_locked"
            started = time.perf_counter()
            try:
                result = await client.call_tool(tool, args)
            except Exception as exc:  # a protocol-level failure: counted, never hidden
                report.protocol_errors.append(f"client {index} call {call}: {exc!r}")
                continue
            report.latencies_ms.append((time.perf_counter() - started) * 1000)
            report.calls += 1
            got = json.loads(result.content[0].text)["error"]["type"] if result.is_error else "ok"
            if got != expect:
                report.wrong_answers.append(f"client {index} call {call}: {got} != {expect}")
            elif tool == "update_cart_customer" and got == "ok":
                stored = result.structured_content
                if stored["cart_uuid"] != cart or stored["customer"]["lastname"] != f"Call{call}":
                    report.wrong_answers.append(f"client {index} call {call}: cross-talk")
                last_sent[cart] = args["customer"]
            elif tool == "get_customer_schema" and expect == "ok":
                # Odd clients' carts ask for extra customer data (make_carts): another
                # client's schema would say otherwise.
                fields = result.structured_content["fields"]
                asks_extra = any(f["path"].startswith("extra_customer_data.") for f in fields)
                if asks_extra != bool(index % 2):
                    report.wrong_answers.append(f"client {index} call {call}: cross-talk")


async def run_load(
    url: str, sandbox: SandboxServer, clients: int, calls: int, server_pid: int | None = None
) -> LoadReport:
    carts = make_carts(sandbox, clients)
    report = LoadReport(clients=clients)
    last_sent: dict[str, Any] = {}
    if server_pid:
        report.rss_before_kb = rss_kb(server_pid)
    started = time.perf_counter()
    async with anyio.create_task_group() as group:
        for index, cart in enumerate(carts):
            group.start_soon(run_client, url, index, cart, calls, report, last_sent)
    report.seconds = time.perf_counter() - started
    if server_pid:
        report.rss_after_kb = rss_kb(server_pid)
    for cart, sent in last_sent.items():
        stored = sandbox.state.carts[cart].customer
        for key, value in sent.items():
            if key == "extra_customer_data":
                answers = stored[key][SANDBOX_TEST_ACTIVITY_UUID]
                expected = value[SANDBOX_TEST_ACTIVITY_UUID]
                if (
                    str(answers["phone_number"]) != expected["phone_number"].lstrip("0")
                    or answers["s_74380"] != expected["s_74380"]
                ):
                    report.lost_updates.append(f"{cart}: {key}")
            elif stored.get(key) != value:
                report.lost_updates.append(f"{cart}: {key}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--stateless", action="store_true")
    args = parser.parse_args()

    with SandboxServer() as sandbox:
        extra = ["--stateless"] if args.stateless else []
        with serve_http(sandbox, *extra, env={"MUSEMENT_LOG_LEVEL": "WARNING"}) as (url, proc):
            report = anyio.run(run_load, url + "/mcp", sandbox, args.clients, args.calls, proc.pid)
    print(json.dumps(report.summary(), indent=2))
    for problem in (report.protocol_errors + report.wrong_answers + report.lost_updates)[:20]:
        print(problem)


if __name__ == "__main__":
    main()
