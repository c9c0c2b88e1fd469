"""Fault injection for tests: make a route fail, throttle, stall, drop or answer garbage.

Only a sandbox created with `faults=True` installs the middleware and the admin endpoint; a
default sandbox has neither, and its `FaultInjector` refuses to arm faults.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import Any

import anyio
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .recorder import ADMIN_PREFIX

API_PREFIX = "/api/v3"


class FaultKind(StrEnum):
    STATUS = "status"  # answer `status` (500 JSON; other codes a gateway's HTML page)
    RATE_LIMIT = "rate_limit"  # 429 with Retry-After
    DELAY = "delay"  # wait `delay` seconds, then answer normally
    DROP = "drop"  # start a response, then close the socket mid-body
    MALFORMED = "malformed"  # 200 with a body that is not valid JSON


@dataclass(frozen=True)
class Fault:
    id: int
    method: str  # upper case, or "*" for any
    path: str  # glob, matched against the path with and without the /api/v3 prefix
    kind: FaultKind
    times: int | None  # answers left; None = until cleared
    status: int = 503
    retry_after: int = 1
    delay: float = 2.0

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        relative = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path
        return fnmatchcase(path, self.path) or fnmatchcase(relative, self.path)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind.value}


class FaultsDisabled(RuntimeError):
    pass


class FaultInjector:
    """Thread-safe list of armed faults; the first matching one answers a request."""

    def __init__(self, enabled: bool = False) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(
        self,
        method: str,
        path: str,
        kind: FaultKind | str,
        *,
        times: int | None = 1,
        status: int = 503,
        retry_after: int = 1,
        delay: float = 2.0,
    ) -> Fault:
        if not self.enabled:
            raise FaultsDisabled("fault injection is off: create the sandbox with faults=True")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for until cleared")
        fault = Fault(
            next(self._ids),
            method.upper(),
            path,
            FaultKind(kind),
            times,
            status=status,
            retry_after=retry_after,
            delay=delay,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def fail(self, method: str, path: str, status: int = 503, *, times: int | None = 1) -> Fault:
        return self.add(method, path, FaultKind.STATUS, status=status, times=times)

    def rate_limit(
        self, method: str, path: str, retry_after: int = 1, *, times: int | None = 1
    ) -> Fault:
        return self.add(method, path, FaultKind.RATE_LIMIT, retry_after=retry_after, times=times)

    def delay(self, method: str, path: str, seconds: float, *, times: int | None = 1) -> Fault:
        return self.add(method, path, FaultKind.DELAY, delay=seconds, times=times)

    def drop(self, method: str, path: str, *, times: int | None = 1) -> Fault:
        return self.add(method, path, FaultKind.DROP, times=times)

    def malformed(self, method: str, path: str, *, times: int | None = 1) -> Fault:
        return self.add(method, path, FaultKind.MALFORMED, times=times)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault to apply to this request, counting it against the fault's `times`."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if not fault.matches(method, path):
                    continue
                if fault.times is None:
                    return fault
                if fault.times <= 1:
                    del self._faults[index]
                else:
                    self._faults[index] = replace(fault, times=fault.times - 1)
                return fault
        return None


class DroppedConnection(Exception):
    """Raised after a partial response so uvicorn closes the socket mid-body."""


class _QuietDroppedConnections(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


_quiet_filter = _QuietDroppedConnections()


def silence_dropped_connection_logs() -> None:
    # uvicorn logs every exception from the app; a deliberate drop is not worth a traceback.
    logger = logging.getLogger("uvicorn.error")
    if _quiet_filter not in logger.filters:
        logger.addFilter(_quiet_filter)


_GATEWAY_PAGE = "<html><head><title>{0}</title></head><body><h1>{0}</h1></body></html>"
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class FaultMiddleware:
    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector
        silence_dropped_connection_logs()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        fault = self.injector.take(scope["method"], scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind is FaultKind.DELAY:
            await _delayed(self.app, fault.delay, scope, receive, send)
        elif fault.kind is FaultKind.DROP:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
                }
            )
            await send({"type": "http.response.body", "body": b'{"uuid": "', "more_body": True})
            raise DroppedConnection
        else:
            await _fault_response(fault)(scope, receive, send)


async def _delayed(app: ASGIApp, delay: float, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer after `delay`, or never if the client gives up first (as a timed-out client
    does), so no request is left sleeping when the server stops."""
    body: list[Message] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return
        body.append(message)
        if not message.get("more_body", False):
            break
    with anyio.move_on_after(delay):
        while (await receive())["type"] != "http.disconnect":
            pass
        return

    async def replay() -> Message:
        return body.pop(0) if body else await receive()

    await app(scope, replay, send)


def _fault_response(fault: Fault) -> Response:
    if fault.kind is FaultKind.RATE_LIMIT:
        return JSONResponse(
            {"code": "0", "message": "Too Many Requests"},
            status_code=429,
            headers={"Retry-After": str(fault.retry_after)},
        )
    if fault.kind is FaultKind.MALFORMED:
        return Response(b'{"uuid": "broken', media_type="application/json")
    reason = _REASONS.get(fault.status, "Error")
    if fault.status == 500:
        return JSONResponse({"code": "0", "message": reason}, status_code=500)
    return Response(
        _GATEWAY_PAGE.format(f"{fault.status} {reason}"), fault.status, media_type="text/html"
    )
