"""The schema compiler: Musement's customer schema in, what a model needs out.

Musement serves a Liform-style schema generated from server-side forms. It is
close to JSON Schema but not quite: `propertyOrder` and `enum_titles` are not
keywords, an empty `properties` arrives as `[]`, and a field typed `number` is
documented as sent as a string. Since the schema comes from the network, it is
also sanitised: only known keywords survive (so no `$ref` is ever followed),
depth, size and text lengths are capped, and unsafe property names dropped.

`compile_customer_schema()` turns it into a `CompiledSchema`:
- `schema`: a normalized Draft 2020-12 schema (root `type: object`, no
  combinators, no `$ref`), properties in `propertyOrder`, enum labels kept in
  descriptions, unknown fields refused (`additionalProperties: false`);
- `fields`: the ordered field guide, one entry per question;
- `validate()`: every problem at once, each with its path, a message that
  never quotes the value, and the allowed values or format.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from .errors import UpstreamError
from .fast_check import Check, compile_check


# Keywords that mean the same in Musement's schema and in Draft 2020-12, each with the
# values it may take. Anything else (`$ref`, `$id`, `oneOf`, vendor keys) and any
# value of the wrong kind is dropped, never interpreted: what survives is a valid
# schema by construction.
def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**6


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _regex(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 500:
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and not (
        isinstance(value, str) and len(value) > MAX_DESCRIPTION_CHARS
    )


_SCALAR_KEYWORDS: dict[str, Callable[[Any], bool]] = {
    "format": lambda value: isinstance(value, str) and len(value) <= 50,
    "const": _scalar,
    "default": _scalar,
    "minLength": _count,
    "maxLength": _count,
    "pattern": _regex,
    "minimum": _number,
    "maximum": _number,
    "exclusiveMinimum": _number,
    "exclusiveMaximum": _number,
    "minItems": _count,
    "maxItems": _count,
    "uniqueItems": lambda value: isinstance(value, bool),
}
_JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
_SAFE_NAME = re.compile(r"[A-Za-z0-9_\-]{1,100}", re.ASCII)
_NUMERIC_STRING = r"^-?[0-9]+(\.[0-9]+)?$"
_NOT_BLANK = r"\S"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

MAX_DEPTH = 8
MAX_PROPERTIES = 5000
MAX_ENUM_VALUES = 500
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000


class SchemaTooLarge(UpstreamError):
    """The upstream schema is beyond what the compiler accepts."""


@dataclass(frozen=True)
class FieldGuide:
    """One question of the form, in the order Musement asks it."""

    path: str
    title: str
    type: str
    required: bool
    format: str | None = None
    options: list[dict[str, Any]] | None = None
    group: str | None = None
    multiple: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "type": self.type,
            "required": self.required,
            "format": self.format,
            "options": self.options,
            "group": self.group,
            "multiple": self.multiple,
        }


@dataclass
class CompiledSchema:
    """A normalized customer schema with its field guide and validators."""

    schema: dict[str, Any]
    fields: list[FieldGuide]
    _full: Draft202012Validator = field(repr=False)
    _partial: Draft202012Validator = field(repr=False)
    _field_order: dict[str, int] = field(repr=False)
    _fast_full: Check | None = field(default=None, repr=False)
    _fast_partial: Check | None = field(default=None, repr=False)

    def validate(self, instance: Any, *, partial: bool = False) -> list[dict[str, Any]]:
        """Every problem of `instance`, in form order; empty when it is valid."""
        fast = self._fast_partial if partial else self._fast_full
        if fast is not None and fast(instance):
            return []
        validator = self._partial if partial else self._full
        problems: dict[str, dict[str, Any]] = {}
        for error in validator.iter_errors(instance):
            for problem in _problems_of(error, self._options_at):
                problems.setdefault(problem["path"] + "\0" + problem["message"], problem)
        return sorted(problems.values(), key=self._sort_key)

    def field_at(self, path: str) -> FieldGuide | None:
        """The question a concrete path answers (`participants.1.firstname` answers
        `participants.*.firstname`; an item of a multi-choice list answers the list)."""
        pattern = field_pattern(path)
        position = self._field_order.get(pattern, self._field_order.get(_parent(pattern)))
        return None if position is None else self.fields[position]

    def _sort_key(self, problem: dict[str, Any]) -> tuple[int, str]:
        found = self.field_at(problem["path"])
        position = len(self._field_order) if found is None else self._field_order[found.path]
        return position, problem["path"]

    def _options_at(self, path: str) -> list[dict[str, Any]] | None:
        """The labelled choices of the field at `path` (or of the list it is an item of)."""
        found = self.field_at(path)
        return None if found is None else found.options


def field_pattern(path: str) -> str:
    """A concrete path with list positions replaced by `*`."""
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def _parent(path: str) -> str:
    return path.rpartition(".")[0]


def compile_customer_schema(raw: Any) -> CompiledSchema:
    """Compile a Musement schema; identical schemas share one compiled result."""
    try:
        text = json.dumps(raw, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise UpstreamError("Musement's customer schema is not JSON data.") from exc
    return _compile_cached(text)


@lru_cache(maxsize=256)
def _compile_cached(text: str) -> CompiledSchema:
    raw = json.loads(text)
    if not isinstance(raw, dict) or raw.get("type", "object") != "object":
        raise UpstreamError("Musement's customer schema does not describe an object.")
    builder = _Normalizer()
    schema = builder.object_schema(raw, path=(), depth=0)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    # No check_schema() here: the normalizer emits only known keywords with values
    # of the right kind (tests check the result), and the check dominated compile time.
    checker = _format_checker()
    return CompiledSchema(
        schema=schema,
        fields=builder.fields,
        _full=Draft202012Validator(schema, format_checker=checker),
        _partial=Draft202012Validator(_without_required(schema), format_checker=checker),
        _field_order={f.path: i for i, f in enumerate(builder.fields)},
        _fast_full=compile_check(schema, checker, partial=False),
        _fast_partial=compile_check(schema, checker, partial=True),
    )


def generic_customer_schema(compiled: CompiledSchema) -> dict[str, Any]:
    """The cart-independent form of a customer schema, for a tool's input schema.

    The base fields keep their types, titles, enums and formats;
    `extra_customer_data` becomes a plain object (its keys are per-cart activity
    UUIDs); nothing is required, since requirements depend on the cart and on
    whether the update is partial. The server validates the exact cart schema.
    """
    schema = _without_required(compiled.schema)
    schema.pop("$schema", None)
    schema.pop("additionalProperties", None)
    properties = schema.setdefault("properties", {})
    # Present even when the sample cart had no activity questions: other carts do.
    properties["extra_customer_data"] = {
        "type": "object",
        "title": properties.get("extra_customer_data", {}).get("title", "extra_customer_data"),
        "description": (
            "Answers to the activities' own questions, keyed by activity UUID, then by "
            "question key. get_customer_schema lists the questions of a given cart."
        ),
    }
    return schema


# -- normalization -------------------------------------------------------------


class _Normalizer:
    """One pass over the raw schema: builds the normalized schema and the guide."""

    def __init__(self) -> None:
        self.fields: list[FieldGuide] = []
        self._property_count = 0

    def object_schema(
        self, raw: dict[str, Any], *, path: tuple[str, ...], depth: int
    ) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise SchemaTooLarge(f"Musement's customer schema nests deeper than {MAX_DEPTH}.")
        out: dict[str, Any] = {"type": "object"}
        _copy_texts(raw, out)
        raw_props = raw.get("properties")
        # Musement serializes an empty `properties` as `[]`.
        props = raw_props if isinstance(raw_props, dict) else {}
        raw_required = raw.get("required")
        required_names = (
            {n for n in raw_required if isinstance(n, str)}
            if isinstance(raw_required, list)
            else set()
        )
        properties: dict[str, Any] = {}
        child_group = out.get("title") if path else None
        for name, child in _in_property_order(props):
            self._property_count += 1
            if self._property_count > MAX_PROPERTIES:
                raise SchemaTooLarge(
                    f"Musement's customer schema has more than {MAX_PROPERTIES} properties."
                )
            child_raw = child if isinstance(child, dict) else {}
            child_required = name in required_names
            if _is_object(child_raw):
                normalized = self.object_schema(child_raw, path=(*path, name), depth=depth + 1)
                # An object with required questions must itself be sent: the
                # order needs those answers, even if Musement's form marks only
                # the inner fields as required.
                if normalized.get("required"):
                    child_required = True
            elif _is_list_of_objects(child_raw):
                normalized = self.list_schema(child_raw, path=(*path, name), depth=depth + 1)
                if normalized.get("minItems", 0) > 0:
                    child_required = True
            else:
                normalized = self.leaf_schema(
                    child_raw,
                    path=(*path, name),
                    depth=depth + 1,
                    group=child_group,
                    # Ancestors of a required field are made required too, so
                    # its own flag says whether the order needs it.
                    required=child_required,
                )
            properties[name] = normalized
            if child_required:
                required_names.add(name)
        out["properties"] = properties
        required_list = [n for n in properties if n in required_names]
        if required_list:
            out["required"] = required_list
        out["additionalProperties"] = False
        return out

    def list_schema(
        self, raw: dict[str, Any], *, path: tuple[str, ...], depth: int
    ) -> dict[str, Any]:
        """A list of objects (e.g. one per participant); its fields' paths use `*`."""
        out: dict[str, Any] = {"type": "array"}
        _copy_texts(raw, out)
        for key in ("minItems", "maxItems"):
            if _SCALAR_KEYWORDS[key](raw.get(key)):
                out[key] = raw[key]
        # The items' own title (Liform's "prototype") means nothing to a person: the
        # list's title names the group of their questions.
        items = {**raw["items"], "title": out.get("title", path[-1])}
        out["items"] = self.object_schema(items, path=(*path, "*"), depth=depth + 1)
        return out

    def leaf_schema(
        self,
        raw: dict[str, Any],
        *,
        path: tuple[str, ...],
        depth: int,
        group: str | None,
        required: bool,
    ) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise SchemaTooLarge(f"Musement's customer schema nests deeper than {MAX_DEPTH}.")
        out = _scalar_keywords(raw)
        musement_type = _first_type(raw.get("type")) or "string"
        options = _options(raw)
        multiple = False
        if musement_type == "array":
            items = raw.get("items") if isinstance(raw.get("items"), dict) else {}
            out["items"] = _scalar_keywords(items)
            options = _options(items)
            multiple = True
            if options:
                out["items"]["enum"] = [o["value"] for o in options]
        elif options:
            out["enum"] = [o["value"] for o in options]
        if required:
            _refuse_blank(out, musement_type)
        if options:
            out["description"] = _join_text(out.get("description"), _describe_options(options))
        self.fields.append(
            FieldGuide(
                path=".".join(path),
                title=out.get("title") or path[-1],
                type=musement_type,
                required=required,
                format=out.get("format") if isinstance(out.get("format"), str) else None,
                options=options,
                group=group,
                multiple=multiple,
            )
        )
        return out


