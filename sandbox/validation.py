"""Checks and coerces a PUT customer body against what the cart asks for.

PUT accepts partial bodies, as Musement's does: required fields are not enforced here but
when an order is created (see `missing_fields`). A body with any error changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from .catalog import CATALOG, Question, QuestionKind
from .customer_fields import BASE_FIELDS, BASE_FIELDS_BY_KEY, EXTRA_CUSTOMER_DATA, BaseKind
from .schema import extra_data_activities
from .state import Cart

# Symfony's default messages, which Musement's form errors carry.
NOT_BLANK = "This value should not be blank."
NOT_STRING = "This value should be of type string."
NOT_NUMBER = "This value should be of type number."
NOT_OBJECT = "This value should be of type object."
NOT_ARRAY = "This value should be of type array."
BAD_EMAIL = "This value is not a valid email address."
BAD_DATE = "This value is not a valid date."
BAD_CHOICE = "The value you selected is not a valid choice."
BAD_CHOICES = "One or more of the given values is invalid."
NOT_UNIQUE = "This collection should contain only unique elements."
EXTRA_FIELD = "This form should not contain extra fields."
UNKNOWN_ACTIVITY = "This activity is not in the cart or asks for no extra customer data."

# An address is at most 254 characters (RFC 5321); the check is bounded and linear.
MAX_EMAIL_CHARS = 254
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def validate_update(body: Any, cart: Cart) -> tuple[dict[str, Any], list[FieldError]]:
    """Return the cleaned partial update and the errors found (empty when valid)."""
    if not isinstance(body, dict):
        return {}, [FieldError("", NOT_OBJECT)]
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, value in body.items():
        if key == EXTRA_CUSTOMER_DATA:
            clean[key] = _extra_data(value, cart, errors)
            continue
        base_field = BASE_FIELDS_BY_KEY.get(key)
        if base_field is None and key in cart.custom_base_fields:
            try:
                clean[key] = _custom_value(cart.custom_base_fields[key], value)
            except _Invalid as invalid:
                errors.append(FieldError(key, invalid.message))
            continue
        if base_field is None:
            errors.append(FieldError(key, EXTRA_FIELD))
            continue
        try:
            clean[key] = _base_value(base_field.kind, base_field.enum, value, base_field.required)
        except _Invalid as invalid:
            errors.append(FieldError(key, invalid.message))
    return clean, errors


def merge_update(customer: dict[str, Any], clean: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a cleaned update: extra customer data is merged per activity and question."""
    merged = {k: v for k, v in customer.items() if k != EXTRA_CUSTOMER_DATA}
    extra = {uuid: dict(answers) for uuid, answers in customer.get(EXTRA_CUSTOMER_DATA, {}).items()}
    for key, value in clean.items():
        if key == EXTRA_CUSTOMER_DATA:
            for activity_uuid, answers in value.items():
                extra.setdefault(activity_uuid, {}).update(answers)
        else:
            merged[key] = value
    merged[EXTRA_CUSTOMER_DATA] = extra
    return merged


def missing_fields(cart: Cart) -> list[FieldError]:
    """Required fields the stored customer still lacks (checked when an order is created)."""
    customer = cart.customer
    errors = [
        FieldError(f.key, NOT_BLANK)
        for f in BASE_FIELDS
        if f.required and customer.get(f.key) in (None, "")
    ]
    stored_extra = customer.get(EXTRA_CUSTOMER_DATA, {})
    for activity in extra_data_activities(cart):
        answers = stored_extra.get(activity.uuid, {})
        for question in activity.questions or ():
            if question.required and answers.get(question.key) in (None, "", []):
                path = f"{EXTRA_CUSTOMER_DATA}.{activity.uuid}.{question.key}"
                errors.append(FieldError(path, NOT_BLANK))
    return errors


def _base_value(kind: BaseKind, enum: tuple[str, ...], value: Any, required: bool) -> str:
    if not isinstance(value, str):
        raise _Invalid(NOT_STRING)
    if required and not value.strip():
        raise _Invalid(NOT_BLANK)
    if kind is BaseKind.EMAIL and not is_email(value):
        raise _Invalid(BAD_EMAIL)
    if kind is BaseKind.YES_NO and value not in enum:
        raise _Invalid(BAD_CHOICE)
    return value


