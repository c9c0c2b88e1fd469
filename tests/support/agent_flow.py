"""The customer step as an agent framework would drive it, with scripted calls (no model).

Standard library only (jsonschema when it is there): tests/langchain/run.py imports this module
from a virtual environment of its own, where musement_mcp and mcp 2 are not installed.

Every argument is built from the schema the framework converted, never from what the test
knows of the server: an object gets every property the converted schema lists, a value for
the keys the user answered and `null` for the rest. So a cart completed this way proves that
the converted schema is enough.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

# What the user answered, by question key (the last part of a field's path).
ANSWERS: dict[str, Any] = {
    "firstname": "Grace",
    "lastname": "Hopper",
    "email": "grace@example.com",
    "date_of_birth": "1990-04-12",
    "passport": "YA1234567",
    "phone_number": "3912345678",
    "s_74380": "Hotel Artemide",
    "s_52210": "Hotel Excelsior",
    "s_81022": "2027-05-01",
    "s_90112": "none",
}
CONSENT = "NO"  # the user said no to every consent question

Call = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


def allows_null(schema: dict[str, Any]) -> bool:
    """Whether `schema` admits `null` (a type list with "null", or a `null` branch)."""
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return "enum" not in schema or None in schema["enum"]
    return any(allows_null(branch) for branch in schema.get("anyOf", []))


def properties_of(schema: dict[str, Any]) -> dict[str, Any]:
    """The properties of an object schema, also when it is a nullable `anyOf` branch."""
    if "properties" in schema:
        return dict(schema["properties"])
    for branch in schema.get("anyOf", []):
        if "properties" in branch:
            return dict(branch["properties"])
    raise AssertionError(f"not an object schema: {json.dumps(schema)[:200]}")


def items_of(schema: dict[str, Any]) -> dict[str, Any]:
    if "items" in schema:
        return dict(schema["items"])
    for branch in schema.get("anyOf", []):
        if "items" in branch:
            return dict(branch["items"])
    raise AssertionError(f"not an array schema: {json.dumps(schema)[:200]}")


def fill(schema: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Every property of object `schema`: `given[key]` where given, else what a model that
    follows the schema sends for a field it was not asked: `null` where the schema allows
    it, else `""` for free text, `[]` for a list, `false` for a flag (our schemas publish
    these without a null option; Gemini's conversion drops nested ones). Any other property
    that is not given is a gap."""
    out: dict[str, Any] = {}
    for key, prop in properties_of(schema).items():
        if key in given:
            out[key] = given[key]
        elif allows_null(prop):
            out[key] = None
        elif prop.get("type") == "array":
            out[key] = []
        elif prop.get("type") == "boolean":
            out[key] = False  # a flag not asked for is off
        else:
            assert prop.get("type") == "string" and "enum" not in prop, (
                f"{key!r} is not given and can be neither null nor empty: {prop}"
            )
            out[key] = ""
    return out


def answer(field: dict[str, Any]) -> Any:
    """The user's answer to one question of a field guide."""
    key = field["path"].rsplit(".", 1)[-1]
    options = [option["value"] for option in field.get("options", [])]
    if key in ANSWERS:
        value = ANSWERS[key]
    elif options:
        value = CONSENT if CONSENT in options else options[0]
    elif field.get("format") == "date":
        value = "2027-05-01"
    elif field.get("format") == "email":
        value = ANSWERS["email"]
    else:
        value = "answer"
    if field.get("multiple") or field.get("type") == "array":
        return [value] if not isinstance(value, list) else value
    return value


def validate(args: dict[str, Any], schema: dict[str, Any]) -> None:
    """Check `args` against the converted schema where jsonschema is installed."""
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - both environments have it (mcp depends on it)
        return
    jsonschema.Draft202012Validator(schema).validate(args)


def customer_arguments(
    schema: dict[str, Any], cart_uuid: str, fields: list[dict[str, Any]]
) -> dict[str, Any]:
    """update_cart_customer's arguments, from its converted schema and the cart's field guide."""
    customer_schema = properties_of(schema)["customer"]
    # The base fields the cart requires are answered; the optional ones (city...) are not: null.
    known = {
        field["path"]: answer(field)
        for field in fields
        if "." not in field["path"] and field.get("required")
    }
    answers = []
    extra = properties_of(customer_schema)["extra_customer_data"]
    item = items_of(extra)
    for field in fields:
        if field["path"].startswith("extra_customer_data."):
            _, activity, question = field["path"].split(".", 2)
            given = {"activity_uuid": activity, "question": question, "value": answer(field)}
            answers.append(fill(item, given))
    # No activity questions: null where the schema allows it, else the empty list.
    known["extra_customer_data"] = answers or (None if allows_null(extra) else [])
    return fill(schema, {"cart_uuid": cart_uuid, "customer": fill(customer_schema, known)})


