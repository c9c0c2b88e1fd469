"""Throughput from one replica to three behind nginx (deploy/nginx.conf), on this machine.

    python -m bench.replicas                   # 32 clients, 3 rounds of 3 s (~1 minute)
    python -m bench.replicas --clients 64 --rounds 5 --era handshake

Targets, all stateless (`--stateless`) and started up front against one sandbox:

- `1 replica, direct`: one server process, the load generator talks to it;
- `1 replica, nginx`: the same kind of process behind nginx, to separate the proxy's cost;
- `3 replicas, nginx`: three processes behind nginx, round robin;
- `1 server, --workers 3`: uvicorn's own worker processes (no proxy), for comparison.

Each round runs every target once, in alternating order, each with a separate load-generator
process (`bench.load`: a closed loop of `update_cart_customer`, as in bench/throughput.py);
the median round is reported. nginx's access log gives each replica's share of the requests.
Needs the nginx binary (Debian: `apt-get install nginx`). Outputs JSON (`--out`) and prints
Markdown.

The helpers that render deploy/nginx.conf and run nginx and replicas as child processes are
also what tests/test_replicas.py uses.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx2

from .config import BOTH_ERAS, ERA_2026_07_28
from .implementations import REPO_ROOT
from .machine import describe
from .processes import child_env, free_port
from .stats import median
from .workload import APPLICATION, make_carts

NGINX_TEMPLATE = REPO_ROOT / "deploy" / "nginx.conf"
PLACEHOLDERS = ("{{PREFIX}}", "{{WORKER_PROCESSES}}", "{{LISTEN}}", "{{UPSTREAM_SERVERS}}")
_START_TIMEOUT = 30.0


# --- nginx --------------------------------------------------------------------------------


def nginx_binary() -> str | None:
    """The nginx executable: on PATH, or Debian's /usr/sbin/nginx (often off a user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    debian = Path("/usr/sbin/nginx")
    return str(debian) if debian.exists() else None


def render_nginx_config(
    prefix: Path,
    listen: str,
    upstreams: Sequence[str],
    *,
    worker_processes: int | str = 1,
    max_fails: int = 1,
    fail_timeout: str = "10s",
    template: str | None = None,
) -> str:
    """deploy/nginx.conf with its placeholders filled; `upstreams` are HOST:PORT."""
    text = NGINX_TEMPLATE.read_text() if template is None else template
    servers = "\n        ".join(
        f"server {address} max_fails={max_fails} fail_timeout={fail_timeout};"
        for address in upstreams
    )
    values = {
        "{{PREFIX}}": str(prefix),
        "{{WORKER_PROCESSES}}": str(worker_processes),
        "{{LISTEN}}": listen,
        "{{UPSTREAM_SERVERS}}": servers,
    }
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):  # comments keep naming the placeholders
            for placeholder, value in values.items():
                line = line.replace(placeholder, value)
            if "{{" in line:
                raise ValueError(f"unknown placeholder in the nginx template: {line.strip()}")
        lines.append(line)
    return "".join(lines)


@dataclass
class Balancer:
    """A running nginx: its URL, and its logs to read back."""

    process: subprocess.Popen[bytes]
    port: int
    prefix: Path
    upstreams: list[str]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.base_url + "/mcp"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    @property
    def error_log(self) -> Path:
        return self.prefix / "error.log"

    def access_entries(self) -> list[dict[str, Any]]:
        """The access log, one dict per request (nginx writes a line when a request ends)."""
        if not self.access_log.exists():
            return []
        lines = self.access_log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def served_by(self, entries: Sequence[dict[str, Any]] | None = None) -> Counter[str]:
        """Requests per replica that answered them (the last upstream tried)."""
        entries = self.access_entries() if entries is None else entries
        return Counter(final_upstream(e) for e in entries if e["upstream"])


def final_upstream(entry: dict[str, Any]) -> str:
    """The replica that gave the answer: the last of `$upstream_addr` ("a, b" after a retry)."""
    return str(entry["upstream"]).split(",")[-1].strip()


