"""`python -m bench`: every section in one run, then JSON, Markdown and a PNG.

    python -m bench                      # full run (~8 minutes on 2 cores)
    python -m bench --quick              # fewer iterations (~3 minutes)
    python -m bench --only latency,schema --no-peer
    python -m bench --write-results      # also refresh bench/RESULTS.md and its figures
    python -m bench --only stdio_pipes,validation,early_login --write-results
                                         # issue 25: each piece of speed code with and without

Run from the repository root. Outputs go to bench/out/ (git-ignored) unless --out says else.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import anyio

from musement_mcp.sandbox import SandboxServer

from . import peer
from .coldstart import measure_cold_start
from .config import PRESETS, BenchConfig
from .early_login import measure_early_login
from .implementations import implementations
from .large_schema import time_large_schema
from .latency import measure_latency
from .machine import describe, load_average
from .plot import plot
from .report import (
    MAIN_KEYS,
    SPEED_BEGIN,
    SPEED_END,
    main_markdown,
    markdown,
    speed_code_markdown,
    write_results_section,
)
from .stdio_pipes import measure_stdio_pipes
from .throughput import measure_throughput
from .upstream import count_upstream
from .validation import measure_validation
from .wan import measure_wan

BENCH_DIR = Path(__file__).resolve().parent
MAIN_SECTIONS = ("schema", "upstream", "wan", "coldstart", "latency", "throughput")
# Issue 25: the code kept only for speed, measured with and without it, and validation.
SPEED_SECTIONS = ("stdio_pipes", "validation", "early_login")
SECTIONS = MAIN_SECTIONS + SPEED_SECTIONS


def run(
    bench: BenchConfig,
    *,
    sections: tuple[str, ...] = SECTIONS,
    with_peer: bool = True,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the chosen sections against one fresh sandbox; returns the results dict."""
    reason = peer.unavailable_reason() if with_peer else "disabled (--no-peer)"
    impls = implementations(with_peer=reason is None)
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": describe(),
        "config": asdict(bench),
        "peer": {"available": reason is None, "reason": reason},
    }
    started = time.perf_counter()
    if "schema" in sections:
        log("large cart schema: compile and validate")
        timings = time_large_schema(bench.compiles, bench.validations)
        results["large_schema"] = _jsonable(asdict(timings))
    if "wan" in sections:
        log(f"the whole step with {bench.wan_latency * 1000:.0f} ms added per upstream request")
        results["wan"] = anyio.run(
            lambda: measure_wan(
                latency=bench.wan_latency,
                repeats=bench.wan_repeats,
                eras=bench.wan_eras,
                transports=bench.wan_transports,
                log=log,
            )
        )
    if "early_login" in sections:
        log(f"early login: first call with and without, {bench.wan_latency * 1000:.0f} ms away")
        results["early_login"] = anyio.run(lambda: measure_early_login(bench, log))
    with SandboxServer() as sandbox:
        if "validation" in sections:
            log("validation: seeded carts' forms and the large cart, valid and invalid")
            results["validation"] = measure_validation(sandbox, bench)
        if "stdio_pipes" in sections:
            log("stdio: stdio_pipes and the SDK's transport, interleaved")
            results["stdio_pipes"] = anyio.run(measure_stdio_pipes, sandbox, bench)
        if "upstream" in sections:
            log("upstream requests per warm update")
            results["upstream"] = {
                impl.name: asdict(anyio.run(count_upstream, sandbox, impl, bench.upstream_updates))
                for impl in impls
            }
        if "coldstart" in sections:
            log("cold start over stdio, alternating implementations")
            cold = anyio.run(measure_cold_start, sandbox, impls, bench)
            results["cold_start"] = {name: _summaries(s) for name, s in cold.items()}
        if "latency" in sections:
            log("latency: floor and every implementation, transport and era, interleaved")
            latency = anyio.run(measure_latency, sandbox, impls, bench)
            results["latency"] = {label: _summaries(s) for label, s in latency.items()}
        if "throughput" in sections:
            log(f"throughput over Streamable HTTP at {bench.concurrency} clients, alternating")
            results["throughput"] = measure_throughput(sandbox, impls, bench)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_at_end"] = load_average()
    return results


def _summaries(summaries: dict[str, Any]) -> dict[str, Any]:
    return {key: summary.as_dict() for key, summary in summaries.items()}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (~3 minutes)")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="full, quick or smoke")
    parser.add_argument("--only", help=f"comma-separated sections of {','.join(SECTIONS)}")
    parser.add_argument("--no-peer", action="store_true", help="skip the FastMCP peer")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out")
    parser.add_argument(
        "--write-results",
        action="store_true",
        help="also refresh bench/RESULTS.md, bench/results.json and bench/results.png",
    )
    args = parser.parse_args(argv)
    preset = args.preset or ("quick" if args.quick else "full")
    sections = tuple(args.only.split(",")) if args.only else SECTIONS
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    def log(message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    results = run(PRESETS[preset], sections=sections, with_peer=not args.no_peer, log=log)
    results["preset"] = preset
    if not results["peer"]["available"]:
        log(f"peer skipped: {results['peer']['reason']}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report = markdown(results)
    (args.out / "results.md").write_text(report)
    drawable = "latency" in results or "throughput" in results  # else nothing to plot
    plotted = drawable and plot(results, args.out / "results.png")
    if drawable and not plotted:
        log("no plot: matplotlib is not installed (pip install -e '.[bench]')")
    if args.write_results:
        # Only the regions of what ran: a run of the speed sections leaves the rest alone.
        if set(sections) & set(MAIN_SECTIONS):
            write_results_section(BENCH_DIR / "RESULTS.md", main_markdown(results))
            shutil.copy(args.out / "results.json", BENCH_DIR / "results.json")
            if plotted:
                shutil.copy(args.out / "results.png", BENCH_DIR / "results.png")
        if set(sections) & set(SPEED_SECTIONS):
            speed = speed_code_markdown(results)
            write_results_section(BENCH_DIR / "RESULTS.md", speed, SPEED_BEGIN, SPEED_END)
            (BENCH_DIR / "results-speed-code.json").write_text(
                json.dumps({k: v for k, v in results.items() if k not in MAIN_KEYS}, indent=2)
                + "\n"
            )
    print(report)
    log(f"done in {results['seconds']:.0f} s; outputs in {args.out}")
    return 0