def participants_arguments(
    schema: dict[str, Any], cart_uuid: str, item_uuid: str, guide: dict[str, Any]
) -> dict[str, Any]:
    """update_participants' arguments: one person per ticket, the asked fields answered by
    name where the converted schema lists them, any other in `other_answers`."""
    person_schema = items_of(properties_of(schema)["participants"])
    listed = properties_of(person_schema)
    people = []
    for index in range(guide["quantity"]):
        known: dict[str, Any] = {}
        others = []
        for field in guide["fields"]:
            key = field["path"].rsplit(".", 1)[-1]
            value = answer(field)
            if key == "firstname":
                value = f"{value}{index or ''}"
            if key in listed and key != "other_answers":
                known[key] = value
            else:
                others.append({"question": key, "value": value})
        if others:
            assert "other_answers" in listed, "a question has no place in the schema"
            known["other_answers"] = [fill(items_of(listed["other_answers"]), o) for o in others]
        people.append(fill(person_schema, known))
    return fill(
        schema, {"cart_uuid": cart_uuid, "cart_item_uuid": item_uuid, "participants": people}
    )


async def complete_customer_step(
    call: Call, schemas: dict[str, dict[str, Any]], cart_uuid: str
) -> dict[str, Any]:
    """get_cart → get_customer_schema → update_cart_customer → update_participants per item
    that needs them → get_cart; returns the transcript (each call's name, arguments, answer).
    `call` answers the parsed JSON text of the tool's result; `schemas` are the converted input
    schemas by tool name."""
    transcript: list[dict[str, Any]] = []

    async def step(name: str, args: dict[str, Any]) -> dict[str, Any]:
        validate(args, schemas[name])
        result = await call(name, args)
        transcript.append({"tool": name, "arguments": args, "result": result})
        assert "error" not in result, f"{name} failed: {json.dumps(result)[:1500]}"
        return result

    cart = await step("get_cart", fill(schemas["get_cart"], {"cart_uuid": cart_uuid}))
    guide = await step(
        "get_customer_schema", fill(schemas["get_customer_schema"], {"cart_uuid": cart_uuid})
    )
    await step(
        "update_cart_customer",
        customer_arguments(schemas["update_cart_customer"], cart_uuid, guide["fields"]),
    )
    for item in cart["items"]:
        if not item.get("participants_required"):
            continue
        ids = {"cart_uuid": cart_uuid, "cart_item_uuid": item["cart_item_uuid"]}
        people = await step(
            "get_participants_schema", fill(schemas["get_participants_schema"], ids)
        )
        await step(
            "update_participants",
            participants_arguments(
                schemas["update_participants"], cart_uuid, item["cart_item_uuid"], people
            ),
        )
    final = await step("get_cart", fill(schemas["get_cart"], {"cart_uuid": cart_uuid}))
    return {"transcript": transcript, "final": final}


def result_json(result: Any) -> dict[str, Any]:
    """The JSON text of a tool result as the frameworks hand it over: a string, a content
    block dict or object, or a list of them (the first text block)."""
    if isinstance(result, tuple):  # langchain's (content, artifact)
        result = result[0]
    if isinstance(result, list):
        texts = [block for block in result if _text(block) is not None]
        assert texts, f"no text block in {result!r:.300}"
        result = texts[0]
    if isinstance(result, dict) and "type" not in result:  # structured content, as is
        return result
    text = result if isinstance(result, str) else _text(result)
    assert text is not None, f"not a text result: {result!r:.300}"
    return dict(json.loads(text))


def _text(block: Any) -> str | None:
    if isinstance(block, str):
        return block
    if isinstance(block, dict):
        return block.get("text") if block.get("type", "text") == "text" else None
    return getattr(block, "text", None)


