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
# The catalog set's tools (MUSEMENT_TOOLSETS=checkout,catalog), apart: the default list above
# stays what a client that does not ask for the catalog sees.
CATALOG_TOOLS_DIR = SNAPSHOTS / "catalog-tools"
CATALOG_TOOL_ORDER = CATALOG_TOOLS_DIR / "order.json"


def dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def updating_snapshots() -> bool:
    """Whether this run rewrites the snapshots (UPDATE_SNAPSHOTS=1)."""
    return bool(os.environ.get("UPDATE_SNAPSHOTS"))


def tool_snapshots(directory: Path = TOOLS_DIR, order: Path = TOOL_ORDER) -> list[dict[str, Any]]:
    """The snapshotted tool definitions, in the order the server lists them."""
    names = json.loads(order.read_text())
    stored = {path.stem for path in directory.glob("*.json") if path != order}
    assert stored == set(names), (
        f"{directory} and {order.name} disagree: review, then rerun with UPDATE_SNAPSHOTS=1"
    )
    return [json.loads((directory / f"{name}.json").read_text()) for name in names]


def write_tool_snapshots(
    tools: list[dict[str, Any]], directory: Path = TOOLS_DIR, order: Path = TOOL_ORDER
) -> None:
    """Replace the snapshots with `tools` (definitions as listed, in order)."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.json"):
        stale.unlink()
    for tool in tools:
        (directory / f"{tool['name']}.json").write_text(dump(tool))
    order.write_text(dump([tool["name"] for tool in tools]))
