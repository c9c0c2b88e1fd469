"""The table at the top of docs/FRAMEWORKS.md, from what tests/e2e/test_adapters.py observes.

Each adapter test records, for its row (a framework at the version installed, and the
conversion it runs), what the conversion did to each tool's input schema and how far the
scripted flow got through the adapter's own tool objects. The last test of the module renders
the table and compares it with docs/FRAMEWORKS.md's block between
`<!-- frameworks-table:start -->` and `<!-- frameworks-table:end -->`;
`UPDATE_DOCS=1` rewrites the block instead.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

START, END = "<!-- frameworks-table:start -->", "<!-- frameworks-table:end -->"
REGION = re.compile(rf"({re.escape(START)}\n)(.*?)({re.escape(END)})", re.DOTALL)


@dataclass(frozen=True)
class Row:
    """A framework's conversion: `label` names distributions in braces, `{openai-agents}`,
    each replaced by its distribution and the version the test session found installed."""

    key: str
    label: str

    def distributions(self) -> list[str]:
        return re.findall(r"\{([^}]+)\}", self.label)


ROWS = (
    Row("openai-agents", "{openai-agents}: `MCPServerStdio`, `convert_schemas_to_strict=True`"),
    Row(
        "langchain",
        "{langchain-core}: `convert_to_openai_tool(tool, strict=True)` on "
        "{langchain-mcp-adapters} tools",
    ),
    Row("pydantic-ai", "{pydantic-ai-slim}: OpenAI transformer (`MCPToolset` for the flow)"),
    Row(
        "anthropic-mcp-tool",
        "{anthropic}: `mcp_tool(tool, session, strict=True)` (`async_mcp_tool` for the flow)",
    ),
    Row("anthropic-transform", "{anthropic}: `transform_schema`"),
    Row("litellm", '{litellm}: `load_mcp_tools(format="openai")` + `call_openai_tool`'),
    Row(
        "gemini-langchain",
        "{langchain-google-genai} (Gemini) on {langchain-mcp-adapters} tools",
    ),
    Row("google-genai-session", "{google-genai}: `tools=[session]`"),
    Row(
        "google-genai-declarations",
        "{google-genai}: `FunctionDeclaration(parameters_json_schema=tool.input_schema)`",
    ),
)
ROW_KEYS = {row.key for row in ROWS}
# A row whose test runs no flow through the adapter's tools (a conversion only).
NO_FLOW = "not run (conversion only)"
FLOW_HEADER = "through the adapter: customer step, `create_order`, `get_order`"

# -- what a conversion did to a schema ---------------------------------------------------------


def _markers(schema: Any) -> Counter[str]:
    """What a schema says, counted by kind: each keyword, each null option (a `null` branch,
    a type list with "null", Gemini's `nullable`), each `type` given beside an `enum`."""
    found: Counter[str] = Counter()

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        branches = node.get("anyOf", [])
        kind = node.get("type")
        nullable = {"type": "null"} in branches
        if nullable or (isinstance(kind, list) and "null" in kind) or node.get("nullable"):
            found["null options"] += 1
        for key in node:
            if key == "anyOf" and nullable:
                continue  # the null option's wrapper, counted above
            if key == "nullable":
                continue
            if key == "type" and "enum" in node:
                found["`type` beside `enum`"] += 1
            elif key == "format":
                found["formats"] += 1
            else:
                found[f"`{key}`"] += 1
        for child in node.get("properties", {}).values():
            walk(child)
        walk(node.get("items"))
        for branch in branches:
            if branch != {"type": "null"}:
                walk(branch)
        for child in node.get("$defs", {}).values():
            walk(child)

    walk(schema)
    return found


def _counted(lost: Counter[str], total: Counter[str]) -> str:
    parts = [
        name if lost[name] == total[name] else f"{lost[name]} of {total[name]} {name}"
        for name in sorted(lost)
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def shape(published: dict[str, Any], converted: dict[str, Any]) -> str:
    """What a conversion did to `published`: "as is", or what it dropped and added."""
    if converted == published:
        return "as is"
    before, after = _markers(published), _markers(converted)
    said = []
    if before - after:
        said.append(_counted(before - after, before) + " dropped")
    if after - before:
        said.append(", ".join(sorted(after - before)) + " added")
    return "; ".join(said) or "rewritten, same keywords"


def strict_openai(flag: Any, problems: list[str], published: Any, converted: Any) -> str:
    """An OpenAI row: "strict" when sent with `strict: true` and OpenAI's rules hold
    (tests/support/strict.py), then what the conversion did."""
    if flag is True and not problems:
        verdict = "strict"
    elif flag is True:
        verdict = f"strict, but refused by OpenAI's rules ({len(problems)}: {problems[0]})"
    else:
        verdict = f"`strict: {json.dumps(flag)}`"
    return f"{verdict}, {shape(published, converted)}"


def flagged(flag: Any, published: Any, converted: Any) -> str:
    """A row that sends a `strict` flag beside the schema: what it did, then the flag."""
    return f"{shape(published, converted)}, `strict: {json.dumps(flag)}`"


def refused(error: BaseException) -> str:
    return f"refused (`{type(error).__name__}: {error}`)"


# -- how far the flow got -------------------------------------------------------------------


def flow_outcome(run: dict[str, Any], order: dict[str, Any] | None) -> str:
    """The customer step's end (`run`, tests/support/agent_flow.py), then `place_order`'s."""
    final = run["final"]
    if final.get("ready_for_order") is not True:
        lacking = [p["path"] for p in final.get("missing", {}).get("customer", [])]
        lacking += [
            f"participants of {item['cart_item_uuid']}"
            for item in final.get("items", [])
            if item.get("participants_missing")
        ]
        return f"customer step incomplete (missing: {', '.join(lacking)})"
    if order is None:
        return "cart ready for order"
    return "booked" if order["placed"] and order["read"] else f"not booked ({order['why']})"


# -- the table ------------------------------------------------------------------------------


@dataclass
class Observed:
    """What the session saw: versions by distribution, a cell per (row, tool), a flow per row."""

    tools: list[str]
    versions: dict[str, str] = field(default_factory=dict)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)
    flows: dict[str, str] = field(default_factory=dict)

    def cell(self, row: str, tool: str, outcome: str) -> None:
        assert row in ROW_KEYS and tool in self.tools, (row, tool)
        self.cells[(row, tool)] = outcome

    def flow(self, row: str, outcome: str) -> None:
        assert row in ROW_KEYS, row
        self.flows[row] = outcome

    def missing(self) -> list[str]:
        """What no test recorded (a test deselected, or stopped before it recorded)."""
        gaps = [
            f"{row.key}: version of {name}"
            for row in ROWS
            for name in row.distributions()
            if name not in self.versions
        ]
        gaps += [f"{r.key} × {t}" for r in ROWS for t in self.tools if (r.key, t) not in self.cells]
        return gaps

    def render(self) -> str:
        """The Markdown table: a row per conversion, a column per group of tools whose
        outcomes agree in every row (all seven accounted for), then the flow's end."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for tool in self.tools:
            groups.setdefault(tuple(self.cells[(r.key, tool)] for r in ROWS), []).append(tool)
        header = ["framework (version): conversion"]
        header += [", ".join(f"`{t}`" for t in tools) for tools in groups.values()]
        header.append(FLOW_HEADER)
        lines = [_line(header), _line(["---"] * len(header))]
        for index, row in enumerate(ROWS):
            label = re.sub(
                r"\{([^}]+)\}", lambda m: f"{m.group(1)} {self.versions[m.group(1)]}", row.label
            )
            cells = [outcomes[index] for outcomes in groups]
            lines.append(_line([label, *cells, self.flows.get(row.key, NO_FLOW)]))
        return "\n".join(lines) + "\n"


def _line(cells: Iterable[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def difference(documented: str, observed: str) -> str:
    """A unified diff from the docs' table to the observed one."""
    lines = difflib.unified_diff(
        documented.splitlines(),
        observed.splitlines(),
        "docs/FRAMEWORKS.md",
        "observed",
        lineterm="",
    )
    return "\n".join(lines)


def current(text: str) -> str:
    found = REGION.search(text)
    if found is None:
        raise ValueError(f"docs/FRAMEWORKS.md has no {START} … {END} block")
    return found.group(2)


def rewrite(text: str, table: str) -> str:
    current(text)
    return REGION.sub(lambda m: m.group(1) + table + m.group(3), text)
