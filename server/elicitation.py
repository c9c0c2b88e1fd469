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

from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import NoBackChannelError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from ..tools import UserDeclined, ValidationFailed
from .forms import apply_answers, forms_for, paths_from_state, state_of


def is_modern(ctx: ServerRequestContext[Any]) -> bool:
    return ctx.protocol_version in MODERN_PROTOCOL_VERSIONS


def supports_form_elicitation(ctx: ServerRequestContext[Any]) -> bool:
    capabilities = ctx.session.client_capabilities
    if capabilities is None or capabilities.elicitation is None:
        return False
    elicitation = capabilities.elicitation
    # An empty `elicitation: {}` means form mode (the original capability).
    return elicitation.form is not None or elicitation.url is None


def answered(params: types.CallToolRequestParams, payload: dict[str, Any]) -> dict[str, Any] | None:
    """On a 2026-07-28 retry, `payload` with the user's answers; None on a first call."""
    if params.request_state is None:
        return None
    try:
        forms = paths_from_state(params.request_state)
    except (ValueError, TypeError):
        return None
    responses = params.input_responses or {}
    answers = [responses.get(_key(index)) for index in range(len(forms))]
    if not all(isinstance(answer, types.ElicitResult) for answer in answers):
        return None
    for paths, answer in zip(forms, answers, strict=True):
        payload = _with_answer(payload, paths, answer)
    return payload


async def ask_user(
    ctx: ServerRequestContext[Any], failure: ValidationFailed
) -> dict[str, Any] | types.InputRequiredResult | None:
    """The payload completed by the user, a 2026 input request, or None (cannot ask)."""
    if failure.schema is None or not supports_form_elicitation(ctx):
        return None
    forms = forms_for(failure.details, failure.schema, failure.payload)
    if forms is None:
        return None
    if is_modern(ctx):
        requests = {
            _key(index): types.ElicitRequest(
                params=types.ElicitRequestFormParams(
                    message=form.message, requested_schema=form.requested_schema
                )
            )
            for index, form in enumerate(forms)
        }
        return types.InputRequiredResult(input_requests=requests, request_state=state_of(forms))
    payload = failure.payload
    for form in forms:
        try:
            answer = await ctx.session.elicit_form(
                form.message, form.requested_schema, related_request_id=ctx.request_id
            )
        except NoBackChannelError:
            return None
        payload = _with_answer(payload, form.paths, answer)
    return payload


def _key(index: int) -> str:
    return f"form_{index + 1}"


def _with_answer(
    payload: dict[str, Any], paths: dict[str, str], answer: types.ElicitResult
) -> dict[str, Any]:
    if answer.action == "decline":
        raise UserDeclined("The user declined to give the requested details; nothing was sent.")
    if answer.action == "cancel":
        raise UserDeclined(
            "The user dismissed the form without answering; nothing was sent.",
            hint="Nothing was sent to Musement. Ask the user whether to continue; "
            "do not fill in their details yourself.",
        )
    return apply_answers(payload, paths, answer.content)
