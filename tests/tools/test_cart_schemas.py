"""tools/cart_schemas.py: a cart's schema through the cache, and payloads checked against it
before anything is sent. On the sandbox in memory, counting the schema reads: a warm check
reads nothing, a payload that fails a kept schema is checked again against a fresh one
before it is blamed, and a refusal after a kept check is explained by the current form."""

from __future__ import annotations

from typing import Any

import pytest

from musement_mcp.tools import MusementClient, SchemaCache, compile_schema
from musement_mcp.tools.cart_schemas import CartSchema, drop_unasked_blanks
from musement_mcp.tools.errors import InvalidRequest, ValidationFailed
from musement_mcp.tools.schema import CompiledSchema
from tests.support.common import GRACE
from tests.support.in_memory import InMemorySandbox

pytestmark = pytest.mark.anyio

# A form the sandbox's base cart does not serve: kept as if read before the cart changed.
OLD_FORM = compile_schema(
    {"type": "object", "properties": {"nickname": {"type": "string"}}, "required": []}
)


def schema_reads(sandbox: InMemorySandbox) -> int:
    return sandbox.recorder.count("GET", f"/carts/{sandbox.BASE_CART_UUID}/customer/schema")


def customer_form(
    client: MusementClient,
    sandbox: InMemorySandbox,
    cache: SchemaCache | None,
    seen: list[CompiledSchema] | None = None,
) -> CartSchema:
    cart = sandbox.BASE_CART_UUID
    return CartSchema(
        client,
        lambda: client.get_customer_schema(cart),
        cart,
        "customer",
        cache=cache,
        on_schema=seen.append if seen is not None else None,
    )


async def test_the_schema_is_read_once_then_kept(
    sandbox: InMemorySandbox, client: MusementClient
) -> None:
    seen: list[CompiledSchema] = []
    cache = SchemaCache()
    form = customer_form(client, sandbox, cache, seen)
    first = await form.current()
    assert await customer_form(client, sandbox, cache).current() is first
    assert schema_reads(sandbox) == 1 and seen == [first]
    # Without a cache every use reads it.
    uncached = customer_form(client, sandbox, None)
    await uncached.current()
    await uncached.current()
    assert schema_reads(sandbox) == 3 and uncached.cached() is None


async def test_the_key_includes_the_settings_that_change_the_answer(
    sandbox: InMemorySandbox,
) -> None:
    cache = SchemaCache()
    async with sandbox.client() as english, sandbox.client(language="it-IT") as italian:
        await customer_form(english, sandbox, cache).current()
        assert customer_form(italian, sandbox, cache).cached() is None


async def test_a_valid_payload_is_checked_against_the_kept_schema_without_a_read(
    sandbox: InMemorySandbox, client: MusementClient
) -> None:
    cache = SchemaCache()
    kept = await customer_form(client, sandbox, cache).current()
    payload = {**GRACE, "city": ""}
    checked = await customer_form(client, sandbox, cache).check(
        payload, partial=False, what="The customer"
    )
    assert checked is kept and schema_reads(sandbox) == 1
    assert "city" not in payload  # an optional field given "" is not given


async def test_a_payload_is_blamed_only_after_a_fresh_read(
    sandbox: InMemorySandbox, client: MusementClient
) -> None:
    cache = SchemaCache()
    customer_form(client, sandbox, cache).keep(OLD_FORM)
    form = customer_form(client, sandbox, cache)
    # Refused by the kept (old) form, valid against the current one: not blamed.
    fresh = await form.check({"firstname": "Ada"}, partial=True, what="The customer")
    assert fresh is not OLD_FORM and schema_reads(sandbox) == 1
    hit = form.cached()
    assert hit is not None and hit.schema is fresh  # the fresh form replaced the old one
    # Refused by the current form too: now the payload is blamed, every problem listed.
    customer_form(client, sandbox, cache).keep(OLD_FORM)
    with pytest.raises(ValidationFailed) as failure:
        await form.check({"firstname": 5, "nickname": "Ada"}, partial=True, what="The customer")
    assert schema_reads(sandbox) == 2
    assert failure.value.message.startswith("The customer has 2 problem(s);")
    assert "nothing was sent" in failure.value.message
    assert sorted(p["kind"] for p in failure.value.details) == ["unknown_field", "wrong_type"]


async def test_a_refusal_after_a_check_against_a_kept_form_is_explained_by_the_current_one(
    sandbox: InMemorySandbox, client: MusementClient
) -> None:
    cache = SchemaCache()
    customer_form(client, sandbox, cache).keep(OLD_FORM)
    form = customer_form(client, sandbox, cache)
    payload = {"nickname": "Ada"}
    assert await form.check(payload, partial=True, what="The customer") is OLD_FORM
    refused = InvalidRequest("Musement rejected the request: invalid", status=400)
    explanation = await form.explain_rejection(payload, refused, partial=True, what="customer")
    assert isinstance(explanation, ValidationFailed)
    assert "the cart changed since its form was read" in explanation.message
    assert schema_reads(sandbox) == 1


async def test_a_refusal_the_current_form_cannot_explain_is_musements_own(
    sandbox: InMemorySandbox, client: MusementClient
) -> None:
    cache = SchemaCache()
    form = customer_form(client, sandbox, cache)
    refused = InvalidRequest("Musement rejected the request: invalid", status=400)
    # Checked against a fresh form (nothing kept): Musement's refusal as it is, and the
    # kept form dropped so the next call reads it again.
    await form.check(dict(GRACE), partial=False, what="The customer")
    assert form.cached() is not None
    assert await form.explain_rejection(GRACE, refused, partial=False, what="x") is refused
    assert form.cached() is None
    # Checked against a kept form that the current one agrees with: Musement's refusal too.
    await form.current()
    await form.check(dict(GRACE), partial=False, what="The customer")
    reads = schema_reads(sandbox)
    assert await form.explain_rejection(GRACE, refused, partial=False, what="x") is refused
    assert schema_reads(sandbox) == reads + 1


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "firstname": {"type": "string"},
        "city": {"type": "string"},
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "passport": {"type": "string"}},
                "required": ["name"],
            },
        },
    },
    "required": ["firstname"],
}


def test_blanks_are_dropped_where_they_were_not_asked_for() -> None:
    payload = {
        "firstname": "",  # required: kept, to be reported blank
        "city": "",  # optional: not given
        "nickname": "",  # not on the form: not given
        "zipcode": "x",  # not on the form, but not blank: left for the check to refuse
        "people": [{"name": "", "passport": ""}, {"name": "Ada", "passport": " "}],
    }
    drop_unasked_blanks(SCHEMA, payload)
    assert payload == {
        "firstname": "",
        "zipcode": "x",
        "people": [{"name": ""}, {"name": "Ada", "passport": " "}],
    }
    odd: list[Any] = ["", None]
    drop_unasked_blanks(SCHEMA, odd)  # not an object: left alone
    assert odd == ["", None]
