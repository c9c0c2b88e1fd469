"""tools/labels.py: consent as Musement documents it: labels and explanations in every
language, one order of choices, nothing pre-selected (applied by tools/normalize.py)."""

from __future__ import annotations

import pytest

from musement_mcp.tools import compile_schema
from musement_mcp.tools.labels import LANGUAGES, consent_description, field_label

# What each consent means, in Musement's words (customer-info reference).
DOCUMENTED = {
    "allow_profiling": ("profile", "Musement"),
    "thirdparty_newsletter": ("third parties",),
    "events_related_newsletter": ("activities related to the booked ones",),
    "musement_newsletter": ("Musement",),
}


def test_english_labels_and_explanations_say_what_musement_documents() -> None:
    for key, words in DOCUMENTED.items():
        label, description = field_label(key, key, "en-US"), consent_description(key, "en-US")
        assert label and description
        for word in words:
            assert word in label or word in description, (key, word)
    assert "offers" not in str(field_label("allow_profiling", "allow_profiling", "en"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_its_own_label_and_explanation(language: str) -> None:
    for key in DOCUMENTED:
        assert field_label(key, key, language)
        assert consent_description(key, language)
    if language != "en":
        english = field_label("allow_profiling", "allow_profiling", "en")
        assert field_label("allow_profiling", "allow_profiling", language) != english


def consent_schema(order: list[str], default: str | None = None) -> dict[str, object]:
    leaf: dict[str, object] = {
        "type": "string",
        "title": "allow_profiling",
        "enum": order,
        "enum_titles": order,
        "propertyOrder": 1,
    }
    if default:
        leaf["default"] = default
    return {"type": "object", "properties": {"allow_profiling": leaf}, "required": []}


@pytest.mark.parametrize("order", [["YES", "NO"], ["NO", "YES"]])
def test_choices_keep_one_order_and_nothing_is_pre_selected(order: list[str]) -> None:
    compiled = compile_schema(consent_schema(order, default="YES"))
    (field,) = compiled.fields
    assert [o["value"] for o in field.options or []] == ["YES", "NO"]
    leaf = compiled.schema["properties"]["allow_profiling"]
    assert leaf["enum"] == ["YES", "NO"] and "default" not in leaf
