"""tools/upstream/answers.py: an upstream answer read as its JSON body or the typed failure
its status means, for the resource the endpoint names; messages and details never carry a
value of the request body, even when Musement quotes it back. Pure: answers built by hand."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from musement_mcp.tools.errors import (
    ActivityNotFound,
    CartItemNotFound,
    CartLocked,
    CartNotFound,
    InvalidRequest,
    MusementError,
    OrderAlreadyPaid,
    OrderNotFound,
    RateLimited,
    Unauthorized,
    UpstreamError,
    UpstreamUnavailable,
)
from musement_mcp.tools.upstream.answers import (
    ACTIVITY,
    CART,
    CART_ITEM,
    CART_ITEM_REMOVAL,
    CART_ORDER,
    ORDER,
    Answer,
    NoOrder,
    Resource,
    json_list,
    json_object,
)

SENT = {"lastname": "Smithsonian", "email": "ada@example.com"}


def answer(status: int, body: Any = None, *, reason: str = "", **headers: str) -> Answer:
    raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    return Answer(status=status, reason=reason, headers=httpx2.Headers(headers), body=raw)


def failure(status: int, resource: Resource = CART, body: Any = None, **kw: Any) -> MusementError:
    return answer(status, body, **kw).failure(resource, sent=SENT)


@pytest.mark.parametrize(
    ("resource", "status", "kind"),
    [
        (CART, 404, CartNotFound),
        (CART, 423, CartLocked),
        (CART_ITEM, 404, CartItemNotFound),
        (CART_ITEM, 423, CartLocked),
        (CART_ORDER, 404, NoOrder),
        (CART_ITEM_REMOVAL, 403, CartLocked),  # the item is in an order
        (ACTIVITY, 404, ActivityNotFound),
        (ACTIVITY, 423, UpstreamError),
        (ORDER, 404, OrderNotFound),
        (ORDER, 423, OrderAlreadyPaid),
        # Statuses that mean the same everywhere.
        (ORDER, 401, Unauthorized),
        (CART, 403, Unauthorized),
        (CART, 400, InvalidRequest),
        (CART, 409, InvalidRequest),
        (CART, 422, InvalidRequest),
        (CART, 429, RateLimited),
        (CART, 500, UpstreamUnavailable),
        (CART, 503, UpstreamUnavailable),
        (CART, 418, UpstreamError),
        (CART, 302, UpstreamError),
    ],
)
def test_a_status_means_its_resources_failure(
    resource: Resource, status: int, kind: type[MusementError]
) -> None:
    found = failure(status, resource, {"code": "1400", "message": "said"})
    assert type(found) is kind
    assert (found.status, found.code) == (status, "1400")


def test_a_2xx_body_is_parsed_and_an_unreadable_one_is_an_upstream_error() -> None:
    assert answer(200, {"uuid": "x"}).parse(CART, sent=None) == {"uuid": "x"}
    assert answer(204).parse(CART, sent=None) is None
    assert answer(200, b"  \n").parse(CART, sent=None) is None
    for bad in (b"<html>", b"\xff\xfe", b"[" * 100_000):
        with pytest.raises(UpstreamError, match="not valid JSON"):
            answer(200, bad).parse(CART, sent=None)
    answer(201, b"<html>").succeed(CART, sent=None)  # success by the status alone
    with pytest.raises(CartNotFound):
        answer(404).succeed(CART, sent=None)


def test_what_musement_quotes_back_of_the_request_is_never_shown() -> None:
    said = "Lastname SMITHSONIAN is invalid; email ada@example.com taken"
    errors = [
        {"field": "lastname", "message": "Smithsonian is too long"},
        {"property_path": "email", "message": "ada@example.com is taken"},
        {"path": "Smithsonian", "message": "bad"},  # a value as a path
        {"field": "x"},  # no message: not a detail
        "junk",
    ]
    found = failure(400, CART, {"code": "0", "message": said, "errors": errors})
    shown = json.dumps(found.to_dict())
    assert "mithsonian" not in shown.lower() and "ada@example.com" not in shown
    assert [(d["path"], d["kind"]) for d in found.details][:2] == [
        ("lastname", "rejected_by_musement"),
        ("email", "rejected_by_musement"),
    ]
    assert len(found.details) == 3


def test_a_message_is_cleaned_and_capped_and_falls_back_to_the_reason() -> None:
    long = failure(500, CART, {"message": "\u202ebad\u0007 " + "x" * 10_000})
    assert "\u202e" not in long.message and "\u0007" not in long.message
    assert len(long.message) < 1000
    assert "Bad Gateway" in failure(502, CART, b"<html>", reason="Bad Gateway").message
    assert failure(502, CART, ["a", "list"]).message.endswith("no message")
    code = failure(400, CART, {"code": "9" * 100, "message": "m"}).code
    assert code is not None and len(code) <= 40


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("30", 30.0), (" 5 ", 5.0), ("Wed, 21 Oct 2026 07:28:00 GMT", None), ("-1", None)],
)
def test_retry_after_is_read_in_seconds(header: str, seconds: float | None) -> None:
    found = failure(429, CART, {"message": "slow"}, **{"Retry-After": header})
    assert isinstance(found, RateLimited) and found.retry_after == seconds


def test_bodies_of_the_wrong_shape() -> None:
    assert json_object({"a": 1}, "the cart") == {"a": 1}
    assert json_list([1], "the dates") == [1]
    assert json_list({}, "the dates") == []  # PHP's empty array
    with pytest.raises(UpstreamError, match="the cart"):
        json_object([], "the cart")
    with pytest.raises(UpstreamError, match="the dates"):
        json_list({"a": 1}, "the dates")
