"""Helpers shared by the tests, with public names: import them from here, never from a test
module or from conftest.py (which only turns some of them into fixtures).

- `common`: the test application name, the protocol eras, a complete customer, error bodies.
- `processes`: the server as a subprocess (stdio parameters, Streamable HTTP until ready).
- `node`: the pinned Node test clients (tests/node).
- `conformance`: the official MCP conformance suite and its expected failures.
- `elicitation`: a user who answers elicitation forms.
- `schemas`: a Musement-shaped customer schema with its quirks.
- `snapshots`: the reviewed tool definitions, one file per tool.
- `load`: a bounded mixed load over Streamable HTTP (also `python -m tests.support.load`).
- `adapters`: the agent frameworks' side (tests/langchain, tests/tokens, a cart with everything).
- `agent_flow`: the customer step driven from converted schemas (standard library only).
- `strict`: OpenAI's documented strict-mode rules, as a checker.
"""
