"""Upstream requests per `update_cart_customer`, counted by the sandbox's recorder.

After one warm-up update (which may fetch the cart's schema), every further update on the
same cart should cost exactly one upstream request: the PUT.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from musement_mcp.sandbox import SandboxServer

from .clients import Route, call, connect
from .config import ERA_2026_07_28
from .implementations import Implementation
from .workload import CUSTOMER, make_carts, musement_config


@dataclass(frozen=True)
class UpstreamCount:
    updates: int
    requests_per_update: float  # every request the sandbox received, whatever its route
    schema_gets_per_update: float
    customer_puts_per_update: float


async def count_upstream(
    sandbox: SandboxServer, impl: Implementation, updates: int, *, era: str = ERA_2026_07_28
) -> UpstreamCount:
    """Warm updates through an in-process client (the transport does not change the count).

    Nothing else may use the sandbox meanwhile: every request it receives is counted.
    """
    config = musement_config(sandbox)
    [cart] = make_carts(sandbox, 1)
    tool_call = impl.update_call(cart, CUSTOMER)
    schema_path = f"/carts/{cart}/customer/schema"
    customer_path = f"/carts/{cart}/customer"
    async with AsyncExitStack() as stack:
        client = await connect(stack, Route(impl, "inprocess", era), config)
        await call(client, tool_call)  # warm: the schema is fetched and cached here
        total = len(sandbox.recorder)
        gets = sandbox.recorder.count("GET", schema_path)
        puts = sandbox.recorder.count("PUT", customer_path)
        for _ in range(updates):
            await call(client, tool_call)
        total = len(sandbox.recorder) - total
        gets = sandbox.recorder.count("GET", schema_path) - gets
        puts = sandbox.recorder.count("PUT", customer_path) - puts
    return UpstreamCount(updates, total / updates, gets / updates, puts / updates)
