"""The catalog endpoints: search activities, read one, its pickups and refund policies, its
bookable days, a day's schedule (where a cart item's product id comes from), and previews of
what the checkout will ask.

"product_identifier ... obtained from the /activities/{activityUuid}/dates/{date} endpoint"
(https://partner-api.musement.com/api/booking-flow/cart/add-items). Shapes: see listings.py and
activity_views.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .activity_views import (
    activity_json,
    day_groups,
    pickup_json,
    refund_policies_json,
)
from .catalog import CATALOG
from .errors import DEFAULT, NOT_FOUND, RESOURCE_NOT_FOUND_MESSAGE, musement_error, not_found
from .guards import Context, EarlyResponse, api_endpoint
from .i18n import translate
from .listings import LISTINGS, Listing
from .participants_schema import activity_participants_preview
from .schema import activity_extra_data_preview
from .validation import is_date

# Swapped dates: 400 {"code": "1440", "message": "End date cannot be before start date."}
# (https://partner-api.musement.com/api/booking-flow/product/dates).
END_BEFORE_START = "1440"
END_BEFORE_START_MESSAGE = "End date cannot be before start date."
# "When absent, a value of roughly one year from today's date is used" (date_to, ibid. and
# https://partner-api.musement.com/reference/openapi/dates/get/activities/activityuuid/dates.md).
DEFAULT_RANGE = dt.timedelta(days=365)
# limit: not documented for /activities; other searches default to 10 (categories, lists) or
# 100 (city events), at most 100, and "Using a value greater than the maximum is ignored and
# the maximum number of possible results is used instead"
# (https://partner-api.musement.com/reference/3.4.0/tag/categories,
# https://partner-api.musement.com/reference/openapi/countries-removed). The sandbox takes
# the smaller default, so a client has to page.
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# sort_by values of the (removed) city events search, the one enum we could read
# (https://partner-api.musement.com/reference/3.4.0/tag/cities-removed): "Most values sort
# activities from highest to lowest values. However when sorting by price, the results appear
# from lowest to highest values." The relevance variants all keep the catalog's order here.
SORTS: dict[str, Callable[[Listing], object] | None] = {
    "relevance": None,
    "city-relevance": None,
    "relevance-city": None,
    "external-relevance": None,
    "relevance-external": None,
    "price": lambda listing: CATALOG[listing.uuid].price,
    "rating": lambda listing: -listing.reviews_avg,
}
# default_price_range: "^\d{1,5}(.\d{1,2})?,\d{1,5}(.\d{1,2})?$" (searching-activities reference).
_PRICE_RANGE = re.compile(r"^\d{1,5}(\.\d{1,2})?,\d{1,5}(\.\d{1,2})?$")


def _bad_request(message: str, code: str = DEFAULT) -> EarlyResponse:
    # The body of a 400 for bad search parameters is not documented: code "0", the default.
    return EarlyResponse(musement_error(400, code, message))


def _listing(request: Request) -> Listing:
    listing = LISTINGS.get(request.path_params["activity_uuid"])
    if listing is None:
        # "Not found: activity with UUID does not exist"
        # (https://partner-api.musement.com/reference/3.4.0/tag/dates).
        raise EarlyResponse(not_found())
    return listing


def _csv(request: Request, name: str) -> list[str]:
    # Array parameters as comma-separated lists: "city_in=13,193", "country_in=IT,US"
    # (https://partner-api.musement.com/api/catalog/activities/searching).
    raw = request.query_params.get(name)
    return [part.strip() for part in raw.split(",") if part.strip()] if raw else []


def _ints(request: Request, name: str) -> set[int]:
    values = _csv(request, name)
    if not all(v.isdigit() for v in values):
        raise _bad_request(f"{name} must be a comma-separated list of integers.")
    return {int(v) for v in values}


def _date(request: Request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not is_date(raw):
        raise _bad_request(f"{name} must be a date formatted as YYYY-MM-DD.")
    return dt.date.fromisoformat(raw)


def _count(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise _bad_request(f"{name} must be an integer of 0 or more.")
    return int(raw)


def _bookable_days(listing: Listing, start: dt.date, end: dt.date, ctx: Context) -> list[dt.date]:
    """Days in [start, end) with something on sale. `date_to` filters "to those which take
    place before the specified date": the end is left out (the less convenient reading)."""
    days = []
    day = start
    while day < end:
        if day_groups(listing, day, ctx.sandbox.state, ctx.language):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _runs_between(listing: Listing, start: dt.date, end: dt.date, ctx: Context) -> bool:
    day = start
    while day < end:
        if day_groups(listing, day, ctx.sandbox.state, ctx.language):
            return True
        day += dt.timedelta(days=1)
    return False


