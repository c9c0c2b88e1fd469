"""`python -m bench.profile`: where the time goes, with pyinstrument (from the `bench` extra).

Writes text call trees (percent of total time) to bench/out/profile/:
- inprocess-<tool>-<era>.txt: N calls through an in-process `mcp.Client` (client and server
  in one event loop; the sandbox runs in its own thread and is not sampled);
- stdio-server-update.txt: the stdio server process itself, sampled by pyinstrument while a
  client makes N updates (start-up included; the raw session is kept beside it);
- large-validate.txt, large-compile.txt: the schema compiler on the 100 x 10 cart;
- importtime.txt: `python -X importtime` of the server's start-up imports, slowest first.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import anyio
from mcp import Client

from musement_mcp.sandbox import SandboxServer
from musement_mcp.tools import compile_schema

from .clients import Route, call, client_mode, connect
from .config import BOTH_ERAS, ERA_2026_07_28
from .implementations import OURS, REPO_ROOT
from .large_schema import large_schema, valid_customer
from .processes import child_env, stdio_transport
from .workload import CUSTOMER, SCHEMA_CART, make_carts, musement_config

OUT = Path(__file__).resolve().parent / "out" / "profile"
INTERVAL = 0.0005  # seconds between samples


def _profiler(async_mode: str = "disabled") -> Any:
    from pyinstrument import Profiler

    return Profiler(interval=INTERVAL, async_mode=async_mode)


def _write(path: Path, profiler: Any) -> None:
    """The call tree, in percent of the total time."""
    _write_session(path, profiler.last_session)


def _write_session(path: Path, session: Any) -> None:
    from pyinstrument.renderers import ConsoleRenderer

    renderer = ConsoleRenderer(unicode=False, color=False, time="percent_of_total")
    path.write_text(renderer.render(session))


def _profile(path: Path, work: Callable[[], object]) -> None:
    profiler = _profiler()
    with profiler:
        work()
    _write(path, profiler)


async def _inprocess(sandbox: SandboxServer, tool: str, era: str, calls: int) -> None:
    config = musement_config(sandbox)
    [cart] = make_carts(sandbox, 1)
    if tool == "update":
        tool_call = OURS.update_call(cart, CUSTOMER)
    else:
        tool_call = OURS.schema_call(SCHEMA_CART)
    async with AsyncExitStack() as stack:
        client = await connect(stack, Route(OURS, "inprocess", era), config)
        for _ in range(20):  # warm: schema cache, tools/list for the output schema
            await call(client, tool_call)
        profiler = _profiler(async_mode="enabled")
        with profiler:
            for _ in range(calls):
                await call(client, tool_call)
    _write(OUT / f"inprocess-{tool}-{era}.txt", profiler)


async def _stdio_server(sandbox: SandboxServer, calls: int) -> None:
    config = musement_config(sandbox)
    [cart] = make_carts(sandbox, 1)
    output = OUT / "stdio-server-update.pyisession"
    command = [sys.executable, "-m", "pyinstrument", f"--interval={INTERVAL}", "-r", "session"]
    command += ["-o", str(output), *OURS.command(config)[1:]]
    with open(os.devnull, "w") as errlog:
        async with Client(
            stdio_transport(command, errlog), mode=client_mode(ERA_2026_07_28)
        ) as client:
            tool_call = OURS.update_call(cart, CUSTOMER)
            for _ in range(calls):
                await call(client, tool_call)
    # pyinstrument writes the session when the server exits on end of input.
    for _ in range(100):
        if output.exists() and output.stat().st_size:
            break
        await anyio.sleep(0.1)
    from pyinstrument.session import Session

    _write_session(OUT / "stdio-server-update.txt", Session.load(str(output)))


def _importtime() -> None:
    """What `serve` imports before it answers anything, slowest (cumulative) first."""
    script = "from musement_mcp.server import app, cli, logs, transports"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", script],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=REPO_ROOT,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        # "import time:  self [us] | cumulative | imported package"
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        rows.append((int(fields[1]), int(fields[0]), fields[2].rstrip()))
    rows.sort(reverse=True)
    lines = [f"{c / 1000:8.1f} ms cumulative {s / 1000:7.1f} ms self {n}" for c, s, n in rows]
    (OUT / "importtime.txt").write_text("\n".join(lines[:60]) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    raw = large_schema(title="profile")
    _profile(OUT / "large-compile.txt", lambda: compile_schema(raw))
    compiled = compile_schema(raw)
    customer = valid_customer()
    _profile(OUT / "large-validate.txt", lambda: [compiled.validate(customer) for _ in range(50)])
    _importtime()
    with SandboxServer() as sandbox:
        for tool in ("update", "schema"):
            for era in BOTH_ERAS:
                anyio.run(_inprocess, sandbox, tool, era, args.calls)
        anyio.run(_stdio_server, sandbox, args.calls)
    print(f"profiles in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
