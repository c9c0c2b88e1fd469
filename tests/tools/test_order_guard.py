"""tools/order_guard.py: one placing lock per cart, unknown outcomes and spent form states, in
memory (one process) and in a real redis-server (shared by every process that uses it).

Two Redis guards stand for two processes (each has its own connection pool); the memory
guard is one process, so both "sides" are the same guard. The Redis tests skip, with the
reason, when there is no redis-server binary; the subprocess test is in the `process`
category (`pytest -m process tests/tools/test_order_guard.py`).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import anyio
import pytest

from musement_mcp.tools.errors import MusementError, UpstreamUnavailable
from musement_mcp.tools.order_guard import (
    MemoryOrderGuard,
    OrderBusy,
    OrderGuard,
    OrderLockUnavailable,
    RedisOrderGuard,
    guard_for,
)
from tests.support.processes import free_port
from tests.support.redis import RedisServer, run_redis

pytestmark = pytest.mark.anyio

KINDS = ["memory", "redis"]
CART = "8f8f0d5e-6a2b-4c53-9f1e-0c1d2e3f4a5b"
# Generous: a bound for a hung test on a busy machine, never a measure of speed.
PATIENT = 60.0


@pytest.fixture(scope="module")
def shared_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the module; each test uses keys of its own (a prefix)."""
    with run_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def redis_url(kind: str, request: pytest.FixtureRequest) -> str | None:
    if kind == "memory":
        return None
    server: RedisServer = request.getfixturevalue("shared_redis")
    return server.url


class MovedClock:
    """A monotonic clock the test moves: the memory guard's TTLs pass without a sleep."""

    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def two_sides(redis_url: str | None, **options: float) -> AsyncIterator[list[OrderGuard]]:
    """Two guards as two processes would have them: two Redis clients on one store, or (in
    memory, one process) the same guard twice, on a clock the test moves (`let_pass`)."""
    if redis_url is None:
        guard = MemoryOrderGuard(clock=MovedClock())
        yield [guard, guard]
        return
    prefix = f"test-{uuid.uuid4().hex}:"  # this test's keys only
    guards = [RedisOrderGuard.from_url(redis_url, prefix=prefix, **options) for _ in range(2)]
    try:
        yield list(guards)
    finally:
        for guard in guards:
            await guard.aclose()


async def expired(url: str, key: str) -> None:
    """Returns once Redis has dropped `key` by itself (its TTL ran out): readiness, polled,
    bounded only by PATIENT."""
    from redis.asyncio import Redis

    probe = Redis.from_url(url)
    try:
        with anyio.fail_after(PATIENT):
            while await probe.exists(key):
                await anyio.sleep(0.005)
    finally:
        await probe.aclose()


async def refusals(url: str | None) -> int:
    """How many SETs the Redis at `url` has answered so far (a held lock's refusals among
    them); 0 in memory."""
    if url is None:
        return 0
    from redis.asyncio import Redis

    probe = Redis.from_url(url)
    try:
        stats = await probe.info("commandstats")
    finally:
        await probe.aclose()
    return int(stats.get("cmdstat_set", {}).get("calls", 0))


async def let_pass(guard: OrderGuard, url: str | None, seconds: float, key: str) -> None:
    """`seconds` pass for the guard's record `key` ("spent:nonce"): the memory guard's clock
    is moved on; in Redis, the record's own TTL (shorter than `seconds`) runs out."""
    if isinstance(guard, MemoryOrderGuard):
        assert isinstance(guard.clock, MovedClock)
        guard.clock.now += seconds
    else:
        assert isinstance(guard, RedisOrderGuard) and url is not None
        await expired(url, guard.prefix + key)


def test_guard_for_picks_the_store() -> None:
    assert isinstance(guard_for(None), MemoryOrderGuard) and not guard_for(None).shared
    assert isinstance(guard_for(""), MemoryOrderGuard)
    shared = guard_for("redis://127.0.0.1:1/0")  # connects on first use only
    assert isinstance(shared, RedisOrderGuard) and shared.shared


async def test_one_holder_at_a_time_across_both_sides(redis_url: str | None) -> None:
    inside, most, done = 0, 0, 0

    async with two_sides(redis_url) as sides:

        async def place(guard: OrderGuard) -> None:
            nonlocal inside, most, done
            async with guard.placing(CART, wait=PATIENT):
                inside += 1
                most = max(most, inside)
                for _ in range(3):
                    await anyio.sleep(0)  # give every other caller a chance to get in
                inside -= 1
                done += 1

        with anyio.fail_after(PATIENT * 2):
            async with anyio.create_task_group() as group:
                for index in range(16):
                    group.start_soon(place, sides[index % 2])
    assert (most, done) == (1, 16)


