"""Sanitising and normalising a schema Musement serves (customer or participants).

Musement serves a Liform-style schema generated from server-side forms. It is
close to JSON Schema but not quite: `propertyOrder` and `enum_titles` are not
keywords, an empty `properties` arrives as `[]`, and a field typed `number` is
documented as sent as a string. Since the schema comes from the network, it is
also sanitised: only known keywords survive (so no `$ref` is ever followed),
depth, size and text lengths are capped, and unsafe property names dropped.

One pass (`Normalizer`) builds both the normalized Draft 2020-12 schema (root
`type: object`, no combinators, no `$ref`, properties in `propertyOrder`, enum
labels kept in descriptions, unknown fields refused) and the field guide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from .errors import UpstreamError
from .field_guide import FieldGuide, Option
from .json_types import JSONArray, JSONObject, JSONValue, int_at, object_at, text_at
from .labels import (
    CHOICE_ORDER,
    choice_label,
    consent_description,
    field_label,
    unchecked_pattern_note,
)
from .patterns import MAX_PATTERN_CHARS, NOT_BLANK, NUMERIC_STRING, is_linear
from .text import shown_text


# Keywords that mean the same in Musement's schema and in Draft 2020-12, each with the
# values it may take. Anything else (`$ref`, `$id`, `oneOf`, vendor keys) and any
# value of the wrong kind is dropped, never interpreted: what survives is a valid
# schema by construction.
def _count(value: JSONValue) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**6


def _number(value: JSONValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _regex(value: JSONValue) -> bool:
    """A pattern kept only if RE2 runs it (`patterns`): none is ever run by `re`."""
    return isinstance(value, str) and len(value) <= MAX_PATTERN_CHARS and is_linear(value)


def _scalar(value: JSONValue) -> bool:
    return isinstance(value, str | int | float | bool) and not (
        isinstance(value, str) and len(value) > MAX_DESCRIPTION_CHARS
    )


_SCALAR_KEYWORDS: dict[str, Callable[[JSONValue], bool]] = {
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
EXTRA_CUSTOMER_DATA = "extra_customer_data"

MAX_DEPTH = 8
MAX_PROPERTIES = 5000
MAX_ENUM_VALUES = 500
MAX_TITLE_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000


class SchemaTooLarge(UpstreamError):
    """The upstream schema is beyond what the compiler accepts."""


class Normalizer:
    """One pass over the raw schema: builds the normalized schema and the guide."""

    def __init__(self, language: str = "en-US") -> None:
        self.language = language
        self.fields: list[FieldGuide] = []
        self._property_count = 0

    def object_schema(self, raw: JSONObject, *, path: tuple[str, ...], depth: int) -> JSONObject:
        if depth > MAX_DEPTH:
            raise SchemaTooLarge(f"Musement's schema nests deeper than {MAX_DEPTH}.")
        out: JSONObject = {"type": "object"}
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
        properties: JSONObject = {}
        # Musement titles each activity of `extra_customer_data` with its UUID or a
        # generic word: its questions are grouped by the UUID until a name is known.
        if path[:1] == (EXTRA_CUSTOMER_DATA,) and len(path) == 2:
            child_group: str | None = path[1]
        else:
            child_group = text_at(out, "title") if path else None
        for name, child in _in_property_order(props):
            self._property_count += 1
            if self._property_count > MAX_PROPERTIES:
                raise SchemaTooLarge(
                    f"Musement's schema has more than {MAX_PROPERTIES} properties."
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
                if (int_at(normalized, "minItems") or 0) > 0:
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
        required_list: JSONArray = [n for n in properties if n in required_names]
        if required_list:
            out["required"] = required_list
        out["additionalProperties"] = False
        return out

    def list_schema(self, raw: JSONObject, *, path: tuple[str, ...], depth: int) -> JSONObject:
        """A list of objects (e.g. one per participant); its fields' paths use `*`."""
        out: JSONObject = {"type": "array"}
        _copy_texts(raw, out)
        for key in ("minItems", "maxItems"):
            if _SCALAR_KEYWORDS[key](raw.get(key)):
                out[key] = raw[key]
        # The items' own title (Liform's "prototype") means nothing to a person: the
        # list's title names the group of their questions.
        items: JSONObject = {**object_at(raw, "items"), "title": text_at(out, "title") or path[-1]}
        out["items"] = self.object_schema(items, path=(*path, "*"), depth=depth + 1)
        return out

    def leaf_schema(
        self,
        raw: JSONObject,
        *,
        path: tuple[str, ...],
        depth: int,
        group: str | None,
        required: bool,
    ) -> JSONObject:
        if depth > MAX_DEPTH:
            raise SchemaTooLarge(f"Musement's schema nests deeper than {MAX_DEPTH}.")
        out = _scalar_keywords(raw)
        label = field_label(path[-1], text_at(out, "title"), self.language)
        if label:
            out["title"] = label
        consent = consent_description(path[-1], self.language) if len(path) == 1 else None
        musement_type = _first_type(raw.get("type")) or "string"
        options = _options(raw, self.language)
        multiple = False
        if musement_type == "array":
            items = object_at(raw, "items")
            item_schema = out["items"] = _scalar_keywords(items)
            options = _options(items, self.language)
            multiple = True
            if options:
                item_schema["enum"] = _values(options)
        elif options:
            out["enum"] = _values(options)
        example, unchecked = _liform_attr(raw, out)
        # The field guide only (the published schema is unchanged): the supplier's format
        # rule was not checked here, so Musement may still refuse the answer.
        note = unchecked_pattern_note(self.language) if unchecked else None
        if required:
            _refuse_blank(out, musement_type)
        if options:
            out["description"] = _join_text(text_at(out, "description"), _describe_options(options))
        if consent:
            out["description"] = _join_text(consent, text_at(out, "description") or "")
            # Consent is never pre-selected: an upstream default is not passed on.
            out.pop("default", None)
        self.fields.append(
            FieldGuide(
                path=".".join(path),
                title=text_at(out, "title") or path[-1],
                type=musement_type,
                required=required,
                format=text_at(out, "format"),
                options=options,
                group=group,
                multiple=multiple,
                example=example,
                description=_join_text(consent, note) if note else consent,
            )
        )
        return out


