"""Issue 25, piece 3: the early login (`tools.upstream.EarlyLogin`: a stdio server logs in to
Musement in a thread as the process starts, while the MCP stack is imported) against its
alternative, the login ahead the server begins when its session starts (`login_ahead` in the
app's lifespan, what remains if the thread goes; `bench.variant_server --no-early-login`).

The sandbox is the far-away Musement of `bench.wan`: it waits `wan_latency` (100 ms) before
each API request, /login included, and requires client credentials. Each repetition spawns a
fresh stdio server with the credentials, as an MCP client does, connects and at once calls
get_cart on a fresh two-item cart: the first call, the one a login in its way would slow.
Repetitions alternate the two servers (ABBA), so a noisy neighbour hits both alike. Reported
per era: spawn to connected, the first call, and spawn to the first call's answer (what the
user waits for), medians in ms and in round trips (ms / latency).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from mcp import Client

from musement_mcp.tools import MusementConfig

from .clients import ToolFailed, client_mode
from .config import BenchConfig
from .implementations import variant_command
from .processes import stdio_transport
from .stats import median
from .variant_server import NO_EARLY_LOGIN
from .wan import CLIENT_ID, CLIENT_SECRET, two_item_cart, wan_sandbox
from .workload import APPLICATION

VARIANTS = {"early_login": [], "login_at_session": [NO_EARLY_LOGIN]}
CREDENTIALS = {"MUSEMENT_CLIENT_ID": CLIENT_ID, "MUSEMENT_CLIENT_SECRET": CLIENT_SECRET}
MEASURES = ("connected_ms", "first_call_ms", "spawn_to_answer_ms")


async def _one(command: list[str], era: str, cart: str, errlog: Any) -> dict[str, float]:
    started = time.perf_counter()
    async with Client(
        stdio_transport(command, errlog, env=CREDENTIALS), mode=client_mode(era)
    ) as client:
        connected = time.perf_counter()
        result = await client.call_tool("get_cart", {"cart_uuid": cart})
        answered = time.perf_counter()
    if result.is_error:
        text = getattr(result.content[0], "text", "") if result.content else ""
        raise ToolFailed(f"get_cart failed: {str(text)[:300]}")
    return {
        "connected_ms": (connected - started) * 1000,
        "first_call_ms": (answered - connected) * 1000,
        "spawn_to_answer_ms": (answered - started) * 1000,
    }


async def measure_early_login(
    bench: BenchConfig, log: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """{"latency_ms", "repeats", "routes": {variant/era: {measure: median ms,
    "first_call_round_trips"}}, "saved_ms": {era: {measure: without - with}}}."""
    samples: dict[str, list[dict[str, float]]] = {
        f"{v}/{e}": [] for v in VARIANTS for e in bench.early_login_eras
    }
    order = list(VARIANTS)
    with wan_sandbox(bench.wan_latency) as sandbox, open(os.devnull, "w") as errlog:
        config = MusementConfig(base_url=sandbox.base_url, application=APPLICATION)
        for repeat in range(bench.early_login_repeats):
            for era in bench.early_login_eras:
                for variant in order if repeat % 2 == 0 else order[::-1]:
                    cart = two_item_cart(sandbox)
                    command = variant_command(config, VARIANTS[variant])
                    samples[f"{variant}/{era}"].append(await _one(command, era, cart, errlog))
        log(f"early login: {sum(map(len, samples.values()))} servers started")
    latency_ms = bench.wan_latency * 1000
    routes: dict[str, Any] = {}
    for label, runs in samples.items():
        entry = {m: round(median([r[m] for r in runs]), 1) for m in MEASURES}
        entry["first_call_round_trips"] = round(entry["first_call_ms"] / latency_ms, 2)
        routes[label] = entry
    saved = {
        era: {
            m: round(routes[f"login_at_session/{era}"][m] - routes[f"early_login/{era}"][m], 1)
            for m in MEASURES
        }
        for era in bench.early_login_eras
    }
    return {
        "latency_ms": latency_ms,
        "repeats": bench.early_login_repeats,
        "routes": routes,
        "saved_ms": saved,
    }
