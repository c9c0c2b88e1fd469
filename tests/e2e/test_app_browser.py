"""The checkout form (MCP App) in a real browser: Debian's Chromium, headless, driven by
Playwright for Python, with the test host of tests/browser (ext-apps' AppBridge and the
TypeScript SDK client) connected to the server over Streamable HTTP, the server running
against the embedded sandbox. The form renders for the seeded carts, a user fills it in
with the keyboard only, a wrong answer shows the server's message at its field, and the save
reaches the sandbox.

The host gives the view only what the MCP Apps specification (2026-01-26) guarantees: a
sandbox proxy on another origin, `sandbox="allow-scripts allow-same-origin"` (no
`allow-forms`), the view as `srcdoc` (or written with document.write). axe-core checks the
initial, error and saved states in both themes.

`UPDATE_SCREENSHOTS=1 pytest -m browser -k screenshots` rewrites docs/checkout-form-*.png.
"""

from __future__ import annotations

import contextlib
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
    VATICAN_MUSEUMS_UUID,
)
from musement_mcp.tools.labels import CONSENT_FIELDS
from tests.support.browser import (
    AXE_SOURCE,
    READY_MS,
    chromium,
    frame_of,
    host_log,
    host_page,
    proxy_frame,
    tab_to,
)
from tests.support.common import ERA_2026_07_28, HANDSHAKE_ERA, REPO_ROOT
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

ERAS = [ERA_2026_07_28, HANDSHAKE_ERA]  # the 2026-07-28 era first, then the handshake era
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


Opener = Callable[..., tuple[Any, Any]]


@pytest.fixture
def open_host(browser: Any, server_url: str) -> Iterator[Opener]:
    """Opens the test host with a query (era, cart, tool, args, theme, field); returns (page,
    the form's frame). Every page's browser context is closed after the test, failed or not."""
    with contextlib.ExitStack() as stack:
        yield lambda **query: stack.enter_context(host_page(browser, server_url, **query))


