"""Accept-Language negotiation: en-US by default, it-IT as the one other translation."""

from __future__ import annotations

DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "it")

# A label in every supported language; English is the fallback.
Label = dict[str, str]


def negotiate_language(accept_language: str | None) -> str:
    """Pick the best supported language from an Accept-Language header value."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0].split("_")[0].lower()
        if primary and quality > 0:
            ranked.append((-quality, index, primary))
    for _, _, primary in sorted(ranked):
        if primary in SUPPORTED_LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def translate(label: Label, language: str) -> str:
    return label.get(language) or label[DEFAULT_LANGUAGE]