def _refuse_blank(out: dict[str, Any], musement_type: str) -> None:
    """A required answer cannot be blank: Musement refuses "" and "  " ("should not be
    blank"), although its schema does not say so."""
    if musement_type == "string" and "enum" not in out and "pattern" not in out:
        out["pattern"] = _NOT_BLANK
    elif musement_type == "array" and "minItems" not in out:
        out["minItems"] = 1


def _is_list_of_objects(raw: dict[str, Any]) -> bool:
    items = raw.get("items")
    return _first_type(raw.get("type")) == "array" and isinstance(items, dict) and _is_object(items)


def _is_object(raw: dict[str, Any]) -> bool:
    return _first_type(raw.get("type")) == "object" or "properties" in raw


def _first_type(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value in _JSON_TYPES else None
    if isinstance(value, list):
        return next((t for t in value if isinstance(t, str) and t in _JSON_TYPES), None)
    return None


def _in_property_order(props: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    """Safe property names, by `propertyOrder`, then as listed."""
    safe = [(n, c) for n, c in props.items() if isinstance(n, str) and _SAFE_NAME.fullmatch(n)]

    def order(item: tuple[int, tuple[str, Any]]) -> tuple[float, int]:
        index, (_, child) = item
        position = child.get("propertyOrder") if isinstance(child, dict) else None
        if isinstance(position, int | float) and not isinstance(position, bool):
            return float(position), index
        return float("inf"), index

    return [pair for _, pair in sorted(enumerate(safe), key=order)]


def _scalar_keywords(raw: dict[str, Any]) -> dict[str, Any]:
    """The kept keywords of a non-object node, with Musement's loose numbers."""
    out: dict[str, Any] = {}
    _copy_texts(raw, out)
    for key, acceptable in _SCALAR_KEYWORDS.items():
        value = raw.get(key)
        if value is not None and acceptable(value):
            out[key] = value
    types = raw.get("type")
    type_list = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    type_list = [t for t in type_list if isinstance(t, str) and t in _JSON_TYPES]
    if {"number", "integer"} & set(type_list) and "string" not in type_list:
        # Documented looseness: a `number` field may be sent as "1234567890".
        type_list.append("string")
        out["pattern"] = _NUMERIC_STRING
    if len(type_list) == 1:
        out["type"] = type_list[0]
    elif type_list:
        out["type"] = type_list
    return out


def _copy_texts(raw: dict[str, Any], out: dict[str, Any]) -> None:
    for key, limit in (("title", MAX_TITLE_CHARS), ("description", MAX_DESCRIPTION_CHARS)):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            out[key] = _truncate(value.strip(), limit)


def _options(raw: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Allowed values with their labels (`enum` + Musement's parallel `enum_titles`)."""
    values = raw.get("enum")
    if not isinstance(values, list) or not values:
        return None
    if len(values) > MAX_ENUM_VALUES:
        raise SchemaTooLarge(f"A field of Musement's schema has over {MAX_ENUM_VALUES} choices.")
    titles = raw.get("enum_titles")
    titles = titles if isinstance(titles, list) else []
    options = []
    for index, value in enumerate(values):
        if not isinstance(value, str | int | float | bool) or value is None:
            continue
        label = titles[index] if index < len(titles) and isinstance(titles[index], str) else None
        options.append({"value": value, "label": _truncate(label or str(value), MAX_TITLE_CHARS)})
    return options or None


def _describe_options(options: list[dict[str, Any]]) -> str:
    return (
        "Allowed values: "
        + ", ".join(f"{json.dumps(o['value'])} ({o['label']})" for o in options)
        + "."
    )


def _join_text(first: str | None, second: str) -> str:
    return f"{first} {second}" if first else second


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _without_required(schema: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `schema` with every `required` removed (partial updates)."""
    copy: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "required":
            continue
        if key == "properties" and isinstance(value, dict):
            copy[key] = {n: _without_required(c) for n, c in value.items()}
        elif key == "items" and isinstance(value, dict):
            copy[key] = _without_required(value)
        else:
            copy[key] = value
    return copy


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=["date"])

    # jsonschema's own email check only looks for an "@".
    @checker.checks("email")
    def is_email(value: object) -> bool:
        return not isinstance(value, str) or _EMAIL.fullmatch(value) is not None

    # jsonschema checks date-time only with an optional extra installed.
    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        return not isinstance(value, str) or bool(datetime.fromisoformat(value))

    return checker


# -- problems ------------------------------------------------------------------

_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}
_FORMAT_NAMES = {
    "email": "a valid email address",
    "date": "a date as YYYY-MM-DD",
    "date-time": "a date and time as in RFC 3339",
}


def _problems_of(
    error: ValidationError, options_at: Callable[[str], list[dict[str, Any]] | None]
) -> list[dict[str, Any]]:
    """Our own wording for one jsonschema error: never echoes the value."""
    at = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        properties = schema.get("properties", {})
        return [
            problem
            for name in error.validator_value
            if name not in instance
            for problem in _required_leaves([*at, name], properties.get(name, {}))
        ]
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        instance = error.instance if isinstance(error.instance, dict) else {}
        problems = []
        for name in instance:
            if name in known:
                continue
            problem = _problem([*at, str(name)], "is not a field of this form", {})
            guess = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
            if guess:
                problem["message"] += f"; did you mean '{guess[0]}'?"
                problem["suggestion"] = guess[0]
            elif known and len(known) <= 30:
                problem["allowed_fields"] = known
            problems.append(problem)
        return problems
    if kind == "enum":
        allowed = options_at(".".join(str(p) for p in at)) or [
            {"value": v, "label": str(v)} for v in error.validator_value
        ]
        return [_problem(at, "must be one of the allowed values", schema, allowed=allowed)]
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        if "string" in names and ("number" in names or "integer" in names):
            message = "must be a number (as a number or a string of digits)"
        else:
            message = "must be " + " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return [_problem(at, message, schema)]
    if kind == "format":
        wanted = _FORMAT_NAMES.get(error.validator_value, error.validator_value)
        return [_problem(at, f"must be {wanted}", schema, format=error.validator_value)]
    if kind == "pattern" and schema.get("pattern") == _NUMERIC_STRING:
        return [_problem(at, "must be a number (as a number or a string of digits)", schema)]
    if kind == "pattern" and schema.get("pattern") == _NOT_BLANK:
        return [_problem(at, "must not be blank", schema)]
    if kind in ("minItems", "maxItems") and schema.get("minItems") == schema.get("maxItems"):
        count = error.validator_value
        return [
            _problem(at, f"must have exactly {count} entr{'y' if count == 1 else 'ies'}", schema)
        ]
    if kind == "minItems" and error.validator_value == 1:
        return [_problem(at, "must list at least one value", schema)]
    if kind == "uniqueItems":
        return [_problem(at, "must not list the same value twice", schema)]
    if kind in {
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "minItems",
        "maxItems",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "pattern",
        "const",
    }:
        return [_problem(at, f"does not meet {kind} {error.validator_value}", schema)]
    return [_problem(at, f"is not valid ({kind})", schema)]


def _required_leaves(path: list[Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """A missing object stands for its required questions: name those, not the object."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if schema.get("type") == "object" and properties and schema.get("required"):
        return [
            problem
            for name in schema["required"]
            for problem in _required_leaves([*path, name], properties.get(name, {}))
        ]
    return [_problem(path, "is required", schema)]


def _problem(
    path: list[Any],
    message: str,
    schema: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    problem: dict[str, Any] = {"path": ".".join(str(p) for p in path), "message": message}
    title = schema.get("title") if isinstance(schema, dict) else None
    if title:
        problem["title"] = title
    problem.update({k: v for k, v in extra.items() if v is not None})
    return problem