def field_id(path: str) -> str:
    """The form's id for a question (as the page builds it from the tools' paths)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "_", path)


def extra(activity: str, question: str) -> str:
    return field_id(f"extra_customer_data.{activity}.{question}")


# --- Rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize("era", ERAS)
def test_the_host_sees_the_form_and_the_protocol_era(open_host: Opener, era: str) -> None:
    page, frame = open_host(era=era, cart=BASE_CART_UUID)
    log = host_log(page)
    assert log["protocolVersion"] == ("2026-07-28" if era == ERA_2026_07_28 else "2025-11-25")
    pointed = {tool["name"] for tool in log["tools"] if tool["uri"]}
    assert pointed == {"get_cart", "update_cart_customer", "update_participants"}
    # The page's own script ran (its CSP allows it by hash); a script injected inline does not.
    assert frame.locator("h1").inner_text() == "Customer details for your booking"
    ran = frame.locator("body").evaluate(
        """body => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          body.append(script);
          return window.injected === true;
        }"""
    )
    assert ran is False


def test_the_base_form_has_labelled_fields_and_consent_left_unanswered(open_host: Opener) -> None:
    page, frame = open_host(cart=BASE_CART_UUID)
    form = frame.locator("#form")
    for label in ("First name", "Last name", "Email", "City", "Postcode"):
        assert form.get_by_label(label, exact=False).count() >= 1, label
    # Every control has an accessible name: its own label or its group's legend.
    unnamed = form.locator("input, select").evaluate_all(
        "nodes => nodes.filter(n => !(n.labels && n.labels.length)).map(n => n.id)"
    )
    assert unnamed == []
    # Consent: four Yes/No questions, each a required radio group, none pre-ticked.
    assert len(CONSENT_FIELDS) == 4
    for consent in sorted(CONSENT_FIELDS):
        radios = form.locator(f'input[name="{consent}"]')
        assert radios.count() == 2
        assert radios.evaluate_all("nodes => nodes.filter(n => n.checked).length") == 0
        group = form.locator(f"#{field_id(consent)}")
        assert group.get_attribute("role") == "radiogroup"
        assert group.get_attribute("aria-required") == "true"
        # The group is described (hint, error slot), not each of its radios as well.
        assert group.get_attribute("aria-describedby")
        assert radios.evaluate_all("ns => ns.filter(n => n.hasAttribute('aria-describedby'))") == []
    assert form.locator("input:checked").count() == 0
    # The hint and the error slot are tied to the input.
    described = form.locator("#f-email").get_attribute("aria-describedby")
    assert described == "f-email-err"
    missing = frame.locator("#missing").inner_text()
    assert "Still missing" in missing and "Email: is required" in missing


def test_activity_questions_are_grouped_with_the_right_controls(open_host: Opener) -> None:
    page, frame = open_host(cart=EXTRA_DATA_CART_UUID)
    legends = frame.locator("fieldset.group > legend").all_inner_texts()
    assert legends == ["Sandbox test activity", "Colosseum guided tour", "Trastevere food tour"]
    colosseum = frame.locator("fieldset.group", has_text="Colosseum guided tour")
    assert colosseum.get_by_label("Date of arrival in Rome").get_attribute("type") == "date"
    assert colosseum.locator('input[type="radio"]').count() == 3  # tour language: one of three
    food = frame.locator("fieldset.group", has_text="Trastevere food tour")
    assert food.locator('input[type="checkbox"]').count() == 4  # dietary requirements: several
    sandbox_activity = frame.locator("fieldset.group", has_text="Sandbox test activity")
    assert sandbox_activity.get_by_label("Phone number").get_attribute("type") == "number"


@pytest.mark.parametrize("era", ERAS)
def test_participants_are_asked_per_item_with_the_exact_count(open_host: Opener, era: str) -> None:
    page, frame = open_host(era=era, cart=PARTICIPANTS_CART_UUID)
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


def test_the_problems_of_the_models_failed_call_are_shown_at_their_fields(
    open_host: Opener,
) -> None:
    """The host opens the form for the model's update_cart_customer call that failed
    validation: the same `details` appear at the fields (nothing was saved)."""
    args = json.dumps({"customer": {"firstname": "Ada", "email": "nope"}, "partial": None})
    page, frame = open_host(cart=EXTRA_DATA_CART_UUID, tool="update_cart_customer", args=args)
    frame.locator("#f-email-err").filter(has_text="must be a valid email address").wait_for()
    tour = extra(COLOSSEUM_TOUR_UUID, "tour_language")
    assert frame.locator(f"#{tour}-err").inner_text() == "is required"
    assert frame.locator(f"#{tour}-0").get_attribute("aria-invalid") == "true"
    # Shown, not focused: the user may be typing in the host's chat box.
    assert frame.locator("body").evaluate("body => document.activeElement === body")


def test_the_problems_of_a_failed_participants_call_are_shown_per_participant(
    open_host: Opener, sandbox: SandboxServer
) -> None:
    [supper] = [i for i in sandbox.state.carts[PARTICIPANTS_CART_UUID].items if i.quantity == 2]
    args = json.dumps({"cart_item_uuid": supper.uuid, "participants": [{"firstname": "Ada"}, {}]})
    page, frame = open_host(cart=PARTICIPANTS_CART_UUID, tool="update_participants", args=args)
    second = field_id(f"participants.{supper.uuid}.1.firstname")
    frame.locator(f"#{second}-err").filter(has_text="is required").wait_for()
    first = field_id(f"participants.{supper.uuid}.0.firstname")
    assert frame.locator(f"#{first}-err").inner_text() == ""


def test_a_failed_call_of_the_models_without_details_is_said_in_the_status(
    open_host: Opener,
) -> None:
    args = json.dumps({"cart_item_uuid": "00000000-0000-4000-8000-000000000000",
                       "participants": [{}]})  # fmt: skip
    _, frame = open_host(cart=PARTICIPANTS_CART_UUID, tool="update_participants", args=args)
    # cart_item_not_found: its message and hint, nothing at any field.
    status = frame.locator("#status.bad")
    status.filter(has_text="Musement has no such item in this cart.").wait_for()
    assert "get_cart lists the items of the cart" in status.inner_text()
    assert frame.locator("#problems").is_hidden()


def test_a_locked_cart_says_so(open_host: Opener) -> None:
    page, frame = open_host(cart=LOCKED_CART_UUID)
    assert "can no longer change" in frame.locator("#status").inner_text()
    assert frame.locator("#form").is_hidden()
    # No "Still missing" heading over an empty list: nothing can be added to this cart.
    assert frame.locator("#missing").is_hidden()
    assert frame.locator("#missing h2").count() == 0


@pytest.mark.parametrize(
    ("theme", "background"), [("light", "rgb(255, 255, 255)"), ("dark", "rgb(23, 24, 27)")]
)
def test_the_form_follows_the_hosts_theme(open_host: Opener, theme: str, background: str) -> None:
    page, frame = open_host(cart=BASE_CART_UUID, theme=theme)
    root = frame.locator("html")
    assert root.get_attribute("data-theme") == theme
    assert root.evaluate("n => getComputedStyle(n).colorScheme") == theme
    assert frame.locator("body").evaluate("n => getComputedStyle(n).backgroundColor") == background


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


@pytest.mark.parametrize(
    ("era", "load"),
    [(ERA_2026_07_28, "srcdoc"), (HANDSHAKE_ERA, "srcdoc"), (ERA_2026_07_28, "write")],
)
def test_a_keyboard_user_fills_it_in_corrects_a_wrong_answer_and_saves(
    open_host: Opener, sandbox: SandboxServer, full_cart: str, era: str, load: str
) -> None:
    page, frame = open_host(era=era, cart=full_cart, load=load)
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

    # The server's message, at the field, announced (once: the alert, not the status too),
    # and the focus taken there.
    error = frame.locator("#f-email-err")
    error.filter(has_text="must be a valid email address").wait_for()
    assert frame.locator("#status").inner_text() == ""
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
    # A number question gets a number, not the text of one.
    assert answers[SANDBOX_TEST_ACTIVITY_UUID]["phone_number"] == 3901234567
    assert answers[PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID] == {"s_52210": "Hotel Excelsior"}
    [participant] = [i for i in cart.items if i.uuid == item.uuid][0].participants
    assert participant["date_of_birth"] == "1815-12-10" and participant["passport"] == "X1234567"

    # The conversation is told what changed, never the values. Both reach the host after the
    # status is shown (the first save's come earlier): wait for the second save's.
    ready = "m => m.structuredContent && m.structuredContent.ready_for_order === true"
    page.wait_for_function(f"window.hostLog.context.some({ready})", timeout=READY_MS)
    said = "m => m.content[0].text.includes('\"ready_for_order\":true')"
    page.wait_for_function(f"window.hostLog.messages.some({said})", timeout=READY_MS)
    log = host_log(page)
    [text] = [m["content"][0]["text"] for m in log["messages"] if '"ready_for_order":true' in
              m["content"][0]["text"]]  # fmt: skip
    assert full_cart in text
    assert "Ada" not in text and "example.com" not in text


# --- Coming back to a saved cart, and a yes/no question -------------------------------------


def calls_of(page: Any, name: str) -> list[dict[str, Any]]:
    """The page's calls of the tool `name`, in order, with their arguments."""
    return [call["arguments"] for call in host_log(page)["calls"] if call["name"] == name]


