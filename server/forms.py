"""Flat elicitation forms for the fields only the user can fix.

When a payload misses required fields or has values that fail validation, and
every problem sits on a real question of the schema, the user is asked for
exactly those fields: titles from the schema, choices with their labels,
formats and required flags. Questions are flattened into primitive fields, as
elicitation requires: an activity's questions are labelled with the activity,
and a list of people (participants) gets one form per person. Problems only the
model can fix (an unknown field name, too many entries) are not elicited: the
model gets `validation_failed`.

Nothing is pre-filled: consent answers (the YES/NO newsletter and profiling
flags) in particular always come from the user.
"""

from __future__ import annotations

import copy
import json
import secrets
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..tools import CompiledSchema, FieldGuide
from ..tools.problems import Problem
from ..tools.redaction import json_leaves

MAX_FORM_FIELDS = 40
_FORMATS = {"email", "date", "date-time", "uri"}
_CONSENT_NOTE = "Newsletter and profiling choices are yours: nothing is chosen for you."


@dataclass(frozen=True)
class Form:
    message: str
    requested_schema: dict[str, Any]
    paths: dict[str, str]  # form key -> concrete dotted path in the payload


def forms_for(
    problems: list[Problem], compiled: CompiledSchema, payload: dict[str, Any]
) -> list[Form] | None:
    """The forms asking for the fields behind `problems`, or None if the user cannot fix them."""
    wanted: dict[str, FieldGuide] = {}  # concrete path -> question
    for problem in problems:
        found = _fields_behind(problem, compiled, payload)
        if found is None:
            return None
        wanted.update(found)
    if not wanted:
        return None
    position = {field.path: index for index, field in enumerate(compiled.fields)}
    groups: dict[str, dict[str, FieldGuide]] = {}
    # The main form first, then person 1, 2, ..., each in the schema's question order.
    ordered = sorted(
        wanted.items(),
        key=lambda item: (_person_number(_person_of(item[0])), position[item[1].path]),
    )
    for path, field in ordered:
        groups.setdefault(_person_of(path), {})[path] = field
    forms = [_form(fields, person) for person, fields in groups.items()]
    if any(len(form.paths) > MAX_FORM_FIELDS for form in forms):
        return None
    return forms


def apply_answers(
    payload: dict[str, Any], paths: dict[str, str], content: dict[str, Any] | None
) -> dict[str, Any]:
    """`payload` with the user's answers written at their paths (a new object)."""
    merged = copy.deepcopy(payload)
    for key, value in (content or {}).items():
        path = paths.get(key)
        if path is None or value is None or value == "":
            continue
        parts = path.split(".")
        *parents, name = parts
        target: Any = merged
        for index, part in enumerate(parents):
            # A list holds the entry whose position comes next (`participants.0`).
            target = _child(target, part, list if parts[index + 1].isdigit() else dict)
        if isinstance(target, list):
            index = int(name)
            target.extend({} for _ in range(index + 1 - len(target)))
            target[index] = value
        else:
            target[name] = value
    return merged


def entered_in(paths: dict[str, str], content: dict[str, Any] | None) -> dict[str, Any]:
    """What the user entered (`apply_answers` writes the same), by concrete path."""
    return {
        paths[key]: value
        for key, value in (content or {}).items()
        if key in paths and value is not None and value != ""
    }


# What a result shows in place of a value the user typed into a form: the model never saw
# it (a phone, a passport number), and a result is read by the model.
ENTERED = "[entered by the user]"


def without_entered_values(
    result: BaseModel, entered: dict[str, Any], *, root: str = "", sent: Any = None
) -> BaseModel:
    """`result` with the user's form answers replaced by `ENTERED` and their paths listed in
    `entered_by_user`. A path of the payload is `root` + path in the result; an entered text
    found elsewhere in it (an upstream may echo a value in another place) is replaced too,
    unless the model itself sent that text."""
    if not entered:
        return result
    data = result.model_dump(mode="json", by_alias=True)
    for path in entered:
        _replace_at(data, f"{root}.{path}" if root else path)
    model_said = _texts(sent)
    # Short texts (YES, NO) are shown only where the user put them: elsewhere they are words.
    hidden = {
        value
        for value in entered.values()
        if isinstance(value, str) and len(value.strip()) >= 3 and value not in model_said
    }
    data = _replace_texts(data, hidden)
    data["entered_by_user"] = sorted(entered)
    return type(result).model_validate(data)


def _replace_at(data: Any, path: str) -> None:
    *parents, name = path.split(".")
    node = data
    for part in parents:
        node = _step(node, part)
        if node is None:
            return
    if isinstance(node, dict) and name in node:
        node[name] = ENTERED
    elif isinstance(node, list) and name.isdigit() and int(name) < len(node):
        node[int(name)] = ENTERED


