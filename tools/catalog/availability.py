"""An activity's bookable days in a range, and one day's options: ticket options, time slots,
ticket holders with the `product_identifier` a cart item needs, prices, seats and limits.

Musement nests a day as groups (ticket options) → slots (times, languages; since 3.5.0
`availability`, `min_buy`, `max_buy`) → products (ticket holders, each with `product_id`,
prices, `min_buy`, `max_buy`, `availability`). `max_buy` -1 means no maximum, `availability`
-1 not said; `min_buy` defaults to 1 (docs/MUSEMENT_API.md, the catalog).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from dataclasses import dataclass

from ..arguments import check_uuid
from ..catalog_models import ActivityDates, DayOptions, SlotOption, Ticket
from ..errors import DateNotAvailable, InvalidArgument, InvalidRequest
from ..json_types import JSONArray, JSONObject, JSONValue
from ..prices import money_text
from ..problems import problem
from ..text import shown_text
from ..upstream import MusementClient
from .checks import check_activity_uuid, check_day, limit_of, number

MAX_DAYS = 60
MAX_RANGE_DAYS = 366
MAX_OPTIONS = 30
MAX_TICKETS = 12
# How many options a result lists at most, and tickets per option: bounded answers.
_LANGUAGE = frozenset("abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Offer:
    """One product of a day: what add_to_cart checks an item against."""

    product_id: str
    type: str
    option: str | None
    time: str | None
    languages: tuple[str, ...]
    seats_left: int | None
    slot_min_buy: int
    ticket: str | None
    holder: str | None
    price: JSONValue
    min_buy: int
    max_buy: int | None


def check_pickup(value: object) -> str | None:
    return None if value is None else check_uuid(value, "pickup", what="pickup (get_activity)")


async def get_activity_dates(
    client: MusementClient,
    activity_uuid: object,
    *,
    date_from: object = None,
    date_to: object = None,
    pickup: object = None,
) -> ActivityDates:
    """The bookable days from `date_from` (today by default) to `date_to` (inclusive; a month
    on by default), at most 60 listed."""
    uuid = check_activity_uuid(activity_uuid)
    start = dt.date.today() if date_from is None else check_day(date_from, "date_from")
    end = start + dt.timedelta(days=30) if date_to is None else check_day(date_to, "date_to")
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise InvalidArgument(
            "date_to must be on or after date_from, at most a year later.",
            details=[problem("date_to", "out_of_range", "must be from date_from to a year on")],
        )
    query = {"date_from": start.isoformat(), "date_to": (end + dt.timedelta(days=1)).isoformat()}
    chosen = check_pickup(pickup)
    if chosen:
        query["pickup"] = chosen
    with client.call_budget():
        raw = await _asking_pickup(client.get_activity_dates(uuid, query), chosen)
    days = sorted(
        {
            day
            for day in (x.get("day") for x in raw if isinstance(x, dict) and not x.get("sold_out"))
            if isinstance(day, str) and _is_day(day) and start.isoformat() <= day <= end.isoformat()
        }
    )
    return ActivityDates(activity_uuid=uuid, days=days[:MAX_DAYS], more=len(days) > MAX_DAYS)


async def get_day_options(
    client: MusementClient, activity_uuid: object, day: object, *, pickup: object = None
) -> DayOptions:
    uuid = check_activity_uuid(activity_uuid)
    date = check_day(day, "day")
    with client.call_budget():
        offers = await read_day(client, uuid, date, check_pickup(pickup))
    return DayOptions(activity_uuid=uuid, day=date.isoformat(), options=slot_options(offers))


async def read_day(
    client: MusementClient, activity_uuid: str, day: dt.date, pickup: str | None
) -> list[Offer]:
    """Every product of the day; `DateNotAvailable` where Musement answers 422."""
    query = {"pickup": pickup} if pickup else {}
    try:
        raw = await _asking_pickup(
            client.get_activity_day(activity_uuid, day.isoformat(), query), pickup
        )
    except InvalidRequest as failure:
        if failure.status != 422:
            raise
        raise DateNotAvailable(
            f"Nothing of this activity is on sale on {day.isoformat()}.",
            status=failure.status,
            code=failure.code,
        ) from None
    return offers_of(raw)


async def _asking_pickup(read: Awaitable[JSONArray], pickup: str | None) -> JSONArray:
    """A dates read; its 400 without a pickup says that one may be needed."""
    try:
        return await read
    except InvalidRequest as failure:
        if failure.status == 400 and pickup is None:
            failure.hint = (
                "This activity may need a pickup point: get_activity lists its pickups; pass "
                "the chosen pickup_uuid as `pickup`."
            )
        raise


def offers_of(days: JSONArray) -> list[Offer]:
    offers = []
    for entry in days[:5]:
        groups = entry.get("groups") if isinstance(entry, dict) else None
        for group in groups[:MAX_OPTIONS] if isinstance(groups, list) else []:
            slots = group.get("slots") if isinstance(group, dict) else None
            if not isinstance(group, dict) or not isinstance(slots, list):
                continue
            for slot in slots[:MAX_OPTIONS]:
                if isinstance(slot, dict):
                    offers.extend(_slot_offers(group, slot))
    return offers


def _slot_offers(group: JSONObject, slot: JSONObject) -> list[Offer]:
    languages = slot.get("languages")
    codes = (
        tuple(
            code
            for code in (x.get("code") for x in languages[:20] if isinstance(x, dict))
            if isinstance(code, str) and len(code) == 2 and set(code) <= _LANGUAGE
        )
        if isinstance(languages, list)
        else ()
    )
    products = slot.get("products")
    found = []
    for product in products[:MAX_TICKETS] if isinstance(products, list) else []:
        if not isinstance(product, dict):
            continue
        product_id = product.get("product_id")
        # "may be a numeric value or a string"; it goes into a JSON body, never a URL.
        if isinstance(product_id, int) and not isinstance(product_id, bool):
            product_id = str(product_id)
        if not isinstance(product_id, str) or not 0 < len(product_id) <= 200:
            continue
        item_type = product.get("type")
        found.append(
            Offer(
                product_id=product_id,
                type=item_type
                if isinstance(item_type, str) and item_type in ITEM_TYPES
                else "musement",
                option=shown_text(group.get("name"), 80),
                time=shown_text(slot.get("time"), 10),
                languages=codes,
                seats_left=limit_of(slot.get("availability")),
                slot_min_buy=max(number(slot.get("min_buy")) or 1, 1),
                ticket=shown_text(product.get("name"), 60),
                holder=shown_text(product.get("holder_code_normalized"), 20),
                price=product.get("retail_price"),
                min_buy=max(number(product.get("min_buy")) or 1, 1),
                max_buy=limit_of(product.get("max_buy")),
            )
        )
    return found


# The documented item types (add-items).
ITEM_TYPES = ("musement", "musement-realtime", "musement-gift")


def slot_options(offers: list[Offer]) -> list[SlotOption]:
    """Offers grouped back by option and time, as the result shows them."""
    grouped: dict[tuple[str | None, str | None], list[Offer]] = {}
    for offer in offers:
        grouped.setdefault((offer.option, offer.time), []).append(offer)
    return [
        SlotOption(
            option=option,
            time=time,
            languages=list(same[0].languages),
            seats_left=same[0].seats_left,
            min_buy=same[0].slot_min_buy if same[0].slot_min_buy > 1 else None,
            tickets=[
                Ticket(
                    product_identifier=o.product_id,
                    ticket=o.ticket,
                    holder=o.holder,
                    price=money_text(o.price),
                    min_buy=o.min_buy if o.min_buy > 1 else None,
                    max_buy=o.max_buy,
                )
                for o in same
            ],
        )
        for (option, time), same in grouped.items()
    ]


def _is_day(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
