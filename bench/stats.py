"""Order statistics over samples: medians and percentiles, nothing fancier."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile (0..1) by linear interpolation; samples must be non-empty."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Summary:
    """A latency distribution in milliseconds."""

    n: int
    p50: float
    p95: float
    mean: float

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Summary:
        return cls(
            n=len(samples_ms),
            p50=percentile(samples_ms, 0.5),
            p95=percentile(samples_ms, 0.95),
            mean=statistics.fmean(samples_ms),
        )

    def as_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "p50": round(self.p50, 4),
            "p95": round(self.p95, 4),
            "mean": round(self.mean, 4),
        }


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
