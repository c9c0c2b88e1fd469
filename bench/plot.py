"""A PNG of the latency and throughput results (matplotlib, from the `bench` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .report import TOOLS
from .targets import FLOOR


def plot(results: dict[str, Any], path: Path) -> bool:
    """Write the plot; False (and nothing written) when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    latency = results.get("latency", {})
    routes = sorted({k.split("/", 1)[1] for k in latency if k.startswith("ours/")})
    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    for ax, tool in zip(axes[:2], TOOLS, strict=True):
        xs = range(len(routes))
        for offset, impl in ((-0.2, "ours"), (0.2, "peer")):
            values = [latency.get(f"{impl}/{r}", {}).get(tool, {}).get("p50", 0) for r in routes]
            ax.bar([x + offset for x in xs], values, width=0.4, label=impl)
        floor = latency.get(FLOOR, {}).get(tool, {}).get("p50")
        if floor is not None:
            ax.axhline(floor, color="black", linestyle="--", label="floor (direct HTTP)")
        ax.set_xticks(list(xs), routes, rotation=30, ha="right")
        ax.set_ylabel("p50 latency, ms")
        ax.set_title(tool)
        ax.legend()
    ax = axes[2]
    for impl, result in results.get("throughput", {}).items():
        for era, runs in (result or {}).get("runs", {}).items():
            ax.plot(
                [r["clients"] for r in runs],
                [r["calls_per_s"] for r in runs],
                marker="o",
                label=f"{impl} ({era})",
            )
    ax.set_xscale("log", base=2)
    ax.set_xlabel("concurrent clients")
    ax.set_ylabel("update_cart_customer calls/s")
    ax.set_title("Streamable HTTP throughput")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
