"""Musement market codes and the country each one stands for (used in the customer's `country`)."""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import Label, translate

DEFAULT_MARKET = "us"


@dataclass(frozen=True)
class Country:
    id: int
    iso_code: str
    iso3char: str
    country_prefix: str
    currency_code: str
    name: Label

    def to_json(self, language: str) -> dict[str, object]:
        return {
            "id": self.id,
            "name": translate(self.name, language),
            "iso_code": self.iso_code,
            "iso3char": self.iso3char,
            "country_prefix": self.country_prefix,
            "currency_code": self.currency_code,
        }


def _c(id_: int, iso: str, iso3: str, prefix: str, cur: str, en: str, it: str) -> Country:
    return Country(id_, iso, iso3, prefix, cur, {"en": en, "it": it})


# Italy's id (82) is the one Musement documents; the other ids are sandbox values.
MARKETS: dict[str, Country] = {
    "us": _c(172, "US", "USA", "+1", "USD", "United States", "Stati Uniti"),
    "gb": _c(171, "GB", "GBR", "+44", "GBP", "United Kingdom", "Regno Unito"),
    "it": _c(82, "IT", "ITA", "+39", "EUR", "Italy", "Italia"),
    "fr": _c(61, "FR", "FRA", "+33", "EUR", "France", "Francia"),
    "de": _c(65, "DE", "DEU", "+49", "EUR", "Germany", "Germania"),
    "es": _c(155, "ES", "ESP", "+34", "EUR", "Spain", "Spagna"),
    "nl": _c(118, "NL", "NLD", "+31", "EUR", "Netherlands", "Paesi Bassi"),
    "pt": _c(137, "PT", "PRT", "+351", "EUR", "Portugal", "Portogallo"),
    "be": _c(17, "BE", "BEL", "+32", "EUR", "Belgium", "Belgio"),
    "at": _c(11, "AT", "AUT", "+43", "EUR", "Austria", "Austria"),
    "ch": _c(160, "CH", "CHE", "+41", "CHF", "Switzerland", "Svizzera"),
    "ie": _c(80, "IE", "IRL", "+353", "EUR", "Ireland", "Irlanda"),
    "dk": _c(46, "DK", "DNK", "+45", "DKK", "Denmark", "Danimarca"),
    "se": _c(159, "SE", "SWE", "+46", "SEK", "Sweden", "Svezia"),
    "no": _c(126, "NO", "NOR", "+47", "NOK", "Norway", "Norvegia"),
    "pl": _c(136, "PL", "POL", "+48", "PLN", "Poland", "Polonia"),
    "gr": _c(67, "GR", "GRC", "+30", "EUR", "Greece", "Grecia"),
    "au": _c(10, "AU", "AUS", "+61", "AUD", "Australia", "Australia"),
    "ca": _c(31, "CA", "CAN", "+1", "CAD", "Canada", "Canada"),
    "br": _c(24, "BR", "BRA", "+55", "BRL", "Brazil", "Brasile"),
    "mx": _c(110, "MX", "MEX", "+52", "MXN", "Mexico", "Messico"),
    "ae": _c(1, "AE", "ARE", "+971", "AED", "United Arab Emirates", "Emirati Arabi Uniti"),
}


def market_code(header: str | None) -> str:
    """The market a request asks for; a missing header means `us`."""
    return (header or DEFAULT_MARKET).strip().lower() or DEFAULT_MARKET


def resolve_market(header: str | None) -> Country | None:
    """The market's country; a missing header means `us`, an unknown code means None."""
    return MARKETS.get(market_code(header))