def answer_consents(frame: Any) -> None:
    for consent in sorted(CONSENT_FIELDS):
        frame.locator(f'input[name="{consent}"][value="NO"]').check()


def save(frame: Any) -> str:
    """Saves with the button; returns the status once the save succeeded."""
    frame.locator("#save").click()
    frame.locator("#status.ok").wait_for()
    return str(frame.locator("#status").inner_text())


def test_a_saved_form_comes_back_with_its_answers_and_stored_participants_are_left_alone(
    open_host: Opener, sandbox: SandboxServer, make_cart: Callable[..., str]
) -> None:
    """A single choice saved as a string is selected again, so a full re-save keeps it; the
    participants (which the tools never return) are not sent again while their blocks are
    empty, so a re-save neither fails nor touches them."""
    cart = make_cart(COLOSSEUM_TOUR_UUID, PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID)
    [item] = [i for i in sandbox.state.carts[cart].items if i.activity_uuid == (
        PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID)]  # fmt: skip
    tour = f"extra_customer_data.{COLOSSEUM_TOUR_UUID}.tour_language"
    person = f"participants.{item.uuid}.0"
    _, frame = open_host(cart=cart)
    for path, text in [
        ("firstname", "Ada"),
        ("lastname", "Lovelace"),
        ("email", "ada@example.com"),
        (f"extra_customer_data.{COLOSSEUM_TOUR_UUID}.s_81022", "2026-05-15"),
        (f"extra_customer_data.{PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID}.s_52210", "Hotel Excelsior"),
        (f"{person}.firstname", "Ada"),
        (f"{person}.lastname", "Lovelace"),
        (f"{person}.date_of_birth", "1815-12-10"),
        (f"{person}.nationality", "British"),
        (f"{person}.passport", "X1234567"),
    ]:
        frame.locator(f"#{field_id(path)}").fill(text)
    answer_consents(frame)
    frame.locator(f'input[name="{tour}"][value="it"]').check()
    save(frame)

    def participants() -> list[dict[str, Any]]:
        [now] = [i for i in sandbox.state.carts[cart].items if i.uuid == item.uuid]
        return [dict(p) for p in now.participants]

    stored = participants()
    assert [p["passport"] for p in stored] == ["X1234567"]

    # Opened again: the saved answers are there (the consents are not: the user gives them).
    page, frame = open_host(cart=cart)
    assert frame.locator(f'input[name="{tour}"][value="it"]').is_checked()
    assert frame.locator("#f-firstname").input_value() == "Ada"
    assert frame.locator('input[name="musement_newsletter"]:checked').count() == 0
    section = frame.locator("section", has_text="Participants:")
    assert "1 participant(s) already stored" in section.inner_text()
    assert frame.locator(f"#{field_id(person + '.firstname')}").input_value() == ""

    answer_consents(frame)
    status = save(frame)
    assert "Participants unchanged" in status
    assert calls_of(page, "update_participants") == []
    [sent] = calls_of(page, "update_cart_customer")
    assert sent["customer"]["extra_customer_data"][COLOSSEUM_TOUR_UUID]["tour_language"] == "it"
    assert frame.locator(".err:not(:empty)").count() == 0
    customer = sandbox.state.carts[cart].customer
    assert customer["extra_customer_data"][COLOSSEUM_TOUR_UUID]["tour_language"] == "it"
    assert participants() == stored


