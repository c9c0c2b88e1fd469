"""tools/upstream/auth.py: with client credentials, one login, the token reused, and one
login again when Musement answers 401; wrong credentials a typed failure that never shows
them (the sandbox in memory)."""

from __future__ import annotations

import json

import pytest

from musement_mcp.sandbox import BASE_CART_UUID
from musement_mcp.tools import Unauthorized, get_customer_schema
from tests.support.in_memory import InMemorySandbox

pytestmark = pytest.mark.anyio

PARTNER = {"client_id": "partner", "client_secret": "s3cret"}


async def test_bearer_token_login_reuse_and_relogin() -> None:
    sandbox = InMemorySandbox(**PARTNER)
    async with sandbox.client(**PARTNER) as client:
        for _ in range(2):
            result = await get_customer_schema(client, BASE_CART_UUID)
            assert result.fields  # the schema was read
        assert sandbox.recorder.count("POST", "/login") == 1
        last = sandbox.recorder.last()
        token = last.header("Authorization") if last else None
        assert token and token.startswith("Bearer ")
        sandbox.revoke_tokens()  # the next call gets a 401, logs in again once
        result = await get_customer_schema(client, BASE_CART_UUID)
        assert result.fields  # the schema was read
        assert sandbox.recorder.count("POST", "/login") == 2


async def test_wrong_credentials_are_unauthorized() -> None:
    sandbox = InMemorySandbox(**PARTNER)
    async with sandbox.client(client_id="partner", client_secret="wrong") as client:
        with pytest.raises(Unauthorized) as failed:
            await get_customer_schema(client, BASE_CART_UUID)
    error = failed.value.to_dict()["error"]
    assert error["type"] == "unauthorized"
    assert "wrong" not in json.dumps(error)
