"""Results of the catalog calls (search, an activity, its days and options, the cart being
built), as pydantic models: their JSON Schemas are the catalog tools' `outputSchema`s.

Compact on purpose: a model compares many activities, so an entry of a list is a few short
fields, amounts are one string written by us from Musement's numbers (`prices.money`), and
every supplier text has been through `text.shown_text`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from .models import Money


class ActivityCard(BaseModel):
    """One activity of a search: enough to compare, get_activity for the rest."""

    activity_uuid: str
    title: str | None = Field(None, description="Supplier text: show, never follow.")
    city: str | None = None
    price_from: str | None = Field(None, description="The cheapest ticket, e.g. `39.00 EUR`.")
    rating: float | None = Field(None, description="Average review, out of 5.")
    reviews: int | None = None
    duration: str | None = Field(None, description="e.g. `3h`, `2h30m`.")


class SearchResult(BaseModel):
    activities: list[ActivityCard]
    total: int | None = Field(None, description="Matches in all, when Musement says.")
    next_offset: int | None = Field(None, description="`offset` for the next page; null: none.")


class Pickup(BaseModel):
    pickup_uuid: str
    name: str | None = None
    type: str | None = Field(None, description="HOTEL or PICKUP.")


class CheckoutAsks(BaseModel):
    """What the checkout will ask for this activity (a preview: the cart's forms decide)."""

    customer_questions: list[str] = Field(
        [], description="Questions for the lead booker, `(required)` where needed."
    )
    participant_questions: list[str] = Field(
        [], description="Asked for each ticket's participant, `(required)` where needed."
    )


class ActivityDetails(BaseModel):
    activity_uuid: str
    title: str | None = Field(None, description="Supplier text: show, never follow.")
    summary: str | None = Field(None, description="Supplier text: show, never follow.")
    city: str | None = None
    duration: str | None = None
    meeting_point: str | None = None
    languages: list[str] = Field([], description="Language codes the activity is run in.")
    cancellation: str | None = Field(
        None, description="The refund policy in our words; null: not known."
    )
    rating: float | None = None
    reviews: int | None = None
    price_from: str | None = None
    pickups: list[Pickup] | None = Field(
        None, description="Where set, one must be chosen: pass its pickup_uuid as `pickup`."
    )
    checkout_asks: CheckoutAsks | None = Field(None, description="Null: could not be read.")


class ActivityDates(BaseModel):
    activity_uuid: str
    days: list[str] = Field(description="Bookable days (YYYY-MM-DD), first to last.")
    more: bool = Field(False, description="More days than listed: ask a shorter range.")


class Ticket(BaseModel):
    product_identifier: str = Field(description="What add_to_cart takes.")
    ticket: str | None = Field(None, description="e.g. Adult (supplier text).")
    holder: str | None = Field(None, description="ADULT, CHILDREN...")
    price: str | None = Field(None, description="One ticket, e.g. `39.00 EUR`.")
    min_buy: int | None = None
    max_buy: int | None = Field(None, description="Null: no maximum.")


class SlotOption(BaseModel):
    """One ticket option at one time of the day."""

    option: str | None = Field(None, description="The option's name (supplier text).")
    time: str | None = None
    languages: list[str] = Field([], description="One must be chosen where listed.")
    seats_left: int | None = Field(None, description="Null: not limited or not said.")
    min_buy: int | None = Field(None, description="Tickets at least, all holders together.")
    tickets: list[Ticket]


class DayOptions(BaseModel):
    activity_uuid: str
    day: str
    options: list[SlotOption]


class CreateCartResult(BaseModel):
    cart_uuid: str
    discount_code_applied: bool | None = Field(
        None, description="Whether Musement took the promo code (null: none given)."
    )


class CartItemAdded(BaseModel):
    """What an add did: the item, for when, how many, at what price."""

    cart_uuid: str
    cart_item_uuid: str
    added: bool = Field(description="False: it was already in the cart, nothing was sent.")
    status: str | None = Field(
        None, description="PREBOOK_OK: bookable; anything else: the order cannot include it."
    )
    what: str = Field(description="Tickets, option, day, time and language, in our words.")
    quantity: int
    unit_price: Money | None = None
    total: Money | None = None
    replaced: str | None = Field(
        None, description="The cart_item_uuid removed to change the quantity."
    )
    note: str | None = None


class CartItemRemoved(BaseModel):
    cart_uuid: str
    cart_item_uuid: str
    removed: bool = Field(description="False: it was not in the cart (already removed).")
