"""The `musement-mcp` command.

musement-mcp [serve] [--transport stdio|http] [--host H] [--port N] [--sandbox] ...
musement-mcp demo        a scripted booking step against the embedded sandbox
musement-mcp sandbox     the embedded Musement sandbox on its own
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
from collections.abc import Iterator

import anyio
from pydantic import SecretStr

from .settings import Settings, SettingsError, load_settings
from .version import __version__

SANDBOX_APPLICATION = "musement-mcp-sandbox"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sandbox"]:
        from ..sandbox.__main__ import main as sandbox_main

        return sandbox_main(argv[1:])
    if argv[:1] == ["demo"]:
        from .demo import main as demo_main

        return demo_main(argv[1:])
    if argv[:1] == ["serve"]:
        argv = argv[1:]
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(
            base_url=args.base_url,
            application=args.application,
            market=args.market,
            version=args.api_version,
            language=args.language,
            currency=args.currency,
            client_id=args.client_id,
            timeout=args.timeout,
            call_budget=args.call_budget,
            schema_ttl=args.schema_ttl,
            log_level=args.log_level,
            http_host=args.host,
            http_port=args.port,
            http_stateless=args.stateless or None,
            http_workers=args.workers,
        )
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    return serve(settings, args)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    from .app import build_server
    from .logs import configure_logging
    from .transports import http_app, serve_http, serve_stdio

    configure_logging(settings.log_level)
    with _maybe_sandbox(settings, enabled=args.sandbox) as settings:
        try:
            if args.transport == "stdio":
                anyio.run(serve_stdio, build_server(settings))
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
        "Subcommands: serve (default), demo, sandbox. Every setting can also come from "
        "its MUSEMENT_* environment variable.",
    )
    parser.add_argument("--version", action="version", version=f"musement-mcp {__version__}")
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--host", help="MUSEMENT_HTTP_HOST bind address (127.0.0.1).")
    parser.add_argument("--port", type=int, help="MUSEMENT_HTTP_PORT (default 8000).")
    parser.add_argument(
        "--stateless",
        action="store_true",
        help="MUSEMENT_HTTP_STATELESS: HTTP without sessions (for replicas).",
    )
    parser.add_argument(
        "--workers", type=int, help="MUSEMENT_HTTP_WORKERS processes (implies --stateless)."
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="Start the embedded Musement sandbox and use it as the upstream.",
    )
    parser.add_argument("--base-url", help="MUSEMENT_BASE_URL")
    parser.add_argument("--application", help="MUSEMENT_APPLICATION")
    parser.add_argument("--market", help="MUSEMENT_MARKET (default us)")
    parser.add_argument("--api-version", help="MUSEMENT_VERSION (default 3.4.0)")
    parser.add_argument("--language", help="MUSEMENT_LANGUAGE (default en-US)")
    parser.add_argument("--currency", help="MUSEMENT_CURRENCY")
    parser.add_argument(
        "--client-id", help="MUSEMENT_CLIENT_ID (the secret only from MUSEMENT_CLIENT_SECRET)"
    )
    parser.add_argument("--timeout", type=float, help="MUSEMENT_TIMEOUT seconds (default 10)")
    parser.add_argument(
        "--call-budget", type=float, help="MUSEMENT_CALL_BUDGET seconds per tool call (20)"
    )
    parser.add_argument("--schema-ttl", type=float, help="MUSEMENT_SCHEMA_TTL seconds (60)")
    parser.add_argument("--log-level", help="MUSEMENT_LOG_LEVEL (default INFO)")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
