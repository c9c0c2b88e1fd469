"""The README's transcripts, from real runs: `python -m musement_mcp.demo.readme`.

Two blocks of README.md are generated, each between marker comments:

- `<!-- demo:start -->` … `<!-- demo:end -->`: steps of `musement-mcp demo` (a real run: the
  embedded sandbox, the server over stdio, real MCP clients), abridged by whole steps;
- `<!-- doctor:start -->` … `<!-- doctor:end -->`: the commands to paste that start a local
  sandbox with login and run `musement-mcp doctor` against it, then their output.

Identifiers that change from run to run are masked: random UUIDs (the seeded carts, items
and activities stay, so a reader can use them), confirmation tokens, and ports (the demo's as
`PORT`, the doctor's as the 8001 its printed commands use).

    python -m musement_mcp.demo.readme            # print both blocks
    python -m musement_mcp.demo.readme --check    # exit 1 if README.md differs
    python -m musement_mcp.demo.readme --write    # rewrite them in README.md

tests/e2e/test_readme_transcripts.py compares them with the README (UPDATE_README=1 rewrites).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import anyio

from ..sandbox import EXTRA_DATA_CART_UUID, SandboxServer
from .play import run_demo

# The demo's steps the README shows (their numbers in the demo); the others are left out.
DEMO_STEPS = (3, 9, 11)
# The doctor example's local sandbox: the port its printed commands use, and its login.
DOCTOR_PORT = 8001
DOCTOR_CLIENT_ID = "my-client-id"
DOCTOR_CLIENT_SECRET = "my-client-secret"
DOCTOR_APPLICATION = "my-application"
DOCTOR_BASE_URL = f"http://127.0.0.1:{DOCTOR_PORT}/api/v3"
DOCTOR_SETUP = (
    f"musement-mcp sandbox --port {DOCTOR_PORT} --client-id {DOCTOR_CLIENT_ID} "
    f"--client-secret {DOCTOR_CLIENT_SECRET} &",
    f"export MUSEMENT_BASE_URL={DOCTOR_BASE_URL} MUSEMENT_APPLICATION={DOCTOR_APPLICATION}",
    f"export MUSEMENT_CLIENT_ID={DOCTOR_CLIENT_ID} MUSEMENT_CLIENT_SECRET={DOCTOR_CLIENT_SECRET}",
)
DOCTOR_RUNS = (
    f"musement-mcp doctor --cart {EXTRA_DATA_CART_UUID}",
    f"musement-mcp doctor --cart {EXTRA_DATA_CART_UUID} --market zz",
)

SEEDED_UUID_PREFIX = "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed"
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b")
TOKEN = re.compile(r"\bc1-[0-9a-f]{16,}\b")
LOOPBACK_PORT = re.compile(r"127\.0\.0\.1:\d+")


def mask(text: str, *, port: str = "PORT") -> str:
    """`text` with the run's own identifiers replaced: each random (version 4) UUID by
    `<uuid-N>` in order of appearance (the seeded ones kept), tokens, loopback ports."""
    seen: dict[str, str] = {}

    def uuid(match: re.Match[str]) -> str:
        value = match.group(0)
        if value.startswith(SEEDED_UUID_PREFIX):
            return value
        return seen.setdefault(value, f"<uuid-{len(seen) + 1}>")

    text = UUID.sub(uuid, text)
    text = TOKEN.sub("c1-<token>", text)
    return LOOPBACK_PORT.sub(f"127.0.0.1:{port}", text)


def demo_block(steps: Sequence[int] = DEMO_STEPS) -> str:
    """The chosen steps of a real demo run, masked, as the README shows them."""
    out = io.StringIO()
    anyio.run(run_demo, out)
    lines = out.getvalue().splitlines()
    kept = [line for line in lines if line.startswith("Connected to ")]
    step: int | None = None
    for line in lines:
        heading = re.match(r"== (\d+)\. ", line)
        if heading:
            step = int(heading.group(1))
        elif line.startswith("Demo finished"):
            step = None
        if step in steps and line:
            kept.append(line)
    shown = ", ".join(str(s) for s in steps)
    total = sum(1 for line in lines if re.match(r"== \d+\. ", line))
    return (
        f"Steps {shown} of `musement-mcp demo` (it prints all {total}):\n\n"
        "```\n" + mask("\n".join(kept)) + "\n```\n"
    )


def doctor_block(environment: Mapping[str, str] | None = None) -> str:
    """The doctor example: the commands to paste, then what they print against a real local
    sandbox (on a free port, shown as DOCTOR_PORT)."""
    base = dict(os.environ if environment is None else environment)
    for name in list(base):
        if name.startswith("MUSEMENT_"):
            del base[name]  # only the example's settings
    with SandboxServer(client_id=DOCTOR_CLIENT_ID, client_secret=DOCTOR_CLIENT_SECRET) as sandbox:
        env = {
            **base,
            "MUSEMENT_BASE_URL": sandbox.base_url,
            "MUSEMENT_APPLICATION": DOCTOR_APPLICATION,
            "MUSEMENT_CLIENT_ID": DOCTOR_CLIENT_ID,
            "MUSEMENT_CLIENT_SECRET": DOCTOR_CLIENT_SECRET,
        }
        shown: list[str] = []
        for command in DOCTOR_RUNS:
            argv = shlex.split(command)
            assert argv[0] == "musement-mcp"
            done = subprocess.run(
                [sys.executable, "-m", "musement_mcp.server", *argv[1:]],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            shown += [f"$ {command}", done.stdout.rstrip("\n"), "$ echo $?", str(done.returncode)]
        output = mask("\n".join(shown), port=str(DOCTOR_PORT))
    return (
        "```sh\n" + "\n".join(DOCTOR_SETUP) + "\n" + "\n".join(DOCTOR_RUNS) + "\n```\n\n"
        "prints:\n\n```\n" + output + "\n```\n"
    )


BLOCKS: dict[str, Callable[[], str]] = {"demo": demo_block, "doctor": doctor_block}


def region(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name}:start -->\n)(.*?)(<!-- {name}:end -->)", re.DOTALL)


def current(readme: str, name: str) -> str:
    """The text between `name`'s markers in `readme`."""
    found = region(name).search(readme)
    if found is None:
        raise ValueError(f"README.md has no <!-- {name}:start --> … <!-- {name}:end --> block")
    return found.group(2)


def rewrite(readme: str, name: str, block: str) -> str:
    current(readme, name)
    return region(name).sub(lambda m: m.group(1) + block + m.group(3), readme)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m musement_mcp.demo.readme",
        description="The README's demo and doctor transcripts, from real runs.",
    )
    parser.add_argument("--readme", type=Path, default=Path("README.md"))
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the README differs")
    mode.add_argument("--write", action="store_true", help="rewrite the README's blocks")
    args = parser.parse_args(argv)
    blocks = {name: make() for name, make in BLOCKS.items()}
    if not (args.check or args.write):
        for name, block in blocks.items():
            print(f"<!-- {name}:start -->\n{block}<!-- {name}:end -->")
        return 0
    readme = args.readme.read_text(encoding="utf-8")
    if args.check:
        stale = [name for name, block in blocks.items() if current(readme, name) != block]
        for name in stale:
            print(f"{args.readme}: the {name} transcript differs from a real run", file=sys.stderr)
        return 1 if stale else 0
    for name, block in blocks.items():
        readme = rewrite(readme, name, block)
    args.readme.write_text(readme, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
