"""How much work each section does: the full run, `--quick`, and the test suite's smoke run."""

from __future__ import annotations

from dataclasses import dataclass

# The protocol eras, by our names: the handshake era (2025-11-25: `initialize`, sessions) and
# the 2026-07-28 era (stateless, `server/discover`). Reports and CLI flags use these names;
# bench.clients.client_mode hands the SDK its own.
HANDSHAKE_ERA = "handshake"
ERA_2026_07_28 = "2026-07-28"
BOTH_ERAS = (HANDSHAKE_ERA, ERA_2026_07_28)


@dataclass(frozen=True)
class BenchConfig:
    # latency: calls per tool per scenario = rounds * calls_per_round, after warmup
    warmup_calls: int = 30
    rounds: int = 8
    calls_per_round: int = 40
    # throughput over Streamable HTTP
    concurrency: tuple[int, ...] = (1, 8, 32, 64)
    throughput_seconds: float = 3.0
    throughput_warmup_seconds: float = 1.0
    throughput_repeats: int = 3  # rounds alternating the implementations; the median is kept
    throughput_eras: tuple[str, ...] = BOTH_ERAS
    # cold start over stdio (spawn to first tools/list answered)
    cold_starts: int = 7
    cold_start_eras: tuple[str, ...] = BOTH_ERAS
    # upstream requests per warm update
    upstream_updates: int = 20
    # large cart schema (100 activities x 10 questions)
    compiles: int = 5
    validations: int = 200
    # the whole step against a far-away upstream (bench.wan): a fresh server per repetition
    wan_latency: float = 0.1
    wan_repeats: int = 5
    wan_transports: tuple[str, ...] = ("inprocess", "stdio")
    wan_eras: tuple[str, ...] = BOTH_ERAS
    # issue 25, the speed code with and without (bench.stdio_pipes, .early_login), and
    # validation alone (bench.validation: `rounds` x `validation_calls`); stdio_pipes uses the
    # latency rounds above
    stdio_pipes_eras: tuple[str, ...] = BOTH_ERAS
    validation_calls: int = 50
    early_login_repeats: int = 16  # fresh servers per variant and era, against wan_latency
    early_login_eras: tuple[str, ...] = BOTH_ERAS


FULL = BenchConfig()
QUICK = BenchConfig(
    warmup_calls=10,
    rounds=4,
    calls_per_round=15,
    throughput_seconds=1.5,
    throughput_warmup_seconds=0.5,
    throughput_repeats=1,
    cold_starts=3,
    upstream_updates=10,
    compiles=3,
    validations=50,
    wan_repeats=3,
    validation_calls=15,
    early_login_repeats=4,
)
SMOKE = BenchConfig(
    warmup_calls=1,
    rounds=1,
    calls_per_round=2,
    concurrency=(2,),
    throughput_seconds=0.3,
    throughput_warmup_seconds=0.1,
    throughput_repeats=1,
    throughput_eras=(ERA_2026_07_28,),
    cold_starts=1,
    cold_start_eras=(HANDSHAKE_ERA,),
    upstream_updates=2,
    compiles=1,
    validations=3,
    wan_latency=0.02,
    wan_repeats=1,
    wan_transports=("inprocess",),
    wan_eras=(ERA_2026_07_28,),
    stdio_pipes_eras=(ERA_2026_07_28,),
    validation_calls=2,
    early_login_repeats=1,
    early_login_eras=(ERA_2026_07_28,),
)
PRESETS = {"full": FULL, "quick": QUICK, "smoke": SMOKE}