WHEELCHAIR = {"path": "wheelchair", "title": "Wheelchair access", "type": "boolean",
              "required": False}  # fmt: skip


def test_an_unanswered_yes_no_question_is_not_sent(
    open_host: Opener, make_cart: Callable[..., str]
) -> None:
    """A boolean question without options (the host adds one to the schema: the sandbox asks
    none) is Yes/No with neither selected; unanswered, nothing is sent for it."""
    cart = make_cart(VATICAN_MUSEUMS_UUID)
    page, frame = open_host(cart=cart, field=json.dumps(WHEELCHAIR))
    group = frame.locator("#f-wheelchair")
    assert group.get_attribute("role") == "radiogroup"
    assert group.locator("label").all_inner_texts() == ["Yes", "No"]
    assert group.locator("input:checked").count() == 0
    for path, text in [("firstname", "Ada"), ("lastname", "Lovelace"),
                       ("email", "ada@example.com")]:  # fmt: skip
        frame.locator(f"#{field_id(path)}").fill(text)
    answer_consents(frame)
    save(frame)
    [sent] = calls_of(page, "update_cart_customer")
    assert "wheelchair" not in sent["customer"]
    assert sent["customer"]["musement_newsletter"] == "NO"

    # Answered, it is sent as a boolean (the sandbox does not know the question: no matter).
    group.get_by_label("Yes").check()
    frame.locator("#save").click()
    page.wait_for_function(
        "window.hostLog.calls.filter(c => c.name === 'update_cart_customer').length === 2"
    )
    assert calls_of(page, "update_cart_customer")[1]["customer"]["wheelchair"] is True


# --- The specification's minimal host (issue 28) ----------------------------------------------
# What a web host must give a view, and no more: a sandbox proxy on another origin, framed with
# exactly `allow-scripts allow-same-origin`, the view as `srcdoc` (or document.write) with the
# same two tokens: no `allow-forms` (a form's `submit` never fires), and `#id` links resolve
# against the proxy's URL.

LOADS = ["srcdoc", "write"]
GUARANTEED = "allow-scripts allow-same-origin"


def view_frame(frame: Any) -> Any:
    """The view's Playwright Frame (for wait_for_function)."""
    return frame_of(frame)


def wait_calls(page: Any, name: str, count: int) -> None:
    """Waits until the page has called `name` `count` times and the save that made the last
    call has read the cart back (its last step); then asserts no more were made."""
    saves = f"window.hostLog.calls.filter(c => c.name === '{name}').length"
    reads = "window.hostLog.calls.filter(c => c.name === 'get_cart').length"
    page.wait_for_function(f"{saves} >= {count} && {reads} >= 1 + {count}", timeout=READY_MS)
    assert len(calls_of(page, name)) == count


