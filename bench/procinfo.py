"""CPU time and memory of a process, from Linux's /proc (None elsewhere)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Memory:
    rss_mb: float  # VmRSS: resident now
    peak_rss_mb: float  # VmHWM: the high-water mark since the process started


def memory(pid: int) -> Memory | None:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    fields = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024  # kB -> MB
    if len(fields) != 2:
        return None
    return Memory(rss_mb=fields["VmRSS"], peak_rss_mb=fields["VmHWM"])


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time the process has used so far."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name (which may hold spaces) start at field 3.
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