async def test_another_cart_is_not_held_up(redis_url: str | None) -> None:
    async with two_sides(redis_url) as (one, other):
        async with one.placing(CART, wait=0), other.placing(str(uuid.uuid4()), wait=0):
            pass


async def test_a_held_cart_is_busy_for_the_other_side(redis_url: str | None) -> None:
    async with two_sides(redis_url) as (one, other):
        async with one.placing(CART, wait=0):
            with pytest.raises(OrderBusy) as busy:
                async with other.placing(CART, wait=0.05):
                    raise AssertionError("two holders of one cart's lock")
        # Released: the other side gets it now.
        async with other.placing(CART, wait=0):
            pass
    error = busy.value.to_dict()["error"]
    assert isinstance(busy.value, MusementError)
    assert (error["type"], error["status"]) == ("order_busy", 409)
    assert "Call get_cart in a moment" in error["hint"]


async def test_a_cancelled_holder_releases_the_lock(redis_url: str | None) -> None:
    async with two_sides(redis_url) as (one, other):
        entered = anyio.Event()
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as group:

                async def hold() -> None:
                    async with one.placing(CART, wait=0):
                        entered.set()
                        await anyio.sleep_forever()

                group.start_soon(hold)
                await entered.wait()
                scope.cancel()
        # The release ran, shielded, before the cancelled holder was done: free at once.
        async with other.placing(CART, wait=0):
            pass


async def test_a_waiter_cancelled_while_waiting_leaves_nothing_behind(
    redis_url: str | None,
) -> None:
    async with two_sides(redis_url) as (one, other):
        async with one.placing(CART, wait=0):
            refused = await refusals(redis_url)
            with anyio.CancelScope() as scope:
                async with anyio.create_task_group() as group:

                    async def wait_for_it() -> None:
                        async with other.placing(CART, wait=PATIENT):
                            raise AssertionError("got a lock that was held")

                    group.start_soon(wait_for_it)
                    # Cancelled once it is waiting: refused twice (so between two polls) in
                    # Redis, blocked on the held lock in memory.
                    with anyio.fail_after(PATIENT):
                        if redis_url is None:
                            await anyio.wait_all_tasks_blocked()
                        else:
                            while await refusals(redis_url) < refused + 2:
                                await anyio.sleep(0.002)
                    scope.cancel()
        async with other.placing(CART, wait=0):
            pass


async def test_spend_counts_once_across_both_sides(redis_url: str | None) -> None:
    async with two_sides(redis_url) as (one, other):
        assert await one.spend("nonce-1", 600) is True
        assert await other.spend("nonce-1", 600) is False
        assert await one.spend("nonce-1", 600) is False
        assert await other.spend("nonce-2", 600) is True


async def test_a_spent_nonce_is_forgotten_after_its_ttl(redis_url: str | None) -> None:
    async with two_sides(redis_url) as (one, other):
        assert await one.spend("short", 0.05) is True
        await let_pass(one, redis_url, 0.5, "spent:short")  # well past the TTL
        assert await other.spend("short", 600) is True


async def test_an_unknown_outcome_is_seen_by_both_sides_until_cleared(
    redis_url: str | None,
) -> None:
    async with two_sides(redis_url) as (one, other):
        assert await other.unknown_since(CART) is None
        before = time.time()
        await one.record_unknown(CART)
        since = await other.unknown_since(CART)
        assert since is not None and before - 1 <= since <= time.time() + 1
        await other.record_unknown(CART)  # a second unknown keeps the first one's time
        assert await one.unknown_since(CART) == since
        await other.clear_unknown(CART)
        assert await one.unknown_since(CART) is None
        await one.clear_unknown(CART)  # clearing nothing is fine


async def test_the_memory_guard_is_bounded() -> None:
    guard = MemoryOrderGuard(max_entries=3)
    for index in range(10):
        assert await guard.spend(f"nonce-{index}", 600)
        await guard.record_unknown(f"cart-{index}")
    # The oldest records made room for the newest.
    assert await guard.spend("nonce-0", 600) is True
    assert await guard.spend("nonce-9", 600) is False
    assert await guard.unknown_since("cart-0") is None
    assert await guard.unknown_since("cart-9") is not None


