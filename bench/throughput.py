"""Throughput over Streamable HTTP at several client counts, and the servers' memory.

One fresh HTTP server process per implementation, all started up front; each one's idle RSS
is read before any call. Then, for each era and client count, `throughput_repeats` rounds
that alternate the implementations, each a separate load-generator process (`bench.load`);
the median round is reported, so a noisy neighbour hits both alike. Finally each server's RSS
and peak RSS (VmHWM) after all that load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import asdict
from typing import Any

from musement_mcp.sandbox import SandboxServer

from .config import BenchConfig
from .implementations import REPO_ROOT, Implementation
from .processes import ServerProcess, child_env, free_port, http_server
from .procinfo import memory
from .stats import median
from .workload import make_carts, musement_config


def measure_throughput(
    sandbox: SandboxServer, impls: list[Implementation], bench: BenchConfig
) -> dict[str, dict[str, Any]]:
    """{impl: {idle_memory, after_load_memory, runs: {era: [one entry per client count]}}}."""
    config = musement_config(sandbox)
    carts = make_carts(sandbox, max(bench.concurrency))
    results: dict[str, dict[str, Any]] = {}
    with ExitStack() as stack:
        servers: dict[str, ServerProcess] = {}
        for impl in impls:
            port = free_port()
            servers[impl.name] = stack.enter_context(
                http_server(impl.command(config, http_port=port), port)
            )
            idle = memory(servers[impl.name].pid)
            results[impl.name] = {"idle_memory": asdict(idle) if idle else None, "runs": {}}
        for era in bench.throughput_eras:
            for clients in bench.concurrency:
                rounds: dict[str, list[dict[str, Any]]] = {impl.name: [] for impl in impls}
                for repeat in range(bench.throughput_repeats):
                    order = impls if repeat % 2 == 0 else impls[::-1]
                    for impl in order:
                        run = _load(servers[impl.name], impl, era, carts[:clients], bench)
                        rounds[impl.name].append(run)
                for impl in impls:
                    runs = results[impl.name]["runs"].setdefault(era, [])
                    runs.append(_median_round(clients, rounds[impl.name]))
        for impl in impls:
            after = memory(servers[impl.name].pid)
            results[impl.name]["after_load_memory"] = asdict(after) if after else None
    return results


def _median_round(clients: int, rounds: list[dict[str, Any]]) -> dict[str, Any]:
    cpu = [r["server_cpu_ms_per_call"] for r in rounds if r["server_cpu_ms_per_call"]]
    return {
        "clients": clients,
        "calls_per_s": round(median([r["calls_per_s"] for r in rounds]), 2),
        "calls_per_s_rounds": [r["calls_per_s"] for r in rounds],
        "calls": sum(r["calls"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "first_error": next((r["first_error"] for r in rounds if r["first_error"]), None),
        "server_cpu_ms_per_call": round(median(cpu), 3) if cpu else None,
    }


def _load(
    server: ServerProcess, impl: Implementation, era: str, carts: list[str], bench: BenchConfig
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.load",
        f"--url={server.url}",
        f"--impl={impl.name}",
        f"--era={era}",
        f"--carts={','.join(carts)}",
        f"--clients={len(carts)}",
        f"--seconds={bench.throughput_seconds}",
        f"--warmup-seconds={bench.throughput_warmup_seconds}",
        f"--server-pid={server.pid}",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, env=child_env(), cwd=REPO_ROOT, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
