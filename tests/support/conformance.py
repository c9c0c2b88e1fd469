"""The official MCP conformance suite (tests/node) and its expected failures."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .node import NODE_MODULES, run_node

CONFORMANCE = NODE_MODULES / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"
EXPECTED_FAILURES = Path(__file__).parent.parent / "conformance-expected-failures.yml"
SPEC_VERSIONS = ["2025-11-25", "2026-07-28"]

# Scenarios that must run and pass at least one check, with no failure or warning.
MUST_PASS = {
    "2025-11-25": ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"],
    "2026-07-28": [
        "server-stateless",
        "tools-list",
        "server-sse-multiple-streams",
        "dns-rebinding-protection",
        "http-header-validation",
        "caching",
        "input-required-result-unsupported-methods",
        "input-required-result-validate-input",
    ],
}
# Sessions exist only in stateful mode.
MUST_PASS_STATEFUL = {"2025-11-25": ["server-session-lifecycle", "server-sse-multiple-streams"]}


def baseline_entries() -> list[str]:
    """The `server:` list of the expected-failures file (a plain YAML list of strings)."""
    entries = []
    for line in EXPECTED_FAILURES.read_text().splitlines():
        match = re.match(r"^\s+-\s+([\w./:-]+)\s*(#.*)?$", line)
        if match:
            entries.append(match.group(1))
    return entries


def scenario_results(output_dir: Path) -> dict[str, list[dict]]:
    """checks.json of each scenario, by scenario name (`server-<name>-<timestamp>/`)."""
    results = {}
    for checks in output_dir.glob("server-*/checks.json"):
        name = re.sub(r"-\d{4}-\d{2}-\d{2}T[\d-]+Z$", "", checks.parent.name)
        results[name.removeprefix("server-")] = json.loads(checks.read_text())
    return results


def run_conformance(node: str, url: str, spec_version: str, results_dir: Path):
    """Every server scenario of a spec revision against `url`, with our expected failures."""
    return run_node(
        node,
        str(CONFORMANCE),
        "server",
        "--url",
        url,
        "--suite",
        "all",
        "--spec-version",
        spec_version,
        "--expected-failures",
        str(EXPECTED_FAILURES),
        "-o",
        str(results_dir),
        timeout=240,
    )
