"""The cart-independent input schemas the update tools publish, strict-expressible.

A tool's input schema cannot depend on the cart, and every model provider must
take it as it is: OpenAI's strict mode wants closed objects whose every property
is required (optional ones nullable) and no `default`; Anthropic's strict
transform closes open objects; Gemini's `parameters` refuses
`additionalProperties`. So the published schemas are closed, every property is
listed and required, `null` means "not given", and what varies per cart is a
closed list instead of an open map:

- the activities' answers: `extra_customer_data` as `[{activity_uuid, question, value}]`;
- the participants: the known participant fields, plus `other_answers` as
  `[{question, value}]` for any other question an item asks.

Nothing is lost: any answer a cart can need has a place. The server still accepts
the Musement-shaped payload (the map form, JSON strings), turns both forms into
Musement's body (`musement_customer`, `musement_participants`) and validates it
against the cart's own schema before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .field_guide import FieldGuide, Option
from .json_types import JSONArray, JSONObject, JSONValue
from .labels import CHOICE_ORDER, CONSENT_FIELDS, KNOWN_BASE_FIELDS, field_label
from .normalize import EXTRA_CUSTOMER_DATA
from .schema import CompiledSchema

ANSWER_VALUE: JSONObject = {
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": {"type": "string"}},
    ]
}


def nullable(schema: JSONObject, description: str | None = None) -> JSONObject:
    """`schema` or null (null: not given), as `anyOf`: a type list such as
    ["string", "null"] is lost by Gemini's converter and breaks Anthropic's transform.
    The description goes inside the non-null branch, the one place every converter keeps
    (google-genai drops one beside the `anyOf`)."""
    described: JSONObject = {**schema, "description": description} if description else schema
    return {"anyOf": [described, {"type": "null"}]}


def text(description: str | None = None) -> JSONObject:
    """Free text, where `""` means "not given": no null branch, so no union (Anthropic's
    strict mode allows 16 union-typed parameters across its strict tools)."""
    return {"type": "string", "description": description} if description else {"type": "string"}


def _closed(properties: JSONObject) -> JSONObject:
    required: JSONArray = [*properties]
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


ACTIVITY_ANSWER = _closed(
    {
        "activity_uuid": {"type": "string"},
        "question": {"type": "string", "description": "Its key, e.g. phone_number."},
        "value": ANSWER_VALUE,
    }
)
OTHER_ANSWER = _closed({"question": {"type": "string"}, "value": ANSWER_VALUE})

# Participant fields Musement's participant-info guide shows; any other goes to other_answers.
PARTICIPANT_FIELDS: dict[str, JSONObject] = {
    "salutation": text(),
    "firstname": text(),
    "lastname": text(),
    "date_of_birth": nullable({"type": "string", "format": "date"}),
    "nationality": text(),
    "passport": text(),
    "email": nullable({"type": "string", "format": "email"}),
    "phone_number": text(),
}
OTHER_ANSWERS = "other_answers"


# The published customer schema is in every client's tool list, for the server's whole life:
# it is ours and bounded. Fields Musement serves beyond these bounds are not published, and
# are still accepted: the server validates a customer against the cart's own schema.
MAX_OTHER_FIELDS = 8  # base fields beyond the known ones (labels.py)
# Of which unions (a choice, a format, a number): the published tools have 11, and Anthropic's
# strict mode allows 16 across a request's strict tools.
MAX_OTHER_UNIONS = 4
MAX_PUBLISHED_CHOICES = 20
_PUBLISHED_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}", re.ASCII)
_PUBLISHED_CHOICE = re.compile(r"[A-Za-z0-9_\-]{1,40}", re.ASCII)
# Never an upstream title: a served title is supplier text, and the list is read as guidance.
OTHER_FIELD = "Asked by some carts; get_customer_schema says what it is."


def generic_customer_schema(compiled: CompiledSchema, language: str = "en-US") -> JSONObject:
    """The published `customer` schema, from a compiled customer schema's base fields:
    the known ones, then at most `MAX_OTHER_FIELDS` others, described in our words."""
    properties: JSONObject = {}
    for question in compiled.fields:
        published = _published(question, language)
        if published is None:
            continue
        if question.path not in KNOWN_BASE_FIELDS and not _room_for(properties, published):
            continue
        properties[question.path] = published
    properties[EXTRA_CUSTOMER_DATA] = {
        "type": "array",
        "items": ACTIVITY_ANSWER,
        "description": "Activity answers (paths extra_customer_data.<uuid>.<question>).",
    }
    return _closed(properties)


def merged_customer_schema(
    current: Mapping[str, JSONValue], served: Mapping[str, JSONValue]
) -> JSONObject:
    """`current` refined by `served` (both published `customer` schemas): a field is
    never dropped, a new one added while the bound on other fields allows."""
    have, new = _properties_of(current), _properties_of(served)
    merged: JSONObject = {name: new.get(name, schema) for name, schema in have.items()}
    for name, schema in new.items():
        if name in merged:
            continue
        if name not in KNOWN_BASE_FIELDS and not _room_for(merged, schema):
            continue
        merged[name] = schema
    return _closed(merged)


def _properties_of(schema: Mapping[str, JSONValue]) -> JSONObject:
    """The `properties` of a published object schema (it always has them)."""
    properties = schema["properties"]
    if not isinstance(properties, dict):
        raise TypeError("a published object schema without properties")
    return properties


def _is_union(schema: JSONValue) -> bool:
    return isinstance(schema, dict) and "anyOf" in schema


def _room_for(properties: Mapping[str, JSONValue], schema: JSONValue) -> bool:
    """Whether one more other field (`schema`) stays within the bounds: `MAX_OTHER_FIELDS`
    in all, `MAX_OTHER_UNIONS` of them unions."""
    others = [
        s for n, s in properties.items() if n not in KNOWN_BASE_FIELDS | {EXTRA_CUSTOMER_DATA}
    ]
    unions = sum(1 for s in others if _is_union(s))
    return len(others) < MAX_OTHER_FIELDS and (not _is_union(schema) or unions < MAX_OTHER_UNIONS)


def participants_input_schema() -> JSONObject:
    """The published `participants` schema: one closed object per ticket."""
    fields: JSONObject = {**PARTICIPANT_FIELDS}
    fields[OTHER_ANSWERS] = {
        "type": "array",
        "items": OTHER_ANSWER,
        "description": "Answers to other questions, by key.",
    }
    return {"type": "array", "items": _closed(fields)}


def _published(question: FieldGuide, language: str) -> JSONObject | None:
    """A base field's published schema, in our words; None for a nested path, an unsafe
    or long name, or a type a flat field cannot have."""
    if not _PUBLISHED_NAME.fullmatch(question.path):
        return None
    description = _description(question, language)
    if question.type in ("number", "integer"):
        # Musement documents numbers sent as strings ("1234567890"): either is taken.
        number: JSONObject = {"type": "string", "description": description or ""}
        if not description:
            del number["description"]
        return {"anyOf": [number, {"type": "number"}, {"type": "null"}]}
    if question.type not in ("string", "boolean", "array"):
        return None
    choices = _choices(question.options)
    schema: JSONObject
    if question.type == "array":
        items: JSONObject = {"type": "string"}
        schema = {"type": "array", "items": items}
        if choices:
            items["enum"] = choices
    else:
        schema = {"type": question.type}
        if choices:
            schema["enum"] = choices
        if question.format in ("email", "date"):
            schema["format"] = question.format
    if schema == {"type": "string"}:
        return text(description)
    return nullable(schema, description)


def _description(question: FieldGuide, language: str) -> str | None:
    """Our description of a field: the label of a consent (the key alone does not say what
    it agrees to, and converters keep descriptions), a generic one for a field we do not
    know, none for the other known fields (their key says it)."""
    if question.path in CONSENT_FIELDS:
        return field_label(question.path, None, language)
    if question.path not in KNOWN_BASE_FIELDS:
        return OTHER_FIELD
    return None


def _choices(options: list[Option] | None) -> JSONArray | None:
    """The values of a choice, published when few and short; else none (the server still
    checks them against the cart's schema)."""
    if not options or len(options) > MAX_PUBLISHED_CHOICES:
        return None
    values = [option["value"] for option in options]
    names = [v for v in values if isinstance(v, str) and _PUBLISHED_CHOICE.fullmatch(v)]
    if len(names) != len(values):
        return None
    # Musement's choice order is not stable, and the list must not flap: YES before NO as
    # everywhere (the options come in that order), any other choice sorted.
    published: JSONArray = [*names] if set(names) == set(CHOICE_ORDER) else [*sorted(names)]
    return published


def musement_customer(customer: Mapping[str, JSONValue]) -> JSONObject:
    """Musement's body from either form: nulls dropped (not given), the activities'
    answers as a list or as Musement's map."""
    body: JSONObject = {key: value for key, value in customer.items() if value is not None}
    answers = body.get(EXTRA_CUSTOMER_DATA)
    if isinstance(answers, list):
        by_activity: dict[str, JSONObject] = {}
        for entry in answers:
            if not isinstance(entry, dict) or entry.get("value") is None:
                continue
            activity, question = entry.get("activity_uuid"), entry.get("question")
            if isinstance(activity, str) and isinstance(question, str):
                by_activity.setdefault(activity, {})[question] = entry["value"]
        answers = {**by_activity}
    elif isinstance(answers, dict):
        answers = {
            activity: {q: v for q, v in given.items() if v is not None}
            if isinstance(given, dict)
            else given
            for activity, given in answers.items()
            if given is not None
        }
    if isinstance(answers, dict) and not any(answers.values()):
        body.pop(EXTRA_CUSTOMER_DATA, None)  # no answers given: not given at all
    elif answers is not None:
        body[EXTRA_CUSTOMER_DATA] = answers
    return body


def musement_participants(people: Sequence[JSONValue]) -> JSONArray:
    """Musement's body: each person without nulls, `other_answers` merged in by key."""
    body: JSONArray = []
    for person in people:
        if not isinstance(person, dict):
            body.append(person)
            continue
        entry: JSONObject = {
            k: v for k, v in person.items() if v is not None and k != OTHER_ANSWERS
        }
        others = person.get(OTHER_ANSWERS)
        for answer in others if isinstance(others, list) else []:
            question = answer.get("question") if isinstance(answer, dict) else None
            if isinstance(answer, dict) and isinstance(question, str):
                if answer.get("value") is not None:
                    entry.setdefault(question, answer["value"])
        body.append(entry)
    return body
