"""`python -m musement_mcp.server`: the same as the `musement-mcp` command."""

from .cli import main

raise SystemExit(main())
