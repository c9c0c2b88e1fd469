"""The installed distribution's version, read once."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("musement-mcp")
except PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0.0.0+unknown"
