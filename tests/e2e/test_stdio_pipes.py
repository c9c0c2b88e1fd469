"""The stdio transport on the event loop: lines in, messages out, stray output kept off the
wire, over-long lines skipped whole, the last answers drained at exit, blocking mode
restored, and the SDK's transport where stdin and stdout are not two pipes
(server/stdio_pipes.py). Each test runs it in a subprocess (it diverts fds 0 and 1): marked
`process`, out of the fast default run."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.processes import READY_TIMEOUT

pytestmark = pytest.mark.process

ECHO = """
import anyio, os, sys
from musement_mcp.server.stdio_pipes import event_loop_stdio

async def main():
    async with event_loop_stdio(max_line_bytes=1000) as pipes:
        if pipes is None:
            print("no pipes", flush=True)
            return
        lines, out = pipes
        print("stray", flush=True)  # fd 1 is stderr while serving
        async for line in lines:
            await out.write(line.upper() if line != "big\\n" else "z" * 2_000_000 + "\\n")
            await out.flush()
    print("after", os.get_blocking(0), os.get_blocking(1), flush=True)  # fd 1 is stdout again

anyio.run(main)
"""


def run_echo(**kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", ECHO], capture_output=True, timeout=READY_TIMEOUT, check=True,
        **kwargs,  # type: ignore[call-overload]
    )  # fmt: skip


def test_lines_are_served_on_the_event_loop_and_stray_output_goes_to_stderr() -> None:
    done = run_echo(input=b'{"a": 1}\n' + b"x" * 900 + b"\nlast line without newline")
    assert (
        done.stdout == b'{"A": 1}\n' + b"X" * 900 + b"\nLAST LINE WITHOUT NEWLINEafter True True\n"
    )
    assert done.stderr == b"stray\n"


def test_a_line_over_the_cap_is_skipped_whole() -> None:
    done = run_echo(input=b"a\n" + b"y" * 5000 + b"\nb\n")
    # One stand-in line for the long one (the SDK answers it with a parse error), and the
    # line after it intact.
    assert done.stdout == b"A\n{\nB\nafter True True\n"


def test_the_last_answer_reaches_a_slow_reader() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", ECHO],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"big\n")
    process.stdin.close()  # the server's input ends while its answer is still in the pipe
    time.sleep(0.5)  # a reader that is late (not a bound: only lets the server reach exit)
    received = process.stdout.read()
    assert process.wait(timeout=READY_TIMEOUT) == 0
    assert received == b"z" * 2_000_000 + b"\nafter True True\n"


def test_a_file_or_a_socket_is_left_to_the_sdk(tmp_path: Path) -> None:
    given = tmp_path / "in.jsonl"
    given.write_text('{"a": 1}\n')
    with given.open("rb") as stdin:
        assert run_echo(stdin=stdin).stdout == b"no pipes\n"
    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.sendall(b'{"a": 1}\n')
        ours.shutdown(socket.SHUT_WR)
        done = subprocess.run(
            [sys.executable, "-c", ECHO],
            stdin=theirs.fileno(),
            stdout=theirs.fileno(),
            stderr=subprocess.DEVNULL,
            timeout=READY_TIMEOUT,
            check=True,
        )
        assert done.returncode == 0
        assert ours.recv(100) == b"no pipes\n"
