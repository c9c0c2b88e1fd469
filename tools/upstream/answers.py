"""An upstream answer, read: its JSON body, or the typed failure its status means.

A 404 or a 423 means what the endpoint's resource says (`Resource`): an order's 404 is
`OrderNotFound`, a cart's `CartNotFound`; other statuses mean the same everywhere.
Messages and details never carry a value of the request body, even when Musement
quotes it back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import httpx2

from ..errors import (
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
from ..json_types import JSONArray, JSONObject, JSONValue
from ..problems import Problem, problem
from ..redaction import redact
from ..text import MESSAGE_LIMIT, TITLE_LIMIT, shown_text

# (what Musement said, status, code) -> the failure
Failure = Callable[[str, int, str | None], MusementError]


class NoOrder(MusementError):
    """order-info's 404: the cart has no order (the endpoint answers None; never raised
    out of the client)."""


@dataclass(frozen=True)
class Resource:
    """What an endpoint's 404 and 423 mean, for the resource its path names."""

    not_found: Failure
    locked: Failure
    # What a 403 means where the endpoint documents one of its own (else: refused credentials).
    forbidden: Failure | None = None


def _cart_locked(said: str, status: int, code: str | None) -> MusementError:
    return CartLocked(f"The cart is locked: {said}", status=status, code=code)


CART = Resource(
    lambda said, status, code: CartNotFound(
        f"Musement has no such cart: {said}", status=status, code=code
    ),
    _cart_locked,
)
# Musement answers an item path's 404 alike for no cart, no item and an item that needs no
# participants info: the caller tells them apart (participants.what_was_not_found).
CART_ITEM = Resource(
    lambda said, status, code: CartItemNotFound(
        f"Musement has no such cart item: {said}", status=status, code=code
    ),
    _cart_locked,
)
CART_ORDER = Resource(
    lambda said, status, code: NoOrder(said, status=status, code=code), _cart_locked
)
# Removing an item: 404 for no cart or no item alike; 403 once the item is in an order.
CART_ITEM_REMOVAL = Resource(
    lambda said, status, code: CartItemNotFound(
        f"Musement has no such cart item: {said}", status=status, code=code
    ),
    _cart_locked,
    lambda said, status, code: CartLocked(
        f"The item belongs to an order and cannot be removed: {said}",
        status=status,
        code=code,
        hint="The cart's order holds this item: it can no longer change. Start a new cart "
        "with create_cart to book something else.",
    ),
)
ACTIVITY = Resource(
    lambda said, status, code: ActivityNotFound(
        f"Musement has no such activity: {said}", status=status, code=code
    ),
    lambda said, status, code: UpstreamError(
        f"Unexpected HTTP {status} from Musement: {said}", status=status, code=code
    ),
)
# The no-payment endpoint answers 423 once the order is paid.
ORDER = Resource(
    lambda _, status, code: OrderNotFound("Musement has no such order.", status=status, code=code),
    lambda _, status, code: OrderAlreadyPaid(
        "The order is already paid.", status=status, code=code
    ),
)


@dataclass
class Answer:
    """An upstream answer, fully read."""

    status: int
    reason: str
    headers: httpx2.Headers
    body: bytes

    def json(self) -> JSONValue:
        parsed: JSONValue = json.loads(self.body)
        return parsed

    def error_fields(self) -> tuple[str | None, str | None, JSONValue]:
        """Musement's `{"code", "message"}` (and any per-field `errors`), when present."""
        try:
            body = self.json()
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None, None, None
        if not isinstance(body, dict):
            return None, None, None
        code = body.get("code")
        message = body.get("message")
        return (
            # Codes are short ("1400", "-1"); a longer one is text, bounded like text.
            shown_text(str(code), 40) if code is not None else None,
            message if isinstance(message, str) else None,
            body.get("errors"),
        )

    def parse(self, resource: Resource, *, sent: object) -> JSONValue:
        """The JSON body of a 2xx answer (None when empty), or the typed failure."""
        if 200 <= self.status < 300:
            if not self.body.strip():
                return None
            try:
                return self.json()
            except (ValueError, UnicodeDecodeError, RecursionError) as exc:
                raise UpstreamError(
                    "Musement answered with a body that is not valid JSON.", status=self.status
                ) from exc
        raise self.failure(resource, sent=sent)

    def succeed(self, resource: Resource, *, sent: object) -> None:
        """Success decided by the status alone (the body is not documented)."""
        if not 200 <= self.status < 300:
            raise self.failure(resource, sent=sent)

    def failure(self, resource: Resource, *, sent: object) -> MusementError:
        """The typed failure of a non-2xx answer. Its message and details never carry a
        value of `sent` (the request body), even when the upstream quotes it back."""
        status = self.status
        code, message, errors = self.error_fields()
        # `redact` cuts (seeing to it that a value split by the cut is not shown), then
        # shown_text cleans what is left of control and bidirectional characters.
        said = (
            (shown_text(redact(message, sent, MESSAGE_LIMIT), MESSAGE_LIMIT) if message else None)
            or shown_text(self.reason, TITLE_LIMIT)
            or "no message"
        )
        if status == 404:
            return resource.not_found(said, status, code)
        if status == 423:
            return resource.locked(said, status, code)
        if status == 403 and resource.forbidden is not None:
            return resource.forbidden(said, status, code)
        if status in (401, 403):
            return Unauthorized(f"Musement refused the request: {said}", status=status, code=code)
        if status == 429:
            return RateLimited(
                f"Too many requests: {said}",
                status=status,
                code=code,
                retry_after=_seconds(self.headers.get("Retry-After")),
            )
        if status in (400, 409, 422):
            return InvalidRequest(
                f"Musement rejected the request: {said}",
                status=status,
                code=code,
                details=_upstream_details(errors, sent),
            )
        if status >= 500:
            return UpstreamUnavailable(
                f"Musement failed with HTTP {status}: {said}", status=status, code=code
            )
        return UpstreamError(
            f"Unexpected HTTP {status} from Musement: {said}", status=status, code=code
        )


def json_object(body: JSONValue, what: str) -> JSONObject:
    if not isinstance(body, dict):
        raise UpstreamError(f"Musement answered {what} with something else than a JSON object.")
    return body


def json_list(body: JSONValue, what: str) -> JSONArray:
    # PHP's empty array: Musement may send `{}` for an empty list too.
    if body == {}:
        return []
    if not isinstance(body, list):
        raise UpstreamError(f"Musement answered {what} with something else than a JSON list.")
    return body


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` in seconds (the delta form; an HTTP date is ignored)."""
    if retry_after and retry_after.strip().isdigit():
        return float(retry_after.strip())
    return None


def _upstream_details(errors: JSONValue, sent: object) -> list[Problem]:
    """Musement's per-field errors, where the body really has them: path and message.

    The shape of a 400 body is not documented: only a list of objects naming a
    field is read, and every message is redacted like the main one.
    """
    if not isinstance(errors, list):
        return []
    details = []
    for item in errors[:50]:
        if isinstance(item, dict):
            path = item.get("field") or item.get("path") or item.get("property_path")
            message = item.get("message")
            if isinstance(path, str) and isinstance(message, str):
                shown_path = shown_text(redact(path, sent, 200), 200)
                said = shown_text(redact(message, sent, MESSAGE_LIMIT), MESSAGE_LIMIT)
                if shown_path and said:
                    details.append(problem(shown_path, "rejected_by_musement", said))
    return details
