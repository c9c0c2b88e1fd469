"""JSON bodies of the catalog endpoints: activities, a day's schedule, pickups, refund policies.

Keys are the documented ones (each cited); where a page names a property without its shape,
the shape is the sandbox's guess, said so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .catalog import CATALOG, PRODUCTS, Product, product_id_of
from .i18n import Label, translate
from .listings import UNLIMITED, City, Holder, Listing, Option, Slot
from .offers import Offer, options_on
from .state import SandboxState
from .views import price

JSON = dict[str, Any]

_LANGUAGE_NAMES: dict[str, Label] = {
    "en": {"en": "English", "it": "Inglese"},
    "it": {"en": "Italian", "it": "Italiano"},
    "fr": {"en": "French", "it": "Francese"},
    "es": {"en": "Spanish", "it": "Spagnolo"},
}
LEGACY_SLOT_TIME = "10:00"
_LEGACY_OPTION = {"en": "Ticket", "it": "Biglietto"}


def language_json(code: str, language: str) -> JSON:
    # A timeslot's languages: `[{"code": "en", "name": "English"}, ...]`
    # (https://partner-api.musement.com/api/booking-flow/product/timeslots-and-languages).
    return {"code": code, "name": translate(_LANGUAGE_NAMES[code], language)}


def _city_json(city: City, language: str) -> JSON:
    # The shape of `city` is not in any page we read: id and name, and its country as
    # GET /activities/{activityUuid}/country documents one ({id, iso_code, name, ...},
    # https://partner-api.musement.com/reference/openapi/activity-info/get/activities/activityuuid/destinations).
    country = city.country
    return {
        "id": city.id,
        "name": translate(city.name, language),
        "country": {
            "id": country.id,
            "iso_code": country.iso_code,
            "name": translate(country.name, language),
        },
    }


def _prices(value: float, *, with_discount: bool) -> JSON:
    """The price properties of "Prices" (https://partner-api.musement.com/api/catalog/activities/prices):
    no service fee and no discount in the sandbox; `discount_amount` "does not appear for the
    /activities/{activityUuid} endpoint"."""
    body: JSON = {
        "original_retail_price": price(value),
        "original_retail_price_without_service_fee": price(value),
        "retail_price": price(value),
        "retail_price_without_service_fee": price(value),
        "service_fee": price(0),
    }
    if with_discount:
        body["discount_amount"] = price(0)
    return body


def activity_json(listing: Listing, language: str) -> JSON:
    """An activity, in search results and from GET /activities/{activityUuid}."""
    activity = CATALOG[listing.uuid]
    meeting_point = translate(listing.meeting_point, language)
    return {
        "uuid": listing.uuid,
        "title": translate(activity.title, language),
        # `description` short, `about` long: the brief's two texts; their names are a guess.
        "description": translate(listing.description, language),
        "about": translate(listing.about, language),
        "city": _city_json(listing.city, language),
        "venues": [{"id": v.id, "name": translate(v.name, language)} for v in listing.venues],
        # "latitude", "longitude", "meeting_point", "meeting_point_markdown",
        # "meeting_point_html" (https://partner-api.musement.com/api/catalog/activities/meeting-point).
        "latitude": listing.latitude,
        "longitude": listing.longitude,
        "meeting_point": meeting_point,
        "meeting_point_markdown": meeting_point,
        "meeting_point_html": f"<p>{meeting_point}</p>",
        "duration": listing.duration,
        # The languages the activity is run in; shape as a timeslot's languages (a guess).
        "languages": [language_json(code, language) for code in listing.languages],
        # Review figures under names the docs we read do not show (a guess).
        "reviews_number": listing.reviews_number,
        "reviews_avg": listing.reviews_avg,
        # "order_box_elements": tours-and-activities or tours-and-activities-with-pickup
        # (https://partner-api.musement.com/api/booking-flow/product/pickups).
        "order_box_elements": [
            "tours-and-activities-with-pickup" if listing.has_pickups else "tours-and-activities"
        ],
        # https://partner-api.musement.com/api/catalog/activities/cutoff-and-confirmation-times
        "max_confirmation_time": "P0D",
        "cutoff_time": "P0D",
        # CALENDAR-TIMESLOTS: "the user must select a day and then a time slot"
        # (https://api-docs.musement.com/docs/booking-flows, older docs).
        "booking_type": "CALENDAR-TIMESLOTS",
        # The "price from": the cheapest ticket (activity.price).
        **_prices(activity.price, with_discount=False),
    }


def pickup_json(listing: Listing) -> list[JSON]:
    # https://partner-api.musement.com/api/booking-flow/product/pickups
    return [
        {
            "uuid": p.uuid,
            "type": p.type,
            "name": p.name,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "tags": [],
        }
        for p in listing.pickups
    ]


def refund_policies_json(listing: Listing) -> list[JSON]:
    # `[{period, type, value}]` with type ABSOLUTE | PERCENTAGE and, for ABSOLUTE, an amount
    # "in the currency_code value" (https://partner-api.musement.com/reference/openapi/activity-info,
    # the refund-policies operation); the sandbox only has percentages.
    return [{"period": p, "type": t, "value": v} for p, t, v in listing.refund_policies]


# --- a day's schedule ---------------------------------------------------------------------


def _product_json(
    product: Product,
    holder: Holder | None,
    availability: int,
    language: str,
) -> JSON:
    """A ticket holder: holder_code, holder_code_normalized, name, type, default, product_id
    (https://partner-api.musement.com/api/booking-flow/product/ticket-holders), its quantity
    limits (https://partner-api.musement.com/api/booking-flow/product/quantities) and prices."""
    min_buy = holder.min_buy if holder else 1
    own_max = holder.max_buy if holder else UNLIMITED
    return {
        "holder_code": product.holder_code,
        "holder_code_normalized": product.holder_code.upper()
        if holder is None
        else holder.normalized,
        "name": translate(product.name, language),
        "type": product.type,
        "default": holder is None,
        "product_id": product.id,
        "min_buy": min_buy,
        "max_buy": _cap(own_max, availability),
        "availability": availability,
        **_prices(product.price, with_discount=True),
    }


def _cap(limit: int, availability: int) -> int:
    """A max_buy "based on sales restrictions (if any) and remaining seats" (quantities page)."""
    if availability == UNLIMITED:
        return limit
    if limit == UNLIMITED:
        return availability
    return min(limit, availability)


def _slot_json(
    time: str, slot: Slot | None, availability: int, products: list[JSON], language: str
) -> JSON:
    # time, languages, products, tags (timeslots-and-languages page); availability, min_buy,
    # max_buy added to timeslots in 3.5.0 (https://partner-api.musement.com/reference/openapi.md,
    # release notes 2024-02-20; min_buy defaults to 1 since 2024-06-18).
    return {
        "time": time,
        "languages": [language_json(c, language) for c in (slot.languages if slot else ())],
        "products": products,
        "tags": [],
        "availability": availability,
        "min_buy": slot.min_buy if slot else 1,
        "max_buy": availability,
    }


def _group_json(feature_code: str, name: Label, slots: list[JSON], language: str) -> JSON:
    # feature_code, name, default, type ("TIME-BASED" in every example), slots
    # (https://partner-api.musement.com/api/booking-flow/product/ticket-options).
    return {
        "feature_code": feature_code,
        "name": translate(name, language),
        "default": False,
        "type": "TIME-BASED",
        "slots": slots,
    }


def seats_left(state: SandboxState, offer: Offer) -> int:
    if offer.slot.seats == UNLIMITED:
        return UNLIMITED
    with state.lock:
        return max(0, offer.slot.seats - state.seats_taken.get(offer.slot_key, 0))


def day_groups(listing: Listing, day: dt.date, state: SandboxState, language: str) -> list[JSON]:
    """The groups on sale on a day; sold-out timeslots are left out ("date/time-slots that are
    no longer available are not listed", https://api-docs.musement.com/docs/availabilities),
    and so are options left without timeslots."""
    if listing.options is None:
        legacy = PRODUCTS[product_id_of(listing.uuid)]
        product = _product_json(legacy, None, UNLIMITED, language)
        slot = _slot_json(LEGACY_SLOT_TIME, None, UNLIMITED, [product], language)
        return [_group_json("ticket", _LEGACY_OPTION, [slot], language)]
    groups = []
    for option in options_on(listing, day):
        slots = [_dated_slot(listing, option, slot, day, state, language) for slot in option.slots]
        open_slots = [slot for slot in slots if slot is not None]
        if open_slots:
            groups.append(_group_json(option.feature_code, option.name, open_slots, language))
    return groups


def _dated_slot(
    listing: Listing, option: Option, slot: Slot, day: dt.date, state: SandboxState, language: str
) -> JSON | None:
    offers = [Offer(listing, day.isoformat(), option, slot, holder) for holder in option.holders]
    availability = seats_left(state, offers[0])
    if availability == 0:
        return None
    products = [_product_json(o.product, o.holder, availability, language) for o in offers]
    return _slot_json(slot.time, slot, availability, products, language)
