"""The reviewed tool definitions: one JSON file per tool in tests/snapshots/tools/, and the
order the server lists them in, in tests/snapshots/tool-order.json.

Regenerate after reviewing a change: `UPDATE_SNAPSHOTS=1 pytest tests/server/test_tools.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SNAPSHOTS = Path(__file__).parent.parent / "snapshots"
TOOLS_DIR = SNAPSHOTS / "tools"
TOOL_ORDER = SNAPSHOTS / "tool-order.json"


def dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def updating_snapshots() -> bool:
    """Whether this run rewrites the snapshots (UPDATE_SNAPSHOTS=1)."""
    return bool(os.environ.get("UPDATE_SNAPSHOTS"))


def tool_snapshots() -> list[dict[str, Any]]:
    """The snapshotted tool definitions, in the order the server lists them."""
    names = json.loads(TOOL_ORDER.read_text())
    stored = {path.stem for path in TOOLS_DIR.glob("*.json")}
    assert stored == set(names), (
        f"{TOOLS_DIR} and {TOOL_ORDER.name} disagree: review, then rerun with UPDATE_SNAPSHOTS=1"
    )
    return [json.loads((TOOLS_DIR / f"{name}.json").read_text()) for name in names]


def write_tool_snapshots(tools: list[dict[str, Any]]) -> None:
    """Replace the snapshots with `tools` (definitions as listed, in order)."""
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in TOOLS_DIR.glob("*.json"):
        stale.unlink()
    for tool in tools:
        (TOOLS_DIR / f"{tool['name']}.json").write_text(dump(tool))
    TOOL_ORDER.write_text(dump([tool["name"] for tool in tools]))