def fill_base(frame: Any, email: str = "ada@example.com") -> None:
    for path, text in [("firstname", "Ada"), ("lastname", "Lovelace"), ("email", email)]:
        frame.locator(f"#{field_id(path)}").fill(text)
    answer_consents(frame)


@pytest.mark.parametrize("load", LOADS)
def test_the_host_gives_only_what_the_specification_guarantees(
    open_host: Opener, load: str
) -> None:
    page, frame = open_host(cart=BASE_CART_UUID, load=load)
    outer = page.locator("#app")
    assert outer.get_attribute("sandbox") == GUARANTEED
    proxy = proxy_frame(page)
    host_origin = page.evaluate("location.origin")
    proxy_origin = proxy.evaluate("location.origin")
    assert proxy_origin != host_origin
    inner = proxy.evaluate(
        """() => { const f = document.getElementById("view");
                   return { sandbox: f.getAttribute("sandbox"), srcdoc: f.hasAttribute("srcdoc"),
                            src: f.getAttribute("src") }; }"""
    )
    assert inner == {"sandbox": GUARANTEED, "srcdoc": load == "srcdoc", "src": None}
    view = view_frame(frame)
    assert view.evaluate("location.href") == (
        "about:srcdoc" if load == "srcdoc" else proxy.evaluate("location.href")
    )
    assert view.evaluate("origin") == proxy_origin
    assert frame.locator("#form").is_visible()


@pytest.mark.parametrize("load", LOADS)
def test_save_works_without_allow_forms_from_the_button_and_enter_in_a_field(
    open_host: Opener, make_cart: Callable[..., str], load: str
) -> None:
    """Item 1: Enter and Space on Save, and Enter in a field, each save once (a form's
    `submit` never fires in this frame)."""
    cart = make_cart(VATICAN_MUSEUMS_UUID)
    page, frame = open_host(cart=cart, load=load)
    fill_base(frame)
    frame.locator("#save").focus()
    page.keyboard.press("Enter")
    wait_calls(page, "update_cart_customer", 1)
    frame.locator("#status.ok").wait_for()
    frame.locator("#save").focus()
    page.keyboard.press("Space")
    wait_calls(page, "update_cart_customer", 2)
    frame.locator("#f-lastname").focus()
    page.keyboard.press("Enter")
    wait_calls(page, "update_cart_customer", 3)
    frame.locator("#status.ok").wait_for()
    assert calls_of(page, "update_cart_customer")[2]["customer"]["lastname"] == "Lovelace"


@pytest.mark.parametrize("load", LOADS)
def test_the_summary_links_move_the_focus_and_keep_what_was_typed(
    open_host: Opener, make_cart: Callable[..., str], load: str
) -> None:
    """Item 2: a summary link (clicked, or Enter on it) takes the focus to its field; the view
    does not navigate (in a `srcdoc` view `#f-email` is the proxy's URL)."""
    cart = make_cart(VATICAN_MUSEUMS_UUID)
    page, frame = open_host(cart=cart, load=load)
    view = view_frame(frame)
    address = view.evaluate("location.href")
    fill_base(frame, email="ada.example.com")
    frame.locator("#save").click()
    link = frame.locator("#problems a", has_text="Email: must be a valid email address")
    link.wait_for()
    email = frame.locator("#f-email")
    for follow in ("click", "Enter"):
        frame.locator("#f-firstname").focus()
        if follow == "click":
            link.click()
        else:
            link.focus()
            page.keyboard.press("Enter")
        view.wait_for_function(
            "() => document.activeElement && document.activeElement.id === 'f-email'",
            timeout=READY_MS,
        )
        assert view.evaluate("location.href") == address
        assert frame.locator("#f-firstname").input_value() == "Ada"
        assert email.input_value() == "ada.example.com"
    assert email.get_attribute("aria-invalid") == "true"


CONTENT_BLANK = """() => Math.round(innerHeight - document.body.getBoundingClientRect().height)"""


