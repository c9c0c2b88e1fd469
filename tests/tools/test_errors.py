"""tools/errors.py: every typed failure has a stable `type` of its own and a hint saying what
to do; `to_dict` is the error body MCP results carry."""

from __future__ import annotations

import pytest

from musement_mcp.tools import errors
from musement_mcp.tools.confirmation import Confirmation
from musement_mcp.tools.errors import (
    ConfirmationRequired,
    ConfirmationStale,
    MusementError,
    OrderBusy,
    OrderLockUnavailable,
    RateLimited,
    UpstreamError,
    UpstreamUnavailable,
)
from musement_mcp.tools.problems import problem


def every_error() -> list[type[MusementError]]:
    found = [MusementError]
    for kind in found:
        found += [sub for sub in kind.__subclasses__() if sub.__module__ == errors.__name__]
    return found


def test_every_kind_has_its_own_type_and_a_hint() -> None:
    kinds = [kind for kind in every_error() if kind not in (MusementError, UpstreamError)]
    types = [kind.type for kind in kinds]
    assert len(kinds) > 20
    assert len(set(types)) == len(types), sorted(types)  # clients switch on `type`
    assert all(kind.default_hint for kind in kinds), "a failure without a hint"
    # The base type is the generic one: a new failure that forgets its type says so.
    assert MusementError.type == UpstreamError.type == "upstream_error"


def test_the_error_body() -> None:
    failure = UpstreamUnavailable(
        "Musement failed with HTTP 503: busy",
        status=503,
        code="-1",
        details=[problem("cart_uuid", "invalid", "m")],
    )
    assert failure.to_dict() == {
        "error": {
            "type": "upstream_unavailable",
            "status": 503,
            "code": "-1",
            "message": "Musement failed with HTTP 503: busy",
            "hint": UpstreamUnavailable.default_hint,
            "details": [{"path": "cart_uuid", "kind": "invalid", "message": "m"}],
        }
    }
    assert str(failure) == failure.message
    assert UpstreamUnavailable("x", hint="Wait.").hint == "Wait."
    assert UpstreamUnavailable("x").details == []


def test_a_rate_limit_says_how_long_to_wait() -> None:
    assert RateLimited("slow down", retry_after=30).hint.startswith("Musement asks to wait 30 s")
    assert RateLimited("slow down", retry_after=1.5).retry_after == 1.5
    assert RateLimited("slow down").hint == RateLimited.default_hint
    assert RateLimited("slow down", retry_after=30, hint="Ours.").hint == "Ours."


def test_order_failures_carry_what_the_caller_acts_on() -> None:
    yes = Confirmation(summary="Place the order for: ...", token="c1-" + "0" * 32)
    stale = ConfirmationStale("The cart changed.", yes)
    (detail,) = stale.details
    assert (detail["kind"], detail["confirmation_token"]) == ("not_confirmed", yes.token)
    assert stale.confirmation is yes and stale.type == "confirmation_stale"
    assert OrderBusy("busy").status == 409
    assert OrderBusy("busy", status=423).status == 423
    # No order without the lock: a caller that retries on unavailability retries this too.
    assert issubclass(OrderLockUnavailable, UpstreamUnavailable)


@pytest.mark.parametrize("kind", every_error()[1:], ids=lambda kind: kind.__name__)
def test_every_kind_is_built_from_a_message_and_reports_its_type(
    kind: type[MusementError],
) -> None:
    if issubclass(kind, ConfirmationRequired):
        failure: MusementError = kind("m", Confirmation("s", "t"))
    else:
        failure = kind("m")
    assert failure.message == "m" and failure.hint == kind.default_hint
    assert failure.to_dict()["error"]["type"] == kind.type
