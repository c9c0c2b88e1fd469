"""Issue 25, piece 1: `server/stdio_pipes.py` (stdin and stdout on the event loop) against the
SDK's own stdio transport (a worker thread per read and write), over real stdio subprocesses.

Both servers are started the same way (`bench.variant_server`, the SDK's transport with
`--sdk-stdio`) and connected at once; small calls are then timed in interleaved, shuffled
rounds, as `bench.latency` does: `prompts/list` (the transport and the SDK's dispatch, a
small answer, no upstream request; the client's cache bypassed; `ping` is gone from the
2026-07-28 era) and a warm `update_cart_customer` (each server its own fresh cart). The
server's CPU time per call comes from /proc, read around each route's share of a round and
summed over the rounds.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp import Client

from musement_mcp.sandbox import SandboxServer

from .clients import call, client_mode
from .config import BenchConfig
from .implementations import OURS, variant_command
from .processes import stdio_transport
from .procinfo import cpu_seconds
from .stats import Summary
from .variant_server import SDK_STDIO
from .workload import CUSTOMER, make_carts, musement_config

VARIANTS = {"pipes": [], "sdk": [SDK_STDIO]}  # with stdio_pipes, without (the SDK's default)
CALLS = ("prompts/list", "update_cart_customer")


@dataclass
class _Route:
    label: str
    pid: int | None
    calls: dict[str, Callable[[], Awaitable[Any]]]
    samples: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # CPU seconds per round


def _children() -> set[int]:
    found = set()
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            found.update(int(pid) for pid in children.read_text().split())
        except OSError:
            continue
    return found


async def measure_stdio_pipes(sandbox: SandboxServer, bench: BenchConfig) -> dict[str, Any]:
    """{"routes": {variant/era: {call: Summary dict, "cpu_ms_per_call": {call: ms}}},
    "ratios": {era: {call: sdk p50 / pipes p50}}}."""
    labels = [(v, e) for v in VARIANTS for e in bench.stdio_pipes_eras]
    carts = iter(make_carts(sandbox, len(labels)))
    routes: list[_Route] = []
    async with AsyncExitStack() as stack:
        errlog = stack.enter_context(open(os.devnull, "w"))
        for variant, era in labels:
            before = _children()
            command = variant_command(musement_config(sandbox), VARIANTS[variant])
            transport = stdio_transport(command, errlog)
            client = await stack.enter_async_context(Client(transport, mode=client_mode(era)))
            spawned = _children() - before
            update = OURS.update_call(next(carts), CUSTOMER)
            routes.append(
                _Route(
                    f"{variant}/{era}",
                    spawned.pop() if len(spawned) == 1 else None,
                    {
                        "prompts/list": lambda c=client: c.list_prompts(cache_mode="bypass"),
                        "update_cart_customer": lambda c=client, u=update: call(c, u),
                    },
                )
            )
        for route in routes:
            for name, make_call in route.calls.items():
                for _ in range(bench.warmup_calls):
                    await make_call()
                route.samples[name], route.cpu[name] = [], []
        rng = random.Random(25)
        for _ in range(bench.rounds):
            rng.shuffle(routes)
            for route in routes:
                for name, make_call in route.calls.items():
                    cpu_before = cpu_seconds(route.pid) if route.pid else None
                    samples = route.samples[name]
                    for _ in range(bench.calls_per_round):
                        started = time.perf_counter()
                        await make_call()
                        samples.append((time.perf_counter() - started) * 1000)
                    cpu_after = cpu_seconds(route.pid) if route.pid else None
                    if cpu_before is not None and cpu_after is not None:
                        route.cpu[name].append(cpu_after - cpu_before)
    measured: dict[str, Any] = {}
    for route in sorted(routes, key=lambda r: r.label):
        entry: dict[str, Any] = {n: Summary.of(s).as_dict() for n, s in route.samples.items()}
        # Summed over the rounds (the clock ticks in 10 ms): CPU ms per call.
        entry["cpu_ms_per_call"] = {
            n: round(sum(c) * 1000 / (len(c) * bench.calls_per_round), 3) if c else None
            for n, c in route.cpu.items()
        }
        measured[route.label] = entry
    ratios = {
        era: {
            name: round(
                measured[f"sdk/{era}"][name]["p50"] / measured[f"pipes/{era}"][name]["p50"], 3
            )
            for name in CALLS
        }
        for era in bench.stdio_pipes_eras
    }
    return {"routes": measured, "ratios": ratios}
