"""The `musement-mcp` command.

musement-mcp [serve] [--transport stdio|http] [--host H] [--port N] [--sandbox] ...
musement-mcp demo        a scripted booking step against the embedded sandbox
musement-mcp sandbox     the embedded Musement sandbox on its own
musement-mcp doctor      checks the settings against Musement (login, headers, a cart)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
from collections.abc import Iterator
from typing import Any, get_args

import anyio
from pydantic import SecretStr

from .settings import FLAGS, Settings, SettingsError, load_settings
from .version import __version__

SANDBOX_APPLICATION = "musement-mcp-sandbox"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sandbox"]:
        from ..sandbox.__main__ import main as sandbox_main

        return sandbox_main(argv[1:])
    if argv[:1] == ["demo"]:
        from ..demo import main as demo_main

        return demo_main(argv[1:])
    if argv[:1] == ["doctor"]:
        from .doctor import main as doctor_main

        return doctor_main(argv[1:])
    if argv[:1] == ["serve"]:
        argv = argv[1:]
    args = _parser().parse_args(argv)
    try:
        settings = settings_from(args)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    return serve(settings, args)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    from .logs import configure_logging

    configure_logging(settings.log_level)
    early_login = None
    config = settings.musement_config()
    if args.transport == "stdio" and not args.sandbox and config.has_credentials:
        # A stdio server starts with its session: log in while the MCP stack is imported.
        from ..tools.upstream import EarlyLogin

        early_login = EarlyLogin(config)

    from .app import build_server
    from .transports import http_app, serve_http, serve_stdio

    with _maybe_sandbox(settings, enabled=args.sandbox) as settings:
        try:
            if args.transport == "stdio":
                anyio.run(serve_stdio, build_server(settings, early_login=early_login))
            elif settings.http_workers > 1:
                from .asgi import FACTORY

                if not settings.request_state_keys:
                    # Workers must unseal each other's elicitation state: one key for all.
                    key = secrets.token_urlsafe(48)
                    settings = settings.model_copy(update={"request_state_key": SecretStr(key)})
                # Each worker builds its server from the environment: hand it ours.
                os.environ.update(_as_environment(settings))
                serve_http(settings, FACTORY)
            else:
                server = build_server(settings, stateless_http=settings.http_stateless)
                serve_http(settings, http_app(server, settings))
        except KeyboardInterrupt:
            pass
    return 0


def _as_environment(settings: Settings) -> dict[str, str]:
    environment = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        environment[f"MUSEMENT_{name.upper()}"] = (
            str(value).lower() if isinstance(value, bool) else str(value)
        )
    return environment


@contextlib.contextmanager
def _maybe_sandbox(settings: Settings, *, enabled: bool) -> Iterator[Settings]:
    """With `--sandbox`, point the settings at an embedded sandbox for the duration."""
    if not enabled:
        yield settings
        return
    from ..sandbox import SandboxServer

    with SandboxServer() as sandbox:
        print(f"embedded Musement sandbox at {sandbox.base_url}", file=sys.stderr)
        yield settings.model_copy(
            update={
                "base_url": sandbox.base_url,
                "application": settings.application or SANDBOX_APPLICATION,
            }
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="musement-mcp",
        description="MCP server for the customer step of a TUI Musement checkout. "
        "Subcommands: serve (default), demo, sandbox, doctor. Every setting can also come from "
        "its MUSEMENT_* environment variable.",
    )
    parser.add_argument("--version", action="version", version=f"musement-mcp {__version__}")
    parser.add_argument(
        "--transport",
        choices=["stdio", "http"],
        default="stdio",
        help="How clients connect (default stdio).",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="Start the embedded Musement sandbox and use it as the upstream.",
    )
    add_setting_flags(parser)
    return parser


def add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """A flag for every setting in `FLAGS` (the server's command line and the doctor's)."""
    for name, flag in FLAGS.items():
        _add_setting_flag(parser, name, flag)


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings, with the flags given in `args` over the environment (flags left out
    are None, so the environment or the default decides); `SettingsError` if bad."""
    return load_settings(**{name: getattr(args, name) for name in FLAGS})


def _add_setting_flag(parser: argparse.ArgumentParser, name: str, flag: str) -> None:
    """A flag for the setting `name`: its type, help and default come from the Settings field."""
    field = Settings.model_fields[name]
    kind = _value_type(field.annotation)
    text = f"{field.description} (MUSEMENT_{name.upper()}; default {show_default(field.default)})"
    if kind is bool:
        # Only ever switches on; left out, it is None and the environment decides.
        parser.add_argument(flag, dest=name, action="store_true", default=None, help=text)
        return
    metavar = flag.removeprefix("--").replace("-", "_").upper()
    parser.add_argument(flag, dest=name, type=kind, metavar=metavar, help=text)


def _value_type(annotation: Any) -> Any:
    """`str` for `str | None`, the annotation itself otherwise."""
    kinds = [kind for kind in get_args(annotation) or (annotation,) if kind is not type(None)]
    (kind,) = kinds
    return kind


def show_default(default: Any) -> str:
    """A default as `--help` and the README's settings table write it."""
    if default is None:
        return "none"
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


if __name__ == "__main__":
    raise SystemExit(main())
