"""Server subprocesses: Streamable HTTP servers we spawn, and stdio transports for `Client`."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mcp import StdioServerParameters
from mcp.client.stdio import stdio_client

from .implementations import REPO_ROOT

_START_TIMEOUT = 30.0


@dataclass(frozen=True)
class ServerProcess:
    pid: int
    url: str  # the MCP endpoint, http://127.0.0.1:PORT/mcp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env() -> dict[str, str]:
    """The environment with the repo root importable (for `python -m bench.peer_server`)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


@contextmanager
def http_server(command: list[str], port: int) -> Iterator[ServerProcess]:
    """Run `command` (serving HTTP on `port`) until the block ends; stderr goes to a temp file
    (never a pipe: a per-call log line would fill it and stall the server)."""
    with tempfile.TemporaryFile("w+") as errlog:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=errlog, env=child_env(), cwd=REPO_ROOT
        )
        try:
            _wait_for_port(process, port, errlog)
            yield ServerProcess(pid=process.pid, url=f"http://127.0.0.1:{port}/mcp")
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_port(process: subprocess.Popen[bytes], port: int, errlog: Any) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            errlog.seek(0)
            raise RuntimeError(f"server {process.args} did not start: {errlog.read()[-2000:]}")
        time.sleep(0.02)


def stdio_transport(command: list[str], errlog: Any, env: dict[str, str] | None = None) -> Any:
    """A `Client` target that spawns `command` and speaks MCP over its stdin/stdout
    (`env`: variables added to the child's environment)."""
    params = StdioServerParameters(
        command=command[0], args=command[1:], env={**child_env(), **(env or {})}, cwd=str(REPO_ROOT)
    )
    return stdio_client(params, errlog=errlog)
