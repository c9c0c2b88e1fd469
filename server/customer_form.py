"""A flat elicitation form for the customer fields only the user can fix.

When `customer` misses required fields or has values that fail validation, and
every problem sits on a real question of the cart's form, the user is asked for
exactly those fields in one form: titles from the schema, choices with their
labels, formats and required flags. Activity questions are flattened, their
labels naming the activity. Problems only the model can fix (an unknown field
name, a wrong structure) are not elicited: the model gets `validation_failed`.

Nothing is pre-filled: consent answers (the YES/NO newsletter and profiling
flags) in particular always come from the user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..tools import CompiledSchema
from ..tools.schema import FieldGuide

MAX_FORM_FIELDS = 40
_FORMATS = {"email", "date", "date-time", "uri"}


@dataclass(frozen=True)
class CustomerForm:
    message: str
    requested_schema: dict[str, Any]
    paths: dict[str, str]  # form key -> dotted path in `customer`

    def state(self) -> str:
        """What a later round needs to apply the answers (sealed by the SDK on the wire)."""
        return json.dumps({"paths": self.paths}, separators=(",", ":"))

    @classmethod
    def paths_from_state(cls, state: str) -> dict[str, str]:
        paths = json.loads(state)["paths"]
        if not isinstance(paths, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in paths.items()
        ):
            raise ValueError("malformed form state")
        return paths


def form_for(
    problems: list[dict[str, Any]], compiled: CompiledSchema, customer: dict[str, Any]
) -> CustomerForm | None:
    """The form asking for the fields behind `problems`, or None if the user cannot fix them."""
    leaves = {field.path: field for field in compiled.fields}
    wanted: dict[str, FieldGuide] = {}
    for problem in problems:
        path = problem["path"]
        base = path if path in leaves else path.rpartition(".")[0]  # an item of a list
        if base in leaves:
            wanted[base] = leaves[base]
            continue
        # A missing object (e.g. an activity's answers): its required questions not yet given.
        inside = [
            f
            for f in compiled.fields
            if f.path.startswith(path + ".") and f.required and _absent(customer, f.path)
        ]
        if not inside or problem["message"] != "is required":
            return None
        wanted.update((f.path, f) for f in inside)
    if not wanted or len(wanted) > MAX_FORM_FIELDS:
        return None
    ordered = [f for f in compiled.fields if f.path in wanted]
    properties: dict[str, Any] = {}
    paths: dict[str, str] = {}
    groups: dict[str, int] = {}
    for field in ordered:
        key = _key_for(field, groups)
        properties[key] = _property(field)
        paths[key] = field.path
    required = [key for key, path in paths.items() if wanted[path].required]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return CustomerForm(
        message=(
            "To complete the booking, Musement needs these details from you. "
            "Newsletter and profiling choices are yours: nothing is chosen for you."
        ),
        requested_schema=schema,
        paths=paths,
    )


def apply_answers(
    customer: dict[str, Any], paths: dict[str, str], content: dict[str, Any] | None
) -> dict[str, Any]:
    """`customer` with the user's answers written at their paths (a new object)."""
    merged = json.loads(json.dumps(customer))
    for key, value in (content or {}).items():
        path = paths.get(key)
        if path is None or value is None or value == "":
            continue
        *parents, name = path.split(".")
        target = merged
        for part in parents:
            node = target.get(part)
            if not isinstance(node, dict):
                node = target[part] = {}
            target = node
        target[name] = value
    return merged


def _absent(customer: dict[str, Any], path: str) -> bool:
    node: Any = customer
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return True
        node = node[part]
    return node in (None, "", [])


def _key_for(field: FieldGuide, groups: dict[str, int]) -> str:
    """Readable, unique form keys: `email`; `phone_number_2` for the 2nd activity's."""
    parts = field.path.split(".")
    if len(parts) == 1:
        return parts[0]
    activity = ".".join(parts[:-1])
    index = groups.setdefault(activity, len(groups) + 1)
    return f"{parts[-1]}_{index}"


def _label(field: FieldGuide) -> str:
    """The label a person reads. Musement's English titles of base fields are the raw
    keys (`musement_newsletter`); those are made readable."""
    name = field.path.rsplit(".", 1)[-1]
    title = field.title
    if title == name:
        title = name.replace("_", " ").capitalize()
    return f"{field.group}: {title}" if field.group else title


def _property(field: FieldGuide) -> dict[str, Any]:
    title = _label(field)
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