# --- Redis only -------------------------------------------------------------------------


async def test_an_expired_lease_is_never_released_by_its_old_holder(
    shared_redis: RedisServer,
) -> None:
    """A holder that outlived its lease (a stalled process) must not free the next holder's
    lock when it finally leaves: the release compares the token before deleting."""
    prefix = f"test-{uuid.uuid4().hex}:"
    stalled = RedisOrderGuard.from_url(shared_redis.url, prefix=prefix, lease=0.05)
    later, observer = (RedisOrderGuard.from_url(shared_redis.url, prefix=prefix) for _ in "ab")
    try:
        async with AsyncExitStack() as later_holds:
            async with stalled.placing(CART, wait=0):
                # Stalled past its lease: Redis dropped the lock.
                await expired(shared_redis.url, f"{prefix}placing:{CART}")
                await later_holds.enter_async_context(later.placing(CART, wait=PATIENT))
            # The stalled holder has left: the later holder's lock is still there.
            with pytest.raises(OrderBusy):
                async with observer.placing(CART, wait=0):
                    raise AssertionError("the stalled holder released someone else's lock")
        async with observer.placing(CART, wait=0):
            pass
    finally:
        for guard in (stalled, later, observer):
            await guard.aclose()


async def test_redis_down_fails_closed(redis_server: RedisServer) -> None:
    guard = RedisOrderGuard.from_url(redis_server.url, operation_timeout=2.0)
    try:
        async with guard.placing(CART, wait=0):
            pass  # up: works
        redis_server.stop()
        entered = False
        with pytest.raises(OrderLockUnavailable) as down:
            async with guard.placing(CART, wait=PATIENT):
                entered = True
        assert not entered  # no silent per-process fallback: nothing ran
        for operation in (
            guard.spend("nonce", 600),
            guard.record_unknown(CART),
            guard.unknown_since(CART),
            guard.clear_unknown(CART),
        ):
            with pytest.raises(OrderLockUnavailable):
                await operation
    finally:
        await guard.aclose()
    error = down.value.to_dict()["error"]
    assert isinstance(down.value, UpstreamUnavailable)
    assert error["type"] == "order_lock_unavailable"
    assert "unreachable" in error["message"] and "nothing was sent" in error["message"]
    assert redis_server.url not in str(error)


async def test_nothing_listening_fails_closed() -> None:
    guard = RedisOrderGuard.from_url(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with pytest.raises(OrderLockUnavailable):
            async with guard.placing(CART, wait=0):
                raise AssertionError("placed without the lock store")
    finally:
        await guard.aclose()


CONTENDER = textwrap.dedent(
    """
    import sys
    import anyio
    from redis.asyncio import Redis
    from musement_mcp.tools.order_guard import RedisOrderGuard

    URL, PREFIX, CART, ROUNDS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

    async def main() -> int:
        guard = RedisOrderGuard.from_url(URL, prefix=PREFIX)
        # A separate connection observes the critical section: how many are inside.
        probe = Redis.from_url(URL)
        overlaps = 0
        try:
            for _ in range(ROUNDS):
                async with guard.placing(CART, wait=120):
                    if await probe.incr(PREFIX + "inside") != 1:
                        overlaps += 1
                    await anyio.sleep(0.002)
                    await probe.incr(PREFIX + "rounds")
                    await probe.decr(PREFIX + "inside")
        finally:
            await guard.aclose()
            await probe.aclose()
        print(overlaps)
        return 0

    sys.exit(anyio.run(main))
    """
)


@pytest.mark.process
def test_processes_contending_through_redis_take_turns(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    script = tmp_path / "contender.py"
    script.write_text(CONTENDER)
    prefix, processes, rounds = f"procs-{uuid.uuid4().hex}:", 4, 15
    command = [sys.executable, str(script), redis_server.url, prefix, CART, str(rounds)]
    running = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(processes)
    ]
    outcomes = [process.communicate(timeout=300) for process in running]
    for process, (out, err) in zip(running, outcomes, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
        assert out.decode().strip() == "0", "a process found another one inside"

    async def totals() -> tuple[str | None, str | None]:
        from redis.asyncio import Redis

        probe = Redis.from_url(redis_server.url, decode_responses=True)
        try:
            return await probe.get(prefix + "rounds"), await probe.get(prefix + "inside")
        finally:
            await probe.aclose()

    assert anyio.run(totals) == (str(processes * rounds), "0")
