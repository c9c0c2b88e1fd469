"""Benchmark harness (issue 9): musement-mcp against a direct HTTP floor and a FastMCP peer.

Run from the repository root: `python -m bench` (full, ~8 min) or `python -m bench --quick`.
Each module has one job; `cli` wires them together.
"""
