"""Searching activities: `GET /activities` under the configured market, language and currency.

Musement documents the filters `city_in` (city ids), `available_from` + `available_to`
("Must be used together") and `default_price_range` ("0,30", in the request's currency);
the guide names a free-text search, sorting and paging (docs/MUSEMENT_API.md, the catalog).
A result is a short card per activity: a model compares many.
"""

from __future__ import annotations

import datetime as dt
import math

from ..arguments import is_uuid
from ..catalog_models import ActivityCard, SearchResult
from ..errors import InvalidArgument
from ..json_types import JSONObject
from ..prices import money_text
from ..problems import problem
from ..text import shown_text
from ..upstream import MusementClient
from .checks import (
    check_count,
    check_day,
    check_text,
    duration_text,
    number,
    rating_of,
)

SORTS = ("relevance", "price", "rating")
DEFAULT_LIMIT = 10
MAX_LIMIT = 20
MAX_OFFSET = 1000
TEXT_LIMIT = 100
MAX_RANGE_DAYS = 366


async def search_activities(
    client: MusementClient,
    *,
    text: object = None,
    city_id: object = None,
    date_from: object = None,
    date_to: object = None,
    max_price: object = None,
    sort: object = None,
    offset: object = None,
    limit: object = None,
) -> SearchResult:
    """Activities matching the filters, one page (`limit`, 10 by default, at most 20)."""
    query: dict[str, str] = {}
    if text is not None:
        query["text"] = check_text(text, "text", TEXT_LIMIT)
    if city_id is not None:
        query["city_in"] = str(check_count(city_id, "city_id", low=1, high=10**9))
    if date_from is not None or date_to is not None:
        start = check_day(date_from if date_from is not None else date_to, "date_from")
        end = check_day(date_to if date_to is not None else date_from, "date_to")
        if end < start or (end - start).days > MAX_RANGE_DAYS:
            raise InvalidArgument(
                "date_to must be on or after date_from, at most a year later.",
                details=[problem("date_to", "out_of_range", "must be from date_from to a year on")],
            )
        # Both ends given as days the activity may run: the end is sent as the next day, so
        # the last day counts whether Musement reads `available_to` as inclusive or not.
        query["available_from"] = start.isoformat()
        query["available_to"] = (end + dt.timedelta(days=1)).isoformat()
    if max_price is not None:
        query["default_price_range"] = f"0,{_price_bound(max_price)}"
    if sort is not None:
        if sort not in SORTS:
            raise InvalidArgument(
                f"sort must be one of {', '.join(SORTS)}.",
                details=[problem("sort", "not_allowed", f"must be one of {', '.join(SORTS)}")],
            )
        query["sort_by"] = str(sort)
    first = 0 if offset is None else check_count(offset, "offset", low=0, high=MAX_OFFSET)
    size = DEFAULT_LIMIT if limit is None else check_count(limit, "limit", low=1, high=MAX_LIMIT)
    query["offset"], query["limit"] = str(first), str(size)
    with client.call_budget():
        body = await client.search_activities(query)
    raw = body.get("data")
    found = [card(a) for a in raw[:size] if isinstance(a, dict)] if isinstance(raw, list) else []
    cards = [c for c in found if c is not None]
    meta = body.get("meta")
    total = number(meta.get("count")) if isinstance(meta, dict) else None
    more = first + size < total if total is not None else len(cards) == size
    return SearchResult(
        activities=cards, total=total, next_offset=first + size if more and cards else None
    )


def _price_bound(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        value = -1
    if not 0 <= value < 100_000:
        raise InvalidArgument(
            "max_price must be an amount from 0 to 99999 (in the server's currency).",
            details=[problem("max_price", "out_of_range", "must be from 0 to 99999")],
        )
    return f"{value:.2f}"


def card(raw: JSONObject) -> ActivityCard | None:
    """An activity of a search as a card; None without a usable UUID."""
    uuid = raw.get("uuid")
    if not is_uuid(uuid):
        return None
    city = raw.get("city")
    return ActivityCard(
        activity_uuid=str(uuid).lower(),
        title=shown_text(raw.get("title")),
        city=shown_text(city.get("name"), 60) if isinstance(city, dict) else None,
        price_from=money_text(raw.get("retail_price")),
        rating=rating_of(raw.get("reviews_avg")),
        reviews=number(raw.get("reviews_number")),
        duration=duration_text(raw.get("duration")),
    )
