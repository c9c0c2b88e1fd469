"""tools/participants.py: get_participants_schema and update_participants on the sandbox in
memory: an item's 404s told apart, the count and the fields checked before anything is sent,
item UUIDs checked before any request. Through MCP: tests/server/test_participants.py."""

from __future__ import annotations

from typing import Any

import pytest

from musement_mcp.sandbox import (
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
)
from musement_mcp.tools import (
    InvalidArgument,
    MusementError,
    ValidationFailed,
    get_participants_schema,
    update_participants,
)
from tests.support.in_memory import InMemorySandbox
from tests.support.people import ADA, CHARLES
from tests.support.reads import cart_with

pytestmark = pytest.mark.anyio


@pytest.fixture
def cart(sandbox: InMemorySandbox) -> dict[str, Any]:
    """A cart of its own: Last Supper x2, Montenegro x1, Vatican (no participants)."""
    uuid = cart_with(
        sandbox,
        (PARTICIPANTS_ACTIVITY_UUID, 2),
        (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1),
        (VATICAN_MUSEUMS_UUID, 1),
    )
    return {"uuid": uuid, "items": [i.uuid for i in sandbox.state.carts[uuid].items]}


def error_body(failure: MusementError) -> dict[str, Any]:
    body: dict[str, Any] = failure.to_dict()["error"]
    assert set(body) == {"type", "status", "code", "message", "hint", "details"}
    return body


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (2, "participants_not_required"),
        ("00000000-0000-4000-8000-000000000001", "cart_item_not_found"),
    ],
)
async def test_items_without_participants_or_unknown(
    sandbox: InMemorySandbox, cart: dict[str, Any], item: int | str, expected: str
) -> None:
    item_uuid = cart["items"][item] if isinstance(item, int) else item
    async with sandbox.client() as client:
        for call in (
            get_participants_schema(client, cart["uuid"], item_uuid),
            update_participants(client, cart["uuid"], item_uuid, [ADA]),
        ):
            with pytest.raises(MusementError) as failed:
                await call
            error = error_body(failed.value)
            assert error["type"] == expected
            assert error["status"] == 404


async def test_update_participants_checks_the_count_before_sending(
    sandbox: InMemorySandbox, cart: dict[str, Any]
) -> None:
    sandbox.recorder.clear()
    async with sandbox.client() as client:
        with pytest.raises(ValidationFailed) as failed:
            await update_participants(client, cart["uuid"], cart["items"][0], [ADA])
        error = error_body(failed.value)
        assert error["type"] == "validation_failed"
        assert {
            "path": "participants",
            "kind": "too_few",
            "message": "must have exactly 2 entries",
            "title": "participants",
        } in error["details"]
        bad = {**CHARLES, "date_of_birth": "26/12/1791", "shoe_size": 44}
        with pytest.raises(ValidationFailed) as failed:
            await update_participants(client, cart["uuid"], cart["items"][0], [ADA, bad])
    paths = {p["path"] for p in error_body(failed.value)["details"]}
    assert paths == {"participants.1.date_of_birth", "participants.1.shoe_size"}
    assert sandbox.recorder.count("PUT") == 0


@pytest.mark.parametrize(
    "bad",
    ["../participants", "not-a-uuid", 42, "00000000-0000-4000-8000-00000000000１"],
)
async def test_bad_item_uuids_never_reach_the_network(
    sandbox: InMemorySandbox, cart: dict[str, Any], bad: Any
) -> None:
    sandbox.recorder.clear()
    async with sandbox.client() as client:
        with pytest.raises(InvalidArgument) as failed:
            await get_participants_schema(client, cart["uuid"], bad)
    error = error_body(failed.value)
    assert error["type"] == "invalid_argument"
    assert error["details"][0]["path"] == "cart_item_uuid"
    assert len(sandbox.recorder) == 0