def _step(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def _replace_texts(node: Any, hidden: set[str]) -> Any:
    if isinstance(node, dict):
        return {key: _replace_texts(value, hidden) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace_texts(value, hidden) for value in node]
    return ENTERED if isinstance(node, str) and node in hidden else node


def _texts(value: Any) -> set[str]:
    """Every string in a JSON value."""
    return {leaf for leaf in json_leaves(value) if isinstance(leaf, str)}


def state_of(forms: list[Form], *, confirmation: str | None = None) -> str:
    """What a later round needs to apply the answers (sealed by the SDK on the wire),
    with a nonce that makes the state single-use (see `elicitation._spend_once`) and, for
    an order, the token of the summary the user is asked to confirm."""
    state: dict[str, Any] = {
        "nonce": secrets.token_urlsafe(16),
        "forms": [form.paths for form in forms],
    }
    if confirmation is not None:
        state["confirmation"] = confirmation
    return json.dumps(state, separators=(",", ":"))


def confirmation_in_state(state: str) -> str | None:
    """The confirmation token a sealed state carries (None: not an order's state)."""
    token = json.loads(state).get("confirmation")
    return token if isinstance(token, str) else None


def nonce_of(state: str) -> str:
    nonce = json.loads(state).get("nonce")
    if not isinstance(nonce, str):
        raise ValueError("malformed form state")
    return nonce


def paths_from_state(state: str) -> list[dict[str, str]]:
    decoded = json.loads(state)
    forms = decoded.get("forms") if isinstance(decoded, dict) else None
    if not isinstance(forms, list) or not all(
        isinstance(paths, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in paths.items())
        for paths in forms
    ):
        raise ValueError("malformed form state")
    return forms


def _fields_behind(
    problem: Problem, compiled: CompiledSchema, payload: dict[str, Any]
) -> dict[str, FieldGuide] | None:
    """The concrete questions a problem is about; None when only the model can fix it."""
    path = problem["path"]
    field = compiled.field_at(path)
    if field is not None and problem["kind"] != "unknown_field":
        concrete = path if field.path.count(".") == path.count(".") else path.rpartition(".")[0]
        return {concrete: field}
    if problem["kind"] == "too_few":
        # Too few people in a list: ask for the missing ones (too many is the model's to fix).
        entries = _at(payload, path)
        count = len(entries) if isinstance(entries, list) else 0
        wanted = _exact_count(compiled, path)
        if wanted is None or count >= wanted:
            return None
        return _missing_people(path, compiled, range(count, wanted))
    return None


def _missing_people(path: str, compiled: CompiledSchema, people: range) -> dict[str, FieldGuide]:
    """The required questions about each of `people` (positions in the list at `path`)."""
    prefix = path + ".*."
    return {
        f"{path}.{index}.{field.path[len(prefix) :]}": field
        for field in compiled.fields
        if field.required and field.path.startswith(prefix)
        for index in people
    }


def _exact_count(compiled: CompiledSchema, path: str) -> int | None:
    node: Any = compiled.schema
    for part in path.split("."):
        node = node.get("properties", {}).get(part) if isinstance(node, dict) else None
    if isinstance(node, dict) and node.get("minItems") == node.get("maxItems"):
        return node.get("minItems")
    return None


def _at(payload: Any, path: str) -> Any:
    node = payload
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _child(target: Any, part: str, kind: type) -> Any:
    if isinstance(target, list):
        index = int(part)
        target.extend({} for _ in range(index + 1 - len(target)))
        if not isinstance(target[index], kind):
            target[index] = kind()
        return target[index]
    if not isinstance(target.get(part), kind):
        target[part] = kind()
    return target[part]


def _person_of(path: str) -> str:
    """The list entry a path belongs to (`participants.1`), or "" for the main form."""
    parts = path.split(".")
    for index, part in enumerate(parts):
        if part.isdigit():
            return ".".join(parts[: index + 1])
    return ""


def _person_number(person: str) -> int:
    """1 for `participants.0`, ...; 0 for the main form."""
    return int(person.rsplit(".", 1)[1]) + 1 if person else 0


def _form(fields: dict[str, FieldGuide], person: str) -> Form:
    properties: dict[str, Any] = {}
    paths: dict[str, str] = {}
    groups: dict[str, int] = {}
    for path, field in fields.items():
        key = _key_for(field, groups)
        properties[key] = _property(field, person)
        paths[key] = path
    required = [key for key, path in paths.items() if fields[path].required]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if person:
        message = (
            "To complete the booking, Musement needs these details about person "
            f"{_person_number(person)}."
        )
    else:
        message = f"To complete the booking, Musement needs these details from you. {_CONSENT_NOTE}"
    return Form(message=message, requested_schema=schema, paths=paths)


def _key_for(field: FieldGuide, groups: dict[str, int]) -> str:
    """Readable, unique form keys: `email`; `phone_number_2` for the 2nd activity's."""
    parts = [p for p in field.path.split(".") if p != "*"]
    if len(parts) == 1 or field.path.split(".")[-2] == "*":
        return parts[-1]
    activity = ".".join(parts[:-1])
    index = groups.setdefault(activity, len(groups) + 1)
    return f"{parts[-1]}_{index}"


def _label(field: FieldGuide, person: str) -> str:
    """The label a person reads. Musement's English titles of base fields are the raw
    keys (`musement_newsletter`); those are made readable."""
    name = field.path.rsplit(".", 1)[-1]
    title = field.title
    if title == name:
        title = name.replace("_", " ").capitalize()
    if person:
        return f"Person {_person_number(person)}: {title}"
    return f"{field.group}: {title}" if field.group else title


def _property(field: FieldGuide, person: str) -> dict[str, Any]:
    title = _label(field, person)
    options = [o for o in field.options or [] if isinstance(o["value"], str)]
    if field.multiple:
        prop: dict[str, Any] = {
            "type": "array",
            "title": title,
            "items": {"anyOf": [{"const": o["value"], "title": o["label"]} for o in options]},
        }
        if field.required:
            prop["minItems"] = 1
        return prop
    if options:
        return {
            "type": "string",
            "title": title,
            "oneOf": [{"const": o["value"], "title": o["label"]} for o in options],
        }
    if field.type in ("number", "integer", "boolean"):
        return {"type": field.type, "title": title}
    prop = {"type": "string", "title": title}
    if field.format in _FORMATS:
        prop["format"] = field.format
    if field.required:
        prop["minLength"] = 1
    return prop
