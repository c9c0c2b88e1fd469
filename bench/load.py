"""A closed-loop load generator: N MCP clients over Streamable HTTP, each calling
`update_cart_customer` back to back. Run as `python -m bench.load ...` (its own process, so
it never shares a GIL with the sandbox); prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass

import anyio
from mcp import Client

from .clients import call, client_mode
from .config import BOTH_ERAS
from .implementations import ToolCall, by_name
from .procinfo import cpu_seconds
from .workload import CUSTOMER


@dataclass
class LoadResult:
    clients: int
    calls: int
    errors: int
    seconds: float
    calls_per_s: float
    server_cpu_ms_per_call: float | None
    first_error: str | None = None


async def run_load(
    url: str,
    era: str,
    calls: list[ToolCall],
    *,
    clients: int,
    seconds: float,
    warmup_seconds: float,
    server_pid: int | None = None,
) -> LoadResult:
    """Connect `clients` clients, run `warmup_seconds` uncounted, then count `seconds`."""
    done = 0
    errors = 0
    first_error: str | None = None
    counting = False

    async def worker(client: Client, tool_call: ToolCall, stop_at: float) -> None:
        nonlocal done, errors, first_error
        while time.perf_counter() < stop_at:
            try:
                await call(client, tool_call)
            except Exception as exc:  # counted, never hidden: the report requires zero
                if counting:
                    errors += 1
                    first_error = first_error or f"{type(exc).__name__}: {exc}"[:300]
                continue
            if counting:
                done += 1

    async with AsyncExitStack() as stack:
        connected = []
        for _ in range(clients):
            connected.append(await stack.enter_async_context(Client(url, mode=client_mode(era))))
        started = time.perf_counter()
        measure_from = started + warmup_seconds
        stop_at = measure_from + seconds
        async with anyio.create_task_group() as tasks:
            for index, client in enumerate(connected):
                tasks.start_soon(worker, client, calls[index % len(calls)], stop_at)
            await anyio.sleep_until(measure_from)
            counting = True
            cpu_before = cpu_seconds(server_pid) if server_pid else None
            window_start = time.perf_counter()
        # Workers finish their last call after stop_at; count the real window.
        elapsed = time.perf_counter() - window_start
        cpu_after = cpu_seconds(server_pid) if server_pid else None
    cpu_ms = None
    if cpu_before is not None and cpu_after is not None and done:
        cpu_ms = (cpu_after - cpu_before) * 1000 / done
    return LoadResult(
        clients=clients,
        calls=done,
        errors=errors,
        seconds=round(elapsed, 3),
        calls_per_s=round(done / elapsed, 2),
        server_cpu_ms_per_call=None if cpu_ms is None else round(cpu_ms, 3),
        first_error=first_error,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--url", required=True)
    parser.add_argument("--impl", required=True, choices=["ours", "peer"])
    parser.add_argument("--era", required=True, choices=BOTH_ERAS)
    parser.add_argument("--carts", required=True, help="comma-separated cart UUIDs")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--warmup-seconds", type=float, default=1.0)
    parser.add_argument("--server-pid", type=int)
    args = parser.parse_args(argv)
    impl = by_name(args.impl)
    calls = [impl.update_call(cart, CUSTOMER) for cart in args.carts.split(",")]
    result = anyio.run(
        lambda: run_load(
            args.url,
            args.era,
            calls,
            clients=args.clients,
            seconds=args.seconds,
            warmup_seconds=args.warmup_seconds,
            server_pid=args.server_pid,
        )
    )
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