def _matches_text(listing: Listing, text: str, language: str) -> bool:
    """Every word of `text` in the activity's title, description, about or city, in the
    response language (the reference pages we read do not describe `text`: a guess that
    keeps to what the customer reads)."""
    activity = CATALOG[listing.uuid]
    haystack = " ".join(
        translate(label, language)
        for label in (activity.title, listing.description, listing.about, listing.city.name)
    ).casefold()
    return all(word in haystack for word in text.casefold().split())


@api_endpoint
async def search_activities(request: Request, ctx: Context) -> Response:
    """GET /activities: "Returns an array of activities and additional meta information"
    (https://partner-api.musement.com/reference/3.4.0/tag/searching-activities). The body is
    `{"data": [activities], "meta": {"count": <matches before paging>}}`: `data` as the older
    docs show search results (https://api-docs.musement.com/docs/booking-flows); what `meta`
    holds is not in any page we read (a guess).

    Filters: text, city_in, country_in, venue_in, available_language_in, available_from +
    available_to ("Must be used together"), default_price_range ("0,30", in the activity's
    currency), sort_by, offset, limit."""
    text = request.query_params.get("text", "").strip()
    cities, venues = _ints(request, "city_in"), _ints(request, "venue_in")
    countries = {c.upper() for c in _csv(request, "country_in")}
    languages = set(_csv(request, "available_language_in"))
    available_from, available_to = _date(request, "available_from"), _date(request, "available_to")
    if (available_from is None) != (available_to is None):
        raise _bad_request("available_from and available_to must be used together.")
    if available_from and available_to and available_to < available_from:
        raise _bad_request(END_BEFORE_START_MESSAGE, END_BEFORE_START)
    price_range = request.query_params.get("default_price_range")
    if price_range is not None and not _PRICE_RANGE.match(price_range):
        raise _bad_request("default_price_range must be two amounts separated by a comma.")
    sort_by = request.query_params.get("sort_by", "relevance")
    if sort_by not in SORTS:
        raise _bad_request(f"sort_by must be one of {', '.join(SORTS)}.")
    offset = _count(request, "offset", 0)
    limit = min(_count(request, "limit", DEFAULT_LIMIT), MAX_LIMIT)

    found = []
    for listing in LISTINGS.values():
        if text and not _matches_text(listing, text, ctx.language):
            continue
        if cities and listing.city.id not in cities:
            continue
        if countries and listing.city.country.iso_code not in countries:
            continue
        if venues and not venues & {v.id for v in listing.venues}:
            continue
        if languages and not languages & set(listing.languages):
            continue
        if price_range is not None:
            low, high = (float(v) for v in price_range.split(","))
            if not low <= CATALOG[listing.uuid].price <= high:
                continue
        if available_from and available_to:
            if not _runs_between(listing, available_from, available_to, ctx):
                continue
        found.append(listing)
    key = SORTS[sort_by]
    if key is not None:
        found.sort(key=key)  # type: ignore[arg-type]
    page = found[offset : offset + limit]
    return JSONResponse(
        {"data": [activity_json(x, ctx.language) for x in page], "meta": {"count": len(found)}}
    )


@api_endpoint
async def get_activity(request: Request, ctx: Context) -> Response:
    # GET /activities/{activityUuid}: "Returns an activity"
    # (https://partner-api.musement.com/reference/openapi.md, the activities operations).
    return JSONResponse(activity_json(_listing(request), ctx.language))


@api_endpoint
async def get_pickups(request: Request, ctx: Context) -> Response:
    # https://partner-api.musement.com/api/booking-flow/product/pickups; an activity without
    # pickups answers an empty array (not documented).
    return JSONResponse(pickup_json(_listing(request)))


@api_endpoint
async def get_refund_policies(request: Request, ctx: Context) -> Response:
    """ "Activities without refund policies are non-refundable. Depending on the configuration,
    an activity without refund policies will return either an empty array or a 404"
    (https://partner-api.musement.com/reference/openapi/activity-info, refund policies): the
    sandbox's non-refundable activity (the Louvre ticket) answers the 404."""
    listing = _listing(request)
    if not listing.refund_policies:
        return not_found()
    return JSONResponse(refund_policies_json(listing))


