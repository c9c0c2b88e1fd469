"""Builds a cart's customer schema the way Musement's Liform-generated one looks."""

from __future__ import annotations

from typing import Any

from .catalog import CATALOG, Activity, Question, QuestionKind
from .customer_fields import BASE_FIELDS, EXTRA_CUSTOMER_DATA, YES_NO_TITLES, BaseField, BaseKind
from .i18n import translate
from .state import Cart

JSON = dict[str, Any]


def extra_data_activities(cart: Cart) -> list[Activity]:
    """Activities of the cart that ask for extra customer data, in cart order."""
    activities = (CATALOG[uuid] for uuid in cart.activity_uuids())
    return [activity for activity in activities if activity.asks_extra_data]


def build_customer_schema(cart: Cart, language: str) -> JSON:
    properties: JSON = {}
    for order, base_field in enumerate(BASE_FIELDS, start=1):
        properties[base_field.key] = _base_property(base_field, order, language)
    required = [f.key for f in BASE_FIELDS if f.required]
    order = len(BASE_FIELDS)
    for key, custom in cart.custom_base_fields.items():
        if key in properties:
            properties[key] = {**properties[key], **custom}
        else:
            order += 1
            properties[key] = {**custom, "propertyOrder": order}

    activities = extra_data_activities(cart)
    if activities:
        extra = _extra_customer_data(activities, order + 1, language)
        properties[EXTRA_CUSTOMER_DATA] = extra
        if extra.get("required"):
            required.append(EXTRA_CUSTOMER_DATA)
    return {
        "title": "cart_customer_guest",
        "type": "object",
        "properties": properties,
        "required": required,
    }


def _base_property(base_field: BaseField, order: int, language: str) -> JSON:
    title = translate(base_field.title, language)
    if base_field.kind is BaseKind.YES_NO:
        return {
            "enum": list(base_field.enum),
            "enum_titles": [translate(YES_NO_TITLES[v], language) for v in base_field.enum],
            "type": "string",
            "title": title,
            "propertyOrder": order,
        }
    prop: JSON = {"type": "string", "title": title}
    if base_field.kind is BaseKind.EMAIL:
        prop["format"] = "email"
    prop["propertyOrder"] = order
    return prop


def _extra_customer_data(activities: list[Activity], order: int, language: str) -> JSON:
    properties = {
        activity.uuid: _activity_form(activity, position, language)
        for position, activity in enumerate(activities, start=1)
    }
    extra: JSON = {"title": EXTRA_CUSTOMER_DATA, "type": "object", "properties": properties}
    required = [a.uuid for a in activities if any(q.required for q in a.questions or ())]
    if required:
        extra["required"] = required
    extra["propertyOrder"] = order
    return extra


def _activity_form(activity: Activity, order: int, language: str) -> JSON:
    questions = activity.questions or ()
    # PHP serializes an empty associative array as a JSON list: Musement sends `[]` here.
    properties: JSON | list[Any] = {
        q.key: _question_property(q, position, language)
        for position, q in enumerate(questions, start=1)
    } or []
    form: JSON = {
        # Keyed *and titled* by the activity UUID; the activity's name is not in the schema
        # (https://partner-api.musement.com/api/booking-flow/customer/extra-customer-data,
        # https://partner-api.musement.com/guide/booking-flows/set-extra-customer-data).
        "title": activity.uuid,
        "type": "object",
        "properties": properties,
    }
    required = [q.key for q in questions if q.required]
    if required:
        form["required"] = required
    form["propertyOrder"] = order
    return form


def _question_property(question: Question, order: int, language: str) -> JSON:
    title = translate(question.title, language)
    values = [value for value, _ in question.choices]
    titles = [translate(label, language) for _, label in question.choices]
    prop: JSON
    if question.kind is QuestionKind.NUMBER:
        prop = {"type": "number", "title": title}
    elif question.kind is QuestionKind.DATE:
        prop = {"type": "string", "title": title, "format": "date"}
    elif question.kind is QuestionKind.CHOICE:
        prop = {"enum": values, "enum_titles": titles, "type": "string", "title": title}
    elif question.kind is QuestionKind.MULTI_CHOICE:
        prop = {
            "type": "array",
            "title": title,
            "items": {"type": "string", "enum": values, "enum_titles": titles},
            "uniqueItems": True,
        }
    else:
        prop = {"type": "string", "title": title}
    prop["propertyOrder"] = order
    return prop


def activity_extra_data_preview(activity: Activity, language: str) -> JSON:
    """GET /activities/{activityUuid}/extra-customer-data/schema: the activity's questions as
    a form titled "form", `properties: []` when it has none
    (https://partner-api.musement.com/api/catalog/activities/extra-customer-data-and-participant-info,
    fixtures activity_extra_customer_data_schema*.json). Only a preview: the cart's customer
    schema is the definitive one (https://partner-api.musement.com/api/booking-flow/customer/extra-customer-data)."""
    form = _activity_form(activity, 1, language)
    preview: JSON = {"title": "form", "type": "object", "properties": form["properties"]}
    if "required" in form:
        preview["required"] = form["required"]
    return preview
