"""When and how long to wait before asking Musement again.

Retried: 429 (after `Retry-After` when given), 502/503/504, timeouts and
connection failures, for every endpoint: GET is safe and PUT customer is
idempotent (it sets the same fields to the same values), so a repeat after an
unknown outcome cannot do harm. Never retried: other 4xx (the same request
would fail the same way) and 500 (a bug upstream, not a passing state).

Every tool call has a total time budget; a retry that could not finish inside
it is not started, and the failure that prompted it is reported instead.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import anyio

from ..errors import MusementError, RateLimited, UpstreamUnavailable

RETRYABLE_STATUSES = frozenset({502, 503, 504})

_deadline: ContextVar[float | None] = ContextVar("musement_call_deadline", default=None)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.2
    max_delay: float = 4.0

    def delay_before_retry(self, failure: MusementError, attempt: int) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to give up now."""
        if attempt >= self.max_attempts or not is_retryable(failure):
            return None
        if isinstance(failure, RateLimited) and failure.retry_after is not None:
            return failure.retry_after
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        # "Equal jitter": never less than half the backoff, so callers that
        # failed together do not come back together.
        return backoff / 2 + random.uniform(0, backoff / 2)


def is_retryable(failure: MusementError) -> bool:
    if isinstance(failure, RateLimited):
        return True
    if isinstance(failure, UpstreamUnavailable):
        # No status: a timeout or a connection failure.
        return failure.status is None or failure.status in RETRYABLE_STATUSES
    return False


@contextmanager
def call_budget(seconds: float) -> Iterator[None]:
    """Every upstream request inside shares one deadline (the outermost wins)."""
    if _deadline.get() is not None:
        yield
        return
    token = _deadline.set(anyio.current_time() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def current_deadline(default_budget: float) -> float:
    deadline = _deadline.get()
    return deadline if deadline is not None else anyio.current_time() + default_budget