@contextlib.contextmanager
def run_nginx(
    nginx: str,
    prefix: Path,
    upstreams: Sequence[str],
    *,
    port: int | None = None,
    worker_processes: int | str = 1,
    fail_timeout: str = "10s",
) -> Iterator[Balancer]:
    """nginx in the foreground (`daemon off`) as our child, with its own prefix, until the
    block ends; ready once it answers on its port."""
    port = port or free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "tmp").mkdir(exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(
        render_nginx_config(
            prefix,
            f"127.0.0.1:{port}",
            upstreams,
            worker_processes=worker_processes,
            fail_timeout=fail_timeout,
        )
    )
    command = [nginx, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")]
    command += ["-g", "daemon off;" + (" user root;" if os.geteuid() == 0 else "")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_listening(process, port, lambda: _tail(prefix / "error.log"))
        yield Balancer(process=process, port=port, prefix=prefix, upstreams=list(upstreams))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- replicas -----------------------------------------------------------------------------


@dataclass
class Replica:
    """One `musement-mcp serve --transport http --stateless` process."""

    port: int
    command: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: TextIO | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}/mcp"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        self._log = self.log_path.open("a")
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=self._log, env=self.env, cwd=REPO_ROOT
        )

    def wait_ready(self) -> None:
        """Until GET /readyz answers 200 (the MCP endpoint is serving)."""
        assert self.process is not None
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            with contextlib.suppress(httpx2.TransportError):
                if httpx2.get(f"http://{self.address}/readyz").status_code == 200:
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"replica {self.address} did not start: {_tail(self.log_path)}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: a crash, no graceful shutdown; returns once the process is gone (and the
        kernel has closed its sockets)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_records(self) -> list[dict[str, Any]]:
        """The replica's JSON log lines (stderr) so far."""
        records = []
        for line in self.log_path.read_text().splitlines():
            with contextlib.suppress(ValueError):
                records.append(json.loads(line))
        return records


def replica_command(
    base_url: str, port: int, *, application: str, extra: Sequence[str] = ()
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "musement_mcp.server",
        "serve",
        "--transport",
        "http",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--stateless",
        "--base-url",
        base_url,
        "--application",
        application,
        *extra,
    ]


@contextlib.contextmanager
def run_replicas(
    base_url: str,
    count: int,
    directory: Path,
    *,
    application: str = APPLICATION,
    env: dict[str, str] | None = None,
    extra: Sequence[str] = (),
) -> Iterator[list[Replica]]:
    """`count` stateless replicas on free loopback ports, started together, all ready; each
    one's stderr (JSON log lines) in directory/replica-N.log."""
    directory.mkdir(parents=True, exist_ok=True)
    replicas = []
    for index in range(count):
        port = free_port()
        replicas.append(
            Replica(
                port=port,
                command=replica_command(base_url, port, application=application, extra=extra),
                env={**child_env(), **(env or {})},
                log_path=directory / f"replica-{index}.log",
            )
        )
    try:
        for replica in replicas:
            replica.start()
        for replica in replicas:
            replica.wait_ready()
        yield replicas
    finally:
        for replica in replicas:
            replica.stop()


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, why: Any) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        with contextlib.suppress(httpx2.TransportError):
            httpx2.get(f"http://127.0.0.1:{port}/livez", timeout=2)
            return  # any HTTP answer: nginx is up (a replica may still be starting)
        if process.poll() is not None or time.monotonic() > deadline:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"nginx did not start: {stderr} {why()}")
        time.sleep(0.05)


def _tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text()[-chars:]
    except OSError:
        return ""


# --- the benchmark ------------------------------------------------------------------------

TARGETS = ("1 replica, direct", "1 replica, nginx", "3 replicas, nginx", "1 server, --workers 3")


@dataclass(frozen=True)
class ReplicaBench:
    clients: int = 32
    rounds: int = 3
    seconds: float = 3.0
    warmup_seconds: float = 1.0
    era: str = ERA_2026_07_28
    with_workers: bool = True


