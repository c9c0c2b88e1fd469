"""Cold start over stdio: from spawning the server process to its first `tools/list` answer.

Rounds alternate the implementations so a noisy neighbour hits each alike.
"""

from __future__ import annotations

import os
import time

from mcp import Client

from musement_mcp.sandbox import SandboxServer

from .clients import client_mode
from .config import BenchConfig
from .implementations import Implementation
from .processes import stdio_transport
from .stats import Summary
from .workload import musement_config


async def measure_cold_start(
    sandbox: SandboxServer, impls: list[Implementation], bench: BenchConfig
) -> dict[str, dict[str, Summary]]:
    """{impl: {era: spawn-to-first-tools/list in ms}}; the handshake or discover included."""
    config = musement_config(sandbox)
    samples: dict[str, dict[str, list[float]]] = {i.name: {} for i in impls}
    with open(os.devnull, "w") as errlog:
        for repeat in range(bench.cold_starts):
            for era in bench.cold_start_eras:
                for impl in impls if repeat % 2 == 0 else impls[::-1]:
                    started = time.perf_counter()
                    transport = stdio_transport(impl.command(config), errlog)
                    async with Client(transport, mode=client_mode(era)) as client:
                        tools = await client.list_tools()
                        elapsed = (time.perf_counter() - started) * 1000
                    names = {tool.name for tool in tools.tools}
                    if not {"get_customer_schema", "update_cart_customer"} <= names:
                        raise RuntimeError(f"{impl.name} did not list the two benchmarked tools")
                    samples[impl.name].setdefault(era, []).append(elapsed)
    return {
        name: {era: Summary.of(values) for era, values in by_era.items()}
        for name, by_era in samples.items()
    }
