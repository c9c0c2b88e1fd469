"""Per-call latency of both tools: the floor and every (implementation, transport, era).

All routes are connected at once and measured in interleaved rounds (shuffled order, fixed
seed), so a noisy neighbour on the shared machine hits every route alike. Each route gets its
own fresh cart to update; its first calls (warm-up, discarded) fill the schema cache.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass

from musement_mcp.sandbox import SandboxServer

from .clients import Route, call, connect
from .config import BOTH_ERAS, BenchConfig
from .floor import Floor
from .implementations import Implementation
from .processes import free_port, http_server
from .stats import Summary
from .workload import CUSTOMER, SCHEMA_CART, make_carts, musement_config

SCHEMA_TOOL = "get_customer_schema"
UPDATE_TOOL = "update_cart_customer"
FLOOR_LABEL = "floor/direct-http"


@dataclass
class _Measured:
    label: str
    calls: dict[str, Callable[[], Awaitable[object]]]
    samples: dict[str, list[float]]


async def measure_latency(
    sandbox: SandboxServer,
    impls: list[Implementation],
    bench: BenchConfig,
    *,
    transports: tuple[str, ...] = ("inprocess", "stdio", "http"),
    eras: tuple[str, ...] = BOTH_ERAS,
) -> dict[str, dict[str, Summary]]:
    """{route label: {tool: latency summary in ms}}, the floor under `FLOOR_LABEL`."""
    config = musement_config(sandbox)
    routes = [Route(impl, t, e) for impl in impls for t in transports for e in eras]
    carts = iter(make_carts(sandbox, len(routes) + 1))
    async with AsyncExitStack() as stack:
        errlog = stack.enter_context(open(os.devnull, "w"))
        http_urls = {}
        if "http" in transports:
            for impl in impls:
                port = free_port()
                command = impl.command(config, http_port=port)
                process = stack.enter_context(http_server(command, port))
                http_urls[impl.name] = process.url
        floor = await stack.enter_async_context(Floor(config))
        floor_cart = next(carts)
        measured = [
            _Measured(
                FLOOR_LABEL,
                {
                    SCHEMA_TOOL: lambda: floor.get_schema(SCHEMA_CART),
                    UPDATE_TOOL: lambda: floor.put_customer(floor_cart, CUSTOMER),
                },
                {},
            )
        ]
        for route in routes:
            client = await connect(stack, route, config, http_urls=http_urls, errlog=errlog)
            schema_call = route.impl.schema_call(SCHEMA_CART)
            update_call = route.impl.update_call(next(carts), CUSTOMER)
            measured.append(
                _Measured(
                    route.label,
                    {
                        SCHEMA_TOOL: lambda c=client, s=schema_call: call(c, s),
                        UPDATE_TOOL: lambda c=client, u=update_call: call(c, u),
                    },
                    {},
                )
            )
        for item in measured:
            for tool, make_call in item.calls.items():
                for _ in range(bench.warmup_calls):
                    await make_call()
                item.samples[tool] = []
        rng = random.Random(9)
        for _ in range(bench.rounds):
            rng.shuffle(measured)
            for item in measured:
                for tool, make_call in item.calls.items():
                    samples = item.samples[tool]
                    for _ in range(bench.calls_per_round):
                        started = time.perf_counter()
                        await make_call()
                        samples.append((time.perf_counter() - started) * 1000)
    return {
        item.label: {tool: Summary.of(s) for tool, s in item.samples.items()}
        for item in sorted(measured, key=lambda m: m.label)
    }
