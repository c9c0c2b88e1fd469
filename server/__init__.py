"""The MCP adapter: tool definitions, transports, settings and the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from .app import build_server

__all__ = ["Settings", "SettingsError", "build_server", "load_settings"]


def __getattr__(name: str) -> Any:
    # The MCP stack is imported on first use, not with the package: the command line
    # starts its login to Musement first, so that the two overlap (see cli.serve).
    if name == "build_server":
        from .app import build_server

        return build_server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
