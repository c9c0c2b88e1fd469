"""The stdio transport on the event loop: lines in, messages out, stray output kept off the
wire, and the SDK's transport where stdin is not a pipe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.processes import READY_TIMEOUT

ECHO = """
import anyio
from musement_mcp.server.stdio_pipes import event_loop_stdio

async def main():
    async with event_loop_stdio() as pipes:
        if pipes is None:
            print("no pipes", flush=True)
            return
        lines, out = pipes
        print("stray", flush=True)  # fd 1 is stderr while serving
        async for line in lines:
            await out.write(line.upper())
            await out.flush()
    print("after", flush=True)  # fd 1 is stdout again

anyio.run(main)
"""


def test_lines_are_served_on_the_event_loop_and_stray_output_goes_to_stderr() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ECHO],
        input=b'{"a": 1}\n' + b"x" * 100_000 + b"\n",
        capture_output=True,
        timeout=READY_TIMEOUT,
        check=True,
    )
    assert done.stdout == b'{"A": 1}\n' + b"X" * 100_000 + b"\nafter\n"
    assert done.stderr == b"stray\n"


def test_a_file_on_stdin_is_left_to_the_sdk(tmp_path: Path) -> None:
    given = tmp_path / "in.jsonl"
    given.write_text('{"a": 1}\n')
    with given.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", ECHO],
            stdin=stdin,
            capture_output=True,
            timeout=READY_TIMEOUT,
            check=True,
        )
    assert done.stdout == b"no pipes\n"
