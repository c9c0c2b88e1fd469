"""`python -m musement_mcp.sandbox`; `main` is re-exported for the main CLI's dispatch."""

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
