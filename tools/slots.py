"""At most N holders per key at a time, for keys that come and go (carts).

A key's semaphore exists only while somebody holds or waits for it, so the
table never grows with the number of carts ever seen; a holder cancelled while
waiting leaves it as it found it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio


class WaitedTooLong(Exception):
    """The deadline passed before a slot was free."""


class KeyedSlots:
    def __init__(self, size: int) -> None:
        self.size = size
        # key -> (its semaphore, how many hold or wait for it)
        self._slots: dict[str, tuple[anyio.Semaphore, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str, *, deadline: float | None = None) -> AsyncIterator[None]:
        """One of `key`'s slots for the body; `WaitedTooLong` if none frees up before
        `deadline` (anyio's clock)."""
        slot, users = self._slots.get(key, (anyio.Semaphore(self.size), 0))
        self._slots[key] = (slot, users + 1)
        try:
            try:
                # A free slot is taken even when the deadline has passed (no wait at all).
                slot.acquire_nowait()
            except anyio.WouldBlock:
                try:
                    wait = None if deadline is None else max(deadline - anyio.current_time(), 0)
                    with anyio.fail_after(wait):
                        await slot.acquire()
                except TimeoutError as exc:
                    raise WaitedTooLong(key) from exc
            try:
                yield
            finally:
                slot.release()
        finally:
            slot, users = self._slots[key]
            if users <= 1:
                del self._slots[key]
            else:
                self._slots[key] = (slot, users - 1)
