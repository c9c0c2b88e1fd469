"""The benchmark harness, run small so it cannot rot: every section, a few calls each.

No timing is asserted (the machine is shared); only that every section runs, reports what
it should, and that the outputs are written. The FastMCP peer runs when fastmcp is
installed (the `bench` extra) and is skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import peer
from bench.cli import main
from bench.config import BOTH_ERAS, ERA_2026_07_28, HANDSHAKE_ERA
from bench.implementations import REPO_ROOT
from bench.large_schema import invalid_customer, large_schema, valid_customer
from bench.report import BEGIN, END, SPEED_BEGIN, SPEED_END, write_results_section
from bench.targets import evaluate
from bench.validation import CUSTOMER_FORMS
from bench.wan import STEP
from musement_mcp.tools import compile_schema

PEER_MISSING = peer.unavailable_reason()
needs_peer = pytest.mark.skipif(
    PEER_MISSING is not None, reason=f"peer not benchmarked: {PEER_MISSING}"
)
ROUTES = [f"{t}/{e}" for t in ("inprocess", "stdio", "http") for e in BOTH_ERAS]
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
    assert results["cold_start"]["ours"][HANDSHAKE_ERA]["p50"] > 0
    throughput = results["throughput"]["ours"]
    assert [run["clients"] for run in throughput["runs"][ERA_2026_07_28]] == [2]
    assert all(
        run["errors"] == 0 and run["calls"] > 0 for run in throughput["runs"][ERA_2026_07_28]
    )
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
def test_stdio_pipes_are_measured_against_the_sdk_transport(results: dict[str, Any]) -> None:
    found = results["stdio_pipes"]
    assert set(found["routes"]) == {f"pipes/{ERA_2026_07_28}", f"sdk/{ERA_2026_07_28}"}
    for route in found["routes"].values():
        for call in ("prompts/list", "update_cart_customer"):
            assert route[call]["n"] == 2 and 0 < route[call]["p50"] <= route[call]["p95"]
            assert call in route["cpu_ms_per_call"]
    assert set(found["ratios"][ERA_2026_07_28]) == {"prompts/list", "update_cart_customer"}


@pytest.mark.bench
def test_validation_is_timed_on_real_forms_and_the_large_cart(results: dict[str, Any]) -> None:
    found = results["validation"]
    forms = {label.rpartition(" / ")[0] for label in found["cases"]}
    # The seeded carts' customer forms, both participants forms and the large cart.
    assert set(CUSTOMER_FORMS) < forms and len(forms) == len(CUSTOMER_FORMS) + 3
    for label, case in found["cases"].items():
        assert (case["problems"] == 0) == label.endswith(" / valid")
        assert case["validate"]["n"] == 2 and case["validate"]["p50"] > 0


@pytest.mark.bench
def test_first_call_is_measured_with_and_without_early_login(results: dict[str, Any]) -> None:
    found = results["early_login"]
    assert set(found["routes"]) == {
        f"early_login/{ERA_2026_07_28}",
        f"login_at_session/{ERA_2026_07_28}",
    }
    for route in found["routes"].values():
        # The first call waits at least for the cart's read, one added delay.
        assert route["first_call_ms"] >= found["latency_ms"]
        assert route["spawn_to_answer_ms"] >= route["connected_ms"] > 0
    assert set(found["saved_ms"][ERA_2026_07_28]) == {
        "connected_ms",
        "first_call_ms",
        "spawn_to_answer_ms",
    }


@pytest.mark.bench
@needs_peer
def test_peer_is_measured_side_by_side(results: dict[str, Any]) -> None:
    assert results["peer"]["available"]
    for route in ROUTES:
        assert set(results["latency"][f"peer/{route}"]) == set(TOOLS)
    assert results["upstream"]["peer"]["requests_per_update"] == 1
    assert all(run["errors"] == 0 for run in results["throughput"]["peer"]["runs"][ERA_2026_07_28])


@pytest.mark.bench
def test_outputs_are_written(out: Path, results: dict[str, Any]) -> None:
    report = (out / "results.md").read_text()
    assert "### Latency per call (ms)" in report
    assert "### Targets (issues 9 and 17)" in report
    assert "### The whole step against a far-away Musement" in report
    assert "### stdio: `server/stdio_pipes.py` vs the SDK's stdio transport" in report
    assert "### Validation (`CompiledSchema.validate`, jsonschema, ms)" in report
    assert "### First call over stdio: early login thread vs login at session start" in report
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


def test_each_results_region_is_replaced_alone(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text(f"{BEGIN}\nmain\n{END}\n\n{SPEED_BEGIN}\nold speed\n{SPEED_END}\n")
    write_results_section(path, "new speed", SPEED_BEGIN, SPEED_END)
    text = path.read_text()
    assert "main" in text and "old speed" not in text and "new speed" in text


def test_variant_server_switches_each_piece_off() -> None:
    """In a fresh interpreter (the switches patch modules): `--sdk-stdio` leaves stdio to
    the SDK's transport, `--no-early-login` starts no login thread."""
    check = (
        "from bench.variant_server import NO_EARLY_LOGIN, SDK_STDIO, switch_off\n"
        "switch_off({SDK_STDIO, NO_EARLY_LOGIN})\n"
        "from musement_mcp.server import stdio_pipes\n"
        "from musement_mcp.tools import upstream\n"
        "assert stdio_pipes._pipes() is False\n"
        "assert upstream.EarlyLogin(None) is None\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
