"""The checkout form (MCP App) in a real browser: Debian's Chromium, headless, driven by
Playwright for Python, with the test host of tests/browser (ext-apps' AppBridge and the
TypeScript SDK client) connected to the server over Streamable HTTP, the server running
against the embedded sandbox. The form renders for the seeded carts, a user fills it in
with the keyboard only, a wrong answer shows the server's message at its field, and the save
reaches the sandbox.

`UPDATE_SCREENSHOTS=1 pytest -m browser -k screenshots` rewrites docs/checkout-form-*.png.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from musement_mcp.sandbox import (
    BASE_CART_UUID,
    EXTRA_DATA_CART_UUID,
    LOCKED_CART_UUID,
    PARTICIPANTS_CART_UUID,
    SandboxServer,
)
from musement_mcp.sandbox.catalog import (
    COLOSSEUM_TOUR_UUID,
    FOOD_TOUR_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
)
from tests.support.browser import chromium, host_log, open_host, tab_to
from tests.support.common import REPO_ROOT
from tests.support.processes import serve_http

# The full run (`pytest -m ''` before the extra is installed) skips this module; CI then
# installs the browser extra and runs it (.ci/run). Chromium itself: see tests/support/browser.py
# (a skip without it, a failure under CI).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="needs the browser extra (Playwright for Python): pip install -e '.[browser]'",
    ),
]

ERAS = ["modern", "legacy"]  # 2026-07-28, and the 2025-11-25 handshake era
DOCS = REPO_ROOT / "docs"
SCREENSHOT_BYTES = 200_000


@pytest.fixture(scope="module")
def server_url(sandbox: SandboxServer) -> Iterator[str]:
    """`musement-mcp serve --transport http` on the session's sandbox, ready."""
    with serve_http(sandbox) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def field_id(path: str) -> str:
    """The form's id for a question (as the page builds it from the tools' paths)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "_", path)


def extra(activity: str, question: str) -> str:
    return field_id(f"extra_customer_data.{activity}.{question}")


# --- Rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize("era", ERAS)
def test_the_host_sees_the_form_and_the_protocol_era(
    browser: Any, server_url: str, era: str
) -> None:
    page, frame = open_host(browser, server_url, era=era, cart=BASE_CART_UUID)
    log = host_log(page)
    assert log["protocolVersion"] == ("2026-07-28" if era == "modern" else "2025-11-25")
    pointed = {tool["name"] for tool in log["tools"] if tool["uri"]}
    assert pointed == {"get_cart", "update_cart_customer", "update_participants"}
    # The frame runs under a CSP that allows no origin at all (the resource declares none).
    assert "connect-src 'none'" in log["csp"] and "default-src 'none'" in log["csp"]
    assert frame.locator("h1").inner_text() == "Customer details for your booking"
    page.close()


def test_the_base_form_has_labelled_fields_and_consent_left_unanswered(
    browser: Any, server_url: str
) -> None:
    page, frame = open_host(browser, server_url, cart=BASE_CART_UUID)
    form = frame.locator("#form")
    for label in ("First name", "Last name", "Email", "City", "Postcode"):
        assert form.get_by_label(label, exact=False).count() >= 1, label
    # Every control has an accessible name: its own label or its group's legend.
    unnamed = form.locator("input, select").evaluate_all(
        "nodes => nodes.filter(n => !(n.labels && n.labels.length)).map(n => n.id)"
    )
    assert unnamed == []
    # Consent: four Yes/No questions, none pre-ticked.
    for consent in ("musement_newsletter", "allow_profiling", "thirdparty_newsletter"):
        radios = form.locator(f'input[name="{consent}"]')
        assert radios.count() == 2
        assert radios.evaluate_all("nodes => nodes.filter(n => n.checked).length") == 0
    assert form.locator("input:checked").count() == 0
    # The hint and the error slot are tied to the input.
    described = form.locator("#f-email").get_attribute("aria-describedby")
    assert described == "f-email-err"
    missing = frame.locator("#missing").inner_text()
    assert "Still missing" in missing and "Email: is required" in missing
    page.close()


def test_activity_questions_are_grouped_with_the_right_controls(
    browser: Any, server_url: str
) -> None:
    page, frame = open_host(browser, server_url, cart=EXTRA_DATA_CART_UUID)
    legends = frame.locator("fieldset.group > legend").all_inner_texts()
    assert legends == ["Sandbox test activity", "Colosseum guided tour", "Trastevere food tour"]
    colosseum = frame.locator("fieldset.group", has_text="Colosseum guided tour")
    assert colosseum.get_by_label("Date of arrival in Rome").get_attribute("type") == "date"
    assert colosseum.locator('input[type="radio"]').count() == 3  # tour language: one of three
    food = frame.locator("fieldset.group", has_text="Trastevere food tour")
    assert food.locator('input[type="checkbox"]').count() == 4  # dietary requirements: several
    sandbox_activity = frame.locator("fieldset.group", has_text="Sandbox test activity")
    assert sandbox_activity.get_by_label("Phone number").get_attribute("type") == "number"
    page.close()


@pytest.mark.parametrize("era", ERAS)
def test_participants_are_asked_per_item_with_the_exact_count(
    browser: Any, server_url: str, era: str
) -> None:
    page, frame = open_host(browser, server_url, era=era, cart=PARTICIPANTS_CART_UUID)
    supper = frame.locator("section", has_text="Participants: The Last Supper guided tour")
    assert supper.locator(":scope > fieldset > legend").all_inner_texts() == [
        "Participant 1",
        "Participant 2",
    ]
    assert "Exactly 2 participant(s)" in supper.inner_text()
    trip = frame.locator("section", has_text="Participants: Montenegro day trip from Dubrovnik")
    assert trip.locator(":scope > fieldset > legend").all_inner_texts() == ["Participant 1"]
    # The Vatican item needs no participants: no section for it.
    assert frame.locator("section", has_text="Vatican Museums").count() == 0
    assert "must have exactly 2 entries" in frame.locator("#missing").inner_text()
    page.close()


def test_the_problems_of_the_models_failed_call_are_shown_at_their_fields(
    browser: Any, server_url: str
) -> None:
    """The host opens the form for the model's update_cart_customer call that failed
    validation: the same `details` appear at the fields (nothing was saved)."""
    args = json.dumps({"customer": {"firstname": "Ada", "email": "nope"}, "partial": None})
    page, frame = open_host(
        browser, server_url, cart=EXTRA_DATA_CART_UUID, tool="update_cart_customer", args=args
    )
    frame.locator("#f-email-err").filter(has_text="must be a valid email address").wait_for()
    tour = extra(COLOSSEUM_TOUR_UUID, "tour_language")
    assert frame.locator(f"#{tour}-err").inner_text() == "is required"
    assert frame.locator(f"#{tour}-0").get_attribute("aria-invalid") == "true"
    page.close()


def test_the_problems_of_a_failed_participants_call_are_shown_per_participant(
    browser: Any, server_url: str, sandbox: SandboxServer
) -> None:
    [supper] = [i for i in sandbox.state.carts[PARTICIPANTS_CART_UUID].items if i.quantity == 2]
    args = json.dumps({"cart_item_uuid": supper.uuid, "participants": [{"firstname": "Ada"}, {}]})
    page, frame = open_host(
        browser, server_url, cart=PARTICIPANTS_CART_UUID, tool="update_participants", args=args
    )
    second = field_id(f"participants.{supper.uuid}.1.firstname")
    frame.locator(f"#{second}-err").filter(has_text="is required").wait_for()
    first = field_id(f"participants.{supper.uuid}.0.firstname")
    assert frame.locator(f"#{first}-err").inner_text() == ""
    page.close()


def test_a_locked_cart_says_so(browser: Any, server_url: str) -> None:
    page, frame = open_host(browser, server_url, cart=LOCKED_CART_UUID)
    assert "can no longer change" in frame.locator("#status").inner_text()
    assert frame.locator("#form").is_hidden()
    page.close()


@pytest.mark.parametrize(
    ("theme", "background"), [("light", "rgb(255, 255, 255)"), ("dark", "rgb(23, 24, 27)")]
)
def test_the_form_follows_the_hosts_theme(
    browser: Any, server_url: str, theme: str, background: str
) -> None:
    page, frame = open_host(browser, server_url, cart=BASE_CART_UUID, theme=theme)
    root = frame.locator("html")
    assert root.get_attribute("data-theme") == theme
    assert root.evaluate("n => getComputedStyle(n).colorScheme") == theme
    assert frame.locator("body").evaluate("n => getComputedStyle(n).backgroundColor") == background
    page.close()


# --- Filling it in with the keyboard, a wrong answer, the save ---------------------------------


def type_into(page: Any, frame: Any, selector: str, text: str) -> None:
    tab_to(page, frame, selector)
    page.keyboard.type(text)


def choose(page: Any, frame: Any, name: str, value: str) -> None:
    """A single choice: Tab into the group (its first radio), Space, arrows to `value`."""
    values = frame.locator(f'input[name="{name}"]').evaluate_all("ns => ns.map(n => n.value)")
    tab_to(page, frame, f"#{field_id(name)}-0")
    page.keyboard.press("Space")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowRight")


def tick(page: Any, frame: Any, name: str, value: str) -> None:
    """One option of a multiple choice: Tab to its checkbox, Space."""
    values = frame.locator(f'input[name="{name}"]').evaluate_all("ns => ns.map(n => n.value)")
    tab_to(page, frame, f"#{field_id(name)}-{values.index(value)}")
    page.keyboard.press("Space")


def submit(page: Any, frame: Any) -> None:
    tab_to(page, frame, "#save")
    page.keyboard.press("Enter")


@pytest.fixture
def full_cart(make_cart: Callable[..., str]) -> str:
    """A cart of its own: a number, a date, single and multiple choices, participants."""
    return make_cart(
        SANDBOX_TEST_ACTIVITY_UUID,
        COLOSSEUM_TOUR_UUID,
        FOOD_TOUR_UUID,
        PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    )


@pytest.mark.parametrize("era", ERAS)
def test_a_keyboard_user_fills_it_in_corrects_a_wrong_answer_and_saves(
    browser: Any, server_url: str, sandbox: SandboxServer, full_cart: str, era: str
) -> None:
    page, frame = open_host(browser, server_url, era=era, cart=full_cart)
    [item] = [i for i in sandbox.state.carts[full_cart].items if i.activity_uuid == (
        PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID)]  # fmt: skip
    person = f"participants.{item.uuid}.0"

    type_into(page, frame, "#f-firstname", "Ada")
    type_into(page, frame, "#f-lastname", "Lovelace")
    type_into(page, frame, "#f-email", "ada.example.com")  # the wrong answer
    for consent in ("musement_newsletter", "allow_profiling", "thirdparty_newsletter"):
        choose(page, frame, consent, "NO")
    choose(page, frame, "events_related_newsletter", "YES")
    type_into(page, frame, "#" + extra(SANDBOX_TEST_ACTIVITY_UUID, "phone_number"), "3901234567")
    type_into(page, frame, "#" + extra(SANDBOX_TEST_ACTIVITY_UUID, "s_74380"), "Hotel Artemide")
    type_into(page, frame, "#" + extra(COLOSSEUM_TOUR_UUID, "s_81022"), "05152026")  # a date
    choose(page, frame, f"extra_customer_data.{COLOSSEUM_TOUR_UUID}.tour_language", "it")
    tick(page, frame, f"extra_customer_data.{FOOD_TOUR_UUID}.dietary_requirements", "vegan")
    tick(page, frame, f"extra_customer_data.{FOOD_TOUR_UUID}.dietary_requirements", "gluten_free")
    pickup = extra(PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, "s_52210")
    type_into(page, frame, "#" + pickup, "Hotel Excelsior")
    type_into(page, frame, "#" + field_id(f"{person}.firstname"), "Ada")
    type_into(page, frame, "#" + field_id(f"{person}.lastname"), "Lovelace")
    type_into(page, frame, "#" + field_id(f"{person}.date_of_birth"), "12101815")
    type_into(page, frame, "#" + field_id(f"{person}.nationality"), "British")
    type_into(page, frame, "#" + field_id(f"{person}.passport"), "X1234567")
    submit(page, frame)

    # The server's message, at the field, announced, and the focus taken there.
    error = frame.locator("#f-email-err")
    error.filter(has_text="must be a valid email address").wait_for()
    email = frame.locator("#f-email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "f-email-err" in (email.get_attribute("aria-describedby") or "")
    assert email.evaluate("n => n === document.activeElement")
    assert frame.locator("#problems").get_attribute("role") == "alert"
    assert "Email: must be a valid email address" in frame.locator("#problems").inner_text()
    # The customer's part was refused before anything reached Musement; the participants' was not.
    assert not sandbox.state.carts[full_cart].customer.get("email")

    # The correction, still by keyboard: the focus is on the email already.
    page.keyboard.press("Control+A")
    page.keyboard.type("ada@example.com")
    submit(page, frame)
    frame.locator("#status.ok").wait_for()
    assert error.inner_text() == ""
    assert email.get_attribute("aria-invalid") is None
    assert "ready for the order" in frame.locator("#missing").inner_text()

    # What reached the sandbox.
    cart = sandbox.state.carts[full_cart]
    stored = dict(cart.customer)
    assert {k: stored[k] for k in ("firstname", "lastname", "email")} == {
        "firstname": "Ada",
        "lastname": "Lovelace",
        "email": "ada@example.com",
    }
    assert stored["musement_newsletter"] == "NO" and stored["events_related_newsletter"] == "YES"
    answers = stored["extra_customer_data"]
    assert answers[COLOSSEUM_TOUR_UUID] == {"s_81022": "2026-05-15", "tour_language": "it"}
    assert answers[FOOD_TOUR_UUID]["dietary_requirements"] == ["vegan", "gluten_free"]
    assert str(answers[SANDBOX_TEST_ACTIVITY_UUID]["phone_number"]) == "3901234567"
    assert answers[PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID] == {"s_52210": "Hotel Excelsior"}
    [participant] = [i for i in cart.items if i.uuid == item.uuid][0].participants
    assert participant["date_of_birth"] == "1815-12-10" and participant["passport"] == "X1234567"

    # The conversation is told what changed, never the values.
    log = host_log(page)
    assert log["messages"], "no ui/message reached the host"
    text = log["messages"][-1]["content"][0]["text"]
    assert full_cart in text and '"ready_for_order":true' in text
    assert "Ada" not in text and "example.com" not in text
    assert log["context"][-1]["structuredContent"]["ready_for_order"] is True
    page.close()


# --- The screenshots in docs/ --------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(browser: Any, server_url: str, theme: str, tmp_path: Path) -> None:
    """The form in each theme, for the README; the dark one after a wrong answer."""
    page, frame = open_host(browser, server_url, cart=EXTRA_DATA_CART_UUID, theme=theme)
    if theme == "dark":
        type_into(page, frame, "#f-firstname", "Ada")
        type_into(page, frame, "#f-email", "ada.example.com")
        submit(page, frame)  # nothing is saved: the customer's part fails validation
        frame.locator("#f-email-err").filter(has_text="valid email").wait_for()
        frame.locator("html").evaluate("node => node.ownerDocument.defaultView.scrollTo(0, 0)")
        page.evaluate("window.scrollTo(0, 0)")
    box = page.locator("#app").bounding_box()
    target = DOCS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    path = target / f"checkout-form-{theme}.png"
    clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], 1100)}
    page.set_viewport_size({"width": 700, "height": int(box["y"] + clip["height"] + 20)})
    page.screenshot(path=str(path), clip=clip)
    assert 0 < path.stat().st_size < SCREENSHOT_BYTES
    page.close()