def _liform_attr(raw: JSONObject, out: JSONObject) -> tuple[str | None, bool]:
    """Liform's `attr`, the form widget's HTML attributes: `attr.pattern` (an HTML
    pattern, matched whole) is enforced when RE2 can run it, `attr.placeholder` becomes
    the field's example. Returns the example, and whether a pattern was left unchecked."""
    attr = raw.get("attr")
    if not isinstance(attr, dict):
        return None, False
    unchecked = False
    pattern = attr.get("pattern")
    if "pattern" not in out and isinstance(pattern, str) and pattern:
        anchored = f"^(?:{pattern})$"
        if _regex(anchored):
            out["pattern"] = anchored
        else:
            unchecked = True
    placeholder = attr.get("placeholder")
    example = shown_text(placeholder, MAX_TITLE_CHARS)
    if example:
        out["examples"] = [example]
        return example, unchecked
    return None, unchecked


def _refuse_blank(out: JSONObject, musement_type: str) -> None:
    """A required answer cannot be blank: Musement refuses "" and "  " ("should not be
    blank"), although its schema does not say so."""
    if musement_type == "string" and "enum" not in out and "pattern" not in out:
        out["pattern"] = NOT_BLANK
    elif musement_type == "array" and "minItems" not in out:
        out["minItems"] = 1


def _is_list_of_objects(raw: JSONObject) -> bool:
    items = raw.get("items")
    return _first_type(raw.get("type")) == "array" and isinstance(items, dict) and _is_object(items)


def _is_object(raw: JSONObject) -> bool:
    return _first_type(raw.get("type")) == "object" or "properties" in raw


def _first_type(value: JSONValue) -> str | None:
    if isinstance(value, str):
        return value if value in _JSON_TYPES else None
    if isinstance(value, list):
        return next((t for t in value if isinstance(t, str) and t in _JSON_TYPES), None)
    return None


