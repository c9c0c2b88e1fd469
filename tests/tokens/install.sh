#!/usr/bin/env sh
# js-tiktoken, pinned in package-lock.json, for the token counts of tests/e2e/test_adapters.py
# (o200k ranks ship in the package: no network at test time). Called by .ci/run.
set -eu
cd "$(dirname "$0")"
exec npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
