"""Asking the user for missing customer fields: both eras, accept/decline/cancel, fallbacks,
and request state that survives a restart when the key is shared."""

from __future__ import annotations

from typing import Any

import mcp_types as types
import pytest
from mcp import Client, MCPError

from musement_mcp.sandbox import (
    COLOSSEUM_TOUR_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    SandboxServer,
)
from musement_mcp.server import build_server
from tests.support.common import ERA_2026_07_28, HANDSHAKE_ERA, client_mode, error_of, settings_for
from tests.support.elicitation import FROM_MODEL, User, answers
from tests.support.processes import serve_http

pytestmark = pytest.mark.anyio

CONSENTS = [
    "musement_newsletter",
    "allow_profiling",
    "thirdparty_newsletter",
    "events_related_newsletter",
]
SHARED_KEY = "k" * 40


async def update(client: Client, cart: str, customer: dict[str, Any], **extra: Any):
    return await client.call_tool(
        "update_cart_customer", {"cart_uuid": cart, "customer": customer, **extra}
    )


async def test_user_fills_in_exactly_the_missing_fields(sandbox, make_cart, both_eras) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID, COLOSSEUM_TOUR_UUID)
    user = User()
    async with Client(
        build_server(settings_for(sandbox)), mode=client_mode(both_eras), elicitation_callback=user
    ) as client:
        result = await update(client, cart, FROM_MODEL)
    assert not result.is_error, result.content[0].text
    (form,) = user.forms
    schema = form.requested_schema
    props = schema["properties"]
    # Exactly what was missing: the four consents and the activities' required questions.
    assert set(CONSENTS) <= set(props)
    assert not {"firstname", "lastname", "email"} & set(props)
    assert set(schema["required"]) == set(props)
    for name in CONSENTS:
        assert {o["const"] for o in props[name]["oneOf"]} == {"YES", "NO"}
        assert "default" not in props[name]  # consent is never pre-filled
    titles = {p["title"] for p in props.values()}
    assert "Sandbox test activity: Phone number" in titles
    assert "Sandbox test activity: Hotel location" in titles
    colosseum = [p for p in props.values() if p["title"].startswith("Colosseum")]
    assert any(p.get("format") == "date" for p in colosseum)
    assert any("oneOf" in p and p["oneOf"][0]["title"] for p in colosseum)
    for prop in props.values():  # flat and primitive, as elicitation requires
        assert prop["type"] in ("string", "number", "integer", "boolean", "array")
    stored = sandbox.state.carts[cart].customer
    assert stored["firstname"] == "Ada"
    assert all(stored[name] == "NO" for name in CONSENTS)
    assert stored["extra_customer_data"][SANDBOX_TEST_ACTIVITY_UUID]["s_74380"] == "Hotel Artemide"


@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_decline_or_cancel_sends_nothing(sandbox, make_cart, both_eras, action) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    sandbox.recorder.clear()
    async with Client(
        build_server(settings_for(sandbox)),
        mode=client_mode(both_eras),
        elicitation_callback=User(action),
    ) as client:
        error = error_of(await update(client, cart, FROM_MODEL))
    assert error["type"] == "user_declined"
    assert ("declined" if action == "decline" else "dismissed") in error["message"]
    assert sandbox.recorder.count("PUT") == 0
    assert sandbox.state.carts[cart].customer == {}


async def test_client_without_elicitation_gets_validation_failed(
    sandbox, make_cart, both_eras
) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    async with Client(build_server(settings_for(sandbox)), mode=client_mode(both_eras)) as client:
        error = error_of(await update(client, cart, FROM_MODEL))
    assert error["type"] == "validation_failed"
    assert {p["path"] for p in error["details"]} >= set(CONSENTS)


async def test_mistakes_only_the_model_can_fix_are_not_asked(sandbox, make_cart, both_eras) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    user = User()
    async with Client(
        build_server(settings_for(sandbox)), mode=client_mode(both_eras), elicitation_callback=user
    ) as client:
        error = error_of(await update(client, cart, {**FROM_MODEL, "first_name": "Ada"}))
    assert error["type"] == "validation_failed"
    assert user.forms == []


async def test_invalid_answer_from_the_form_is_reported_not_sent(
    sandbox, make_cart, both_eras
) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    sandbox.recorder.clear()

    async def sloppy_user(ctx: Any, params: Any) -> types.ElicitResult:
        content = answers(params.requested_schema)
        content["email"] = "still wrong"
        return types.ElicitResult(action="accept", content=content)

    async with Client(
        build_server(settings_for(sandbox)),
        mode=client_mode(both_eras),
        elicitation_callback=sloppy_user,
    ) as client:
        error = error_of(await update(client, cart, {**FROM_MODEL, "email": "wrong"}))
    assert error["type"] == "validation_failed"
    assert [p["path"] for p in error["details"]] == ["email"]
    assert sandbox.recorder.count("PUT") == 0


@pytest.mark.process
@pytest.mark.parametrize(
    ("mode", "era", "asked"),
    [
        ("stateful", HANDSHAKE_ERA, True),
        ("stateful", ERA_2026_07_28, True),
        ("stateless", ERA_2026_07_28, True),
        (
            "stateless",
            HANDSHAKE_ERA,
            False,
        ),  # no back channel: validation_failed, never a protocol error
    ],
)
async def test_elicitation_over_streamable_http(sandbox, make_cart, mode, era, asked) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    user = User()
    extra = ["--stateless"] if mode == "stateless" else []
    with serve_http(sandbox, *extra) as (url, _):
        async with Client(url + "/mcp", mode=client_mode(era), elicitation_callback=user) as client:
            result = await update(client, cart, FROM_MODEL)
    assert bool(user.forms) is asked
    if asked:
        assert not result.is_error, result.content[0].text
    else:
        assert error_of(result)["type"] == "validation_failed"


