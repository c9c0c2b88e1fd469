"""The README's client guides, run as written (issue 19).

Every block marked `<!-- guide: NAME -->` in README.md (or docs/) is run here with only its
placeholders filled in: `/path/to/musement-mcp` with this checkout, `https://mcp.example.com/mcp`
and `<token>` with a local Streamable HTTP server and its bearer token, `CART_UUID` with a seeded
sandbox cart. The guides' credentials (`your-client-id`, `your-client-secret`) are kept: the
sandbox requires exactly those.

`uvx --from /path/to/musement-mcp musement-mcp` runs the real uvx on this checkout, through a
stand-in first on PATH that only adds `--base-url` of the test's sandbox (not to `--sandbox`)
and a uv cache for the run; `npx` runs the Inspector and mcp-remote pinned in tests/node;
`claude` and `gemini` are the CLIs pinned there (tests/support/guides.py). Any other use of
those names fails.

- Shell blocks (Claude Code, Gemini CLI, Inspector, curl) run in `sh -e` exactly as written;
  the CLIs' own checks (`claude mcp list`/`get`, `gemini mcp list`) must report the server
  connected, and the configuration they wrote is then started by the harness.
- JSON blocks (Claude Desktop, mcp-remote, VS Code, Cursor) are parsed and each server entry is
  started as its client documents it (`command`, `args`, `env`, or `url` and `headers`; VS
  Code's `${input:…}` answered, Cursor's `${env:…}` read from the environment) by a harness on
  the Python SDK client, which lists the tools and calls get_cart.

Every client gets a HOME of the test's own (Claude Code also CLAUDE_CONFIG_DIR), so nothing
reads or writes the real user's configuration; no client needs an API key or a model here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from musement_mcp.sandbox import (
    BASE_CART_UUID,
    PARTICIPANTS_CART_UUID,
    ROME_GUIDED_TOUR_UUID,
    SandboxServer,
)
from tests.support.common import REPO_ROOT
from tests.support.guides import (
    CLIENT_ID,
    CLIENT_SECRET,
    INSPECTOR_SPEC,
    MCP_REMOTE_SPEC,
    Seen,
    client_env,
    fill,
    guide,
    guides,
    json_values,
    real_uvx,
    start_entry,
    substitute,
    write_shims,
)
from tests.support.node import find_node
from tests.support.processes import serve_http
from tests.support.snapshots import tool_snapshots

TOKEN = "guide-test-token-0f3a9c2e7b1d4f6a8e0c3b5d7f9a1c2e"
WRONG_TOKEN = "not-the-token"
# The most one CLI command of a guide may take: a safety net on a busy machine, not a budget.
CLI_TIMEOUT = 300

GUIDE_NAMES = {
    "claude-desktop",
    "claude-desktop-mcp-remote",
    "claude-code-stdio",
    "claude-code-http",
    "vscode",
    "cursor",
    "gemini-cli",
    "inspector",
    "curl",
    "sandbox-claude-desktop",
    "sandbox-vscode",
    "sandbox-claude-code",
    "sandbox-inspector",
    "sandbox-catalog-inspector",
}
# How a client shows the printed stdio command (the checkout's path filled in).
UVX_COMMAND = f"uvx --from {REPO_ROOT} musement-mcp"
UVX_ARGS = ["--from", str(REPO_ROOT), "musement-mcp"]
README_TEXT = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def tool_names() -> list[str]:
    return [t["name"] for t in tool_snapshots()]


def assert_seen(seen: Seen, cart: str = BASE_CART_UUID) -> None:
    assert seen.tools == tool_names()
    assert seen.cart["cart_uuid"] == cart
    assert seen.cart["items"], seen.cart


@pytest.fixture(scope="module")
def guide_sandbox() -> Iterator[SandboxServer]:
    """A sandbox that requires the guides' client credentials (`/login`)."""
    with SandboxServer(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def open_sandbox() -> Iterator[SandboxServer]:
    """A sandbox without login, for guides that set no credentials (the Inspector's)."""
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def remote(guide_sandbox: SandboxServer) -> Iterator[str]:
    """The deployment behind `https://mcp.example.com/mcp`: Streamable HTTP, bearer token."""
    env = {
        "MUSEMENT_HTTP_AUTH_TOKENS": TOKEN,
        "MUSEMENT_CLIENT_ID": CLIENT_ID,
        "MUSEMENT_CLIENT_SECRET": CLIENT_SECRET,
    }
    with serve_http(guide_sandbox, env=env) as (url, _):
        yield url + "/mcp"


@pytest.fixture(scope="module")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """uv's cache for the module, warmed: the checkout is built (and the dependencies fetched)
    once here, so no client's start-up timeout has to wait for a build."""
    cache = tmp_path_factory.mktemp("uv-cache")
    done = subprocess.run(
        [str(real_uvx()), *UVX_ARGS, "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "UV_CACHE_DIR": str(cache)},
        timeout=CLI_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    return cache


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The folder a user runs a CLI in."""
    path = tmp_path / "project"
    path.mkdir()
    return path


def shims_for(tmp_path: Path, sandbox: SandboxServer | None, uv_cache: Path) -> Path:
    """The stand-ins, `uvx` on `sandbox` (None: the guide brings its own, `--sandbox`). Only the
    Node ones need Node (the tests that use them take the `node` fixture, which skips without
    it)."""
    base_url = sandbox.base_url if sandbox else "http://127.0.0.1:9/api/v3"
    return write_shims(
        tmp_path / "bin", node=find_node() or "node", base_url=base_url, uv_cache=uv_cache
    )


def run_sh(text: str, *, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A guide's shell block, as written, in `sh -e`."""
    return subprocess.run(
        ["sh", "-ec", text],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=CLI_TIMEOUT,
    )


def run_cli(args: list[str], *, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, env=env, cwd=cwd, timeout=CLI_TIMEOUT
    )


def line_of(out: subprocess.CompletedProcess[str], start: str) -> str:
    """The line of `out`'s output that starts with `start` (a server's status line)."""
    lines = [line for line in out.stdout.splitlines() if line.startswith(start)]
    assert len(lines) == 1, f"no single line starting with {start!r}:\n{explain(out)}"
    return lines[0]


def explain(out: subprocess.CompletedProcess[str]) -> str:
    return f"exit {out.returncode}\nstdout:\n{out.stdout[-4000:]}\nstderr:\n{out.stderr[-4000:]}"


# --- The guides are in the text ------------------------------------------------------------


def test_every_guide_is_marked_and_every_marked_guide_is_run() -> None:
    """A guide that loses its marker (or block) fails here, and a new marked block needs a
    test: the names in the README and the ones this module runs are the same."""
    assert set(guides()) == GUIDE_NAMES


def test_json_guides_parse() -> None:
    for name in (
        "claude-desktop",
        "claude-desktop-mcp-remote",
        "vscode",
        "cursor",
        "sandbox-claude-desktop",
        "sandbox-vscode",
    ):
        block = guide(name)
        assert block.lang == "json", name
        json.loads(block.text)


def test_stdio_guides_run_the_checkout_as_printed() -> None:
    """Until a release is on PyPI, every stdio guide starts the package from a clone."""
    for found in guides().values():
        if "uvx" in found.text:
            assert "uvx musement-mcp" not in found.text, found.name
            assert "/path/to/musement-mcp" in found.text, found.name


def test_pinned_node_clients_are_the_ones_the_guides_name() -> None:
    """The guides pin a major (a minor below 1.0); the versions run here fall under it."""
    pinned = json.loads((REPO_ROOT / "tests/node/package.json").read_text())["dependencies"]
    for spec in (INSPECTOR_SPEC, MCP_REMOTE_SPEC):
        name, _, wanted = spec.rpartition("@")
        assert pinned[name] == wanted or pinned[name].startswith(wanted + "."), (spec, pinned)
        assert any(spec in g.text for g in guides().values()), spec
    # The Gemini CLI's install line (prose, not a guide block) names the tested minor.
    gemini = pinned["@google/gemini-cli"].rsplit(".", 1)[0]
    assert f"npm install -g @google/gemini-cli@{gemini}`" in README_TEXT


# --- JSON configurations, started as their clients do (Python SDK client) -------------------


def claude_desktop_env(shims: Path, home: Path) -> dict[str, str]:
    """Claude Desktop passes a server only a few variables (PATH, HOME...) besides `env`."""
    return client_env(shims, home)


@pytest.mark.process
def test_claude_desktop_config(guide_sandbox, tmp_path, uv_cache, home) -> None:
    config = json.loads(fill(guide("claude-desktop").text))
    entry = config["mcpServers"]["musement"]
    shims = shims_for(tmp_path, guide_sandbox, uv_cache)
    assert_seen(start_entry(entry, cart=BASE_CART_UUID, base_env=claude_desktop_env(shims, home)))


@pytest.mark.node
def test_claude_desktop_mcp_remote_bridge(
    node, guide_sandbox, remote, tmp_path, uv_cache, home
) -> None:
    """Claude Desktop starts `npx -y mcp-remote …` with `env`; mcp-remote itself replaces
    `${AUTH_HEADER}` in its arguments (Claude Desktop substitutes nothing)."""
    text = fill(guide("claude-desktop-mcp-remote").text, url=remote, token=TOKEN)
    entry = json.loads(text)["mcpServers"]["musement"]
    shims = shims_for(tmp_path, guide_sandbox, uv_cache)
    assert_seen(start_entry(entry, cart=BASE_CART_UUID, base_env=claude_desktop_env(shims, home)))


@pytest.mark.process
def test_vscode_config(guide_sandbox, remote, tmp_path, uv_cache, home) -> None:
    """`.vscode/mcp.json`: every `${input:ID}` is a declared promptString input, answered as the
    user would (the client secret, the server's token)."""
    config = json.loads(fill(guide("vscode").text, url=remote))
    declared = {i["id"]: i for i in config["inputs"]}
    assert all(i["type"] == "promptString" and i["password"] for i in declared.values())
    answers = {"musement-secret": CLIENT_SECRET, "musement-mcp-token": TOKEN}
    assert set(answers) == set(declared)
    servers = substitute(config["servers"], inputs=answers)
    shims = shims_for(tmp_path, guide_sandbox, uv_cache)
    base_env = client_env(shims, home)
    assert servers["musement"]["type"] == "stdio"
    assert_seen(start_entry(servers["musement"], cart=BASE_CART_UUID, base_env=base_env))
    assert servers["musementRemote"]["type"] == "http"
    assert_seen(start_entry(servers["musementRemote"], cart=BASE_CART_UUID, base_env=base_env))


@pytest.mark.process
def test_cursor_config(guide_sandbox, remote, tmp_path, uv_cache, home) -> None:
    """`~/.cursor/mcp.json`: `${env:NAME}` comes from the environment Cursor runs in."""
    config = json.loads(fill(guide("cursor").text, url=remote))
    cursor_env = {"MUSEMENT_CLIENT_SECRET": CLIENT_SECRET, "MUSEMENT_MCP_TOKEN": TOKEN}
    servers = substitute(config["mcpServers"], env=cursor_env)
    shims = shims_for(tmp_path, guide_sandbox, uv_cache)
    base_env = client_env(shims, home, **cursor_env)
    assert_seen(start_entry(servers["musement"], cart=BASE_CART_UUID, base_env=base_env))
    assert_seen(start_entry(servers["musement-remote"], cart=BASE_CART_UUID, base_env=base_env))


# --- Claude Code (npm @anthropic-ai/claude-code, pinned in tests/node) ----------------------


def claude_env(shims: Path, home: Path) -> dict[str, str]:
    """Claude Code with its configuration in the test's HOME, and no traffic but the server's
    (no telemetry, no auto-update, no error reporting); `claude mcp` needs no login."""
    return client_env(
        shims,
        home,
        CLAUDE_CONFIG_DIR=str(home / ".claude"),
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        DISABLE_AUTOUPDATER="1",
    )


def claude_stored(home: Path, project: Path) -> dict[str, dict]:
    """The servers `claude mcp add` stored for `project` (local scope)."""
    for path in (home / ".claude" / ".claude.json", home / ".claude.json"):
        if path.exists():
            projects = json.loads(path.read_text())["projects"]
            return projects[str(project)]["mcpServers"]
    raise AssertionError(f"claude mcp add wrote no .claude.json under {home}")


@pytest.mark.node
def test_claude_code_stdio(node, guide_sandbox, tmp_path, uv_cache, home, project) -> None:
    shims = shims_for(tmp_path, guide_sandbox, uv_cache)
    env = claude_env(shims, home)
    added = run_sh(fill(guide("claude-code-stdio").text), env=env, cwd=project)
    assert added.returncode == 0, explain(added)
    listed = run_cli(["claude", "mcp", "list"], env=env, cwd=project)
    assert listed.returncode == 0, explain(listed)
    assert line_of(listed, f"musement: {UVX_COMMAND}").endswith("✔ Connected"), explain(listed)
    got = run_cli(["claude", "mcp", "get", "musement"], env=env, cwd=project)
    assert got.returncode == 0 and "Status: ✔ Connected" in got.stdout, explain(got)
    # What Claude Code stored, started as it starts it: the settings reach the server (the
    # sandbox takes only the guide's client credentials).
    entry = claude_stored(home, project)["musement"]
    assert entry["command"] == "uvx" and entry["args"] == UVX_ARGS
    assert entry["env"]["MUSEMENT_CLIENT_SECRET"] == CLIENT_SECRET
    assert_seen(start_entry(entry, cart=BASE_CART_UUID, base_env=client_env(shims, home)))


@pytest.mark.node
def test_claude_code_stdio_old_order_is_refused(node, tmp_path, home, project) -> None:
    """The command this guide had before issue 19 (name after the `-e` list): `-e` swallows
    the name, and Claude Code refuses the command. Kept so the guide's note stays true."""
    shims = write_shims(
        tmp_path / "bin", node=node, base_url="http://127.0.0.1:9", uv_cache=tmp_path / "uv"
    )
    env = claude_env(shims, home)
    old = "claude mcp add --transport stdio -e MUSEMENT_MARKET=us musement -- uvx musement-mcp"
    out = run_sh(old, env=env, cwd=project)
    assert out.returncode != 0, explain(out)


@pytest.mark.node
@pytest.mark.parametrize("token", [TOKEN, WRONG_TOKEN], ids=["token", "wrong-token"])
def test_claude_code_http(
    node, guide_sandbox, remote, tmp_path, uv_cache, home, project, token
) -> None:
    shims = shims_for(tmp_path, guide_sandbox, uv_cache)
    env = claude_env(shims, home)
    added = run_sh(
        fill(guide("claude-code-http").text, url=remote, token=token), env=env, cwd=project
    )
    assert added.returncode == 0, explain(added)
    listed = run_cli(["claude", "mcp", "list"], env=env, cwd=project)
    got = run_cli(["claude", "mcp", "get", "musement"], env=env, cwd=project)
    assert listed.returncode == 0 and got.returncode == 0, explain(listed) + explain(got)
    if token == TOKEN:
        assert line_of(listed, f"musement: {remote} (HTTP)").endswith("✔ Connected")
        assert "Status: ✔ Connected" in got.stdout, explain(got)
        entry = claude_stored(home, project)["musement"]
        assert entry["type"] == "http"
        assert_seen(start_entry(entry, cart=BASE_CART_UUID, base_env=env))
    else:
        for out in (listed, got):
            assert "✘ Failed to connect" in out.stdout, explain(out)
            assert "HTTP 401" in out.stdout, explain(out)


# --- Gemini CLI (npm @google/gemini-cli, pinned in tests/node) ------------------------------


def trust(home: Path, folder: Path) -> None:
    """What answering "Trust folder" in `gemini` does: Gemini CLI loads (and saves) a
    project's MCP servers only in a trusted folder."""
    (home / ".gemini").mkdir(exist_ok=True)
    trusted = {str(folder): "TRUST_FOLDER"}
    (home / ".gemini" / "trustedFolders.json").write_text(json.dumps(trusted))


@pytest.mark.node
def test_gemini_cli(node, guide_sandbox, remote, tmp_path, uv_cache, home, project) -> None:
    """The block adds both servers and ends with `gemini mcp list`. That check gives a server
    5 s to start, which a busy machine can miss, so the list is asked again (at most twice)
    before the test fails; the configuration is then started by the harness, unhurried."""
    shims = shims_for(tmp_path, guide_sandbox, uv_cache)
    env = client_env(shims, home)
    trust(home, project)
    out = run_sh(fill(guide("gemini-cli").text, url=remote, token=TOKEN), env=env, cwd=project)
    assert out.returncode == 0, explain(out)

    def connected(out: subprocess.CompletedProcess[str]) -> bool:
        lines = (out.stdout + out.stderr).splitlines()  # gemini prints the list on stderr
        return any(
            re.match(rf"✓ musement: {re.escape(UVX_COMMAND)} +\(stdio\) - Connected$", x)
            for x in lines
        ) and (f"✓ musement-remote: {remote} (http) - Connected" in lines)

    for _ in range(2):
        if connected(out):
            break
        out = run_cli(["gemini", "mcp", "list"], env=env, cwd=project)
    assert connected(out), explain(out)
    servers = json.loads((project / ".gemini" / "settings.json").read_text())["mcpServers"]
    assert_seen(start_entry(servers["musement"], cart=BASE_CART_UUID, base_env=env))
    assert_seen(start_entry(servers["musement-remote"], cart=BASE_CART_UUID, base_env=env))


# --- The Inspector CLI and curl -------------------------------------------------------------


@pytest.mark.node
def test_inspector(node, open_sandbox, remote, tmp_path, uv_cache, home, project) -> None:
    """Three commands: tools/list and a get_cart call over stdio, tools/list over HTTP. The
    stdio server gets only `-e` (and PATH, HOME...), so it runs on a sandbox without login."""
    shims = shims_for(tmp_path, open_sandbox, uv_cache)
    text = fill(guide("inspector").text, url=remote, token=TOKEN, cart=BASE_CART_UUID)
    out = run_sh(text, env=client_env(shims, home), cwd=project)
    assert out.returncode == 0, explain(out)
    listed, called, listed_http = json_values(out.stdout)
    assert [t["name"] for t in listed["tools"]] == tool_names()
    assert not called.get("isError"), called
    assert called["structuredContent"]["cart_uuid"] == BASE_CART_UUID
    assert [t["name"] for t in listed_http["tools"]] == tool_names()


@pytest.mark.node
def test_inspector_wrong_token_fails(
    node, open_sandbox, remote, tmp_path, uv_cache, home, project
) -> None:
    """The HTTP command with a wrong token: the Inspector stops with an auth error (it would
    start an OAuth flow, which needs a terminal), it does not hang or list anything."""
    shims = shims_for(tmp_path, open_sandbox, uv_cache)
    last = guide("inspector").text.split("npx ")[-1]
    assert last.startswith(f"{INSPECTOR_SPEC} --cli --server-url"), last
    out = run_sh(
        "npx " + fill(last, url=remote, token=WRONG_TOKEN), env=client_env(shims, home), cwd=project
    )
    assert out.returncode != 0, explain(out)
    assert "auth" in out.stdout + out.stderr and '"tools"' not in out.stdout, explain(out)


@pytest.mark.process
@pytest.mark.parametrize("token", [TOKEN, WRONG_TOKEN], ids=["token", "wrong-token"])
def test_curl(remote, home, project, token) -> None:
    text = fill(guide("curl").text, url=remote, token=token)
    out = run_sh(text, env={"PATH": os.environ["PATH"], "HOME": str(home)}, cwd=project)
    if token == TOKEN:
        assert out.returncode == 0, explain(out)
        (answer,) = json_values(out.stdout)
        assert [t["name"] for t in answer["result"]["tools"]] == tool_names()
    else:
        assert out.returncode == 22, explain(out)  # --fail-with-body: HTTP 4xx, body shown
        assert "invalid_token" in out.stdout, explain(out)


# --- Try it with no credentials: the `--sandbox` guides -------------------------------------


@pytest.mark.process
@pytest.mark.parametrize(
    ("name", "servers", "server"),
    [
        ("sandbox-claude-desktop", "mcpServers", "musement-sandbox"),
        ("sandbox-vscode", "servers", "musement-sandbox"),
    ],
)
def test_sandbox_config(name, servers, server, tmp_path, uv_cache, home) -> None:
    """The configuration starts the server on its own embedded sandbox: no credentials, no
    upstream of the test's."""
    entry = json.loads(fill(guide(name).text))[servers][server]
    assert entry["args"][-1] == "--sandbox" and "env" not in entry
    shims = shims_for(tmp_path, None, uv_cache)
    for cart in (BASE_CART_UUID, PARTICIPANTS_CART_UUID):
        assert cart in README_TEXT  # the seeded carts the section lists
        assert_seen(start_entry(entry, cart=cart, base_env=client_env(shims, home)), cart)


@pytest.mark.node
def test_sandbox_claude_code(node, tmp_path, uv_cache, home, project) -> None:
    shims = shims_for(tmp_path, None, uv_cache)
    env = claude_env(shims, home)
    added = run_sh(fill(guide("sandbox-claude-code").text), env=env, cwd=project)
    assert added.returncode == 0, explain(added)
    listed = run_cli(["claude", "mcp", "list"], env=env, cwd=project)
    assert listed.returncode == 0, explain(listed)
    line = line_of(listed, f"musement-sandbox: {UVX_COMMAND} --sandbox")
    assert line.endswith("✔ Connected"), explain(listed)


@pytest.mark.node
def test_sandbox_inspector(node, tmp_path, uv_cache, home, project) -> None:
    shims = shims_for(tmp_path, None, uv_cache)
    out = run_sh(fill(guide("sandbox-inspector").text), env=client_env(shims, home), cwd=project)
    assert out.returncode == 0, explain(out)
    (called,) = json_values(out.stdout)
    assert not called.get("isError"), called
    assert called["structuredContent"]["cart_uuid"] == PARTICIPANTS_CART_UUID


@pytest.mark.node
def test_sandbox_catalog_inspector(node, tmp_path, uv_cache, home, project) -> None:
    shims = shims_for(tmp_path, None, uv_cache)
    guide_text = fill(guide("sandbox-catalog-inspector").text)
    out = run_sh(guide_text, env=client_env(shims, home), cwd=project)
    assert out.returncode == 0, explain(out)
    (called,) = json_values(out.stdout)
    assert not called.get("isError"), called
    found = called["structuredContent"]["activities"]
    assert ROME_GUIDED_TOUR_UUID in {card["activity_uuid"] for card in found}, found