def measure_replicas(base_url: str, carts: list[str], bench: ReplicaBench) -> dict[str, Any]:
    """{target: {calls_per_s, calls_per_s_rounds, errors, share}} for each target."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("bench.replicas needs nginx (Debian: apt-get install nginx)")
    targets: dict[str, str] = {}
    balancers: dict[str, Balancer] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-replicas-") as tmp:
        work = Path(tmp)
        single, *_ = stack.enter_context(run_replicas(base_url, 1, work / "single"))
        three = stack.enter_context(run_replicas(base_url, 3, work / "three"))
        targets["1 replica, direct"] = single.url
        balancers["1 replica, nginx"] = stack.enter_context(
            run_nginx(nginx, work / "nginx-1", [single.address])
        )
        balancers["3 replicas, nginx"] = stack.enter_context(
            run_nginx(nginx, work / "nginx-3", [r.address for r in three])
        )
        for name, balancer in balancers.items():
            targets[name] = balancer.url
        if bench.with_workers:
            (workers,) = stack.enter_context(
                run_replicas(base_url, 1, work / "workers", extra=["--workers", "3"])
            )
            targets["1 server, --workers 3"] = workers.url
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        shares: dict[str, Counter[str]] = {name: Counter() for name in balancers}
        names = list(targets)
        for repeat in range(bench.rounds):
            for name in names if repeat % 2 == 0 else names[::-1]:
                before = len(balancers[name].access_entries()) if name in balancers else 0
                rounds[name].append(_load(targets[name], carts[: bench.clients], bench))
                if name in balancers:
                    entries = balancers[name].access_entries()[before:]
                    shares[name] += balancers[name].served_by(entries)
    results: dict[str, Any] = {}
    for name, runs in rounds.items():
        results[name] = {
            "calls_per_s": round(median([r["calls_per_s"] for r in runs]), 1),
            "calls_per_s_rounds": [r["calls_per_s"] for r in runs],
            "errors": sum(r["errors"] for r in runs),
            "first_error": next((r["first_error"] for r in runs if r["first_error"]), None),
            "requests_per_replica": sorted(shares[name].values(), reverse=True)
            if name in shares
            else None,
        }
    return results


def _load(url: str, carts: list[str], bench: ReplicaBench) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.load",
        f"--url={url}",
        "--impl=ours",
        f"--era={bench.era}",
        f"--carts={','.join(carts)}",
        f"--clients={len(carts)}",
        f"--seconds={bench.seconds}",
        f"--warmup-seconds={bench.warmup_seconds}",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, env=child_env(), cwd=REPO_ROOT, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def markdown(results: dict[str, Any], bench: ReplicaBench, machine: dict[str, Any]) -> str:
    base = results["1 replica, direct"]["calls_per_s"]
    lines = [
        f"### Replicas: `update_cart_customer`, closed loop, {bench.clients} clients, "
        f"era {bench.era}",
        "",
        f"Machine: {machine['nproc']} cores (`nproc`), {machine['cpu']}. Median of "
        f"{bench.rounds} rounds of {bench.seconds:g} s, targets alternating; the sandbox, "
        "nginx, the replicas and the load generator share the machine.",
        "",
        "| target | calls/s (median) | rounds | vs 1 replica direct | errors "
        "| requests per replica (nginx log) |",
        "| --- | ---: | --- | ---: | ---: | --- |",
    ]
    for name, run in results.items():
        ratio = run["calls_per_s"] / base if base else float("nan")
        rounds = ", ".join(f"{value:.0f}" for value in run["calls_per_s_rounds"])
        share = run["requests_per_replica"]
        lines.append(
            f"| {name} | {run['calls_per_s']:.0f} | {rounds} | {ratio:.2f}x | {run['errors']} "
            f"| {', '.join(map(str, share)) if share else 'n/a'} |"
        )
    return "\n".join(lines) + "\n"


def replicas_section(sandbox: Any, config: Any, *, clients: int = 32) -> dict[str, Any]:
    """The measurement as a section of `python -m bench`, sized by its preset (a
    `bench.config.BenchConfig`): {"results": ..., "markdown": ...}."""
    bench = ReplicaBench(
        clients=clients,
        rounds=max(config.throughput_repeats, 1),
        seconds=config.throughput_seconds,
        warmup_seconds=config.throughput_warmup_seconds,
        era=config.throughput_eras[-1],
    )
    results = measure_replicas(sandbox.base_url, make_carts(sandbox, clients), bench)
    return {"results": results, "markdown": markdown(results, bench, describe())}


def main(argv: list[str] | None = None) -> int:
    from musement_mcp.sandbox import SandboxServer

    parser = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    defaults = ReplicaBench()
    parser.add_argument("--clients", type=int, default=defaults.clients)
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--warmup-seconds", type=float, default=defaults.warmup_seconds)
    parser.add_argument("--era", choices=BOTH_ERAS, default=defaults.era)
    parser.add_argument("--no-workers", action="store_true", help="skip `--workers 3`")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "replicas.json")
    args = parser.parse_args(argv)
    bench = ReplicaBench(
        clients=args.clients,
        rounds=args.rounds,
        seconds=args.seconds,
        warmup_seconds=args.warmup_seconds,
        era=args.era,
        with_workers=not args.no_workers,
    )
    started = time.perf_counter()
    with SandboxServer() as sandbox:
        carts = make_carts(sandbox, bench.clients)
        results = measure_replicas(sandbox.base_url, carts, bench)
    machine = describe()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine,
        "config": bench.__dict__,
        "replicas": results,
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(markdown(results, bench, machine))
    print(f"done in {payload['seconds']:.0f} s; JSON in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