def _in_property_order(props: JSONObject) -> list[tuple[str, JSONValue]]:
    """Safe property names, by `propertyOrder`, then as listed."""
    safe = [(n, c) for n, c in props.items() if isinstance(n, str) and _SAFE_NAME.fullmatch(n)]

    def order(item: tuple[int, tuple[str, JSONValue]]) -> tuple[float, int]:
        index, (_, child) = item
        position = child.get("propertyOrder") if isinstance(child, dict) else None
        if isinstance(position, int | float) and not isinstance(position, bool):
            return float(position), index
        return float("inf"), index

    return [pair for _, pair in sorted(enumerate(safe), key=order)]


def _scalar_keywords(raw: JSONObject) -> JSONObject:
    """The kept keywords of a non-object node, with Musement's loose numbers."""
    out: JSONObject = {}
    _copy_texts(raw, out)
    for key, acceptable in _SCALAR_KEYWORDS.items():
        value = raw.get(key)
        if value is not None and acceptable(value):
            out[key] = value
    types = raw.get("type")
    listed = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    type_list: JSONArray = [t for t in listed if isinstance(t, str) and t in _JSON_TYPES]
    if {"number", "integer"} & set(type_list) and "string" not in type_list:
        # Documented looseness: a `number` field may be sent as "1234567890".
        type_list.append("string")
        out["pattern"] = NUMERIC_STRING
    if len(type_list) == 1:
        out["type"] = type_list[0]
    elif type_list:
        out["type"] = type_list
    return out


def _copy_texts(raw: JSONObject, out: JSONObject) -> None:
    for key, limit in (("title", MAX_TITLE_CHARS), ("description", MAX_DESCRIPTION_CHARS)):
        # Supplier text: cleaned of control and bidirectional characters, and capped.
        text = shown_text(raw.get(key), limit)
        if text:
            out[key] = text


def _options(raw: JSONObject, language: str) -> list[Option] | None:
    """Allowed values with their labels (`enum` + Musement's parallel `enum_titles`)."""
    values = raw.get("enum")
    if not isinstance(values, list) or not values:
        return None
    if len(values) > MAX_ENUM_VALUES:
        raise SchemaTooLarge(f"A field of Musement's schema has over {MAX_ENUM_VALUES} choices.")
    listed_titles = raw.get("enum_titles")
    titles = listed_titles if isinstance(listed_titles, list) else []
    options: list[Option] = []
    for index, value in enumerate(values):
        if not isinstance(value, str | int | float | bool) or value is None:
            continue
        title = titles[index] if index < len(titles) else None
        label = title if isinstance(title, str) else None
        shown = choice_label(value, label or str(value), language)
        options.append({"value": value, "label": shown_text(shown, MAX_TITLE_CHARS) or str(value)})
    if {o["value"] for o in options} == set(CHOICE_ORDER):
        options.sort(key=lambda o: CHOICE_ORDER.index(o["value"]))
    return options or None


def _values(options: list[Option]) -> JSONArray:
    return [o["value"] for o in options]


def _describe_options(options: list[Option]) -> str:
    return (
        "Allowed values: "
        + ", ".join(
            json.dumps(o["value"])
            if o["label"] == str(o["value"])
            else f"{json.dumps(o['value'])} ({o['label']})"
            for o in options
        )
        + "."
    )


def _join_text(first: str | None, second: str) -> str:
    return f"{first} {second}" if first else second


def without_required(schema: JSONObject) -> JSONObject:
    """A deep copy of `schema` with every `required` removed (partial updates)."""
    copy: JSONObject = {}
    for key, value in schema.items():
        if key == "required":
            continue
        if key == "properties" and isinstance(value, dict):
            copy[key] = {
                n: without_required(c) if isinstance(c, dict) else c for n, c in value.items()
            }
        elif key == "items" and isinstance(value, dict):
            copy[key] = without_required(value)
        else:
            copy[key] = value
    return copy
