"""Serves a sandbox app with uvicorn on a loopback port, in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
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
# How often the shutdown looks whether the connections and requests it waits for are done
# (uvicorn looks every 0.1 s, after a fixed 0.1 s); the wait itself is bounded by
# `timeout_graceful_shutdown`, as in uvicorn.
_SHUTDOWN_POLL = 0.002
_uvicorn_log = logging.getLogger("uvicorn.error")


class _Server(uvicorn.Server):
    """uvicorn's server, stopped promptly: `stop()` wakes its main loop at once rather than at
    its next 0.1 s tick, and the shutdown goes on as soon as the open connections are closed
    (uvicorn sleeps 0.1 s, then looks every 0.1 s). What the shutdown does is uvicorn's: stop
    accepting, ask each connection to finish its request and close, give the requests in
    flight `timeout_graceful_shutdown`, then cancel them. uvicorn is pinned to a minor in
    pyproject.toml; `main_loop` and `shutdown` follow its 0.55 code."""

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    def wake(self) -> None:
        """Called from another thread after `should_exit` is set: the main loop sees it now."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                loop.call_soon_threadsafe(wake.set)

    async def main_loop(self) -> None:
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)
            should_exit = await self.on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        state = self.server_state
        for connection in list(state.connections):
            connection.shutdown()
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                while state.connections or state.tasks:
                    await asyncio.sleep(_SHUTDOWN_POLL)
                for server in self.servers:
                    await server.wait_closed()
        except TimeoutError:
            _uvicorn_log.error(
                "Cancel %s running task(s), timeout graceful shutdown exceeded", len(state.tasks)
            )
            for task in state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if not self.force_exit:
            await self.lifespan.shutdown()


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
        self._server = _Server(config)
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
        self._server.wake()
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
