"""The sandbox's small activity catalog, the products sold for each activity, and the extra
customer data each activity asks for.

A cart item is added by *product* id, not by activity UUID: `product_identifier` is "obtained
from the /activities/{activityUuid}/dates/{date} endpoint" (`product_id` there)
(https://partner-api.musement.com/api/booking-flow/cart/add-items, and the older
https://api-docs.musement.com/docs/manage-items-1). The sandbox's first activities sell one
ticket each, the same product id on every date (`PRODUCTS`, `product_id_of()`); the catalog's
bookable ones (listings.py) have a product id per date, timeslot, option and ticket holder, as
the docs describe (offers.py).

`questions is None` means the activity asks for no extra customer data (it does not appear in
`extra_customer_data`); an empty tuple means it has an extra-data form with no questions, which
Musement serializes as `"properties": []`. Likewise `participant_fields is None` means its cart
items need no participant info (their participants endpoints answer 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .i18n import Label
from .participant_fields import ParticipantField, ask

# The activity Musement's public sandbox documents for testing; here it asks for extra data.
SANDBOX_TEST_ACTIVITY_UUID = "1714c6a7-2046-11e7-9cc9-06a7e332783f"
COLOSSEUM_TOUR_UUID = "3c4b6a5e-2b1f-11e7-9cc9-06a7e332783f"
FOOD_TOUR_UUID = "5d2e9f10-3a4c-11e8-8f1a-0a7c5e1f2b3d"
GONDOLA_RIDE_UUID = "8a1f3c22-4b5d-11e8-8f1a-0a7c5e1f2b3d"
VATICAN_MUSEUMS_UUID = "a2b4c6d8-1e2f-11e7-9cc9-06a7e332783f"
EIFFEL_TOWER_UUID = "b7c9d1e3-5f6a-11e8-8f1a-0a7c5e1f2b3d"
# Musement's public sandbox test activities for "Participant info" and for "Participant info
# and extra customer data"; the titles here are the sandbox's own.
PARTICIPANTS_ACTIVITY_UUID = "0420c908-981e-4e27-a40f-767e8b66574a"
PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID = "165fcd0d-2046-11e7-9cc9-06a7e332783f"
# A free activity: an order of it is zero-priced, which any partner may complete with
# POST /payments/no/payment (https://partner-api.musement.com/reference/3.4.0/tag/payments).
FREE_WALKING_TOUR_UUID = "c4d6e8f0-6a7b-11e8-8f1a-0a7c5e1f2b3d"
# The catalog's bookable activities (see listings.py): products per date, timeslot, option and
# ticket holder, with seats, languages, pickups and quantity limits.
ROME_GUIDED_TOUR_UUID = "d1e3f5a7-7b8c-11e8-8f1a-0a7c5e1f2b3d"
SEINE_CRUISE_UUID = "e2f4a6b8-8c9d-11e8-8f1a-0a7c5e1f2b3d"
MURANO_BURANO_TOUR_UUID = "f3a5b7c9-9dae-11e8-8f1a-0a7c5e1f2b3d"
LOUVRE_UUID = "04b6c8da-aebf-11e8-8f1a-0a7c5e1f2b3d"


class QuestionKind(Enum):
    NUMBER = "number"
    STRING = "string"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    title: Label
    required: bool = True
    choices: tuple[tuple[str, Label], ...] = ()


@dataclass(frozen=True)
class Activity:
    uuid: str
    title: Label
    # The legacy single ticket's price; for a catalog activity (listings.py), its "price from".
    price: float
    questions: tuple[Question, ...] | None = None
    participant_fields: tuple[ParticipantField, ...] | None = None

    @property
    def asks_extra_data(self) -> bool:
        return self.questions is not None

    @property
    def asks_participants(self) -> bool:
        return self.participant_fields is not None


def _label(en: str, it: str) -> Label:
    return {"en": en, "it": it}


_ACTIVITIES = (
    Activity(
        SANDBOX_TEST_ACTIVITY_UUID,
        _label("Sandbox test activity", "Attività di prova sandbox"),
        10.0,
        (
            # Typed number, although Musement documents it being sent as "1234567890".
            Question(
                "phone_number", QuestionKind.NUMBER, _label("Phone number", "Numero di telefono")
            ),
            Question("s_74380", QuestionKind.STRING, _label("Hotel location", "Posizione hotel")),
        ),
    ),
    Activity(
        COLOSSEUM_TOUR_UUID,
        _label("Colosseum guided tour", "Visita guidata al Colosseo"),
        45.0,
        (
            Question(
                "s_81022",
                QuestionKind.DATE,
                _label("Date of arrival in Rome", "Data di arrivo a Roma"),
            ),
            Question(
                "tour_language",
                QuestionKind.CHOICE,
                _label("Tour language", "Lingua della visita"),
                choices=(
                    ("en", _label("English", "Inglese")),
                    ("it", _label("Italian", "Italiano")),
                    ("es", _label("Spanish", "Spagnolo")),
                ),
            ),
        ),
    ),
    Activity(
        FOOD_TOUR_UUID,
        _label("Trastevere food tour", "Tour gastronomico a Trastevere"),
        69.0,
        (
            Question(
                "dietary_requirements",
                QuestionKind.MULTI_CHOICE,
                _label("Dietary requirements", "Esigenze alimentari"),
                required=False,
                choices=(
                    ("vegetarian", _label("Vegetarian", "Vegetariano")),
                    ("vegan", _label("Vegan", "Vegano")),
                    ("gluten_free", _label("Gluten free", "Senza glutine")),
                    ("lactose_free", _label("Lactose free", "Senza lattosio")),
                ),
            ),
            Question(
                "s_90112",
                QuestionKind.STRING,
                _label("Allergies", "Allergie"),
                required=False,
            ),
        ),
    ),
    # An extra-data form without questions: the `"properties": []` case.
    Activity(
        GONDOLA_RIDE_UUID, _label("Venice gondola ride", "Giro in gondola a Venezia"), 80.0, ()
    ),
    Activity(
        VATICAN_MUSEUMS_UUID,
        _label("Vatican Museums skip-the-line tickets", "Biglietti salta fila Musei Vaticani"),
        29.0,
    ),
    Activity(
        EIFFEL_TOWER_UUID,
        _label("Eiffel Tower summit access", "Accesso alla cima della Torre Eiffel"),
        59.0,
    ),
    # Named tickets: the Last Supper admits only the people booked, so each one is asked for.
    Activity(
        PARTICIPANTS_ACTIVITY_UUID,
        _label("The Last Supper guided tour", "Visita guidata al Cenacolo Vinciano"),
        45.0,
        participant_fields=(
            ask("salutation"),
            ask("firstname"),
            ask("lastname"),
            ask("date_of_birth"),
            ask("email", required=False),
        ),
    ),
    Activity(
        FREE_WALKING_TOUR_UUID,
        _label("Free walking tour of Milan", "Tour a piedi gratuito di Milano"),
        0.0,
    ),
    # A border crossing: passports for every traveller, a pickup hotel for the booking.
    Activity(
        PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
        _label("Montenegro day trip from Dubrovnik", "Gita in Montenegro da Dubrovnik"),
        85.0,
        (
            Question(
                "s_52210",
                QuestionKind.STRING,
                _label("Pickup hotel in Dubrovnik", "Hotel per il ritiro a Dubrovnik"),
            ),
        ),
        participant_fields=(
            ask("firstname"),
            ask("lastname"),
            ask("date_of_birth"),
            ask("nationality"),
            ask("passport"),
        ),
    ),
    Activity(
        ROME_GUIDED_TOUR_UUID,
        _label(
            "Rome highlights guided walking tour", "Tour guidato a piedi dei luoghi simbolo di Roma"
        ),
        19.0,
    ),
    Activity(
        SEINE_CRUISE_UUID,
        _label(
            "Seine evening cruise with hotel pickup",
            "Crociera serale sulla Senna con ritiro in hotel",
        ),
        15.0,
    ),
    Activity(
        MURANO_BURANO_TOUR_UUID,
        _label("Murano and Burano boat tour", "Tour in barca di Murano e Burano"),
        25.0,
    ),
    Activity(
        LOUVRE_UUID,
        _label("Louvre Museum timed entry ticket", "Biglietto con ingresso a orario per il Louvre"),
        0.0,
    ),
)

CATALOG: dict[str, Activity] = {activity.uuid: activity for activity in _ACTIVITIES}


@dataclass(frozen=True)
class Product:
    """What a cart item is made of: a ticket of one activity, listed by the dates endpoint."""

    id: str  # `product_id` in the dates endpoint, `product_identifier` when adding an item
    activity_uuid: str
    # The ticket's own name: an added item's `product.title` is "Adult ticket" in the docs
    # (https://partner-api.musement.com/api/booking-flow/cart/add-items).
    name: Label
    holder_code: str = "adult"
    # One of the documented item types: musement, musement-realtime, musement-gift (ibid.).
    type: str = "musement"
    # Instant confirmation: items go PENDING -> OK once paid
    # (https://partner-api.musement.com/api/booking-flow/order/status/).
    max_confirmation_time: str = "P0D"
    # A dated product's own unit price (a ticket holder's); None: the activity's price.
    unit_price: float | None = None
    # Where a dated product sits in its activity's schedule (listings.py); None for the
    # legacy products, the same on every date.
    day: str | None = None
    time: str | None = None
    feature_code: str | None = None

    @property
    def activity(self) -> Activity:
        return CATALOG[self.activity_uuid]

    @property
    def price(self) -> float:
        return self.activity.price if self.unit_price is None else self.unit_price


# Product ids are numeric strings, like the docs' "249217479", which the sandbox test activity
# reuses; the others follow it.
_PRODUCT_IDS: dict[str, str] = {
    SANDBOX_TEST_ACTIVITY_UUID: "249217479",
    COLOSSEUM_TOUR_UUID: "249217480",
    FOOD_TOUR_UUID: "249217481",
    GONDOLA_RIDE_UUID: "249217482",
    VATICAN_MUSEUMS_UUID: "249217483",
    EIFFEL_TOWER_UUID: "249217484",
    FREE_WALKING_TOUR_UUID: "249217485",
    PARTICIPANTS_ACTIVITY_UUID: "249217486",
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID: "249217487",
}

PRODUCTS: dict[str, Product] = {
    product_id: Product(product_id, activity_uuid, _label("Adult ticket", "Biglietto adulto"))
    for activity_uuid, product_id in _PRODUCT_IDS.items()
}


def product_id_of(activity_uuid: str) -> str:
    """The product id of a legacy activity's ticket (every date), as the dates endpoint lists it;
    the catalog's dated activities have none (see `offers.dated_product_id`)."""
    return _PRODUCT_IDS[activity_uuid]
