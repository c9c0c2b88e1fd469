"""The official MCP conformance suite against the server over Streamable HTTP.

`@modelcontextprotocol/conformance` (pinned in tests/node/package.json) runs every server
scenario of a spec revision, `--suite all --spec-version V`, for V in 2025-11-25 (handshake
era) and 2026-07-28 (stateless era), against `python -m musement_mcp.server --transport http`
in stateful and in stateless (`--stateless`) mode. Scenarios that do not apply to a tools-only
server are listed, with their reasons, in tests/conformance-expected-failures.yml; the runner
fails on any other failure or warning, and on a listed entry that passes. On top of its exit
code, this module checks that the scenarios that matter ran and passed real checks.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from musement_mcp.sandbox import SandboxServer

from .test_node_clients import NODE_MODULES, HttpServers, require_node, run_node

CONFORMANCE = NODE_MODULES / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"
EXPECTED_FAILURES = Path(__file__).parent / "conformance-expected-failures.yml"
SPEC_VERSIONS = ["2025-11-25", "2026-07-28"]
MODES = ["stateful", "stateless"]

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


@pytest.fixture(scope="module")
def node() -> str:
    return require_node()


@pytest.fixture(scope="module")
def http_servers(sandbox: SandboxServer) -> Iterator[HttpServers]:
    with contextlib.ExitStack() as stack:
        yield HttpServers(sandbox, stack)


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


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("spec_version", SPEC_VERSIONS)
def test_conformance_suite(node, http_servers: HttpServers, tmp_path, spec_version, mode):
    url = http_servers.url(mode)
    results_dir = tmp_path / "results"
    out = run_conformance(node, url, spec_version, results_dir)
    summary = out.stdout[out.stdout.rfind("=== SUMMARY") :]
    assert out.returncode == 0, f"conformance {spec_version} ({mode}):\n{summary}\n{out.stderr}"

    results = scenario_results(results_dir)
    must_pass = MUST_PASS[spec_version] + (
        MUST_PASS_STATEFUL.get(spec_version, []) if mode == "stateful" else []
    )
    baselined = {entry.split(":")[0]: entry for entry in baseline_entries()}
    for scenario in must_pass:
        assert scenario in results, f"{scenario} did not run:\n{summary}"
        statuses = [check["status"] for check in results[scenario]]
        passed = statuses.count("SUCCESS")
        assert passed > 0, f"{scenario}: no check passed ({statuses})"
        if scenario not in baselined:  # per-check entries excuse single checks only
            bad = [c["id"] for c in results[scenario] if c["status"] in ("FAILURE", "WARNING")]
            assert not bad, f"{scenario}: {bad}"


def test_expected_failures_are_known_scenarios(node) -> None:
    """Each entry names a scenario of this suite version; none is listed twice."""
    out = run_node(node, str(CONFORMANCE), "list")
    assert out.returncode == 0, out.stderr
    scenarios = set(re.findall(r"^\s+- ([\w./-]+) \[", out.stdout, flags=re.MULTILINE))
    entries = baseline_entries()
    assert entries and len(entries) == len(set(entries))
    unknown = [e for e in entries if e.split(":")[0] not in scenarios]
    assert not unknown, f"not scenarios of this conformance version: {unknown}"
    must_pass = {s for names in [*MUST_PASS.values(), *MUST_PASS_STATEFUL.values()] for s in names}
    wholesale = {e for e in entries if ":" not in e}
    assert not wholesale & must_pass, "a scenario we must pass is baselined whole"
