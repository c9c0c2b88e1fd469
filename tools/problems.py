"""Our own wording of what is wrong with a payload: one problem per field, never its value.

jsonschema finds the errors; this module turns each into `{"path", "message",
"title"?, ...}` entries a model or a person can act on: the allowed values of a
choice, the format of a date, the exact count of a list, a did-you-mean for a
misspelt field. A message never quotes the value it is about.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Literal, TypedDict, Unpack, cast, get_args

from jsonschema import ValidationError
from jsonschema._utils import Unset

from .field_guide import Option
from .json_types import JSONObject, JSONValue, as_array, object_at
from .patterns import NOT_BLANK, NUMERIC_STRING

OptionsAt = Callable[[str], list[Option] | None]
# A field's place in a payload: names, and positions in lists.
PathParts = Sequence[str | int]

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
# What went wrong, for code to switch on (forms, clients); messages are for people.
ProblemKind = Literal[
    "required",  # a required answer is missing
    "unknown_field",  # a name the form does not have
    "not_allowed",  # not one of the allowed values
    "wrong_type",  # a string where a number is needed, ...
    "bad_format",  # an email, a date, a pattern
    "blank",  # an empty or blank required answer
    "too_many",  # more entries than the form takes
    "too_few",  # fewer entries than the form needs
    "duplicate",  # the same choice twice
    "out_of_range",  # a length or a number outside its bounds
    "invalid",  # anything else the schema refuses
    "unknown_argument",  # an argument the tool does not have
    "unencodable",  # a value JSON cannot carry (NaN, a lone surrogate)
    "too_large",  # an argument over the size or depth cap
    "rejected_by_musement",  # Musement's own per-field error
    "locked_by_order",  # the cart belongs to an order (its uuid and payment state given)
    "not_confirmed",  # the user's yes is needed first
    "declined_by_user",  # the user said no in the confirmation form
    "needs_user_form",  # this client shows forms: only the user's answer there counts
    "not_bookable",  # a cart item Musement could not pre-book
    "outcome_unknown",  # an order POST got no answer: an order may exist
    "not_offered",  # not among what an activity's day offers (a product, a language, a pickup)
]
KINDS: frozenset[str] = frozenset(get_args(ProblemKind))


class ProblemExtras(TypedDict, total=False):
    """What a problem may add to its path, kind and message."""

    title: str  # the field's title in the form
    group: str  # the activity a question belongs to
    suggestion: str  # did you mean...
    allowed_fields: list[str]
    allowed: list[Option]  # the options: value and label
    format: str
    example: JSONValue
    confirmation_token: str
    retry_after_seconds: int
    # locked_by_order: the order that holds the cart
    order_uuid: str
    paid: bool
    payment_status: str | None


class Problem(ProblemExtras):
    """One thing wrong, in the `details` of an error or a checklist. Built by `problem()`
    (or `field_problem()`), so that `kind` is always one of `ProblemKind`."""

    path: str
    kind: ProblemKind
    message: str


_A_NUMBER = "must be a number (as a number or a string of digits)"
_BOUNDS = frozenset(
    {
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
    }
)


def problems_of(error: ValidationError, options_at: OptionsAt) -> list[Problem]:
    """The problems behind one jsonschema error (a `required` error names each field)."""
    at = list(error.absolute_path)
    # jsonschema hands back the (normalized, JSON) schema node it was checking.
    schema: JSONObject = error.schema if isinstance(error.schema, dict) else {}
    wording = _WORDING.get(str(error.validator))
    if wording is not None:
        worded = wording(error, at, schema, options_at)
        if worded is not None:
            return worded
    if error.validator in _BOUNDS:
        kind: ProblemKind = "not_allowed" if error.validator == "const" else "out_of_range"
        return [field_problem(at, f"does not meet {error.validator} {_value(error)}", schema, kind)]
    return [field_problem(at, f"is not valid ({error.validator})", schema, "invalid")]


def problem(
    path: str | PathParts, kind: ProblemKind, message: str, **extra: Unpack[ProblemExtras]
) -> Problem:
    """One problem: its path (a dotted string, or its parts), its `kind` (what code
    switches on) and a message for people (never switched on); extras left None are
    left out."""
    assert kind in KINDS, kind
    at = path if isinstance(path, str) else ".".join(str(p) for p in path)
    found: dict[str, object] = {"path": at, "kind": kind, "message": message}
    found.update({k: v for k, v in extra.items() if v is not None})
    return cast(Problem, found)


def field_problem(
    path: PathParts,
    message: str,
    schema: JSONObject,
    kind: ProblemKind,
    **extra: Unpack[ProblemExtras],
) -> Problem:
    """A problem with a form field, titled as the field's schema titles it."""
    title = schema.get("title")
    if isinstance(title, str) and title:
        # Before the other extras, where the output has always had it.
        extra = {"title": title, **extra}
    return problem(path, kind, message, **extra)


