"""Assembles the sandbox's Starlette app: /api/v3 routes, recorder, optional faults and admin."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from .activities import ACTIVITY_ROUTES
from .admin import ADMIN_ROUTES
from .api import ROUTES
from .components import Sandbox
from .errors import DEFAULT, musement_error
from .faults import FaultInjector, FaultMiddleware
from .latency import LatencyMiddleware
from .orders import ORDER_ROUTES
from .recorder import Recorder, RecorderMiddleware
from .seed import seed
from .state import SandboxState
from .tokens import DEFAULT_EXPIRES_IN, TokenStore

API_PREFIX = "/api/v3"


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown routes and methods answer in Musement's error shape too.
    assert isinstance(exc, HTTPException)
    return musement_error(exc.status_code, DEFAULT, exc.detail, headers=exc.headers)


def create_app(
    *,
    faults: bool = False,
    client_id: str | None = None,
    client_secret: str | None = None,
    expires_in: float = DEFAULT_EXPIRES_IN,
    no_payment_scope: bool = False,
    latency: float = 0.0,
    pending_orders_lock_cart: bool = True,
) -> Starlette:
    """A fresh, freshly seeded sandbox app; its parts are at `app.state.sandbox`.

    With `client_id`/`client_secret`, every /api/v3 call but /login needs a bearer token.
    With `faults=True`, the fault middleware and the /__sandbox admin endpoints are installed.
    With `no_payment_scope=True`, POST /payments/no/payment completes orders of any price.
    With `latency`, every API request waits that many seconds first (`sandbox.latency`).
    With `pending_orders_lock_cart=False`, only a paid order locks its cart: a second
    POST /orders for a cart whose order is still PENDING makes a second order.
    """
    state = SandboxState(pending_orders_lock_cart=pending_orders_lock_cart)
    seed(state)
    sandbox = Sandbox(
        state=state,
        tokens=TokenStore(client_id, client_secret, expires_in),
        recorder=Recorder(),
        faults=FaultInjector(enabled=faults),
        no_payment_scope=no_payment_scope,
        latency=latency,
    )
    routes: list[BaseRoute] = [Mount(API_PREFIX, routes=ROUTES + ORDER_ROUTES + ACTIVITY_ROUTES)]
    middleware = [
        Middleware(RecorderMiddleware, recorder=sandbox.recorder),
        Middleware(LatencyMiddleware, sandbox=sandbox),
    ]
    if faults:
        routes.extend(ADMIN_ROUTES)
        middleware.append(Middleware(FaultMiddleware, injector=sandbox.faults))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error},
    )
    app.state.sandbox = sandbox
    return app


def sandbox_of(app: Starlette) -> Sandbox:
    # Starlette's app.state holds untyped attributes; create_app() sets this one to the Sandbox.
    sandbox: Sandbox = app.state.sandbox
    return sandbox


class SandboxAccess:
    """A handle's way into a sandbox app (`self.app`): its state, requests, faults and tokens,
    for tests and the CLI, whether the app is served over loopback or called in memory."""

    app: Starlette

    @property
    def state(self) -> SandboxState:
        return sandbox_of(self.app).state

    @property
    def recorder(self) -> Recorder:
        return sandbox_of(self.app).recorder

    @property
    def faults(self) -> FaultInjector:
        return sandbox_of(self.app).faults

    @property
    def tokens(self) -> TokenStore:
        return sandbox_of(self.app).tokens

    def revoke_tokens(self) -> None:
        """Expire every issued token: the next call with one gets 401."""
        self.tokens.revoke_all()
