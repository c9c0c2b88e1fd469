"""The official MCP conformance suite against the server over Streamable HTTP.

`@modelcontextprotocol/conformance` (pinned in tests/node/package.json) runs every server
scenario of a spec revision, `--suite all --spec-version V`, for V in 2025-11-25 (the handshake
era) and 2026-07-28 (the 2026-07-28 era), against `python -m musement_mcp.server --transport http`
in stateful and in stateless (`--stateless`) mode. Scenarios that do not apply to this server (the
suite's fixture tools, prompts and resources, capabilities we do not have) are listed, with their
reasons, in tests/conformance-expected-failures.yml; the runner
fails on any other failure or warning, and on a listed entry that passes. On top of its exit
code, this module checks that the scenarios that matter ran and passed real checks.
"""

from __future__ import annotations

import re

import pytest

from tests.support.conformance import (
    CONFORMANCE,
    MUST_PASS,
    MUST_PASS_STATEFUL,
    SPEC_VERSIONS,
    baseline_entries,
    run_conformance,
    scenario_results,
)
from tests.support.node import HttpServers, run_node

pytestmark = pytest.mark.node

MODES = ["stateful", "stateless"]


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
