"""The schema compiler: a schema Musement serves in, a `CompiledSchema` out.

`compile_schema()` normalizes the raw schema (`normalize`), keeps its field
guide (`field_guide`) and builds its validators: `validate()` reports every
problem at once (`problems`), each with its path and a message that never
quotes the value. The customer form and the participants forms share it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import NotRequired, TypedDict, cast

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator

from .errors import UpstreamError
from .field_guide import FieldGuide, Option, field_pattern, parent_path
from .json_types import JSONObject, JSONValue, object_at
from .normalize import EXTRA_CUSTOMER_DATA, Normalizer, without_required
from .patterns import found_in
from .problems import Problem, field_problem, problems_of

# At most this many problems are gathered and reported for one payload.
MAX_PROBLEMS = 50
# RFC 5321 caps a forward path at 256 octets, so an address at 254 characters; bounding
# first keeps every check below linear and small whatever the client sends.
MAX_EMAIL_CHARS = 254
# ISO 8601 with offset and fractions fits in far less; longer is not a date-time.
MAX_DATE_TIME_CHARS = 64


def _pattern(
    validator: Validator, pattern: object, instance: object, schema: Mapping[str, object]
) -> Iterator[ValidationError]:
    """JSON Schema's `pattern`, searched in RE2 (`patterns`), never by jsonschema's `re`.
    The message does not quote the value: `problems` words it for the model."""
    if isinstance(instance, str) and isinstance(pattern, str) and not found_in(pattern, instance):
        yield ValidationError(f"does not match {pattern!r}")


# The root of a normalized schema: an object that refuses unknown fields. Its nodes below
# `properties` are plain JSON (`normalize` builds them).
NormalizedSchema = TypedDict(
    "NormalizedSchema",
    {
        "$schema": str,
        "type": str,
        "title": NotRequired[str],
        "description": NotRequired[str],
        "properties": JSONObject,
        "required": NotRequired[list[str]],
        "additionalProperties": bool,
    },
)


def _as_root(schema: JSONObject) -> NormalizedSchema:
    """`schema` as a `NormalizedSchema`, once its shape is checked (the normalizer builds it
    so: a failure is a bug here, not Musement's)."""
    texts_ok = all(isinstance(schema.get(k, ""), str) for k in ("$schema", "title", "description"))
    required = schema.get("required", [])
    if (
        schema.get("type") != "object"
        or not isinstance(schema.get("properties"), dict)
        or not isinstance(schema.get("additionalProperties"), bool)
        or not isinstance(required, list)
        or not all(isinstance(name, str) for name in required)
        or not texts_ok
    ):
        raise TypeError("not a normalized schema")
    return cast(NormalizedSchema, schema)


# Draft 2020-12 with a `pattern` whose time is linear in the answer (`extend` is untyped in
# types-jsonschema; it returns a validator class).
_extend: Callable[..., type[Validator]] = validators.extend
LinearValidator = _extend(Draft202012Validator, {"pattern": _pattern})


@dataclass
class CompiledSchema:
    """A normalized schema with its field guide and validators."""

    schema: NormalizedSchema
    fields: list[FieldGuide]
    _full: Validator = field(repr=False)
    _partial: Validator = field(repr=False)
    _field_order: dict[str, int] = field(repr=False)

    def validate(self, instance: JSONValue, *, partial: bool = False) -> Problems:
        """The problems of `instance`, in form order; empty when it is valid.

        The work is bounded whatever the input: a list longer than the form allows is
        refused before its entries are looked at, and at most `MAX_PROBLEMS` problems
        are gathered (`Problems.complete` is False when there were more).
        """
        oversized = (
            _oversized_properties(self.schema["properties"], instance, [])
            if isinstance(instance, dict)
            else []
        )
        if oversized:
            return Problems(oversized[:MAX_PROBLEMS], complete=len(oversized) <= MAX_PROBLEMS)
        validator = self._partial if partial else self._full
        problems: dict[str, Problem] = {}
        complete = True
        for error in validator.iter_errors(instance):
            if len(problems) >= MAX_PROBLEMS:
                complete = False
                break
            for found in problems_of(error, self._options_at):
                problems.setdefault(found["path"] + "\0" + found["message"], found)
        for found in problems.values():
            question = self.field_at(found["path"])
            if question is not None and question.group:
                found["group"] = question.group
        ordered = sorted(problems.values(), key=self._sort_key)
        return Problems(ordered[:MAX_PROBLEMS], complete=complete and len(ordered) <= MAX_PROBLEMS)

    def with_activity_names(self, names: Mapping[str, str]) -> CompiledSchema:
        """The same schema with each activity's questions grouped under its name.

        Musement titles the activities of `extra_customer_data` with their UUID (or a
        generic word); the names come from the cart's items (`cart_items`).
        """
        if not names:
            return self
        renamed = []
        for question in self.fields:
            activity = activity_of(question.path)
            name = names.get(activity) if activity else None
            renamed.append(dataclasses.replace(question, group=name) if name else question)
        return dataclasses.replace(self, fields=renamed)

    def field_at(self, path: str) -> FieldGuide | None:
        """The question a concrete path answers (`participants.1.firstname` answers
        `participants.*.firstname`; an item of a multi-choice list answers the list)."""
        pattern = field_pattern(path)
        position = self._field_order.get(pattern, self._field_order.get(parent_path(pattern)))
        return None if position is None else self.fields[position]

    def _sort_key(self, problem: Problem) -> tuple[int, str]:
        found = self.field_at(problem["path"])
        position = len(self._field_order) if found is None else self._field_order[found.path]
        return position, problem["path"]

    def _options_at(self, path: str) -> list[Option] | None:
        """The labelled choices of the field at `path` (or of the list it is an item of)."""
        found = self.field_at(path)
        return None if found is None else found.options


class Problems(list[Problem]):
    """Problems of a payload; `complete` is False when only the first ones were kept."""

    def __init__(self, problems: list[Problem] | None = None, *, complete: bool = True) -> None:
        super().__init__(problems or [])
        self.complete = complete


def _oversized_lists(schema: JSONObject, instance: JSONValue, path: list[str]) -> list[Problem]:
    """Lists longer than their `maxItems`, found without walking their entries."""
    if isinstance(instance, dict) and schema.get("type") == "object":
        return _oversized_properties(object_at(schema, "properties"), instance, path)
    if isinstance(instance, list) and schema.get("type") == "array":
        most = schema.get("maxItems")
        if isinstance(most, int) and len(instance) > most:
            entries = "entry" if most == 1 else "entries"
            exactly = "exactly" if schema.get("minItems") == most else "at most"
            return [
                field_problem(path, f"must have {exactly} {most} {entries}", schema, "too_many")
            ]
    return []


def _oversized_properties(
    properties: JSONObject, instance: JSONObject, path: list[str]
) -> list[Problem]:
    return [
        found
        for name, child in instance.items()
        if name in properties
        for found in _oversized_lists(object_at(properties, name), child, [*path, name])
    ]


def activity_of(path: str) -> str | None:
    """The activity UUID of an `extra_customer_data.<activity>.<question>` path."""
    parts = path.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == EXTRA_CUSTOMER_DATA else None


def compile_schema(raw: object, *, language: str = "en-US") -> CompiledSchema:
    """Compile a schema Musement served (labels completed in `language`, the
    Accept-Language it was asked in); identical schemas share one compiled result."""
    try:
        text = json.dumps(raw, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise UpstreamError("Musement's schema is not JSON data.") from exc
    return _compile_cached(text, language)


@lru_cache(maxsize=256)
def _compile_cached(text: str, language: str) -> CompiledSchema:
    raw: JSONValue = json.loads(text)
    if not isinstance(raw, dict) or raw.get("type", "object") != "object":
        raise UpstreamError("Musement's schema does not describe an object.")
    builder = Normalizer(language)
    root = builder.object_schema(raw, path=(), depth=0)
    schema: JSONObject = {"$schema": "https://json-schema.org/draft/2020-12/schema", **root}
    # No check_schema() here: the normalizer emits only known keywords with values
    # of the right kind (tests check the result), and the check dominated compile time.
    checker = format_checker()
    return CompiledSchema(
        schema=_as_root(schema),
        fields=builder.fields,
        _full=LinearValidator(schema, format_checker=checker),
        _partial=LinearValidator(without_required(schema), format_checker=checker),
        _field_order={f.path: i for i, f in enumerate(builder.fields)},
    )


def format_checker() -> FormatChecker:
    """The formats Musement's schemas use, checked the way Musement does."""
    checker = FormatChecker(formats=["date"])

    # jsonschema's own email check only looks for an "@".
    @checker.checks("email")
    def check_email(value: object) -> bool:
        return not isinstance(value, str) or is_email(value)

    # jsonschema checks date-time only with an optional extra installed.
    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return len(value) <= MAX_DATE_TIME_CHARS and bool(datetime.fromisoformat(value))

    return checker


def is_email(value: str) -> bool:
    """`local@domain.tld`: one "@", no white space, a dot inside the domain; at most 254
    characters. The same verdict as the pattern `[^@\\s]+@[^@\\s]+\\.[^@\\s]+` matched whole,
    reached in one pass: that pattern backtracks quadratically on a long run of dots
    (60,000 of them held the event loop for 40 s)."""
    if len(value) > MAX_EMAIL_CHARS or any(char.isspace() for char in value):
        return False
    local, at, domain = value.partition("@")
    return bool(local) and bool(at) and "@" not in domain and "." in domain[1:-1]
