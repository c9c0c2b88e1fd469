"""The demo (`musement-mcp demo`) and the scripted user it shares with the examples."""

from .play import main, run_demo

__all__ = ["main", "run_demo"]