async def first_round(sandbox: SandboxServer, cart: str, env: dict[str, str]):
    """The first call, on a server process that then stops."""
    with serve_http(sandbox, env=env) as (url, _):
        async with Client(url + "/mcp", elicitation_callback=User()) as client:
            first = await client.session.call_tool(
                "update_cart_customer",
                {"cart_uuid": cart, "customer": FROM_MODEL},
                allow_input_required=True,
            )
    assert isinstance(first, types.InputRequiredResult)
    return first


async def retry(
    sandbox: SandboxServer,
    cart: str,
    first,
    env: dict[str, str],
    customer: dict[str, Any] = FROM_MODEL,
):
    """The retry with the user's answer, on a new server process."""
    ((key, request),) = first.input_requests.items()
    reply = types.ElicitResult(action="accept", content=answers(request.params.requested_schema))
    with serve_http(sandbox, env=env) as (url, _):
        async with Client(url + "/mcp", elicitation_callback=User()) as client:
            try:
                return await client.session.call_tool(
                    "update_cart_customer",
                    {"cart_uuid": cart, "customer": customer},
                    allow_input_required=True,
                    input_responses={key: reply},
                    request_state=first.request_state,
                )
            except MCPError as refused:  # returned: the client's task group would wrap it
                return refused


SHARED = {"MUSEMENT_REQUEST_STATE_KEY": SHARED_KEY}


@pytest.mark.process
async def test_request_state_survives_a_restart_with_a_shared_key(sandbox, make_cart) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    first = await first_round(sandbox, cart, SHARED)
    assert "extra_customer_data" not in (first.request_state or "")  # sealed, not plain JSON
    result = await retry(sandbox, cart, first, SHARED)
    assert isinstance(result, types.CallToolResult) and not result.is_error
    assert sandbox.state.carts[cart].customer["allow_profiling"] == "NO"


@pytest.mark.process
async def test_request_state_from_another_key_or_other_arguments_is_refused(
    sandbox, make_cart
) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    first = await first_round(sandbox, cart, {})  # an ephemeral key of that process only
    refused = await retry(sandbox, cart, first, {})
    assert isinstance(refused, MCPError) and refused.code == types.INVALID_PARAMS
    first = await first_round(sandbox, cart, SHARED)
    refused = await retry(
        sandbox, cart, first, SHARED, customer={**FROM_MODEL, "lastname": "Byron"}
    )
    assert isinstance(refused, MCPError) and refused.code == types.INVALID_PARAMS
    assert sandbox.state.carts[cart].customer == {}


@pytest.mark.process
async def test_workers_share_one_key_for_elicitation_state(sandbox, make_cart) -> None:
    # No MUSEMENT_REQUEST_STATE_KEY: the server makes one key for all its workers, so a
    # retry answered by another worker is accepted.
    with serve_http(sandbox, "--workers", "3") as (url, _):
        for _ in range(4):
            cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
            async with Client(url + "/mcp", elicitation_callback=User()) as client:
                first = await client.session.call_tool(
                    "update_cart_customer",
                    {"cart_uuid": cart, "customer": FROM_MODEL},
                    allow_input_required=True,
                )
            ((key, request),) = first.input_requests.items()
            reply = types.ElicitResult(
                action="accept", content=answers(request.params.requested_schema)
            )
            async with Client(url + "/mcp", elicitation_callback=User()) as client:
                result = await client.session.call_tool(
                    "update_cart_customer",
                    {"cart_uuid": cart, "customer": FROM_MODEL},
                    allow_input_required=True,
                    input_responses={key: reply},
                    request_state=first.request_state,
                )
            assert isinstance(result, types.CallToolResult) and not result.is_error


async def test_what_the_user_entered_is_saved_not_shown_to_the_model(
    sandbox, make_cart, both_eras
) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    user = User()
    async with Client(
        build_server(settings_for(sandbox)), mode=client_mode(both_eras), elicitation_callback=user
    ) as client:
        result = await update(client, cart, FROM_MODEL)
    assert not result.is_error, result.content[0].text
    (form,) = user.forms
    typed = answers(form.requested_schema)
    stored = sandbox.state.carts[cart].customer
    hotel = f"extra_customer_data.{SANDBOX_TEST_ACTIVITY_UUID}.s_74380"
    assert stored["extra_customer_data"][SANDBOX_TEST_ACTIVITY_UUID]["s_74380"] == "Hotel Artemide"
    shown = result.structured_content
    # The result names what the user entered and was saved, never its values.
    assert hotel in shown["entered_by_user"]
    assert set(CONSENTS) <= set(shown["entered_by_user"])
    assert "phone_number_1" in typed  # a phone, a hotel: what the model must not read
    for value in typed.values():
        if value != "NO":  # a consent's choice, hidden where it was given (below)
            assert str(value) not in result.content[0].text
    answers_shown = shown["customer"]["extra_customer_data"][SANDBOX_TEST_ACTIVITY_UUID]
    assert answers_shown["s_74380"] == "[entered by the user]"
    assert shown["customer"]["musement_newsletter"] == "[entered by the user]"
    # What the model sent itself is still echoed.
    assert shown["customer"]["firstname"] == FROM_MODEL["firstname"]
    assert shown["customer"]["email"] == FROM_MODEL["email"]
