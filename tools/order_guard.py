"""What must be shared by every process that places orders: one order per cart.

`create_order` holds a per-cart placing lock while it looks for the cart's order and posts a
new one; an order POST whose outcome is unknown is remembered; a 2026-07-28 form state is
answered once. Within one process `MemoryOrderGuard` is enough. With `--workers N` or
replicas, each process would have its own, and an upstream that does not lock a cart while
its order is PENDING (Musement's reference does not say that it does) takes a second order:
`RedisOrderGuard` keeps the same records in one Redis that every process shares.

A Redis that does not answer fails closed: `placing` raises `OrderLockUnavailable` and
nothing is sent; it never falls back to a per-process lock.

    guard = guard_for(os.environ.get("MUSEMENT_REDIS_URL"))
    async with guard.placing(cart_uuid, wait=20):
        ...  # look for the cart's order, then POST /orders at most once
    await guard.aclose()
"""

from __future__ import annotations

import random
import secrets
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, TypeVar

import anyio

from .errors import OrderBusy, OrderLockUnavailable
from .slots import KeyedSlots, WaitedTooLong
from .upstream import MusementConfig

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = [
    "UNKNOWN_TTL",
    "MemoryOrderGuard",
    "OrderBusy",
    "OrderGuard",
    "OrderLockUnavailable",
    "RedisOrderGuard",
    "guard_for",
    "lease_for",
]

# An unknown outcome is remembered this long at most: a cart's order is settled (or the cart
# gone) well within a day, and the store must not grow forever.
UNKNOWN_TTL = 24 * 3600.0
_T = TypeVar("_T")


def lease_for(call_budget: float) -> float:
    """How long a placing lock lives in Redis without its holder: longer than one
    create_order can hold it (its upstream calls share `call_budget`), with room for a
    stalled event loop, so a live holder never loses it; short enough that a crashed
    holder blocks its cart for under a minute with the default budget."""
    return 2 * call_budget + 10.0


