"""Telling what the tools asked the sandbox, and in how many rounds (issue 17).

A round is told by the sandbox's recorder: requests a client sends together are still
being answered when the next arrives (`in_flight`). A sandbox with `latency=HOLD` holds
every request that long, so that requests sent together always overlap; on the virtual
clock of tests/support/in_memory.py the hold costs no wall time, and nothing is timed.
"""

from __future__ import annotations

from typing import Any

from musement_mcp.sandbox import RecordedRequest, product_id_of

HOLD = 0.5


def cart_with(sandbox: Any, *activities: tuple[str, int]) -> str:
    """A new cart in `sandbox` (a SandboxServer or an InMemorySandbox) with these
    (activity, quantity) items; its UUID."""
    cart = sandbox.state.create_cart()
    for activity, quantity in activities:
        sandbox.state.add_item(cart, product_id_of(activity), quantity)
    uuid: str = cart.uuid
    return uuid


def asked(requests: list[RecordedRequest], cart: str) -> list[tuple[str, str]]:
    """(method, path after the cart) of each request, the login as ("POST", "login")."""
    prefix = f"/api/v3/carts/{cart}"
    return [
        (r.method, r.path.removeprefix(prefix).lstrip("/") or "cart")
        if r.path.startswith(prefix)
        else (r.method, r.path.rsplit("/", 1)[-1])
        for r in requests
    ]


def rounds(requests: list[RecordedRequest]) -> list[list[RecordedRequest]]:
    """Requests grouped by round: a request that arrived while none was being answered
    starts a new round."""
    grouped: list[list[RecordedRequest]] = []
    for request in requests:
        if request.in_flight == 0 or not grouped:
            grouped.append([])
        grouped[-1].append(request)
    return grouped