def from_gemini(schema: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema for what a Gemini `Schema` (dumped, `exclude_none`) says: its types
    (OBJECT...), `nullable` as a null branch; what Gemini's schema has no place for is gone."""
    out: dict[str, Any] = {}
    kind = schema.get("type")
    if isinstance(kind, str):
        out["type"] = kind.lower()
    for key in ("enum", "format", "description", "required"):
        if key in schema:
            out[key] = schema[key]
    if "properties" in schema:
        out["properties"] = {k: from_gemini(v) for k, v in schema["properties"].items()}
    if "items" in schema:
        out["items"] = from_gemini(schema["items"])
    if "any_of" in schema:
        out["anyOf"] = [from_gemini(branch) for branch in schema["any_of"]]
    if schema.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


# -- from a search to a cart (the catalog set) -----------------------------------------------


def recorded(
    call: Call,
    schemas: dict[str, dict[str, Any]],
    transcript: list[dict[str, Any]],
    *,
    errors_expected: bool = False,
) -> Call:
    """A flow's step: every property of the converted schema filled (`given`, else null),
    checked against it, the call and its answer recorded; an error answer fails the flow
    unless `errors_expected`."""

    async def step(name: str, given: dict[str, Any]) -> dict[str, Any]:
        args = fill(schemas[name], given)
        validate(args, schemas[name])
        result = await call(name, args)
        transcript.append({"tool": name, "arguments": args, "result": result})
        assert errors_expected or "error" not in result, f"{name}: {json.dumps(result)[:1500]}"
        return result

    return step


async def place_order(
    call: Call, schemas: dict[str, dict[str, Any]], cart_uuid: str
) -> dict[str, Any]:
    """create_order as a client without forms must: unconfirmed, then confirmed with the
    `confirmation_token` the refusal offers; then get_order. Arguments are every property of
    the converted schemas (`null`, `false`, `""` where not asked). `call` answers the parsed
    JSON text of the result, an error's included."""
    transcript: list[dict[str, Any]] = []
    step = recorded(call, schemas, transcript, errors_expected=True)

    asked = await step("create_order", {"cart_uuid": cart_uuid, "confirmed_by_user": False})
    error = asked.get("error") or {}
    if error.get("type") != "confirmation_required":
        return {"placed": False, "read": False, "why": f"asked: {json.dumps(asked)[:300]}",
                "transcript": transcript}  # fmt: skip
    tokens = [d["confirmation_token"] for d in error.get("details", []) if isinstance(d, dict)]
    token = next((t for t in tokens if isinstance(t, str)), None)
    given = {"cart_uuid": cart_uuid, "confirmed_by_user": True, "confirmation_token": token}
    placed = await step("create_order", given)
    order = placed.get("order") if isinstance(placed.get("order"), dict) else placed
    order_uuid = order.get("order_uuid")
    if "error" in placed or not isinstance(order_uuid, str):
        return {"placed": False, "read": False, "why": f"placed: {json.dumps(placed)[:300]}",
                "transcript": transcript}  # fmt: skip
    read = await step("get_order", {"order_uuid": order_uuid})
    ok = "error" not in read and order_uuid in json.dumps(read)
    return {"placed": True, "read": ok, "why": "" if ok else f"read: {json.dumps(read)[:300]}",
            "order_uuid": order_uuid, "transcript": transcript}  # fmt: skip


async def build_cart_from_search(
    call: Call,
    schemas: dict[str, dict[str, Any]],
    wish: dict[str, Any],
) -> dict[str, Any]:
    """search_activities → get_activity_dates → get_day_options → create_cart → add_to_cart,
    every argument from the converted schemas and the results (never from what the test
    knows of the sandbox). `wish` is what the user said: `text`, `day` (YYYY-MM-DD),
    `tickets` ({holder: count}), `language`, `sort` (how they want the results ranked).
    Returns the transcript and the cart's UUID."""
    transcript: list[dict[str, Any]] = []
    step = recorded(call, schemas, transcript)

    day = wish["day"]
    found = await step(
        "search_activities",
        {"text": wish["text"], "date_from": day, "date_to": day, "sort": wish.get("sort")},
    )
    chosen: tuple[str, dict[str, Any]] | None = None
    for card in found["activities"]:
        days = await step(
            "get_activity_dates",
            {"activity_uuid": card["activity_uuid"], "date_from": day, "date_to": day},
        )
        if day in days["days"]:
            options = await step(
                "get_day_options", {"activity_uuid": card["activity_uuid"], "day": day}
            )
            slot = _slot_for(options["options"], wish)
            if slot is not None:
                chosen = (card["activity_uuid"], slot)
                break
    assert chosen is not None, "no activity of the search has tickets for the wish"
    activity, slot = chosen
    cart = await step("create_cart", {})
    for holder, count in wish["tickets"].items():
        ticket = next(t for t in slot["tickets"] if t.get("holder") == holder)
        language = wish["language"] if slot.get("languages") else None
        added = await step(
            "add_to_cart",
            {
                "cart_uuid": cart["cart_uuid"],
                "activity_uuid": activity,
                "day": day,
                "product_identifier": ticket["product_identifier"],
                "quantity": count,
                "language": language,
            },
        )
        assert added["status"] == "PREBOOK_OK", added
    return {"transcript": transcript, "cart_uuid": cart["cart_uuid"], "activity_uuid": activity}


def _slot_for(options: list[dict[str, Any]], wish: dict[str, Any]) -> dict[str, Any] | None:
    """The first time slot with the wished language (or none to choose), every wished
    ticket holder, and the seats and limits for the counts."""
    for slot in options:
        languages = slot.get("languages") or []
        if languages and wish["language"] not in languages:
            continue
        holders = {t.get("holder"): t for t in slot["tickets"]}
        seats = slot.get("seats_left")
        wanted = sum(wish["tickets"].values())
        if seats is not None and seats < wanted:
            continue
        if all(
            h in holders
            and (holders[h].get("max_buy") is None or holders[h]["max_buy"] >= n)
            and (holders[h].get("min_buy") or 1) <= n
            for h, n in wish["tickets"].items()
        ):
            return slot
    return None
