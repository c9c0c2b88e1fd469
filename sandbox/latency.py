"""An added network delay per request, to stand in for a Musement that is far away.

The sandbox answers over loopback in about a millisecond; a real upstream is tens
to hundreds of milliseconds away. `LatencyMiddleware` waits `sandbox.latency`
seconds before each API request is handled (one round trip's worth), so a
benchmark can count how many round trips a tool call costs. Connection set-up
(TCP, TLS) is not modelled: pooled connections make it rare after the first call.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from .components import Sandbox


class LatencyMiddleware:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        delay = self.sandbox.latency
        if scope["type"] == "http" and delay > 0 and not scope["path"].startswith("/__sandbox"):
            await anyio.sleep(delay)
        await self.app(scope, receive, send)
