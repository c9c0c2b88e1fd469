"""The MCP adapter: tool definitions, transports, settings and the command line."""

from .app import build_server
from .settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "build_server", "load_settings"]
