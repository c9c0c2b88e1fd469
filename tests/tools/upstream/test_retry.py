"""tools/upstream/retry.py: which upstream faults are retried, when, and the call's time budget.

The domain against the sandbox in memory (tests/support/in_memory.py) on a virtual clock:
backoffs, `Retry-After`, timeouts and the budget cost no wall time, and `elapsed` is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from musement_mcp.sandbox import BASE_CART_UUID
from musement_mcp.sandbox.faults import FaultInjector
from musement_mcp.tools import (
    MusementError,
    RateLimited,
    get_customer_schema,
    update_cart_customer,
)
from tests.support.common import GRACE
from tests.support.in_memory import InMemorySandbox, virtual_clock_backend

pytestmark = pytest.mark.anyio

SCHEMA = "/carts/*/customer/schema"
CUSTOMER_PUT = "/carts/*/customer"

Arm = Callable[[FaultInjector], Any]


@pytest.fixture
def anyio_backend() -> tuple[str, dict[str, Any]]:
    return virtual_clock_backend()


@pytest.fixture
def faulty() -> InMemorySandbox:
    """A sandbox of the test's own, with fault injection on."""
    return InMemorySandbox(faults=True)


def schema_gets(sandbox: InMemorySandbox) -> int:
    return sandbox.recorder.count("GET", f"/carts/{BASE_CART_UUID}/customer/schema")


async def get_schema(sandbox: InMemorySandbox, **config: Any) -> Any:
    async with sandbox.client(**config) as client:
        return await get_customer_schema(client, BASE_CART_UUID)


async def schema_failure(sandbox: InMemorySandbox, **config: Any) -> MusementError:
    with pytest.raises(MusementError) as failed:
        await get_schema(sandbox, **config)
    return failed.value


@pytest.mark.parametrize(
    "arm",
    [
        lambda f: f.fail("GET", SCHEMA, 502),
        lambda f: f.fail("GET", SCHEMA, 503),
        lambda f: f.fail("GET", SCHEMA, 504),
        lambda f: f.rate_limit("GET", SCHEMA, retry_after=1),
        lambda f: f.drop("GET", SCHEMA),
        lambda f: f.delay("GET", SCHEMA, 3),
    ],
    ids=["502", "503", "504", "429", "dropped", "timeout"],
)
async def test_transient_faults_are_retried(faulty: InMemorySandbox, arm: Arm) -> None:
    arm(faulty.faults)
    result = await get_schema(faulty, timeout=0.5)
    assert result.fields  # the schema was read
    assert schema_gets(faulty) == 2


@pytest.mark.parametrize(
    ("arm", "expected"),
    [
        (lambda f: f.fail("GET", SCHEMA, 503, times=None), ("upstream_unavailable", 503)),
        (lambda f: f.drop("GET", SCHEMA, times=None), ("upstream_unavailable", None)),
        (lambda f: f.delay("GET", SCHEMA, 3, times=None), ("upstream_unavailable", None)),
        (lambda f: f.rate_limit("GET", SCHEMA, 1, times=None), ("rate_limited", 429)),
    ],
    ids=["503", "dropped", "timeout", "429"],
)
async def test_lasting_faults_end_in_a_typed_error_within_the_budget(
    faulty: InMemorySandbox, arm: Arm, expected: tuple[str, int | None]
) -> None:
    arm(faulty.faults)
    started = anyio.current_time()
    failure = await schema_failure(faulty, timeout=0.2, call_budget=1.5)
    elapsed = anyio.current_time() - started
    assert (failure.type, failure.status) == expected
    assert 2 <= schema_gets(faulty) <= 4  # retried, and bounded by max_attempts
    # The budget is a hard stop (the virtual clock makes this exact; it was 1.5 + 3 s of
    # room for a slow machine on a real clock).
    assert elapsed <= 1.5


@pytest.mark.parametrize(
    ("arm", "expected"),
    [
        (lambda f: f.fail("GET", SCHEMA, 500, times=None), ("upstream_unavailable", 500)),
        (lambda f: f.malformed("GET", SCHEMA, times=None), ("upstream_error", 200)),
    ],
    ids=["500", "malformed"],
)
async def test_faults_that_a_repeat_would_not_fix_are_not_retried(
    faulty: InMemorySandbox, arm: Arm, expected: tuple[str, int]
) -> None:
    arm(faulty.faults)
    failure = await schema_failure(faulty)
    assert (failure.type, failure.status) == expected
    assert schema_gets(faulty) == 1


async def test_retry_after_beyond_the_budget_is_reported_at_once(faulty: InMemorySandbox) -> None:
    faulty.faults.rate_limit("GET", SCHEMA, retry_after=60, times=None)
    started = anyio.current_time()
    failure = await schema_failure(faulty, call_budget=5)
    assert isinstance(failure, RateLimited)
    assert failure.type == "rate_limited"
    assert "wait 60 s" in failure.hint
    assert schema_gets(faulty) == 1
    assert anyio.current_time() == started  # no wait at all


async def test_put_is_retried_and_stored_once(faulty: InMemorySandbox) -> None:
    cart = faulty.state.create_cart().uuid
    faulty.faults.fail("PUT", CUSTOMER_PUT, 503)
    async with faulty.client() as client:
        await update_cart_customer(client, cart, GRACE)
    assert faulty.recorder.count("PUT", f"/carts/{cart}/customer") == 2
    assert faulty.state.carts[cart].customer["lastname"] == "Hopper"