def test_the_frame_follows_the_content_down_as_well_as_up(
    open_host: Opener, make_cart: Callable[..., str]
) -> None:
    """Item 3: the height the view reports is its content's, so the frame shrinks after the
    corrections (no blank space under the form) and grows with the problems (no scrollbar)."""
    cart = make_cart(VATICAN_MUSEUMS_UUID)
    page, frame = open_host(cart=cart)
    view = view_frame(frame)
    fits = f"() => Math.abs(({CONTENT_BLANK})()) <= 1"
    view.wait_for_function(fits, timeout=READY_MS)
    frame.locator("#save").click()  # nothing filled in: a problem at every required field
    frame.locator("#problems:not([hidden])").wait_for()
    view.wait_for_function(fits, timeout=READY_MS)
    tall = view.evaluate("innerHeight")
    fill_base(frame)
    frame.locator("#save").click()
    frame.locator("#status.ok").wait_for()
    view.wait_for_function(fits, timeout=READY_MS)
    short = view.evaluate("innerHeight")
    assert short < tall
    sizes = host_log(page)["sizes"]
    assert sizes[-1] == short and max(sizes) == tall


def test_a_host_without_server_tools_shows_the_cart_and_says_how_to_save(
    open_host: Opener,
) -> None:
    """Item 4: no `serverTools`: the view calls nothing, shows what get_cart's result carries
    and says how to save."""
    page, frame = open_host(cart=BASE_CART_UUID, serverTools="0")
    status = frame.locator("#status.note")
    assert "Give the assistant the missing details in the chat" in status.inner_text()
    missing = frame.locator("#missing")
    missing.filter(has_text="Email: is required").wait_for()
    assert "Still missing" in missing.inner_text()
    assert host_log(page)["calls"] == []


def test_a_host_without_server_tools_shows_the_models_failed_call(open_host: Opener) -> None:
    args = json.dumps({"customer": {"firstname": "Ada", "email": "nope"}, "partial": None})
    page, frame = open_host(
        cart=EXTRA_DATA_CART_UUID, tool="update_cart_customer", args=args, serverTools="0"
    )
    frame.locator("#status.note").wait_for()
    missing = frame.locator("#missing")
    missing.filter(has_text="Email: must be a valid email address").wait_for()
    assert host_log(page)["calls"] == []


def test_the_view_speaks_after_initialized_and_refuses_unknown_requests(
    open_host: Opener,
) -> None:
    """Item 5: `ui/notifications/initialized` before anything else the view sends (after the
    `ui/initialize` request); ping and teardown answered `{}`, an unknown method -32601."""
    page, frame = open_host(cart=BASE_CART_UUID)
    proxy = proxy_frame(page)
    page.wait_for_function("window.hostLog.sizes.length > 0")
    sent = proxy.evaluate(
        "() => relayLog.filter(r => r.to === 'host').map(r => r.message.method || null)"
    )
    assert sent[0] == "ui/initialize"
    assert sent[1] == "ui/notifications/initialized"
    assert "ui/notifications/size-changed" in sent
    answers = {
        method: proxy.evaluate("method => probe(method, {})", method)
        for method in ("ping", "ui/resource-teardown", "ui/no-such-method", "tools/call")
    }
    assert answers["ping"]["result"] == {}
    assert answers["ui/resource-teardown"]["result"] == {}
    for unknown in ("ui/no-such-method", "tools/call"):
        assert answers[unknown]["error"]["code"] == -32601, answers[unknown]
        assert "result" not in answers[unknown]


def test_the_models_failed_call_shows_its_values_but_no_consent_or_secret(
    open_host: Opener, sandbox: SandboxServer, make_cart: Callable[..., str]
) -> None:
    """Item 6: the problems of the model's failed call sit under the values it tried (not under
    empty fields), except a consent (the customer's to give) and a passport (a secret)."""
    cart = make_cart(VATICAN_MUSEUMS_UUID)
    customer = {"firstname": "Ada", "email": "nope", "musement_newsletter": "YES"}
    args = json.dumps({"customer": customer, "partial": None})
    _, frame = open_host(cart=cart, tool="update_cart_customer", args=args)
    frame.locator("#f-email-err").filter(has_text="must be a valid email address").wait_for()
    assert frame.locator("#f-email").input_value() == "nope"
    assert frame.locator("#f-firstname").input_value() == "Ada"
    assert frame.locator('input[name="musement_newsletter"]:checked').count() == 0

    cart = make_cart(PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID)
    [item] = sandbox.state.carts[cart].items
    tried = [{"firstname": "Ada", "lastname": "Lovelace", "passport": "X1234567"}]
    args = json.dumps({"cart_item_uuid": item.uuid, "participants": tried})
    _, frame = open_host(cart=cart, tool="update_participants", args=args)
    person = f"participants.{item.uuid}.0"
    frame.locator("#problems:not([hidden])").wait_for()
    assert frame.locator(f"#{field_id(person + '.firstname')}").input_value() == "Ada"
    assert frame.locator(f"#{field_id(person + '.lastname')}").input_value() == "Lovelace"
    assert frame.locator(f"#{field_id(person + '.passport')}").input_value() == ""