class OrderGuard(ABC):
    """The per-cart placing lock, unknown order outcomes and spent form states."""

    # Whether other processes using the same store see the same records.
    shared: ClassVar[bool]

    @abstractmethod
    def placing(self, cart_uuid: str, *, wait: float) -> AbstractAsyncContextManager[None]:
        """Hold `cart_uuid`'s placing lock for the body; `OrderBusy` if another holder keeps
        it for `wait` seconds, `OrderLockUnavailable` if the store does not answer. Do not
        hold it while asking the user anything: a lease outlives only one call's budget."""

    @abstractmethod
    async def record_unknown(self, cart_uuid: str) -> None:
        """An order POST for the cart ended without a known outcome (kept the first time)."""

    @abstractmethod
    async def unknown_since(self, cart_uuid: str) -> float | None:
        """Epoch seconds of the cart's unresolved unknown outcome, or None."""

    @abstractmethod
    async def clear_unknown(self, cart_uuid: str) -> None:
        """The cart's unknown outcome is resolved (its order was found, or surely absent)."""

    @abstractmethod
    async def spend(self, nonce: str, ttl: float) -> bool:
        """True the first time `nonce` is spent within `ttl` seconds; False on a replay."""

    @abstractmethod
    async def aclose(self) -> None:
        """Release the store's connections."""

    async def __aenter__(self) -> OrderGuard:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class MemoryOrderGuard(OrderGuard):
    """Per process: right for one process (stdio, a single HTTP server), not for several.
    `clock` (monotonic seconds) times the records' TTLs; a test may pass one it moves."""

    shared = False

    def __init__(
        self, max_entries: int = 10_000, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_entries = max_entries
        self.clock = clock
        self._slots = KeyedSlots(1)
        # cart -> (epoch seconds of the unknown outcome, monotonic expiry)
        self._unknown: OrderedDict[str, tuple[float, float]] = OrderedDict()
        # nonce -> monotonic expiry
        self._spent: OrderedDict[str, float] = OrderedDict()

    @asynccontextmanager
    async def placing(self, cart_uuid: str, *, wait: float) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            try:
                await stack.enter_async_context(
                    self._slots.hold(cart_uuid, deadline=anyio.current_time() + max(wait, 0.0))
                )
            except WaitedTooLong:
                raise OrderBusy(_BUSY) from None
            yield

    async def record_unknown(self, cart_uuid: str) -> None:
        now = self.clock()
        known = self._unknown.get(cart_uuid)
        if known is not None and known[1] > now:
            return
        _make_room(self._unknown, self.max_entries, now, lambda entry: entry[1])
        self._unknown[cart_uuid] = (time.time(), now + UNKNOWN_TTL)

    async def unknown_since(self, cart_uuid: str) -> float | None:
        known = self._unknown.get(cart_uuid)
        if known is None or known[1] <= self.clock():
            return None
        return known[0]

    async def clear_unknown(self, cart_uuid: str) -> None:
        self._unknown.pop(cart_uuid, None)

    async def spend(self, nonce: str, ttl: float) -> bool:
        now = self.clock()
        if self._spent.get(nonce, 0.0) > now:
            return False
        _make_room(self._spent, self.max_entries, now, lambda expiry: expiry)
        self._spent[nonce] = now + ttl
        return True

    async def aclose(self) -> None:
        return None


def _make_room(
    table: OrderedDict[str, _T], size: int, now: float, expiry: Callable[[_T], float]
) -> None:
    """Drop expired entries, then the oldest, until one more fits: bounded memory."""
    if len(table) < size:
        return
    for key in [key for key, value in table.items() if expiry(value) <= now]:
        del table[key]
    while len(table) >= size:
        table.popitem(last=False)


_BUSY = "Another call is placing this cart's order right now; nothing was sent."
# Deletes the lock only if it still holds our token: a lock that expired and was taken by
# another holder is never released by us.
_RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""


class RedisOrderGuard(OrderGuard):
    """Shared by every process and replica that uses the same Redis (`redis.asyncio`)."""

    shared = True

    def __init__(
        self,
        redis: Redis,
        *,
        lease: float = lease_for(MusementConfig.call_budget),
        operation_timeout: float = 2.0,
        max_poll: float = 0.25,
        prefix: str = "musement-mcp:",
    ) -> None:
        self._redis = redis
        self.lease = lease
        self.operation_timeout = operation_timeout
        self.max_poll = max_poll
        self.prefix = prefix
        self._release_script = redis.register_script(_RELEASE)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        lease: float = lease_for(MusementConfig.call_budget),
        operation_timeout: float = 2.0,
        prefix: str = "musement-mcp:",
    ) -> RedisOrderGuard:
        """A guard on a new `redis.asyncio` client for `url` (redis://, rediss://, unix://);
        the client connects on first use."""
        try:
            from redis.asyncio import Redis
        except ImportError:
            raise RuntimeError(
                "MUSEMENT_REDIS_URL is set but the redis package is not installed: "
                "pip install 'musement-mcp[redis]'"
            ) from None
        client = Redis.from_url(
            url,
            socket_timeout=operation_timeout,
            socket_connect_timeout=operation_timeout,
            decode_responses=True,
        )
        return cls(client, lease=lease, operation_timeout=operation_timeout, prefix=prefix)

    def _key(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}:{name}"

    async def _call(self, operation: Awaitable[_T]) -> _T:
        """One round trip, bounded; any store failure is `OrderLockUnavailable`."""
        from redis.exceptions import RedisError

        try:
            with anyio.fail_after(self.operation_timeout):
                return await operation
        except (RedisError, OSError, TimeoutError) as exc:
            # The URL may carry a password: name the failure's kind only.
            raise OrderLockUnavailable(
                f"The order lock store (Redis) is unreachable ({type(exc).__name__}); "
                "nothing was sent to Musement."
            ) from None

    @asynccontextmanager
    async def placing(self, cart_uuid: str, *, wait: float) -> AsyncIterator[None]:
        key = self._key("placing", cart_uuid)
        token = secrets.token_hex(16)
        try:
            await self._acquire(key, token, wait)
        except BaseException:
            # Cancelled or timed out after Redis took the SET but before its answer came
            # back: the lock may be ours, so take it back rather than leave it a lease.
            await self._release(key, token)
            raise
        try:
            yield
        finally:
            await self._release(key, token)

    async def _acquire(self, key: str, token: str, wait: float) -> None:
        deadline = anyio.current_time() + max(wait, 0.0)
        lease_ms = max(int(self.lease * 1000), 1)
        backoff = 0.01
        while True:
            if await self._call(self._redis.set(key, token, nx=True, px=lease_ms)):
                return
            left = deadline - anyio.current_time()
            if left <= 0:
                raise OrderBusy(_BUSY)
            # Polling, not a busy loop: capped exponential backoff, jittered so waiters that
            # started together do not ask together.
            await anyio.sleep(min(left, backoff / 2 + random.uniform(0, backoff / 2)))
            backoff = min(backoff * 2, self.max_poll)

    async def _release(self, key: str, token: str) -> None:
        # Shielded: a cancelled holder still releases; bounded by `_call`'s timeout. If Redis
        # is gone the lease expires by itself, and the call's own outcome stands.
        with anyio.CancelScope(shield=True):
            try:
                await self._call(self._release_script(keys=[key], args=[token]))
            except OrderLockUnavailable:
                pass

    async def record_unknown(self, cart_uuid: str) -> None:
        await self._call(
            self._redis.set(
                self._key("unknown", cart_uuid), repr(time.time()), nx=True, ex=int(UNKNOWN_TTL)
            )
        )

    async def unknown_since(self, cart_uuid: str) -> float | None:
        value = await self._call(self._redis.get(self._key("unknown", cart_uuid)))
        try:
            return float(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    async def clear_unknown(self, cart_uuid: str) -> None:
        await self._call(self._redis.delete(self._key("unknown", cart_uuid)))

    async def spend(self, nonce: str, ttl: float) -> bool:
        ttl_ms = max(int(ttl * 1000), 1)
        spent = await self._call(
            self._redis.set(self._key("spent", nonce), "1", nx=True, px=ttl_ms)
        )
        return bool(spent)

    async def aclose(self) -> None:
        with anyio.CancelScope(shield=True):
            await self._redis.aclose()


def guard_for(
    redis_url: str | None, *, lease: float = lease_for(MusementConfig.call_budget)
) -> OrderGuard:
    """A Redis guard shared through `redis_url`, or a per-process one without it."""
    if not redis_url:
        return MemoryOrderGuard()
    return RedisOrderGuard.from_url(redis_url, lease=lease)
