"""The base (lead booker) fields every cart asks for, in Musement's order."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .i18n import Label


class BaseKind(Enum):
    STRING = "string"
    EMAIL = "email"
    YES_NO = "yes_no"


@dataclass(frozen=True)
class BaseField:
    key: str
    kind: BaseKind
    title: Label
    required: bool
    # Musement's YES/NO enums do not keep one order across fields; clients must not assume one.
    enum: tuple[str, ...] = ()


def _f(key: str, kind: BaseKind, it: str, required: bool, enum: tuple[str, ...] = ()) -> BaseField:
    # In English Musement titles base fields with their own name (e.g. "firstname").
    return BaseField(key, kind, {"en": key, "it": it}, required, enum)


BASE_FIELDS: tuple[BaseField, ...] = (
    _f("firstname", BaseKind.STRING, "Nome", True),
    _f("lastname", BaseKind.STRING, "Cognome", True),
    _f("email", BaseKind.EMAIL, "Email", True),
    _f("musement_newsletter", BaseKind.YES_NO, "Newsletter Musement", True, ("NO", "YES")),
    _f("allow_profiling", BaseKind.YES_NO, "Consenso alla profilazione", True, ("YES", "NO")),
    _f("thirdparty_newsletter", BaseKind.YES_NO, "Newsletter di terze parti", True, ("YES", "NO")),
    _f(
        "events_related_newsletter",
        BaseKind.YES_NO,
        "Newsletter sugli eventi",
        True,
        ("NO", "YES"),
    ),
    _f("city", BaseKind.STRING, "Città", False),
    _f("address", BaseKind.STRING, "Indirizzo", False),
    _f("zipcode", BaseKind.STRING, "CAP", False),
    _f("tax_id", BaseKind.STRING, "Codice fiscale", False),
)

BASE_FIELDS_BY_KEY = {f.key: f for f in BASE_FIELDS}

YES_NO_TITLES: dict[str, Label] = {
    "YES": {"en": "YES", "it": "SÌ"},
    "NO": {"en": "NO", "it": "NO"},
}

EXTRA_CUSTOMER_DATA = "extra_customer_data"
