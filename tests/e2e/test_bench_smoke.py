"""The benchmark harness, run small so it cannot rot: every section, a few calls each.

No timing is asserted (the machine is shared); only that every section runs, reports what
it should, and that the outputs are written. The FastMCP peer runs when fastmcp is
installed (the `bench` extra) and is skipped with the reason otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import peer
from bench.cli import main
from bench.large_schema import invalid_customer, large_schema, valid_customer
from bench.report import BEGIN, END, write_results_section
from bench.targets import evaluate
from bench.wan import STEP
from musement_mcp.tools import compile_schema

PEER_MISSING = peer.unavailable_reason()
needs_peer = pytest.mark.skipif(
    PEER_MISSING is not None, reason=f"peer not benchmarked: {PEER_MISSING}"
)
ROUTES = [f"{t}/{e}" for t in ("inprocess", "stdio", "http") for e in ("legacy", "auto")]
TOOLS = ("get_customer_schema", "update_cart_customer")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bench")
    argv = ["--preset", "smoke", "--out", str(directory)]
    if PEER_MISSING:
        argv.append("--no-peer")
    assert main(argv) == 0
    return directory


@pytest.fixture(scope="module")
def results(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "results.json").read_text()))


@pytest.mark.bench
def test_latency_covers_the_floor_and_every_route(results: dict[str, Any]) -> None:
    latency = results["latency"]
    for label in ["floor/direct-http", *(f"ours/{route}" for route in ROUTES)]:
        for tool in TOOLS:
            summary = latency[label][tool]
            assert summary["n"] == 2 and 0 < summary["p50"] <= summary["p95"]


@pytest.mark.bench
def test_warm_update_upstream_count_and_other_sections(results: dict[str, Any]) -> None:
    assert results["upstream"]["ours"]["requests_per_update"] == 1
    assert results["upstream"]["ours"]["customer_puts_per_update"] == 1
    assert results["cold_start"]["ours"]["legacy"]["p50"] > 0
    throughput = results["throughput"]["ours"]
    assert [run["clients"] for run in throughput["runs"]["auto"]] == [2]
    assert all(run["errors"] == 0 and run["calls"] > 0 for run in throughput["runs"]["auto"])
    assert throughput["idle_memory"]["rss_mb"] > 0
    assert results["large_schema"]["properties"] > 1000


@pytest.mark.bench
def test_the_whole_step_is_measured_against_a_far_upstream(results: dict[str, Any]) -> None:
    [route] = results["wan"]["routes"].values()
    # login, the cart's reads, two PUTs and the final check: never fewer than these.
    assert route["upstream_requests"] >= 6
    assert set(route["tools_round_trips"]) == set(STEP)
    # Lower bounds only (each added delay is a sleep): a write, and every get_cart, pays at
    # least one; a form may come from a read made moments before.
    tools = route["tools_round_trips"]
    for call in ("get_cart", "update_cart_customer", "update_participants", "get_cart (again)"):
        assert tools[call] >= 1
    assert route["step_round_trips"] >= 4


@pytest.mark.bench
@needs_peer
def test_peer_is_measured_side_by_side(results: dict[str, Any]) -> None:
    assert results["peer"]["available"]
    for route in ROUTES:
        assert set(results["latency"][f"peer/{route}"]) == set(TOOLS)
    assert results["upstream"]["peer"]["requests_per_update"] == 1
    assert all(run["errors"] == 0 for run in results["throughput"]["peer"]["runs"]["auto"])


@pytest.mark.bench
def test_outputs_are_written(out: Path, results: dict[str, Any]) -> None:
    report = (out / "results.md").read_text()
    assert "### Latency per call (ms)" in report
    assert "### Targets (issues 9 and 17)" in report
    assert "### The whole step against a far-away Musement" in report
    checks = evaluate(results)
    assert any(check.ok is not None for check in checks)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    assert (out / "results.png").stat().st_size > 0


def test_large_cart_payloads_are_what_they_claim() -> None:
    compiled = compile_schema(large_schema(title="smoke"))
    assert compiled.validate(valid_customer()) == []
    assert len(compiled.validate(invalid_customer())) == 30


def test_results_section_is_replaced_between_markers(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(f"# Results\n\nintro\n\n{BEGIN}\nold\n{END}\n\n## Profile\nkept\n")
    write_results_section(path, "new table")
    text = path.read_text()
    assert "old" not in text and "new table" in text
    assert text.startswith("# Results\n\nintro") and text.endswith("## Profile\nkept\n")
