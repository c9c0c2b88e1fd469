"""A short-lived cache of compiled customer schemas, per cart and headers.

A cart's schema changes only when its items change, so a warm update needs no
schema request. The TTL bounds how stale it can be; a failed validation against
a cached schema is re-checked against a fresh one before it is reported.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable

from .schema import CompiledSchema


class SchemaCache:
    def __init__(self, ttl_seconds: float = 60.0, max_entries: int = 1024) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, CompiledSchema]] = OrderedDict()

    def get(self, key: Hashable) -> CompiledSchema | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, compiled = entry
        if time.monotonic() >= expires_at:
            del self._entries[key]
            return None
        return compiled

    def put(self, key: Hashable, compiled: CompiledSchema) -> None:
        if self.ttl_seconds <= 0:
            return
        self._entries[key] = (time.monotonic() + self.ttl_seconds, compiled)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        self._entries.pop(key, None)
