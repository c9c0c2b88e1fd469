"""Human labels for the customer's base fields, in the configured language.

Musement titles the base fields of the customer form with their raw keys
(`firstname`, `musement_newsletter`) and their YES/NO choices with the values
themselves. A person (and a model) reads these instead: a label per field in
English, Italian, German, French and Spanish, a one-line description of what
each consent means, and "Yes"/"No" for the choices. A title Musement really
localized (anything but the raw key) is kept as it is.
"""

from __future__ import annotations

LANGUAGES = ("en", "it", "de", "fr", "es")

# field -> (en, it, de, fr, es)
_FIELD_LABELS: dict[str, tuple[str, str, str, str, str]] = {
    "firstname": ("First name", "Nome", "Vorname", "Prénom", "Nombre"),
    "lastname": ("Last name", "Cognome", "Nachname", "Nom", "Apellidos"),
    "email": ("Email", "Email", "E-Mail", "E-mail", "Correo electrónico"),
    "musement_newsletter": (
        "Musement newsletter",
        "Newsletter di Musement",
        "Musement-Newsletter",
        "Newsletter Musement",
        "Boletín de Musement",
    ),
    "allow_profiling": (
        "Personalised offers",
        "Offerte personalizzate",
        "Personalisierte Angebote",
        "Offres personnalisées",
        "Ofertas personalizadas",
    ),
    "thirdparty_newsletter": (
        "Partners' offers",
        "Offerte dei partner",
        "Angebote von Partnern",
        "Offres des partenaires",
        "Ofertas de socios",
    ),
    "events_related_newsletter": (
        "News about booked events",
        "Novità sugli eventi prenotati",
        "Neuigkeiten zu gebuchten Events",
        "Actualités des événements réservés",
        "Novedades de los eventos reservados",
    ),
    "city": ("City", "Città", "Stadt", "Ville", "Ciudad"),
    "address": ("Address", "Indirizzo", "Adresse", "Adresse", "Dirección"),
    "zipcode": ("Postcode", "CAP", "Postleitzahl", "Code postal", "Código postal"),
    "tax_id": ("Tax ID", "Codice fiscale", "Steuernummer", "Numéro fiscal", "NIF"),
}

# consent field -> what saying YES agrees to, (en, it, de, fr, es)
_CONSENT_DESCRIPTIONS: dict[str, tuple[str, str, str, str, str]] = {
    "musement_newsletter": (
        "YES: the customer agrees to receive Musement's newsletter by email.",
        "YES: il cliente accetta di ricevere la newsletter di Musement via email.",
        "YES: der Kunde möchte den Newsletter von Musement per E-Mail erhalten.",
        "YES : le client accepte de recevoir la newsletter de Musement par e-mail.",
        "YES: el cliente acepta recibir el boletín de Musement por correo.",
    ),
    "allow_profiling": (
        "YES: the customer agrees that their activity is used to personalise offers.",
        "YES: il cliente accetta che le sue attività siano usate per offerte personalizzate.",
        "YES: der Kunde stimmt zu, dass seine Aktivität für Angebote genutzt wird.",
        "YES : le client accepte que son activité serve à personnaliser des offres.",
        "YES: el cliente acepta que su actividad se use para ofertas personalizadas.",
    ),
    "thirdparty_newsletter": (
        "YES: the customer agrees to receive offers from Musement's partners.",
        "YES: il cliente accetta di ricevere offerte dei partner di Musement.",
        "YES: der Kunde möchte Angebote von Partnern von Musement erhalten.",
        "YES : le client accepte de recevoir des offres des partenaires de Musement.",
        "YES: el cliente acepta recibir ofertas de socios de Musement.",
    ),
    "events_related_newsletter": (
        "YES: the customer agrees to receive news about the events they booked.",
        "YES: il cliente accetta di ricevere novità sugli eventi prenotati.",
        "YES: der Kunde möchte Neuigkeiten zu den gebuchten Events erhalten.",
        "YES : le client accepte de recevoir des nouvelles des événements réservés.",
        "YES: el cliente acepta recibir novedades de los eventos reservados.",
    ),
}

_CHOICES: dict[str, tuple[str, str, str, str, str]] = {
    "YES": ("Yes", "Sì", "Ja", "Oui", "Sí"),
    "NO": ("No", "No", "Nein", "Non", "No"),
}

CONSENT_FIELDS = frozenset(_CONSENT_DESCRIPTIONS)


def served_language(language: str) -> str:
    """The language texts are served in for a tag such as `it-IT`: its primary subtag when
    it is one of `LANGUAGES`, else English."""
    primary = language.split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else LANGUAGES[0]


def _index(language: str) -> int:
    """The column of a language tag (`it-IT` → Italian); English for any other."""
    return LANGUAGES.index(served_language(language))


def field_label(key: str, title: str | None, language: str) -> str | None:
    """A human label for a base field whose title is missing or its raw key; else None."""
    labels = _FIELD_LABELS.get(key)
    if labels is None or (title and title != key):
        return None
    return labels[_index(language)]


def consent_description(key: str, language: str) -> str | None:
    descriptions = _CONSENT_DESCRIPTIONS.get(key)
    return None if descriptions is None else descriptions[_index(language)]


def unchecked_pattern_note(language: str) -> str:
    """The field guide's note on an answer whose supplier format rule is not checked here."""
    return _UNCHECKED_PATTERN[_index(language)]


def choice_label(value: object, label: str, language: str) -> str:
    """A human label for a YES/NO choice whose label only repeats its value."""
    labels = _CHOICES.get(str(value))
    if labels is None or label != str(value):
        return label
    return labels[_index(language)]


# A supplier's `attr.pattern` that RE2 cannot run is not enforced (tools.patterns).
_UNCHECKED_PATTERN = (
    "The supplier's format for this answer is not checked before sending; "
    "Musement may still refuse it.",
    "Il formato del fornitore per questa risposta non viene verificato prima dell'invio; "
    "Musement potrebbe rifiutarla.",
    "Das Format des Anbieters für diese Antwort wird vor dem Senden nicht geprüft; "
    "Musement kann sie trotzdem ablehnen.",
    "Le format du fournisseur pour cette réponse n'est pas vérifié avant l'envoi ; "
    "Musement peut encore la refuser.",
    "El formato del proveedor para esta respuesta no se comprueba antes del envío; "
    "Musement aún puede rechazarla.",
)
