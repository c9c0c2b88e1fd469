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
    # Musement's documented meanings: allow_profiling = "allow Musement to profile the
    # user's data"; thirdparty_newsletter = "newsletters from third parties";
    # events_related_newsletter = "newsletters about activities related to the booked ones".
    "allow_profiling": (
        "Allow Musement to profile your data",
        "Consenti a Musement di profilare i tuoi dati",
        "Musement darf meine Daten für ein Profil auswerten",
        "Autoriser Musement à profiler vos données",
        "Permitir que Musement elabore un perfil con tus datos",
    ),
    "thirdparty_newsletter": (
        "Newsletters from third parties",
        "Newsletter di terze parti",
        "Newsletter von Dritten",
        "Newsletters de tiers",
        "Boletines de terceros",
    ),
    "events_related_newsletter": (
        "Newsletters about activities related to the booked ones",
        "Newsletter su attività collegate a quelle prenotate",
        "Newsletter zu Aktivitäten, die mit den gebuchten zusammenhängen",
        "Newsletters sur des activités liées à celles réservées",
        "Boletines sobre actividades relacionadas con las reservadas",
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
        "YES: the customer allows Musement to profile their data.",
        "YES: il cliente consente a Musement di profilare i suoi dati.",
        "YES: der Kunde erlaubt Musement, aus seinen Daten ein Profil zu erstellen.",
        "YES : le client autorise Musement à profiler ses données.",
        "YES: el cliente permite que Musement elabore un perfil con sus datos.",
    ),
    "thirdparty_newsletter": (
        "YES: the customer agrees to receive newsletters from third parties.",
        "YES: il cliente accetta di ricevere newsletter di terze parti.",
        "YES: der Kunde möchte Newsletter von Dritten erhalten.",
        "YES : le client accepte de recevoir des newsletters de tiers.",
        "YES: el cliente acepta recibir boletines de terceros.",
    ),
    "events_related_newsletter": (
        "YES: the customer agrees to receive newsletters about activities related to the "
        "booked ones.",
        "YES: il cliente accetta di ricevere newsletter su attività collegate a quelle prenotate.",
        "YES: der Kunde möchte Newsletter zu Aktivitäten erhalten, die mit den gebuchten "
        "zusammenhängen.",
        "YES : le client accepte de recevoir des newsletters sur des activités liées à "
        "celles réservées.",
        "YES: el cliente acepta recibir boletines sobre actividades relacionadas con las "
        "reservadas.",
    ),
}

_CHOICES: dict[str, tuple[str, str, str, str, str]] = {
    "YES": ("Yes", "Sì", "Ja", "Oui", "Sí"),
    "NO": ("No", "No", "Nein", "Non", "No"),
}

CONSENT_FIELDS = frozenset(_CONSENT_DESCRIPTIONS)
# The base fields we have our own words for.
KNOWN_BASE_FIELDS = frozenset(_FIELD_LABELS)


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


# The one order of a YES/NO choice, whatever order Musement's enum has (it is not stable).
CHOICE_ORDER = ("YES", "NO")


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
