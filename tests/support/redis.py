"""A real `redis-server` (Debian's package) on a free loopback port, for tests that share
state between processes (the order guard).

`run_redis(directory)` starts one and waits until it answers PING; `redis_server` is the
pytest fixture (registered in tests/conftest.py), skipped with the reason when the binary is
absent. Nothing is persisted (`--save ''`, `--appendonly no`).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .processes import free_port, wait_until

INSTALL = "apt-get install -y --no-install-recommends redis-server"


def redis_server_binary() -> str | None:
    """The redis-server executable: on PATH, or Debian's /usr/bin/redis-server."""
    found = shutil.which("redis-server")
    if found:
        return found
    debian = Path("/usr/bin/redis-server")
    return str(debian) if debian.exists() else None


def require_redis_server() -> str:
    binary = redis_server_binary()
    if binary is None:
        pytest.skip(f"needs the redis-server binary (Debian: {INSTALL})")
    return binary


@dataclass
class RedisServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        return pings(self.port)

    def stop(self) -> None:
        """Stop it now (a store that goes away under its clients); idempotent. Asked with
        SHUTDOWN NOSAVE, which it obeys at once (SIGTERM waits for its next 0.1 s cron tick),
        else terminated."""
        if self.process.poll() is None:
            shutdown(self.port)
            try:
                self.process.wait(timeout=30)
                return
            except subprocess.TimeoutExpired:
                pass
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def pings(port: int) -> bool:
    """Whether a Redis on loopback `port` answers PING with PONG (plain RESP, no client)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def shutdown(port: int) -> None:
    """SHUTDOWN NOSAVE to the Redis on loopback `port`: it closes its clients and exits; no
    answer comes on success."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"SHUTDOWN NOSAVE\r\n")
            connection.recv(64)
    except OSError:
        pass


@contextlib.contextmanager
def run_redis(directory: Path, binary: str | None = None) -> Iterator[RedisServer]:
    """redis-server as our child on a free loopback port, ready (answers PING), until the
    block ends; its log in directory/redis.log."""
    binary = binary or require_redis_server()
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = directory / "redis.log"
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    command += ["no", "--dir", str(directory), "--logfile", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = RedisServer(process=process, port=port, log=log)
    try:
        wait_until(
            server.answers,
            what=f"redis-server on port {port}",
            alive=lambda: process.poll() is None,
            why=lambda: log.read_text()[-2000:] if log.exists() else "",
            poll=0.005,
        )
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own; skips without the binary."""
    with run_redis(tmp_path / "redis") as server:
        yield server