def test_the_summary_says_which_participant_of_which_activity(
    open_host: Opener, sandbox: SandboxServer
) -> None:
    """Item 6: a participant's problem in the summary names the activity and the participant
    ("Email: ..." is also the lead booker's)."""
    [supper] = [i for i in sandbox.state.carts[PARTICIPANTS_CART_UUID].items if i.quantity == 2]
    args = json.dumps({"cart_item_uuid": supper.uuid, "participants": [{"firstname": "Ada"}, {}]})
    _, frame = open_host(cart=PARTICIPANTS_CART_UUID, tool="update_participants", args=args)
    summary = frame.locator("#problems")
    summary.filter(has_text="Participant 2").wait_for()
    lines = summary.locator("li").all_inner_texts()
    second = [line for line in lines if "Participant 2" in line]
    assert second and all(
        line.startswith("Participants: The Last Supper guided tour · Participant 2 · ")
        for line in second
    ), lines
    assert (
        "Participants: The Last Supper guided tour · Participant 2 · First name: is required"
        in (lines)
    )


def test_the_consent_choices_keep_the_domains_order(open_host: Opener) -> None:
    """Item 6: YES before NO, as the domain orders them; the view does not reorder."""
    _, frame = open_host(cart=BASE_CART_UUID)
    for consent in sorted(CONSENT_FIELDS):
        radios = frame.locator(f'input[name="{consent}"]')
        assert radios.evaluate_all("ns => ns.map(n => n.value)") == ["YES", "NO"]
        labels = frame.locator(f"#{field_id(consent)} label").all_inner_texts()
        assert [label.strip() for label in labels] == ["Yes", "No"]


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def axe_violations(frame: Any) -> list[dict[str, Any]]:
    """axe-core (tests/browser/node_modules, no network) on the view's document. Playwright's
    evaluate is not bound by the view's CSP: the view's own policy stays as it is."""
    view = view_frame(frame)
    if not view.evaluate("typeof window.axe === 'object'"):
        view.evaluate(AXE_SOURCE.read_text("utf-8") + "\n;undefined")
    found: list[dict[str, Any]] = view.evaluate(
        """tags => axe.run(document, { runOnly: { type: "tag", values: tags },
                                       resultTypes: ["violations"] })
              .then(r => r.violations.map(v => ({ id: v.id, impact: v.impact,
                                                  targets: v.nodes.map(n => n.target) })))""",
        AXE_TAGS,
    )
    return found


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_nothing_initially_with_problems_and_saved(
    open_host: Opener, make_cart: Callable[..., str], theme: str
) -> None:
    """Items 6 and 7: 0 violations (target-size, WCAG 2.2 2.5.8, included) in the initial,
    error and saved states."""
    if not AXE_SOURCE.exists():
        pytest.fail("axe-core is not installed: run tests/browser/install.sh")
    cart = make_cart(COLOSSEUM_TOUR_UUID)
    page, frame = open_host(cart=cart, theme=theme)
    assert axe_violations(frame) == [], "initial"
    frame.locator("#f-email").fill("ada.example.com")
    frame.locator("#save").click()
    frame.locator("#problems a").first.wait_for()
    assert axe_violations(frame) == [], "problems"
    fill_base(frame)
    frame.locator(
        f'input[name="extra_customer_data.{COLOSSEUM_TOUR_UUID}.tour_language"]'
    ).first.check()
    frame.locator(f"#{extra(COLOSSEUM_TOUR_UUID, 's_81022')}").fill("2026-05-15")
    frame.locator("#save").click()
    frame.locator("#status.ok").wait_for()
    assert axe_violations(frame) == [], "saved"


# --- The screenshots in docs/ --------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(open_host: Opener, theme: str, tmp_path: Path) -> None:
    """The form in each theme, for the README; the dark one after a wrong answer."""
    page, frame = open_host(cart=EXTRA_DATA_CART_UUID, theme=theme)
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
