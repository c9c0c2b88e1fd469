"""The /__sandbox admin endpoints, mounted only when faults are enabled, so a sandbox in
another process can be driven: arm and clear faults, revoke tokens, read the recorder, close
(pay) an order."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .components import Sandbox
from .errors import DEFAULT, musement_error, not_found
from .faults import FaultKind
from .views import order_info_json

_FAULT_OPTIONS = ("times", "status", "retry_after", "delay")


def _sandbox(request: Request) -> Sandbox:
    # Starlette's app.state holds untyped attributes; create_app() sets this one to the Sandbox.
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


async def list_faults(request: Request) -> Response:
    return JSONResponse({"faults": [f.to_json() for f in _sandbox(request).faults.active]})


async def add_fault(request: Request) -> Response:
    """Body: {"method", "path", "kind", and optionally "times", "status", "retry_after",
    "delay"}; kinds: status, rate_limit, delay, drop, malformed."""
    try:
        body: Any = json.loads(await request.body())
        options = {k: body[k] for k in _FAULT_OPTIONS if k in body}
        fault = _sandbox(request).faults.add(
            str(body["method"]), str(body["path"]), FaultKind(body["kind"]), **options
        )
    except (ValueError, KeyError, TypeError) as exc:
        return musement_error(400, DEFAULT, f"Invalid fault: {exc}")
    return JSONResponse(fault.to_json(), status_code=201)


async def clear_faults(request: Request) -> Response:
    _sandbox(request).faults.clear()
    return Response(status_code=204)


async def revoke_tokens(request: Request) -> Response:
    _sandbox(request).tokens.revoke_all()
    return Response(status_code=204)


async def close_order(request: Request) -> Response:
    """Mark an order paid and closed, as a completed payment would: its items go OK and get
    vouchers, GET /carts/{cartUuid}/order-info says paid/closed. Answers the order info."""
    state = _sandbox(request).state
    order = state.get_order(request.path_params["order_uuid"])
    if order is None:
        return not_found()
    state.pay(order)
    return JSONResponse(order_info_json(order))


async def list_requests(request: Request) -> Response:
    recorded = [
        {"method": r.method, "path": r.path, "query": r.query, "headers": r.headers, "json": r.json}
        for r in _sandbox(request).recorder.requests
    ]
    return JSONResponse({"count": len(recorded), "requests": recorded})


async def clear_requests(request: Request) -> Response:
    _sandbox(request).recorder.clear()
    return Response(status_code=204)


ADMIN_ROUTES = [
    Route("/__sandbox/faults", list_faults, methods=["GET"]),
    Route("/__sandbox/faults", add_fault, methods=["POST"]),
    Route("/__sandbox/faults", clear_faults, methods=["DELETE"]),
    Route("/__sandbox/tokens", revoke_tokens, methods=["DELETE"]),
    Route("/__sandbox/requests", list_requests, methods=["GET"]),
    Route("/__sandbox/requests", clear_requests, methods=["DELETE"]),
    Route("/__sandbox/orders/{order_uuid}/close", close_order, methods=["POST"]),
]
