#!/usr/bin/env sh
# The LangChain MCP adapters in an environment of their own (tests/langchain/.venv): they need
# mcp<2 and the server mcp 2 (see requirements.txt). Called by .ci/run; tests/e2e/test_adapters.py
# runs run.py with this environment's Python against the server of the project's environment.
set -eu
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
