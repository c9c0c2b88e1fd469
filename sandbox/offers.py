"""The products on sale: a catalog activity's product ids (one per date, timeslot, ticket option
and ticket holder) and what an id stands for.

"Each ticket holder has a `type` property and unique `product_id` ... A `product_id` refers to
everything the customer has selected so far: Date, Timeslot, Ticket option, Ticket holder", and
"the `product_id` may be a numeric value or a string" (a long opaque one in the page's example)
(https://partner-api.musement.com/api/booking-flow/product/ticket-holders). So the sandbox's
dated ids are opaque strings (base64url of what they stand for); a client must take them from
the dates endpoint and can build none itself.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from .catalog import PRODUCTS, Product
from .listings import LISTINGS, Holder, Listing, Option, Slot

_SEPARATOR = "|"


def dated_product_id(
    activity_uuid: str, day: str, slot: Slot, option: Option, holder: Holder
) -> str:
    raw = _SEPARATOR.join((activity_uuid, day, slot.time, option.feature_code, holder.code))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Offer:
    """A dated product: one ticket holder of one option's timeslot on one day."""

    listing: Listing
    day: str
    option: Option
    slot: Slot
    holder: Holder

    @property
    def product_id(self) -> str:
        return dated_product_id(self.listing.uuid, self.day, self.slot, self.option, self.holder)

    @property
    def slot_key(self) -> str:
        """What the timeslot's seats are counted by (all its holders share them)."""
        return f"{self.listing.uuid}/{self.day}/{self.option.feature_code}/{self.slot.time}"

    @property
    def product(self) -> Product:
        return Product(
            self.product_id,
            self.listing.uuid,
            self.holder.name,
            holder_code=self.holder.code,
            unit_price=self.holder.price,
            day=self.day,
            time=self.slot.time,
            feature_code=self.option.feature_code,
        )


def _is_day(value: str) -> bool:
    try:
        return len(value) == 10 and dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def options_on(listing: Listing, day: dt.date) -> list[Option]:
    """The ticket options of a dated activity that run on a day."""
    return [option for option in listing.options or () if day.weekday() in option.weekdays]


def find_offer(identifier: str) -> Offer | None:
    padded = identifier + "=" * (-len(identifier) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = raw.split(_SEPARATOR)
    if len(parts) != 5:
        return None
    activity_uuid, day, time, feature_code, holder_code = parts
    listing = LISTINGS.get(activity_uuid)
    if listing is None or not _is_day(day):
        return None
    for option in options_on(listing, dt.date.fromisoformat(day)):
        if option.feature_code != feature_code:
            continue
        slot = next((s for s in option.slots if s.time == time), None)
        holder = next((h for h in option.holders if h.code == holder_code), None)
        if slot is not None and holder is not None:
            return Offer(listing, day, option, slot, holder)
    return None


def find_product(identifier: str) -> Product | None:
    """The product a `product_identifier` names: a legacy product or a dated one."""
    legacy = PRODUCTS.get(identifier)
    if legacy is not None:
        return legacy
    offer = find_offer(identifier)
    return offer.product if offer else None