def _check_pickup(request: Request, listing: Listing) -> None:
    """ "For activities with pickups, the pickup query parameter must be used"
    (https://partner-api.musement.com/reference/3.4.0/tag/dates): without it, or with a pickup
    the activity does not have, the sandbox answers 400 (the body is not documented). Other
    activities ignore it."""
    if not listing.has_pickups:
        return
    pickup = request.query_params.get("pickup")
    if pickup is None:
        raise _bad_request("The pickup parameter is required for this activity.")
    if pickup not in {p.uuid for p in listing.pickups}:
        raise _bad_request("Unknown pickup for this activity.")


@api_endpoint
async def get_activity_dates(request: Request, ctx: Context) -> Response:
    """GET /activities/{activityUuid}/dates?date_from=&date_to=: `[{"day", "sold_out"}]`, only
    days with something on sale ("you only see what is available",
    https://partner-api.musement.com/api/booking-flow/product/dates). The endpoint "may return
    price info in addition to dates" depending on the activity: the sandbox's never does."""
    listing = _listing(request)
    _check_pickup(request, listing)
    today = dt.date.today()
    start = _date(request, "date_from") or today
    end = _date(request, "date_to") or today + DEFAULT_RANGE
    if end < start:
        raise _bad_request(END_BEFORE_START_MESSAGE, END_BEFORE_START)
    days = _bookable_days(listing, start, end, ctx)
    return JSONResponse([{"day": day.isoformat(), "sold_out": False} for day in days])


@api_endpoint
async def get_activity_day(request: Request, ctx: Context) -> Response:
    """GET /activities/{activityUuid}/dates/{date}: `[{"groups": [...]}]`, "all options, times,
    holders, languages and products for the specified date"; 422 "means the requested date is
    not available, either temporarily or permanently" (https://partner-api.musement.com/reference/3.4.0/tag/dates;
    the 422 body is not documented: code "0").

    The top-level object also carries `slots`, every group's timeslots in one list: the
    sandbox's shape before it followed the documented groups. It is not documented; it stays
    for tests/server/test_orders.py until that reads `groups`, then goes."""
    listing = _listing(request)
    raw_day = request.path_params["date"]
    if not is_date(raw_day):
        return musement_error(400, DEFAULT, "The date must be formatted as YYYY-MM-DD.")
    _check_pickup(request, listing)
    day = dt.date.fromisoformat(raw_day)
    # Past days are not on sale; the legacy activities sell every date (their tests use fixed
    # dates that will pass), the catalog's dated ones do not.
    past = listing.options is not None and day < dt.date.today()
    groups = [] if past else day_groups(listing, day, ctx.sandbox.state, ctx.language)
    if not groups:
        return musement_error(422, DEFAULT, "The requested date is not available.")
    return JSONResponse([{"groups": groups}])


@api_endpoint
async def get_extra_data_preview(request: Request, ctx: Context) -> Response:
    """ "Activities without extra customer data may return a 404 error status code response or
    an empty properties property" (fixture activity_extra_customer_data_schema_empty.json): the
    sandbox does both, an empty form for the gondola ride (which has one) and 404 for
    activities with none."""
    activity = CATALOG[_listing(request).uuid]
    if activity.questions is None:
        return musement_error(404, NOT_FOUND, RESOURCE_NOT_FOUND_MESSAGE)
    return JSONResponse(activity_extra_data_preview(activity, ctx.language))


@api_endpoint
async def get_participants_preview(request: Request, ctx: Context) -> Response:
    # An activity that asks no participant info: 404 "1400" like the cart item's endpoint (what
    # this endpoint answers then is not documented).
    activity = CATALOG[_listing(request).uuid]
    if activity.participant_fields is None:
        return not_found()
    return JSONResponse(activity_participants_preview(activity.participant_fields, ctx.language))


ACTIVITY_ROUTES = [
    Route("/activities", search_activities, methods=["GET"]),
    Route("/activities/{activity_uuid}", get_activity, methods=["GET"]),
    Route("/activities/{activity_uuid}/pickups", get_pickups, methods=["GET"]),
    Route("/activities/{activity_uuid}/refund-policies", get_refund_policies, methods=["GET"]),
    Route("/activities/{activity_uuid}/dates", get_activity_dates, methods=["GET"]),
    Route("/activities/{activity_uuid}/dates/{date}", get_activity_day, methods=["GET"]),
    Route(
        "/activities/{activity_uuid}/extra-customer-data/schema",
        get_extra_data_preview,
        methods=["GET"],
    ),
    Route(
        "/activities/{activity_uuid}/participants-info/schema",
        get_participants_preview,
        methods=["GET"],
    ),
]