def _custom_value(prop: dict[str, Any], value: Any) -> str:
    """A field a partner's setup added: text, one of its choices when it has some."""
    if not isinstance(value, str):
        raise _Invalid(NOT_STRING)
    choices = prop.get("enum")
    if isinstance(choices, list) and value not in choices:
        raise _Invalid(BAD_CHOICE)
    return value


def as_object(value: Any) -> dict[str, Any] | None:
    # PHP clients send an empty object as `[]`; accept it the way Musement does.
    if value == []:
        return {}
    return value if isinstance(value, dict) else None


def _extra_data(value: Any, cart: Cart, errors: list[FieldError]) -> dict[str, Any]:
    data = as_object(value)
    if data is None:
        errors.append(FieldError(EXTRA_CUSTOMER_DATA, NOT_OBJECT))
        return {}
    allowed = {activity.uuid for activity in extra_data_activities(cart)}
    clean: dict[str, Any] = {}
    for activity_uuid, raw_answers in data.items():
        path = f"{EXTRA_CUSTOMER_DATA}.{activity_uuid}"
        if activity_uuid not in allowed:
            errors.append(FieldError(path, UNKNOWN_ACTIVITY))
            continue
        answers = as_object(raw_answers)
        if answers is None:
            errors.append(FieldError(path, NOT_OBJECT))
            continue
        questions = {q.key: q for q in CATALOG[activity_uuid].questions or ()}
        clean_answers: dict[str, Any] = {}
        for key, answer in answers.items():
            question = questions.get(key)
            if question is None:
                errors.append(FieldError(f"{path}.{key}", EXTRA_FIELD))
                continue
            try:
                clean_answers[key] = _answer(question, answer)
            except _Invalid as invalid:
                errors.append(FieldError(f"{path}.{key}", invalid.message))
        clean[activity_uuid] = clean_answers
    return clean


def _answer(question: Question, value: Any) -> Any:
    choices = [choice for choice, _ in question.choices]
    if question.kind is QuestionKind.NUMBER:
        return _number(value)
    if question.kind is QuestionKind.MULTI_CHOICE:
        if not isinstance(value, list):
            raise _Invalid(NOT_ARRAY)
        if any(not isinstance(v, str) or v not in choices for v in value):
            raise _Invalid(BAD_CHOICES)
        if len(set(value)) != len(value):
            raise _Invalid(NOT_UNIQUE)
        return list(value)
    if not isinstance(value, str):
        raise _Invalid(NOT_STRING)
    if question.kind is QuestionKind.DATE and not is_date(value):
        raise _Invalid(BAD_DATE)
    if question.kind is QuestionKind.CHOICE and value not in choices:
        raise _Invalid(BAD_CHOICE)
    if question.required and not value.strip():
        raise _Invalid(NOT_BLANK)
    return value


def _number(value: Any) -> int | float:
    # Musement documents number fields being sent as strings ("1234567890"): coerce them,
    # dropping leading zeros just as a numeric field does.
    if isinstance(value, bool):
        raise _Invalid(NOT_NUMBER)
    if isinstance(value, int | float):
        number: int | float = value
    elif isinstance(value, str):
        try:
            number = int(value.strip()) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError as exc:
            raise _Invalid(NOT_NUMBER) from exc
    else:
        raise _Invalid(NOT_NUMBER)
    if isinstance(number, float) and not math.isfinite(number):
        raise _Invalid(NOT_NUMBER)
    return number


def is_email(value: str) -> bool:
    """`local@domain.tld`, in one pass: the pattern `^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$` it
    replaces backtracked quadratically on a long run of dots."""
    if len(value) > MAX_EMAIL_CHARS or any(char.isspace() for char in value):
        return False
    local, at, domain = value.partition("@")
    return bool(local) and bool(at) and "@" not in domain and "." in domain[1:-1]


def is_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
