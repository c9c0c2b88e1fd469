"""`python -m bench`: run the benchmark (see `bench.cli`)."""

from .cli import main

raise SystemExit(main())
