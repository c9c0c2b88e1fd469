"""Typed failures of the customer step.

Every failure a caller can act on is one of these, never a raw HTTP status or a
traceback. Each carries a stable `type`, the upstream `status` and Musement
`code` when there was one, a `message` saying what happened and a `hint`
saying what to do next. Messages never quote customer data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypedDict, Unpack

from .json_types import JSONObject
from .problems import Problem, problem

if TYPE_CHECKING:
    from .confirmation import Confirmation
    from .schema import CompiledSchema


class ErrorFields(TypedDict, total=False):
    """What a failure may carry besides its message (`MusementError`'s keywords)."""

    status: int | None
    code: str | None
    hint: str | None
    details: list[Problem] | None


class ErrorInfo(TypedDict):
    """The `error` of an MCP error result (`MusementError.to_dict()`)."""

    type: str
    status: int | None
    code: str | None
    message: str
    hint: str
    details: list[Problem]


class MusementError(Exception):
    """Base of every failure the tools raise."""

    type: ClassVar[str] = "upstream_error"
    default_hint: ClassVar[str] = ""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        hint: str | None = None,
        details: list[Problem] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.hint = hint if hint is not None else self.default_hint
        self.details = details or []

    def to_dict(self) -> dict[str, ErrorInfo]:
        """The `{"error": {...}}` body that MCP error results carry."""
        return {
            "error": {
                "type": self.type,
                "status": self.status,
                "code": self.code,
                "message": self.message,
                "hint": self.hint,
                "details": self.details,
            }
        }


class InvalidArgument(MusementError):
    type = "invalid_argument"
    default_hint = "Fix the argument as described and call the tool again."


class ValidationFailed(MusementError):
    type = "validation_failed"
    default_hint = (
        "Nothing was sent to Musement. Correct every field listed in `details` "
        "(ask the user for values you do not know; never invent them) and call the "
        "same tool again. The matching schema tool lists every field."
    )

    def __init__(
        self,
        message: str,
        *,
        schema: CompiledSchema | None = None,
        payload: JSONObject | None = None,
        **fields: Unpack[ErrorFields],
    ) -> None:
        super().__init__(message, **fields)
        # The compiled schema and parsed payload it failed against, for callers
        # that can ask the user (never serialized).
        self.schema = schema
        self.payload = payload


class UserDeclined(MusementError):
    type = "user_declined"
    default_hint = (
        "The user chose not to give these details, so nothing was sent to Musement. "
        "Do not fill them in yourself; ask the user how they want to proceed."
    )


class CartNotFound(MusementError):
    type = "cart_not_found"
    default_hint = (
        "Check the cart UUID with the user: it comes from the booking flow (the site or app "
        "where the activities were chosen); these tools cannot create carts. If it is right, "
        "tell the user the cart expired or never existed and the booking must start again there."
    )


class CartItemNotFound(MusementError):
    type = "cart_item_not_found"
    default_hint = (
        "Check the cart item UUID: get_cart lists the items of the cart with their "
        "cart_item_uuid (not the activity UUID)."
    )


class ParticipantsNotRequired(MusementError):
    type = "participants_not_required"
    default_hint = (
        "This cart item needs no participants info: there is nothing to send for it. "
        "get_cart shows what is still missing for the order."
    )


class CartLocked(MusementError):
    type = "cart_locked"
    default_hint = (
        "This cart already belongs to an order, so its customer and participants can no "
        "longer change. Tell the user the booking was already placed for this cart; to book "
        "again they start a new cart where they chose the activities (these tools cannot)."
    )


class ActivityNotFound(MusementError):
    type = "activity_not_found"
    default_hint = (
        "Check the activity_uuid: search_activities gives it (a product_identifier or a city "
        "id is not an activity UUID)."
    )


class DateNotAvailable(MusementError):
    type = "date_not_available"
    default_hint = (
        "Nothing of this activity is on sale that day (sold out, past, or it does not run). "
        "get_activity_dates lists the bookable days: offer the user one of those."
    )


class ChoiceNotOffered(MusementError):
    """What the day's options say cannot work: refused before anything is sent."""

    type = "choice_not_offered"
    default_hint = (
        "Nothing was sent to Musement. Fix what `details` lists with the values of "
        "get_day_options for that activity and day (product_identifier, quantity between "
        "min_buy and max_buy, one of the languages, a pickup) and call again."
    )


class InvalidRequest(MusementError):
    type = "invalid_request"
    default_hint = (
        "Musement rejected the request. Read its code and message; a market or "
        "application error is a server configuration problem (MUSEMENT_MARKET, "
        "MUSEMENT_APPLICATION), not something the user can fix."
    )


class Unauthorized(MusementError):
    type = "unauthorized"
    default_hint = (
        "The server's Musement credentials were refused. Check MUSEMENT_CLIENT_ID, "
        "MUSEMENT_CLIENT_SECRET and MUSEMENT_APPLICATION; retrying will not help."
    )


class RateLimited(MusementError):
    type = "rate_limited"
    default_hint = "Musement is rate limiting this application. Wait, then call again."

    def __init__(
        self, message: str, *, retry_after: float | None = None, **fields: Unpack[ErrorFields]
    ) -> None:
        if retry_after is not None and "hint" not in fields:
            fields["hint"] = f"Musement asks to wait {retry_after:g} s before calling again."
        super().__init__(message, **fields)
        self.retry_after: float | None = retry_after


class UpstreamUnavailable(MusementError):
    type = "upstream_unavailable"
    default_hint = "Musement did not answer in time or is down. Try again in a moment."


class OrderNotReady(MusementError):
    type = "order_not_ready"
    default_hint = (
        "Nothing was sent. Complete what `details` lists (get_cart shows the same checklist) "
        "with update_cart_customer and update_participants, then call create_order again."
    )


class ConfirmationRequired(MusementError):
    type = "confirmation_required"
    default_hint = (
        "Nothing was sent. Show the user the summary in this message, word for word, and ask "
        "whether to place the order. Only after their explicit yes, call create_order again "
        "with confirmed_by_user true and the confirmation_token from `details`."
    )

    def __init__(
        self, message: str, confirmation: Confirmation, **fields: Unpack[ErrorFields]
    ) -> None:
        fields.setdefault(
            "details",
            [
                problem(
                    "confirmation_token",
                    "not_confirmed",
                    "the user's yes to this summary is needed",
                    confirmation_token=confirmation.token,
                )
            ],
        )
        super().__init__(message, **fields)
        # What the user is asked to confirm, for callers that can ask them (a form).
        self.confirmation = confirmation


class ConfirmationStale(ConfirmationRequired):
    type = "confirmation_stale"
    default_hint = (
        "Nothing was sent: the cart changed since the user said yes. Show the user the new "
        "summary in this message and ask again; only after a new yes, call create_order with "
        "the new confirmation_token from `details`."
    )


class OrderDeclined(MusementError):
    type = "order_declined"
    default_hint = (
        "Nothing was sent. The user said no: do not place the order. Ask them how they want "
        "to proceed; a new attempt asks them again."
    )


class OrderOutcomeUnknown(MusementError):
    type = "order_outcome_unknown"
    default_hint = (
        "The order may or may not exist. Nothing more is sent for this cart while its order "
        "is being looked for. Call get_cart (or create_order) again in a minute: it shows the "
        "order once Musement lists it. If none appears, the user must confirm again, told "
        "that an order may already exist."
    )


class OrderNotFound(MusementError):
    type = "order_not_found"
    default_hint = "Check the order UUID: create_order and get_cart give it."


class OrderAlreadyPaid(MusementError):
    type = "order_already_paid"
    default_hint = "Nothing to do: the order is paid. get_order shows its vouchers."


class OrderBusy(MusementError):
    """Another call (in this process or another replica) holds the cart's placing lock."""

    type = "order_busy"
    default_hint = (
        "Another call is placing this cart's order right now. Call get_cart in a moment: "
        "it shows the order once placed."
    )

    def __init__(self, message: str, **fields: Unpack[ErrorFields]) -> None:
        # A conflict with a call in flight, as HTTP would say it; nothing was sent.
        fields.setdefault("status", 409)
        super().__init__(message, **fields)


class OrderLockUnavailable(UpstreamUnavailable):
    """The shared store of the order lock (Redis) did not answer: no order is placed
    without the lock, so nothing was sent to Musement."""

    type = "order_lock_unavailable"
    default_hint = (
        "Nothing was sent to Musement: this server's order lock store is unreachable. "
        "Try again in a moment; if it persists, the server's operator must fix its "
        "MUSEMENT_REDIS_URL store."
    )


class UpstreamError(MusementError):
    type = "upstream_error"
    default_hint = "Musement answered in an unexpected way. Try again; report it if it persists."


class InternalError(MusementError):
    """A bug in musement-mcp, reported as a result instead of a traceback."""

    type = "internal_error"
    default_hint = "A bug in musement-mcp; the call may be retried. Please report it."
