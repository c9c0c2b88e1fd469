"""The sandbox's catalog answers have the keys of Musement's documented examples.

Each fixture of tests/contract/fixtures is compared as a subset: every key the page shows is in
the sandbox's answer at the same place, with a value of the same JSON type (lists compared item
by item against the sandbox's first). Keys the page does not show are unknown, not absent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from musement_mcp.sandbox import (
    PARTICIPANTS_ACTIVITY_UUID,
    ROME_GUIDED_TOUR_UUID,
    SANDBOX_PROMO_CODE,
    SANDBOX_TEST_ACTIVITY_UUID,
    SEINE_CRUISE_UUID,
    SandboxServer,
)

FIXTURES = Path(__file__).parents[1] / "contract" / "fixtures"
# Arrays the docs show both empty and not (a pickup's and a timeslot's `tags`): an empty one
# in the sandbox's answer is as documented.
MAY_BE_EMPTY = ("tags",)
HEADERS = {"X-Musement-Application": "musement-mcp-tests", "X-Musement-Version": "3.4.0"}


def documented(name: str) -> Any:
    fixture: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    assert fixture["source"].startswith("https://"), "every fixture names its page"
    return fixture["response"]["body"]


def assert_has_documented_keys(shown: Any, answer: Any, path: str = "$") -> None:
    if isinstance(shown, dict):
        assert isinstance(answer, dict), f"{path}: expected an object, got {answer!r}"
        for key, value in shown.items():
            assert key in answer, f"{path}: no {key!r} (has {sorted(answer)})"
            assert_has_documented_keys(value, answer[key], f"{path}.{key}")
    elif isinstance(shown, list):
        assert isinstance(answer, list), f"{path}: expected an array, got {answer!r}"
        if not answer and path.rsplit(".", 1)[-1] in MAY_BE_EMPTY:
            return
        if shown and any(isinstance(x, (dict, list)) for x in shown):
            assert answer, f"{path}: the sandbox answered an empty array"
            for value in shown:
                assert_has_documented_keys(value, answer[0], f"{path}[]")
    elif isinstance(shown, bool):
        assert isinstance(answer, bool), f"{path}: {answer!r} is not a boolean"
    elif isinstance(shown, (int, float)):
        assert isinstance(answer, (int, float)) and not isinstance(answer, bool), path
    elif isinstance(shown, str):
        assert isinstance(answer, str), f"{path}: {answer!r} is not a string"


@pytest.fixture(scope="module")
def api() -> Iterator[httpx2.Client]:
    with SandboxServer() as sb:
        with httpx2.Client(base_url=sb.base_url, headers=HEADERS, timeout=5) as client:
            yield client


def next_saturday() -> str:
    today = dt.date.today()
    return (today + dt.timedelta(days=7 + (5 - today.weekday()) % 7)).isoformat()


def test_the_subset_check_catches_a_missing_key_and_a_wrong_type() -> None:
    with pytest.raises(AssertionError):
        assert_has_documented_keys({"a": {"b": 1}}, {"a": {}})
    with pytest.raises(AssertionError):
        assert_has_documented_keys([{"day": "x", "sold_out": False}], [{"day": "x", "sold_out": 0}])


@pytest.mark.parametrize(
    ("fixture", "path", "params"),
    [
        ("activity_dates_list", f"/activities/{ROME_GUIDED_TOUR_UUID}/dates", {}),
        ("activity_day_ticket_options", f"/activities/{ROME_GUIDED_TOUR_UUID}/dates/{{day}}", {}),
        (
            "activity_day_timeslots_languages",
            f"/activities/{ROME_GUIDED_TOUR_UUID}/dates/{{day}}",
            {},
        ),
        ("activity_day_ticket_holders", f"/activities/{ROME_GUIDED_TOUR_UUID}/dates/{{day}}", {}),
        (
            "activity_day_ticket_holders",
            f"/activities/{SEINE_CRUISE_UUID}/dates/{{day}}",
            {"pickup": "5ee32dbd-898d-4f2e-aa9b-bb430b9a4960"},
        ),
        ("activity_pickups", f"/activities/{SEINE_CRUISE_UUID}/pickups", {}),
        (
            "activity_participants_info_schema",
            f"/activities/{PARTICIPANTS_ACTIVITY_UUID}/participants-info/schema",
            {},
        ),
        (
            "activity_extra_customer_data_schema",
            f"/activities/{SANDBOX_TEST_ACTIVITY_UUID}/extra-customer-data/schema",
            {},
        ),
    ],
)
def test_catalog_answers_have_the_documented_keys(
    api: httpx2.Client, fixture: str, path: str, params: dict[str, str]
) -> None:
    response = api.get(path.format(day=next_saturday()), params=params)
    assert response.status_code == 200, response.text
    assert_has_documented_keys(documented(fixture), response.json())


def test_an_activity_has_the_documented_keys(api: httpx2.Client) -> None:
    activity = api.get(f"/activities/{ROME_GUIDED_TOUR_UUID}").json()
    meeting_point = documented("activity_meeting_point")
    # where_text is left out: "If any of the properties are missing, we do not show them."
    shown = {k: v for k, v in meeting_point.items() if k != "where_text"}
    assert_has_documented_keys(shown, activity)
    pickups = json.loads((FIXTURES / "activity_pickups.json").read_text())["activity_fragments"]
    assert activity["order_box_elements"] == pickups["without_pickups"]["order_box_elements"]
    seine = api.get(f"/activities/{SEINE_CRUISE_UUID}").json()
    assert seine["order_box_elements"] == pickups["with_pickups"]["order_box_elements"]


def test_errors_and_carts_have_the_documented_bodies(api: httpx2.Client) -> None:
    day = next_saturday()
    swapped = api.get(
        f"/activities/{ROME_GUIDED_TOUR_UUID}/dates",
        params={"date_from": day, "date_to": "2020-01-01"},
    )
    assert swapped.status_code == 400
    assert swapped.json() == documented("error_400_dates_end_before_start")
    cart = api.post("/carts", json={"discount_code": SANDBOX_PROMO_CODE.code})
    assert_has_documented_keys(documented("post_carts_promo_code"), cart.json())
    assert cart.json()["promo_code"] == {"code": SANDBOX_PROMO_CODE.code}
