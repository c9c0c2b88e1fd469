"""`python -m bench.variant_server [--sdk-stdio] [--no-early-login] -- ARGS`: the server
(`python -m musement_mcp.server ARGS`) with one piece of speed code switched off, for the
with/without comparisons of issue 25 (`bench.speed_code`). For the bench only: no setting or
environment variable of the product changes, the switch is made here, before `main` runs.

- `--sdk-stdio`: the SDK's own stdio transport (a worker thread reads and writes the pipes)
  instead of `server/stdio_pipes.py`; done by telling `event_loop_stdio` that stdin and
  stdout are not two pipes, the case it already leaves to the SDK.
- `--no-early-login`: no login thread at process start (`tools.upstream.EarlyLogin`); the
  server then logs in ahead when its session starts (`login_ahead` in the app's lifespan),
  as an in-process server does.

Without a flag it is exactly `python -m musement_mcp.server ARGS`, so both sides of a
comparison are started the same way.
"""

from __future__ import annotations

import sys

SDK_STDIO = "--sdk-stdio"
NO_EARLY_LOGIN = "--no-early-login"
FLAGS = (SDK_STDIO, NO_EARLY_LOGIN)


def _no_early_login(_config: object) -> None:
    return None


def _replace(module: object, name: str, value: object) -> None:
    # A renamed target must fail the bench, not leave the code it meant to switch off running.
    if not hasattr(module, name):
        raise RuntimeError(f"{module!r} has no {name!r}: update bench/variant_server.py")
    setattr(module, name, value)


def switch_off(flags: set[str]) -> None:
    """Switch off the pieces named by `flags` in this process."""
    if SDK_STDIO in flags:
        from musement_mcp.server import stdio_pipes

        _replace(stdio_pipes, "_pipes", lambda: False)
    if NO_EARLY_LOGIN in flags:
        # The command line reads the name when it serves (`from ..tools.upstream import ...`).
        from musement_mcp.tools import upstream

        _replace(upstream, "EarlyLogin", _no_early_login)


def main(argv: list[str]) -> int:
    flags = set()
    while argv and argv[0] in FLAGS:
        flags.add(argv.pop(0))
    if argv[:1] == ["--"]:
        argv = argv[1:]
    switch_off(flags)
    from musement_mcp.server.cli import main as server_main

    return server_main(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
