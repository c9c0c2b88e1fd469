"""The fields Musement may ask about each participant of a cart item, and their labels.

Every activity that needs participant info picks a subset of these (see `catalog.py`), each
required or not; the cart item's schema lists them in the activity's order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from .i18n import Label

PARTICIPANTS = "participants"


class ParticipantKind(Enum):
    STRING = "string"
    DATE = "date"
    EMAIL = "email"
    CHOICE = "choice"


Choices = tuple[tuple[str, Label], ...]


@dataclass(frozen=True)
class ParticipantField:
    key: str
    kind: ParticipantKind
    title: Label
    required: bool = True
    choices: Choices = ()


def _f(
    key: str, kind: ParticipantKind, en: str, it: str, choices: Choices = ()
) -> ParticipantField:
    return ParticipantField(key, kind, {"en": en, "it": it}, choices=choices)


# English titles as Musement's participant-info guide shows them; salutation values too.
_FIELDS = (
    _f(
        "salutation",
        ParticipantKind.CHOICE,
        "Salutation",
        "Titolo",
        choices=(
            ("Mr", {"en": "Mr", "it": "Sig."}),
            ("Mrs", {"en": "Mrs", "it": "Sig.ra"}),
            ("Ms", {"en": "Ms", "it": "Sig.na"}),
        ),
    ),
    _f("firstname", ParticipantKind.STRING, "First name", "Nome"),
    _f("lastname", ParticipantKind.STRING, "Last name", "Cognome"),
    _f("date_of_birth", ParticipantKind.DATE, "Date of birth", "Data di nascita"),
    # A free string: Musement's example stores nationality as a country name ("Italy").
    _f("nationality", ParticipantKind.STRING, "Nationality", "Nazionalità"),
    _f("passport", ParticipantKind.STRING, "Passport number", "Numero di passaporto"),
    _f("email", ParticipantKind.EMAIL, "Email", "Email"),
)

_FIELDS_BY_KEY = {f.key: f for f in _FIELDS}


def ask(key: str, *, required: bool = True) -> ParticipantField:
    """One of the known participant fields, as an activity asks it."""
    return replace(_FIELDS_BY_KEY[key], required=required)
