"""Builds a cart item's participant-info schema the way Musement's Liform-generated one looks."""

from __future__ import annotations

from typing import Any

from .catalog import CATALOG
from .i18n import translate
from .participant_fields import PARTICIPANTS, ParticipantField, ParticipantKind
from .state import CartItem

JSON = dict[str, Any]


def participant_fields(item: CartItem) -> tuple[ParticipantField, ...] | None:
    """The fields asked about each participant of the item; None when it needs none."""
    return CATALOG[item.activity_uuid].participant_fields


def build_participants_schema(item: CartItem, language: str) -> JSON:
    """The schema for an item whose activity asks for participant info (see the guide's
    example: one `participants` array with exactly `quantity` `prototype` objects)."""
    fields = participant_fields(item) or ()
    prototype: JSON = {
        "title": "prototype",
        "type": "object",
        "properties": {
            f.key: _field_property(f, order, language) for order, f in enumerate(fields, start=1)
        },
    }
    required = [f.key for f in fields if f.required]
    if required:
        prototype["required"] = required
    return {
        "title": "cart_item_participants_info",
        "type": "object",
        "properties": {
            PARTICIPANTS: {
                "type": "array",
                "title": PARTICIPANTS,
                "items": prototype,
                "minItems": item.quantity,
                "maxItems": item.quantity,
                "propertyOrder": 1,
            }
        },
        "required": [PARTICIPANTS],
    }


def _field_property(field: ParticipantField, order: int, language: str) -> JSON:
    prop: JSON = {"type": "string", "title": translate(field.title, language)}
    if field.kind is ParticipantKind.CHOICE:
        prop["enum"] = [value for value, _ in field.choices]
        prop["enum_titles"] = [translate(label, language) for _, label in field.choices]
    elif field.kind is ParticipantKind.DATE:
        prop["format"] = "date"
    elif field.kind is ParticipantKind.EMAIL:
        prop["format"] = "email"
    prop["propertyOrder"] = order
    return prop


def activity_participants_preview(fields: tuple[ParticipantField, ...], language: str) -> JSON:
    """GET /activities/{activityUuid}/participants-info/schema: one participant's fields,
    `{title, type, properties, required}` with title "participant" (its title enum:
    cart_customer_guest, cart_item_participants_info, form, participant;
    https://partner-api.musement.com/reference/openapi/activity-info/get/activities/activityuuid/participants-info/schema.md).
    A preview; the cart item's schema is the definitive one."""
    return {
        "title": "participant",
        "type": "object",
        "properties": {
            f.key: _field_property(f, order, language) for order, f in enumerate(fields, start=1)
        },
        "required": [f.key for f in fields if f.required],
    }
