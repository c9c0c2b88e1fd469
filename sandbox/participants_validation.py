"""Checks a PUT participants body against what the cart item asks for.

Unlike PUT customer, the body replaces the item's participants as a whole, so it must be
complete: an array of exactly `quantity` objects, required fields present and not blank. A body
with any error changes nothing. Error fields follow the schema's shape: `participants` for the
array itself, `participants[1]` for one participant, `participants[1].lastname` for a field.
"""

from __future__ import annotations

from typing import Any

from .participant_fields import PARTICIPANTS, ParticipantField, ParticipantKind
from .participants_schema import participant_fields
from .state import Cart, CartItem
from .validation import (
    BAD_CHOICE,
    BAD_DATE,
    BAD_EMAIL,
    EXTRA_FIELD,
    NOT_ARRAY,
    NOT_BLANK,
    NOT_OBJECT,
    NOT_STRING,
    FieldError,
    as_object,
    is_date,
    is_email,
)


def exact_count_message(count: int) -> str:
    # Symfony's Count constraint when min == max, pluralized as it does.
    return f"This collection should contain exactly {count} element{'s' if count != 1 else ''}."


def validate_participants(
    body: Any, item: CartItem
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Return the cleaned participants and the errors found (empty when valid)."""
    if not isinstance(body, list):
        return [], [FieldError(PARTICIPANTS, NOT_ARRAY)]
    fields = participant_fields(item) or ()
    errors: list[FieldError] = []
    if len(body) != item.quantity:
        errors.append(FieldError(PARTICIPANTS, exact_count_message(item.quantity)))
    clean: list[dict[str, Any]] = []
    for index, raw in enumerate(body):
        path = f"{PARTICIPANTS}[{index}]"
        participant = as_object(raw)
        if participant is None:
            errors.append(FieldError(path, NOT_OBJECT))
            continue
        clean.append(_participant(participant, fields, path, errors))
    return clean, errors


def missing_participants(cart: Cart) -> list[FieldError]:
    """Required participant fields still blank, per item (checked when an order is created).

    Paths are `items.<cart item uuid>.participants[<index>].<field>`."""
    errors: list[FieldError] = []
    for item in cart.items:
        for index in range(item.quantity):
            stored = item.participants[index] if index < len(item.participants) else {}
            for field in participant_fields(item) or ():
                if field.required and stored.get(field.key) in (None, ""):
                    path = f"items.{item.uuid}.{PARTICIPANTS}[{index}].{field.key}"
                    errors.append(FieldError(path, NOT_BLANK))
    return errors


def _participant(
    participant: dict[str, Any],
    fields: tuple[ParticipantField, ...],
    path: str,
    errors: list[FieldError],
) -> dict[str, Any]:
    known = {field.key for field in fields}
    clean: dict[str, Any] = {}
    for field in fields:  # the schema's order, so stored participants read the same way
        value = participant.get(field.key)
        if value is None:
            if field.required:
                errors.append(FieldError(f"{path}.{field.key}", NOT_BLANK))
            continue
        problem = _problem(field, value)
        if problem:
            errors.append(FieldError(f"{path}.{field.key}", problem))
        else:
            clean[field.key] = value
    unknown = [key for key in participant if key not in known]
    errors.extend(FieldError(f"{path}.{key}", EXTRA_FIELD) for key in unknown)
    return clean


def _problem(field: ParticipantField, value: Any) -> str | None:
    if not isinstance(value, str):
        return NOT_STRING
    if not value.strip():
        # Format checks skip empty values, as Symfony's constraints do; only required ones fail.
        return NOT_BLANK if field.required else None
    if field.kind is ParticipantKind.DATE and not is_date(value):
        return BAD_DATE
    if field.kind is ParticipantKind.EMAIL and not is_email(value):
        return BAD_EMAIL
    if field.kind is ParticipantKind.CHOICE and value not in [v for v, _ in field.choices]:
        return BAD_CHOICE
    return None
