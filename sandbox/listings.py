"""What the catalog endpoints show of each activity: where it is, what it is, when it runs and
what it sells (ticket options, timeslots, ticket holders, pickups).

`catalog.py` says what the checkout asks of an activity; this module says what a customer sees
before buying. Every activity of `CATALOG` has a listing here.

The documented nesting of a day's schedule, GET /activities/{activityUuid}/dates/{date}: an
array of `{groups}`; each group a *ticket option* (`feature_code`, `name`, `default`, `type`,
`slots`), each slot a *timeslot* (`time`, `languages`, `products`, `tags`, and since 3.5.0
`availability`, `min_buy`, `max_buy`), each product a *ticket holder* (`holder_code`,
`holder_code_normalized`, `name`, `type`, `default`, `product_id`, prices, `min_buy`, `max_buy`,
`availability`) (https://partner-api.musement.com/api/booking-flow/product/ticket-options,
https://partner-api.musement.com/api/booking-flow/product/timeslots-and-languages,
https://partner-api.musement.com/api/booking-flow/product/ticket-holders,
https://partner-api.musement.com/api/booking-flow/product/quantities).

Activities listed with `schedule=None` are the sandbox's first ones: one ticket on sale every day
at 10:00, with the same product id whatever the date (`product_id_of()`), no seat limit. The
others follow the docs: "A `product_id` refers to everything the customer has selected so far:
date, timeslot, ticket option, ticket holder" (ticket-holders page), so their ids differ per day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import (
    CATALOG,
    COLOSSEUM_TOUR_UUID,
    EIFFEL_TOWER_UUID,
    FOOD_TOUR_UUID,
    FREE_WALKING_TOUR_UUID,
    GONDOLA_RIDE_UUID,
    LOUVRE_UUID,
    MURANO_BURANO_TOUR_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    ROME_GUIDED_TOUR_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    SEINE_CRUISE_UUID,
    VATICAN_MUSEUMS_UUID,
)
from .i18n import Label

# "A value of -1 means the timeslot has no maximum quantity requirement" (max_buy) and "the
# number of remaining seats has not been specified" (availability)
# (https://partner-api.musement.com/api/booking-flow/product/quantities).
UNLIMITED = -1

# The weekdays of `datetime.date.weekday()`.
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
EVERY_DAY = frozenset(range(7))


def _label(en: str, it: str) -> Label:
    return {"en": en, "it": it}


@dataclass(frozen=True)
class Country:
    id: int
    iso_code: str
    name: Label


@dataclass(frozen=True)
class City:
    # City ids are numbers: `city_in` is "Array of integers (City ID)"
    # (https://partner-api.musement.com/reference/3.4.0/tag/searching-activities). The ids here
    # are the sandbox's own (Musement's real ids are not in any page we read).
    id: int
    name: Label
    country: Country


@dataclass(frozen=True)
class Venue:
    # Venues have numeric ids ("venueId ... integer", https://partner-api.musement.com/reference/3.4.0/tag/venues).
    id: int
    name: Label


@dataclass(frozen=True)
class Pickup:
    # `{uuid, type: HOTEL | PICKUP, name, latitude, longitude, tags}`
    # (https://partner-api.musement.com/api/booking-flow/product/pickups).
    uuid: str
    type: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Holder:
    """A ticket holder (the docs' *product*): adult, child..."""

    code: str
    # "ADULT", "CHILDREN" in the ticket-holders example.
    normalized: str
    name: Label
    price: float
    min_buy: int = 1
    max_buy: int = UNLIMITED


@dataclass(frozen=True)
class Slot:
    time: str  # "09:30", local time of the activity
    # Seats on sale in the timeslot on each day it runs; UNLIMITED: not specified.
    seats: int = UNLIMITED
    # Two-letter codes; when present, one must be chosen (add-items: `language` is "Required
    # for activities with language options", https://partner-api.musement.com/api/booking-flow/cart/add-items).
    languages: tuple[str, ...] = ()
    min_buy: int = 1


@dataclass(frozen=True)
class Option:
    """A ticket option (a `group` of the dates endpoint)."""

    feature_code: str
    name: Label
    holders: tuple[Holder, ...]
    slots: tuple[Slot, ...]
    weekdays: frozenset[int] = EVERY_DAY
    # Not in the docs: the supplier refuses every item of this option at pre-booking, so the
    # item is added with status PREBOOK_KO (a status the add-items page documents), the least
    # convenient of the documented outcomes. The checkout guide says go on only with PREBOOK_OK.
    prebook_ko: bool = False


@dataclass(frozen=True)
class Listing:
    uuid: str
    city: City
    description: Label
    about: Label
    meeting_point: Label
    # ISO 8601, like the documented `cutoff_time`/`max_confirmation_time` ("P7D"); the docs we
    # read name no duration field: a guess.
    duration: str
    languages: tuple[str, ...]
    reviews_number: int
    reviews_avg: float
    latitude: float
    longitude: float
    venues: tuple[Venue, ...] = ()
    # None: the legacy single product (see the module docstring).
    options: tuple[Option, ...] | None = None
    pickups: tuple[Pickup, ...] = ()
    # `[{period, type: ABSOLUTE | PERCENTAGE, value}]`; empty: non-refundable
    # (https://partner-api.musement.com/reference/openapi/activity-info/get/activities/activityuuid/taxonomies,
    # the refund-policies part).
    refund_policies: tuple[tuple[str, str, float], ...] = ()
    tags: tuple[str, ...] = field(default=())

    @property
    def has_pickups(self) -> bool:
        return bool(self.pickups)


ITALY = Country(82, "IT", _label("Italy", "Italia"))  # Italy's id 82 is Musement's documented one
FRANCE = Country(61, "FR", _label("France", "Francia"))
CROATIA = Country(45, "HR", _label("Croatia", "Croazia"))

ROME = City(2, _label("Rome", "Roma"), ITALY)
MILAN = City(1, _label("Milan", "Milano"), ITALY)
VENICE = City(3, _label("Venice", "Venezia"), ITALY)
PARIS = City(40, _label("Paris", "Parigi"), FRANCE)
DUBROVNIK = City(193, _label("Dubrovnik", "Dubrovnik"), CROATIA)
CITIES: dict[int, City] = {c.id: c for c in (ROME, MILAN, VENICE, PARIS, DUBROVNIK)}

COLOSSEUM = Venue(163, _label("Colosseum", "Colosseo"))
VATICAN_MUSEUMS = Venue(164, _label("Vatican Museums", "Musei Vaticani"))
EIFFEL_TOWER = Venue(173, _label("Eiffel Tower", "Torre Eiffel"))
LOUVRE = Venue(174, _label("Louvre Museum", "Museo del Louvre"))

ADULT = ("adult", "ADULT", _label("Adult", "Adulto"))
CHILD = ("child", "CHILDREN", _label("Child (3-17)", "Bambino (3-17)"))


def _holder(kind: tuple[str, str, Label], price: float, **limits: int) -> Holder:
    code, normalized, name = kind
    return Holder(code, normalized, name, price, **limits)


# The pickup points of the Seine cruise; their UUIDs are what `pickup` takes.
HOTEL_LOUVRE_PICKUP = "5ee32dbd-898d-4f2e-aa9b-bb430b9a4960"  # the UUID the add-items example sends
GARE_DE_LYON_PICKUP = "f49bd49a-d56b-4cff-a918-3d775c0838c9"

# The 15:00 tour of ROME_GUIDED_TOUR_UUID: two seats each Saturday, so the second booking of two
# fails, and it sells out between a client's read of the day and its add.
SCARCE_SLOT_TIME = "15:00"
SCARCE_SLOT_SEATS = 2


def _legacy(
    uuid: str,
    city: City,
    about: tuple[str, str],
    *,
    venues: tuple[Venue, ...] = (),
    duration: str = "PT2H",
    reviews: tuple[int, float] = (120, 4.5),
    where: tuple[float, float] = (41.9, 12.49),
) -> Listing:
    text = _label(*about)
    return Listing(
        uuid,
        city,
        description=text,
        about=text,
        meeting_point=_label(
            "Show your ticket at the entrance", "Mostra il biglietto all'ingresso"
        ),
        duration=duration,
        languages=("en", "it"),
        reviews_number=reviews[0],
        reviews_avg=reviews[1],
        latitude=where[0],
        longitude=where[1],
        venues=venues,
        refund_policies=(("P1D", "PERCENTAGE", 100.0),),
    )


_LISTINGS = (
    _legacy(
        SANDBOX_TEST_ACTIVITY_UUID,
        ROME,
        ("The activity Musement's sandbox documents for tests.", "Attività di prova."),
    ),
    _legacy(
        COLOSSEUM_TOUR_UUID,
        ROME,
        ("A guided tour of the Colosseum.", "Una visita guidata al Colosseo."),
        venues=(COLOSSEUM,),
        reviews=(2310, 4.6),
        where=(41.8902, 12.4922),
    ),
    _legacy(
        FOOD_TOUR_UUID,
        ROME,
        ("Tastings in Trastevere's trattorias.", "Degustazioni nelle trattorie di Trastevere."),
        duration="PT3H",
        reviews=(845, 4.8),
    ),
    _legacy(
        GONDOLA_RIDE_UUID,
        VENICE,
        ("Thirty minutes on the Grand Canal.", "Trenta minuti sul Canal Grande."),
        duration="PT30M",
        reviews=(990, 4.4),
        where=(45.4380, 12.3358),
    ),
    _legacy(
        VATICAN_MUSEUMS_UUID,
        ROME,
        ("Skip the line at the Vatican Museums.", "Salta la fila ai Musei Vaticani."),
        venues=(VATICAN_MUSEUMS,),
        duration="PT3H",
        reviews=(5120, 4.5),
        where=(41.9065, 12.4536),
    ),
    _legacy(
        EIFFEL_TOWER_UUID,
        PARIS,
        ("Lift access to the summit.", "Accesso in ascensore alla cima."),
        venues=(EIFFEL_TOWER,),
        reviews=(3400, 4.3),
        where=(48.8584, 2.2945),
    ),
    _legacy(
        PARTICIPANTS_ACTIVITY_UUID,
        MILAN,
        (
            "Leonardo's Last Supper, named tickets.",
            "Il Cenacolo di Leonardo, biglietti nominativi.",
        ),
        duration="PT1H",
        reviews=(1500, 4.7),
        where=(45.4659, 9.1707),
    ),
    _legacy(
        FREE_WALKING_TOUR_UUID,
        MILAN,
        ("Milan's centre on foot, tip-based.", "Il centro di Milano a piedi, a offerta libera."),
        reviews=(300, 4.2),
        where=(45.4642, 9.19),
    ),
    _legacy(
        PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
        DUBROVNIK,
        (
            "A day across the border, passports needed.",
            "Una giornata oltre confine, serve il passaporto.",
        ),
        duration="PT10H",
        reviews=(210, 4.1),
        where=(42.6507, 18.0944),
    ),
    # A guided tour in Rome with adult and child tickets on Saturdays, in English or Italian in
    # the morning and English only in the (scarce) afternoon.
    Listing(
        ROME_GUIDED_TOUR_UUID,
        ROME,
        description=_label(
            "Rome's highlights with a local guide, on Saturdays.",
            "I luoghi simbolo di Roma con una guida locale, il sabato.",
        ),
        about=_label(
            "From the Pantheon to the Trevi Fountain and the Spanish Steps in three hours.",
            "Dal Pantheon alla Fontana di Trevi e a Trinità dei Monti in tre ore.",
        ),
        meeting_point=_label(
            "In front of the Pantheon, by the fountain",
            "Davanti al Pantheon, vicino alla fontana",
        ),
        duration="PT3H",
        languages=("en", "it"),
        reviews_number=642,
        reviews_avg=4.7,
        latitude=41.8986,
        longitude=12.4769,
        options=(
            Option(
                "guided-tour",
                _label("Guided tour", "Visita guidata"),
                holders=(
                    _holder(ADULT, 39.0, max_buy=10),
                    _holder(CHILD, 19.0, max_buy=10),
                ),
                slots=(
                    Slot("09:30", seats=25, languages=("en", "it")),
                    Slot(SCARCE_SLOT_TIME, seats=SCARCE_SLOT_SEATS, languages=("en",)),
                ),
                weekdays=frozenset({SATURDAY}),
            ),
        ),
        refund_policies=(("P1D", "PERCENTAGE", 100.0),),
    ),
    # Pickups: a pickup is chosen before dates (the dates endpoints need `pickup`).
    Listing(
        SEINE_CRUISE_UUID,
        PARIS,
        description=_label(
            "An evening cruise on the Seine with hotel pickup.",
            "Una crociera serale sulla Senna con ritiro in hotel.",
        ),
        about=_label(
            "A minibus takes you from your pickup point to the pier; the cruise lasts an hour.",
            "Un minibus vi porta dal punto di ritiro al molo; la crociera dura un'ora.",
        ),
        meeting_point=_label("At the chosen pickup point", "Al punto di ritiro scelto"),
        duration="PT2H30M",
        languages=("en", "fr"),
        reviews_number=1204,
        reviews_avg=4.4,
        latitude=48.8606,
        longitude=2.3376,
        options=(
            Option(
                "evening-cruise",
                _label("Evening cruise", "Crociera serale"),
                holders=(_holder(ADULT, 35.0, max_buy=8), _holder(CHILD, 15.0, max_buy=8)),
                slots=(Slot("20:00", seats=40),),
            ),
        ),
        pickups=(
            Pickup(HOTEL_LOUVRE_PICKUP, "HOTEL", "Hotel du Louvre", 48.8625, 2.3363),
            Pickup(GARE_DE_LYON_PICKUP, "PICKUP", "Gare de Lyon taxi stop", 48.8443, 2.3743),
        ),
    ),
    # Two options; the private boat's items always prebook PREBOOK_KO.
    Listing(
        MURANO_BURANO_TOUR_UUID,
        VENICE,
        description=_label(
            "A boat trip to the glass of Murano and the colours of Burano.",
            "In barca tra il vetro di Murano e i colori di Burano.",
        ),
        about=_label(
            "A glass-blowing demonstration in Murano and free time in Burano.",
            "Una dimostrazione di soffiatura del vetro a Murano e tempo libero a Burano.",
        ),
        meeting_point=_label("Pier 4, Fondamenta Nove", "Pontile 4, Fondamenta Nove"),
        duration="PT4H",
        languages=("en", "it", "fr"),
        reviews_number=388,
        reviews_avg=4.3,
        latitude=45.4418,
        longitude=12.3434,
        options=(
            Option(
                "shared-boat",
                _label("Shared boat", "Barca condivisa"),
                holders=(_holder(ADULT, 25.0, max_buy=12),),
                slots=(Slot("10:00", seats=30, languages=("en", "it", "fr")),),
                weekdays=EVERY_DAY - {MONDAY},
            ),
            Option(
                "private-boat",
                _label("Private boat (2 to 6 people)", "Barca privata (da 2 a 6 persone)"),
                holders=(_holder(ADULT, 90.0, min_buy=2, max_buy=6),),
                slots=(Slot("14:00", seats=6, languages=("en", "it"), min_buy=2),),
                weekdays=EVERY_DAY - {MONDAY},
                prebook_ko=True,
            ),
        ),
        refund_policies=(("P2D", "PERCENTAGE", 100.0), ("P1D", "PERCENTAGE", 50.0)),
    ),
    # Timed entry, closed on Tuesdays; children go free.
    Listing(
        LOUVRE_UUID,
        PARIS,
        description=_label("Timed entry to the Louvre.", "Ingresso a orario al Louvre."),
        about=_label(
            "Reserved entry to the permanent collections, from the Mona Lisa to the Venus de Milo.",
            "Ingresso riservato alle collezioni permanenti, dalla Gioconda alla Venere di Milo.",
        ),
        meeting_point=_label("Pyramid entrance", "Ingresso della Piramide"),
        duration="PT3H",
        languages=(),
        reviews_number=7020,
        reviews_avg=4.6,
        latitude=48.8606,
        longitude=2.3376,
        venues=(LOUVRE,),
        options=(
            Option(
                "timed-entry",
                _label("Timed entry", "Ingresso a orario"),
                holders=(
                    _holder(ADULT, 22.0, max_buy=9),
                    Holder("child", "CHILDREN", _label("Child (0-17)", "Bambino (0-17)"), 0.0),
                ),
                slots=(Slot("09:00", seats=200), Slot("11:00", seats=200)),
                weekdays=EVERY_DAY - {TUESDAY},
            ),
        ),
    ),
)

LISTINGS: dict[str, Listing] = {listing.uuid: listing for listing in _LISTINGS}
assert set(LISTINGS) == set(CATALOG), "every activity has a listing"
