"""Asking the user, in each protocol era, for the fields that failed validation.

Handshake era: mid-call `elicitation/create` requests (one per form), answered
before the call returns. 2026-07-28 era: the call returns an
`InputRequiredResult` with the forms; the client asks the user and retries the
same call with the answers and the request state (sealed by the SDK's
`RequestStateBoundary`, so a retry can land on a restarted process or another
replica that shares the key).

Only clients that declared form elicitation are asked; for every other client,
and whenever no back channel exists (stateless HTTP, handshake era), the
`validation_failed` error goes to the model as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError, NoBackChannelError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel

from ..tools import InvalidArgument, UserDeclined, ValidationFailed
from .forms import (
    apply_answers,
    confirmation_in_state,
    entered_in,
    forms_for,
    nonce_of,
    paths_from_state,
    state_of,
    without_entered_values,
)
from .toolkit import ToolCall, ToolResult

# How long a spent form state is remembered: the SDK's request-state TTL (a state cannot be
# opened after it; RequestStateSecurity's default, which app.py keeps), plus clock skew
# between replicas.
SPENT_STATE_TTL = 600.0 + 60.0


async def with_user_answers(
    call: ToolCall,
    update: Callable[[Any], Awaitable[BaseModel]],
    argument: Any,
    *,
    from_form: Callable[[dict[str, Any]], Any] = lambda completed: completed,
    shown_at: str = "",
) -> ToolResult:
    """`update(argument)`; when it fails validation, the user may be asked to complete it.

    The domain call parses and validates `argument`; its `ValidationFailed` carries the
    validated payload, which the user's answers complete (`from_form` turns a completed
    payload back into the argument). On a 2026-07-28 retry the same arguments fail the
    same way, and the answers the retry carries are applied. What the user entered is
    saved and not shown to the model: the result names those fields (`shown_at` is where
    the payload is in the result) without their values.
    """
    try:
        return await update(argument)
    except ValidationFailed as failure:
        entered: dict[str, Any] = {}
        completed = await answered(call, failure.payload, entered)
        if completed is None:
            asked = await ask_user(call.ctx, failure, entered)
            if asked is None:
                raise
            if isinstance(asked, types.InputRequiredResult):
                return asked
            completed = asked
        result = await update(from_form(completed))
        return without_entered_values(result, entered, root=shown_at, sent=argument)


def in_2026_07_28_era(ctx: ServerRequestContext[Any]) -> bool:
    """The request is in the 2026-07-28 era (else the handshake era, 2025-11-25)."""
    return ctx.protocol_version in MODERN_PROTOCOL_VERSIONS


def supports_form_elicitation(ctx: ServerRequestContext[Any]) -> bool:
    capabilities = ctx.session.client_capabilities
    if capabilities is None or capabilities.elicitation is None:
        return False
    elicitation = capabilities.elicitation
    # An empty `elicitation: {}` means form mode (the original capability).
    return elicitation.form is not None or elicitation.url is None


async def answered(call: ToolCall, payload: Any, entered: dict[str, Any]) -> dict[str, Any] | None:
    """On a 2026-07-28 retry, `payload` with the user's answers (also put in `entered`, by
    path); None on a first call.

    A state is answered once: a replay of it (the same forms, other answers) raises
    `InvalidArgument` (see `_spend_once`)."""
    params = call.params
    if params.request_state is None or not isinstance(payload, dict):
        return None
    try:
        forms = paths_from_state(params.request_state)
        nonce = nonce_of(params.request_state)
    except (ValueError, TypeError, AttributeError):
        return None
    responses = params.input_responses or {}
    answers = [responses.get(_key(index)) for index in range(len(forms))]
    if not all(isinstance(answer, types.ElicitResult) for answer in answers):
        return None
    await _spend_once(call, nonce)
    completed: dict[str, Any] = payload
    for paths, answer in zip(forms, answers, strict=True):
        assert isinstance(answer, types.ElicitResult)  # checked above
        completed = _with_answer(completed, paths, answer, entered)
    return completed


async def ask_user(
    ctx: ServerRequestContext[Any] | None, failure: ValidationFailed, entered: dict[str, Any]
) -> dict[str, Any] | types.InputRequiredResult | None:
    """The payload completed by the user (their answers also put in `entered`, by path), a
    2026-07-28 input request, or None (cannot ask)."""
    if (
        ctx is None
        or failure.schema is None
        or failure.payload is None
        or not supports_form_elicitation(ctx)
    ):
        return None
    forms = forms_for(failure.details, failure.schema, failure.payload)
    if forms is None:
        return None
    if in_2026_07_28_era(ctx):
        requests: dict[str, types.InputRequest] = {
            _key(index): types.ElicitRequest(
                params=types.ElicitRequestFormParams(
                    message=form.message, requested_schema=form.requested_schema
                )
            )
            for index, form in enumerate(forms)
        }
        return types.InputRequiredResult(input_requests=requests, request_state=state_of(forms))
    payload: dict[str, Any] = failure.payload
    for form in forms:
        try:
            answer = await ctx.session.elicit_form(
                form.message, form.requested_schema, related_request_id=ctx.request_id
            )
        except (NoBackChannelError, MCPError):  # no channel, or the client refused to ask
            return None
        payload = _with_answer(payload, form.paths, answer, entered)
    return payload


async def _spend_once(call: ToolCall, nonce: str) -> None:
    """A form's answers count once: a replay is refused.

    The SDK seals a state and binds it to the tool, its arguments, the principal and the
    server, for its TTL; it does not make it single-use. Answering a state twice (the same
    forms with other answers) is refused here, through the order guard: per process, or
    across replicas with MUSEMENT_REDIS_URL.
    """
    if not await call.state.guard.spend(nonce, SPENT_STATE_TTL):
        raise InvalidArgument(
            "These form answers were already used: a form's answers count once.",
            hint="Call the tool again without requestState; the user will be asked again.",
        )


def _key(index: int) -> str:
    return f"form_{index + 1}"


def _with_answer(
    payload: dict[str, Any],
    paths: dict[str, str],
    answer: types.ElicitResult,
    entered: dict[str, Any],
) -> dict[str, Any]:
    if answer.action == "decline":
        raise UserDeclined("The user declined to give the requested details; nothing was sent.")
    if answer.action == "cancel":
        raise UserDeclined(
            "The user dismissed the form without answering; nothing was sent.",
            hint="Nothing was sent to Musement. Ask the user whether to continue; "
            "do not fill in their details yourself.",
        )
    entered.update(entered_in(paths, answer.content))
    return apply_answers(payload, paths, answer.content)


CONFIRM = "confirm"


@dataclass(frozen=True)
class FormAnswer:
    """The user's own answer to the order's confirmation form, and what it confirmed."""

    yes: bool
    token: str


async def confirmation_answer(call: ToolCall) -> FormAnswer | None:
    """On a 2026-07-28 retry of create_order, the user's answer to our confirmation form
    (spent once: a replay is refused); None on any other call."""
    params = call.params
    if params.request_state is None:
        return None
    reply = (params.input_responses or {}).get(CONFIRM)
    try:
        nonce = nonce_of(params.request_state)
        token = confirmation_in_state(params.request_state)
    except (ValueError, TypeError, AttributeError):
        return None
    if not isinstance(reply, types.ElicitResult) or token is None:
        return None
    await _spend_once(call, nonce)
    return FormAnswer(yes=_said_yes(reply), token=token)


def can_show_forms(call: ToolCall) -> bool:
    """Whether this client declared form elicitation (then only the user's answer in a
    form may place an order)."""
    return call.ctx is not None and supports_form_elicitation(call.ctx)


async def ask_to_confirm(
    call: ToolCall, summary: str, token: str
) -> bool | types.InputRequiredResult | None:
    """The user's own yes or no to `summary`, asked with a one-field form.

    True or False once answered (a decline or cancel is a no); an input request in the
    2026-07-28 era (the answer comes with the retry, with `token` sealed in its state);
    None when no form can reach the user after all (no back channel).
    Raises `MCPError` when the client refused to show the form.
    """
    ctx = call.ctx
    if ctx is None or not supports_form_elicitation(ctx):
        return None
    form = {
        "type": "object",
        "properties": {CONFIRM: {"type": "boolean", "title": "Place the order"}},
        "required": [CONFIRM],
    }
    if in_2026_07_28_era(ctx):
        request = types.ElicitRequest(
            params=types.ElicitRequestFormParams(message=summary, requested_schema=form)
        )
        return types.InputRequiredResult(
            input_requests={CONFIRM: request}, request_state=state_of([], confirmation=token)
        )
    try:
        answer = await ctx.session.elicit_form(summary, form, related_request_id=ctx.request_id)
    except NoBackChannelError:
        return None
    return _said_yes(answer)


def _said_yes(answer: object) -> bool:
    return (
        isinstance(answer, types.ElicitResult)
        and answer.action == "accept"
        and (answer.content or {}).get(CONFIRM) is True
    )
