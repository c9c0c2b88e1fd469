"""Records every request the sandbox receives, for tests to assert on headers and counts."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ADMIN_PREFIX = "/__sandbox"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # the full path, e.g. "/api/v3/carts/<uuid>/customer"
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased; a repeated header keeps its last value
    body: bytes
    json: Any = field(default=None)  # the parsed JSON body, or None when absent or not JSON
    # Requests still being answered when this one arrived: requests a client sent together
    # (in one round trip) see each other here.
    in_flight: int = 0

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Recorder:
    """Thread-safe log of received requests (admin `/__sandbox` calls are not recorded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._answering = 0

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(dataclasses.replace(request, in_flight=self._answering))
            self._answering += 1

    def in_flight(self) -> int:
        """Recorded requests still being answered."""
        with self._lock:
            return self._answering

    def answered(self) -> None:
        """A recorded request's answer is complete (or its connection gone)."""
        with self._lock:
            self._answering -= 1

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def filter(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Requests matching a method and a path (exact, or relative to /api/v3)."""
        return [r for r in self.requests if _matches(r, method, path)]

    def count(self, method: str | None = None, path: str | None = None) -> int:
        return len(self.filter(method, path))

    def last(self) -> RecordedRequest | None:
        with self._lock:
            return self._requests[-1] if self._requests else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._requests)


def _matches(request: RecordedRequest, method: str | None, path: str | None) -> bool:
    if method is not None and request.method != method.upper():
        return False
    return path is None or request.path in (path, "/api/v3" + path)


class RecorderMiddleware:
    """Buffers the request body so it can be both recorded and replayed to the app."""

    def __init__(self, app: ASGIApp, recorder: Recorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        self.recorder.record(_recorded(scope, body))

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        done = False

        async def answer(message: Message) -> None:
            nonlocal done
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                # Counted as answered before the last bytes leave: a client that sends its
                # next request on reading them must never find this one still in flight.
                done = True
                self.recorder.answered()
            await send(message)

        try:
            await self.app(scope, replay, answer)
        finally:
            if not done:
                self.recorder.answered()


def _recorded(scope: Scope, body: bytes) -> RecordedRequest:
    raw_headers: Iterable[tuple[bytes, bytes]] = scope.get("headers", [])
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw_headers}
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return RecordedRequest(scope["method"], scope["path"], query, headers, body, parsed)
