"""`python -m musement_mcp.demo`: the same as `musement-mcp demo`."""

from .play import main

raise SystemExit(main())
