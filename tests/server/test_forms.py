"""Elicitation forms built from validation problems: what is asked, and how answers merge."""

from __future__ import annotations

import copy

from musement_mcp.server.forms import (
    ENTERED,
    apply_answers,
    forms_for,
    paths_from_state,
    state_of,
    without_entered_values,
)
from musement_mcp.tools import UpdateCustomerResult, compile_schema

PARTICIPANTS_RAW = {
    "title": "cart_item_participants_info",
    "type": "object",
    "properties": {
        "participants": {
            "type": "array",
            "title": "participants",
            "minItems": 2,
            "maxItems": 2,
            "items": {
                "title": "prototype",
                "type": "object",
                "properties": {
                    "salutation": {
                        "type": "string",
                        "title": "Salutation",
                        "enum": ["mr", "ms"],
                        "enum_titles": ["Mr", "Ms"],
                        "propertyOrder": 1,
                    },
                    "firstname": {"type": "string", "title": "First name", "propertyOrder": 2},
                    "date_of_birth": {
                        "type": "string",
                        "format": "date",
                        "title": "Date of birth",
                        "propertyOrder": 3,
                    },
                    "passport": {"type": "string", "title": "Passport", "propertyOrder": 4},
                },
                "required": ["salutation", "firstname", "date_of_birth"],
            },
        }
    },
    "required": ["participants"],
}
PARTICIPANTS = compile_schema(PARTICIPANTS_RAW)
ADA = {"salutation": "ms", "firstname": "Ada", "date_of_birth": "1815-12-10"}


def ask(payload):
    return forms_for(PARTICIPANTS.validate(payload), PARTICIPANTS, payload)


def test_one_form_per_missing_person_with_only_required_questions() -> None:
    forms = ask({"participants": []})
    assert [f.message.rsplit(" ", 2)[-2:] for f in forms] == [["person", "1."], ["person", "2."]]
    first = forms[0].requested_schema
    assert list(first["properties"]) == ["salutation", "firstname", "date_of_birth"]
    assert first["properties"]["salutation"]["oneOf"] == [
        {"const": "mr", "title": "Mr"},
        {"const": "ms", "title": "Ms"},
    ]
    assert first["properties"]["date_of_birth"]["format"] == "date"
    assert first["properties"]["firstname"]["title"] == "Person 1: First name"
    assert forms[1].paths["firstname"] == "participants.1.firstname"


def test_only_the_failing_answers_of_a_person_are_asked() -> None:
    payload = {"participants": [ADA, {**ADA, "firstname": "Grace", "date_of_birth": "09/12/1906"}]}
    (form,) = ask(payload)
    assert form.paths == {"date_of_birth": "participants.1.date_of_birth"}
    fixed = apply_answers(payload, form.paths, {"date_of_birth": "1906-12-09"})
    assert PARTICIPANTS.validate(fixed) == []
    assert payload["participants"][1]["date_of_birth"] == "09/12/1906"  # a copy was changed


def test_answers_fill_in_missing_people() -> None:
    forms = ask({"participants": [ADA]})
    (form,) = forms
    answers = {"salutation": "mr", "firstname": "Charles", "date_of_birth": "1791-12-26"}
    fixed = apply_answers({"participants": [ADA]}, form.paths, answers)
    assert fixed["participants"][1] == answers
    assert PARTICIPANTS.validate(fixed) == []


def test_what_only_the_model_can_fix_is_not_asked() -> None:
    assert ask({"participants": [ADA, ADA, ADA]}) is None  # too many people
    assert ask({"participants": [{**ADA, "first_name": "x"}, ADA]}) is None  # unknown field


def test_form_state_round_trips() -> None:
    forms = ask({"participants": []})
    assert paths_from_state(state_of(forms)) == [f.paths for f in forms]


def test_forms_follow_the_order_of_people_past_nine() -> None:
    raw = copy.deepcopy(PARTICIPANTS_RAW)
    raw["properties"]["participants"]["minItems"] = 12
    raw["properties"]["participants"]["maxItems"] = 12
    twelve = compile_schema(raw)
    payload = {"participants": []}
    forms = forms_for(twelve.validate(payload), twelve, payload)
    assert [f.paths["firstname"] for f in forms] == [
        f"participants.{i}.firstname" for i in range(12)
    ]


def test_entered_values_are_hidden_wherever_the_upstream_echoes_them() -> None:
    echoed = UpdateCustomerResult.model_validate(
        {
            "cart_uuid": "c",
            "mode": "full",
            "customer": {
                "firstname": "Ada",
                "musement_newsletter": "NO",
                "mobile": "+39 333 1234567",  # the phone the user typed, moved by upstream
                "country": {"iso_code": "NO", "name": "Norway"},
                "extra_customer_data": {"a1": {"phone_number": "+39 333 1234567"}},
            },
        }
    )
    entered = {
        "musement_newsletter": "NO",
        "extra_customer_data.a1.phone_number": "+39 333 1234567",
    }
    shown = without_entered_values(
        echoed, entered, root="customer", sent={"firstname": "Ada"}
    ).model_dump(mode="json")
    customer = shown["customer"]
    assert customer["extra_customer_data"]["a1"]["phone_number"] == ENTERED
    assert customer["mobile"] == ENTERED
    assert customer["musement_newsletter"] == ENTERED
    assert customer["country"]["iso_code"] == "NO"  # a short word is hidden only where given
    assert customer["firstname"] == "Ada"  # the model sent it
    assert shown["entered_by_user"] == sorted(entered)