def _value(error: ValidationError) -> JSONValue:
    """The keyword's value in the schema (typed loosely by jsonschema's stubs): JSON, as
    the normalized schema is."""
    value = error.validator_value
    return None if isinstance(value, Unset) else value


def _names(value: JSONValue) -> list[str]:
    """The names a keyword lists (`required`, `type`): one string or a list of them."""
    if isinstance(value, str):
        return [value]
    return [name for name in as_array(value) or [] if isinstance(name, str)]


# Each wording takes (error, path, schema, options_at) and returns the problems, or
# None to fall back to the generic wording.
Path = list[str | int]
Wording = Callable[[ValidationError, Path, JSONObject, OptionsAt], list[Problem] | None]


def _required(error: ValidationError, at: Path, schema: JSONObject, _: OptionsAt) -> list[Problem]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    properties = object_at(schema, "properties")
    return [
        found
        for name in _names(_value(error))
        if name not in instance
        for found in _required_leaves([*at, name], object_at(properties, name))
    ]


def _required_leaves(path: Path, schema: JSONObject) -> list[Problem]:
    """A missing object stands for its required questions: name those, not the object."""
    properties = object_at(schema, "properties")
    required = _names(schema.get("required"))
    if schema.get("type") == "object" and properties and required:
        return [
            found
            for name in required
            for found in _required_leaves([*path, name], object_at(properties, name))
        ]
    return [field_problem(path, "is required", schema, "required")]


def _unknown_fields(
    error: ValidationError, at: Path, schema: JSONObject, _: OptionsAt
) -> list[Problem]:
    known = list(object_at(schema, "properties"))
    instance = error.instance if isinstance(error.instance, dict) else {}
    problems = []
    for name in instance:
        if name in known:
            continue
        found = field_problem([*at, str(name)], "is not a field of this form", {}, "unknown_field")
        guess = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
        if guess:
            found["message"] += f"; did you mean '{guess[0]}'?"
            found["suggestion"] = guess[0]
        elif known and len(known) <= 30:
            found["allowed_fields"] = known
        problems.append(found)
    return problems


def _not_an_option(
    error: ValidationError, at: Path, schema: JSONObject, options_at: OptionsAt
) -> list[Problem]:
    allowed = options_at(".".join(str(p) for p in at)) or [
        {"value": v, "label": str(v)}
        for v in as_array(_value(error)) or []
        if isinstance(v, str | int | float | bool)
    ]
    return [
        field_problem(
            at, "must be one of the allowed values", schema, "not_allowed", allowed=allowed
        )
    ]


def _wrong_type(
    error: ValidationError, at: Path, schema: JSONObject, _: OptionsAt
) -> list[Problem]:
    names = _names(_value(error))
    if "string" in names and ("number" in names or "integer" in names):
        return [field_problem(at, _A_NUMBER, schema, "wrong_type")]
    expected = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
    return [field_problem(at, f"must be {expected}", schema, "wrong_type")]


def _bad_format(
    error: ValidationError, at: Path, schema: JSONObject, _: OptionsAt
) -> list[Problem]:
    name = str(_value(error))
    wanted = _FORMAT_NAMES.get(name, name)
    return [field_problem(at, f"must be {wanted}", schema, "bad_format", format=name)]


def _pattern(
    error: ValidationError, at: Path, schema: JSONObject, _: OptionsAt
) -> list[Problem] | None:
    if schema.get("pattern") == NUMERIC_STRING:
        return [field_problem(at, _A_NUMBER, schema, "wrong_type")]
    if schema.get("pattern") == NOT_BLANK:
        return [field_problem(at, "must not be blank", schema, "blank")]
    examples = schema.get("examples")
    example = examples[0] if isinstance(examples, list) and examples else None
    return [
        field_problem(
            at, "does not have the expected format", schema, "bad_format", example=example
        )
    ]


def _item_count(
    error: ValidationError, at: Path, schema: JSONObject, _: OptionsAt
) -> list[Problem] | None:
    if schema.get("minItems") == schema.get("maxItems"):
        count = _value(error)
        entries = "entry" if count == 1 else "entries"
        kind: ProblemKind = "too_few" if error.validator == "minItems" else "too_many"
        return [field_problem(at, f"must have exactly {count} {entries}", schema, kind)]
    if error.validator == "minItems" and _value(error) == 1:
        return [field_problem(at, "must list at least one value", schema, "too_few")]
    return None


def _repeated(error: ValidationError, at: Path, schema: JSONObject, _: OptionsAt) -> list[Problem]:
    return [field_problem(at, "must not list the same value twice", schema, "duplicate")]


_WORDING: dict[str, Wording] = {
    "required": _required,
    "additionalProperties": _unknown_fields,
    "enum": _not_an_option,
    "type": _wrong_type,
    "format": _bad_format,
    "pattern": _pattern,
    "minItems": _item_count,
    "maxItems": _item_count,
    "uniqueItems": _repeated,
}
