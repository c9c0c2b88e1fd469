"""Serves a sandbox app with uvicorn on a loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from .app import API_PREFIX, SandboxAccess, create_app
from .seed import BASE_CART_UUID, EXTRA_DATA_CART_UUID, LOCKED_CART_UUID
from .tokens import DEFAULT_EXPIRES_IN

_START_TIMEOUT = 10.0


class SandboxServer(SandboxAccess):
    """`with SandboxServer() as sb:` serves a freshly seeded sandbox at `sb.base_url`."""

    BASE_CART_UUID = BASE_CART_UUID
    EXTRA_DATA_CART_UUID = EXTRA_DATA_CART_UUID
    LOCKED_CART_UUID = LOCKED_CART_UUID

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        faults: bool = False,
        client_id: str | None = None,
        client_secret: str | None = None,
        expires_in: float = DEFAULT_EXPIRES_IN,
        no_payment_scope: bool = False,
        latency: float = 0.0,
        pending_orders_lock_cart: bool = True,
        graceful_timeout: int = 1,
    ) -> None:
        self.app: Starlette = create_app(
            faults=faults,
            client_id=client_id,
            client_secret=client_secret,
            expires_in=expires_in,
            no_payment_scope=no_payment_scope,
            latency=latency,
            pending_orders_lock_cart=pending_orders_lock_cart,
        )
        # Bound here, not by uvicorn, so the port is known before the server starts.
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # An explicit IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted connections;
        # without it every response stalls ~40 ms on Nagle plus delayed ACKs.
        self._socket = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self._socket.listen(128)  # queue early connections until uvicorn serves
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,  # leave logging alone: nothing on stdout, the host decides
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            loop="asyncio",
            timeout_graceful_shutdown=graceful_timeout,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Like https://sandbox.musement.com/api/v3."""
        return self.url + API_PREFIX

    def close_order(self, order_uuid: str) -> None:
        """Mark an order paid and closed, as a completed payment would (items OK, vouchers)."""
        order = self.state.get_order(order_uuid)
        if order is None:
            raise KeyError(order_uuid)
        self.state.pay(order)

    def start(self) -> SandboxServer:
        if self._thread is not None:
            raise RuntimeError("the sandbox server was already started")
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"musement-sandbox:{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
