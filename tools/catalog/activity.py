"""One activity, read whole in one round: the activity, its refund policies, its pickups and
the previews of what the checkout will ask (extra customer data, participants info)."""

from __future__ import annotations

import re

import anyio

from ..arguments import is_uuid
from ..catalog_models import ActivityDetails, CheckoutAsks, Pickup
from ..errors import MusementError
from ..json_types import JSONObject, JSONValue, object_at
from ..prices import money_text
from ..text import shown_text
from ..upstream import MusementClient
from .checks import check_activity_uuid, duration_text, number, rating_of

SUMMARY_LIMIT = 300
MAX_QUESTIONS = 20
MAX_PICKUPS = 30
PARTS = {
    "refunds": "refund-policies",
    "pickups": "pickups",
    "customer": "extra-customer-data/schema",
    "participants": "participants-info/schema",
}
_PERIOD = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?)?", re.ASCII)


async def get_activity(client: MusementClient, activity_uuid: object) -> ActivityDetails:
    """The activity, what cancelling it costs, its pickups and what the checkout asks."""
    uuid = check_activity_uuid(activity_uuid)
    read: dict[str, JSONValue] = {}
    failed: set[str] = set()
    found: list[JSONObject] = []
    failures: list[MusementError] = []

    async def part(name: str, path: str) -> None:
        try:
            read[name] = await client.get_activity_part(uuid, path)
        except MusementError:
            failed.add(name)  # a part that cannot be read is "not known", never a failure

    async def activity() -> None:
        try:
            found.append(await client.get_activity(uuid))
        except MusementError as failure:
            failures.append(failure)

    with client.call_budget():
        async with anyio.create_task_group() as group:
            group.start_soon(activity)
            for name, path in PARTS.items():
                group.start_soon(part, name, path)
    if failures:
        raise failures[0]
    raw = found[0]
    city = raw.get("city")
    languages = raw.get("languages")
    return ActivityDetails(
        activity_uuid=uuid,
        title=shown_text(raw.get("title")),
        summary=shown_text(raw.get("description"), SUMMARY_LIMIT),
        city=shown_text(city.get("name"), 60) if isinstance(city, dict) else None,
        duration=duration_text(raw.get("duration")),
        meeting_point=shown_text(raw.get("meeting_point"), SUMMARY_LIMIT),
        languages=[
            code
            for code in (x.get("code") for x in languages[:20] if isinstance(x, dict))
            if isinstance(code, str) and re.fullmatch(r"[a-z]{2}", code, re.ASCII)
        ]
        if isinstance(languages, list)
        else [],
        cancellation=None if "refunds" in failed else cancellation(read.get("refunds")),
        rating=rating_of(raw.get("reviews_avg")),
        reviews=number(raw.get("reviews_number")),
        price_from=money_text(raw.get("retail_price")),
        pickups=None if "pickups" in failed else pickups(read.get("pickups")),
        checkout_asks=None
        if failed & {"customer", "participants"}
        else CheckoutAsks(
            customer_questions=questions(read.get("customer")),
            participant_questions=questions(read.get("participants")),
        ),
    )


def cancellation(policies: JSONValue) -> str:
    """Refund policies `[{period, type: ABSOLUTE | PERCENTAGE, value}]` in our words; none
    (an empty list or a 404) means non-refundable, as Musement documents."""
    if not isinstance(policies, list) or not policies:
        return "Non-refundable."
    said = []
    for policy in policies[:5]:
        if not isinstance(policy, dict):
            continue
        before = _period(policy.get("period"))
        value = policy.get("value")
        if before is None or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if policy.get("type") == "PERCENTAGE":
            said.append(f"{value:g}% refund if cancelled at least {before} before")
        elif policy.get("type") == "ABSOLUTE":
            said.append(f"{value:g} refunded if cancelled at least {before} before")
    return "; ".join(said) + "." if said else "Refund policy not readable: ask before booking."


def _period(value: object) -> str | None:
    found = _PERIOD.fullmatch(value) if isinstance(value, str) else None
    if not found or not any(found.groups()):
        return None
    days, hours = (int(x) if x else 0 for x in found.groups())
    if days and not hours:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{days * 24 + hours} hours"


def pickups(raw: JSONValue) -> list[Pickup] | None:
    """The pickup points (None: the activity has none)."""
    if not isinstance(raw, list):
        return None
    found = [
        Pickup(
            pickup_uuid=str(p["uuid"]).lower(),
            name=shown_text(p.get("name"), 80),
            type=shown_text(p.get("type"), 20),
        )
        for p in raw[:MAX_PICKUPS]
        if isinstance(p, dict) and is_uuid(p.get("uuid"))
    ]
    return found or None


def questions(preview: JSONValue) -> list[str]:
    """A preview form's questions by title, `(required)` where required (a 404, or an
    empty form, asks nothing)."""
    if not isinstance(preview, dict) or not isinstance(preview.get("properties"), dict):
        return []
    required = preview.get("required")
    needed = set(required) if isinstance(required, list) else set()
    asked = []
    for key, prop in list(object_at(preview, "properties").items())[:MAX_QUESTIONS]:
        title = shown_text(prop.get("title"), 80) if isinstance(prop, dict) else None
        title = title or shown_text(key, 40)
        if title:
            asked.append(f"{title} (required)" if key in needed else title)
    return asked
