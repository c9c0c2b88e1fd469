"""tools/slots.py: at most N holders per key (cart lanes, the order lock), a deadline on the
wait, and a table that holds only the keys in use. On the virtual clock: the waits take no
wall time."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from musement_mcp.tools.slots import KeyedSlots, WaitedTooLong
from tests.support.in_memory import virtual_clock_backend

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> tuple[str, dict[str, Any]]:
    return virtual_clock_backend()


async def test_at_most_size_holders_per_key_and_other_keys_unaffected() -> None:
    slots = KeyedSlots(2)
    holding = {"now": 0, "most": 0}

    async def hold(key: str) -> None:
        async with slots.hold(key):
            holding["now"] += 1
            holding["most"] = max(holding["most"], holding["now"])
            await anyio.sleep(1)
            holding["now"] -= 1

    started = anyio.current_time()
    async with anyio.create_task_group() as group:
        for _ in range(6):
            group.start_soon(hold, "cart-a")
        # Another key is served at once while cart-a's six queue for two slots.
        await anyio.wait_all_tasks_blocked()
        with anyio.fail_after(0.001):
            async with slots.hold("cart-b"):
                pass
    assert holding["most"] == 2
    assert anyio.current_time() - started == pytest.approx(3)  # six in pairs, 1 s each
    assert slots._slots == {}  # no key stays behind


async def test_a_wait_past_the_deadline_is_waited_too_long() -> None:
    slots = KeyedSlots(1)
    async with slots.hold("cart"):
        start = anyio.current_time()
        with pytest.raises(WaitedTooLong):
            async with slots.hold("cart", deadline=start + 5):
                raise AssertionError("the slot is taken")
        assert anyio.current_time() - start == pytest.approx(5)
        # A deadline already past: no wait at all.
        with pytest.raises(WaitedTooLong):
            async with slots.hold("cart", deadline=start - 1):
                raise AssertionError("the slot is taken")
    assert slots._slots == {}


async def test_a_free_slot_is_taken_even_after_the_deadline() -> None:
    slots = KeyedSlots(1)
    entered = False
    async with slots.hold("cart", deadline=anyio.current_time() - 10):
        entered = True
    assert entered


async def test_a_holder_cancelled_while_waiting_leaves_the_table_as_it_found_it() -> None:
    slots = KeyedSlots(1)
    async with slots.hold("cart"):
        with anyio.move_on_after(1):
            async with slots.hold("cart"):
                raise AssertionError("the slot is taken")
        assert slots._slots["cart"][1] == 1  # only the holder is left
    assert slots._slots == {}
    # The slot was released: the next one takes it without waiting.
    with anyio.fail_after(0.001):
        async with slots.hold("cart"):
            pass


async def test_a_body_that_fails_releases_its_slot() -> None:
    slots = KeyedSlots(1)
    with pytest.raises(RuntimeError):
        async with slots.hold("cart"):
            raise RuntimeError("the request failed")
    with anyio.fail_after(0.001):
        async with slots.hold("cart"):
            pass
