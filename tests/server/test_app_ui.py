"""The checkout form as an MCP App, without a browser: the negotiation of the extension
`io.modelcontextprotocol/ui` in both protocol eras through real MCP clients, the `ui://`
resource, and the data the page reads from the tools (the page itself runs in Chromium in
tests/e2e/test_app_browser.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise

from musement_mcp.sandbox import (
    EXTRA_DATA_CART_UUID,
    PARTICIPANTS_CART_ITEM_UUIDS,
    PARTICIPANTS_CART_UUID,
    SandboxServer,
)
from musement_mcp.server import Settings, build_server
from musement_mcp.server.ui import (
    APP_MIME_TYPE,
    EXTENSION_ID,
    FORM_URI,
    UI_TOOLS,
    form_html,
)
from musement_mcp.server.ui.strings import page_strings
from musement_mcp.tools.labels import CONSENT_FIELDS, field_label
from tests.support.common import ERA_2026_07_28, HANDSHAKE_ERA, client_mode, error_of
from tests.support.processes import serve_http
from tests.support.snapshots import tool_snapshots

pytestmark = pytest.mark.anyio

APPS = advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})


def dumped(tools: list[Any]) -> list[dict[str, Any]]:
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


async def test_without_the_extension_the_tools_and_resources_are_todays(
    client: Client, both_eras: str
) -> None:
    assert dumped((await client.list_tools()).tools) == tool_snapshots()
    assert (await client.list_resources()).resources == []


async def test_the_server_offers_the_extension(client: Client, both_eras: str) -> None:
    # 2026-07-28 (`server/discover`) carries server extensions; the SDK's 2025-11-25 wire has
    # no such field, so there a host learns of the form from the tools' `_meta.ui` alone.
    expected = None if both_eras == HANDSHAKE_ERA else {EXTENSION_ID: {}}
    assert client.server_capabilities.extensions == expected


async def test_with_the_extension_three_tools_point_at_the_form(
    settings: Settings, both_eras: str
) -> None:
    async with Client(
        build_server(settings), mode=client_mode(both_eras), extensions=[APPS]
    ) as client:
        tools = dumped((await client.list_tools()).tools)
    pointed = {tool["name"]: tool["_meta"]["ui"] for tool in tools if "ui" in tool.get("_meta", {})}
    assert pointed == {
        name: {"resourceUri": FORM_URI}
        for name in ("get_cart", "update_cart_customer", "update_participants")
    }
    # Apart from `_meta` (not model-facing), the definitions are the snapshotted ones.
    without_meta = [{k: v for k, v in tool.items() if k != "_meta"} for tool in tools]
    assert without_meta == tool_snapshots()


@pytest.mark.process
@pytest.mark.parametrize(("era", "form"), [(HANDSHAKE_ERA, False), (ERA_2026_07_28, True)])
async def test_stateless_http_in_the_handshake_era_sees_no_form(
    sandbox: SandboxServer, era: str, form: bool
) -> None:
    """`--stateless` (and `--workers` above 1, which forces it): a 2025-11-25 client's
    `initialize` capabilities are not kept for its later requests, so it gets today's tools
    even though it declared the extension; a 2026-07-28 client declares them per request."""
    with serve_http(sandbox, "--stateless") as (url, _):
        async with Client(url + "/mcp", mode=client_mode(era), extensions=[APPS]) as client:
            tools = (await client.list_tools()).tools
            listed = (await client.list_resources()).resources
    pointed = {t.name for t in tools if (t.meta or {}).get("ui")}
    assert pointed == (set(UI_TOOLS) if form else set())
    assert [str(r.uri) for r in listed] == ([FORM_URI] if form else [])


@pytest.mark.parametrize(
    "declared",
    [
        advertise(EXTENSION_ID),  # no settings: the app MIME type is not declared
        advertise(EXTENSION_ID, {"mimeTypes": ["text/html"]}),
        advertise("io.example/other", {"mimeTypes": [APP_MIME_TYPE]}),
    ],
    ids=["no-mime-types", "other-mime-type", "other-extension"],
)
async def test_a_declaration_without_the_app_mime_type_is_not_apps(
    settings: Settings, both_eras: str, declared: Any
) -> None:
    async with Client(
        build_server(settings), mode=client_mode(both_eras), extensions=[declared]
    ) as client:
        assert dumped((await client.list_tools()).tools) == tool_snapshots()
        assert (await client.list_resources()).resources == []


async def test_the_list_follows_each_clients_declaration_not_an_earlier_one(
    settings: Settings, both_eras: str
) -> None:
    """One server, clients one after the other: nothing of a client's declaration stays
    behind for the next (2026-07-28: each request carries its own capabilities)."""
    server = build_server(settings)
    for extensions in ([APPS], [], [APPS], []):
        async with Client(server, mode=client_mode(both_eras), extensions=extensions) as client:
            tools = (await client.list_tools()).tools
            pointed = {t.name for t in tools if (t.meta or {}).get("ui")}
            assert pointed == (set(UI_TOOLS) if extensions else set())


async def test_the_form_is_a_listed_resource_for_apps_clients(
    settings: Settings, both_eras: str
) -> None:
    async with Client(
        build_server(settings), mode=client_mode(both_eras), extensions=[APPS]
    ) as client:
        listed = (await client.list_resources()).resources
        read = await client.read_resource(FORM_URI)
    assert [(str(r.uri), r.mime_type) for r in listed] == [(FORM_URI, APP_MIME_TYPE)]
    [content] = read.contents
    assert content.mime_type == APP_MIME_TYPE
    assert content.text == form_html(settings.language)
    # Nothing external: the CSP the host builds from this declares no origin at all.
    assert content.meta == {
        "ui": {"csp": {"connectDomains": [], "resourceDomains": []}, "prefersBorder": True}
    }
    assert listed[0].meta == content.meta


async def test_any_client_can_read_the_form(client: Client) -> None:
    [content] = (await client.read_resource(FORM_URI)).contents
    assert content.mime_type == APP_MIME_TYPE
    assert content.text.startswith("<!doctype html>")


def test_the_page_is_small_self_contained_and_loads_nothing() -> None:
    html = form_html("en-US")
    assert len(html.encode()) < 40_000
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html) is None
    assert "import(" not in html and "fetch(" not in html and "XMLHttpRequest" not in html
    assert "default-src 'none'" in html and "form-action 'none'" in html
    assert "__LANG__" not in html and "__STRINGS__" not in html


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


async def test_the_served_pages_csp_runs_only_its_own_script_and_style(client: Client) -> None:
    """No 'unsafe-inline': the page's one inline script and style are allowed by their hash,
    so no script injected into the page could run. The JSON texts block is data."""
    [content] = (await client.read_resource(FORM_URI)).contents
    html = content.text
    [policy] = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert "'unsafe-inline'" not in policy and "unsafe-eval" not in policy
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    [script] = re.findall(r"<script>(.*?)</script>", html, re.S)
    [style] = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert directives["script-src"] == sha256_source(script)
    assert directives["style-src"] == sha256_source(style)
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts == [' id="strings" type="application/json"', ""]


@pytest.mark.parametrize(
    ("language", "save", "yes"),
    [
        ("en-US", "Save details", "Yes"),
        ("it-IT", "Salva i dati", "Sì"),
        ("de-DE", "Angaben speichern", "Ja"),
        ("fr-FR", "Enregistrer", "Oui"),
        ("es-ES", "Guardar datos", "Sí"),
        ("pt-BR", "Save details", "Yes"),
    ],
)
def test_the_page_speaks_the_configured_language(language: str, save: str, yes: str) -> None:
    html = form_html(language)
    strings = json.loads(re.search(r'type="application/json">(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert strings["save"] == save and strings["yes"] == yes
    # `lang` names the language of the texts served: English when the configured one has none.
    served = "en" if language == "pt-BR" else language[:2]
    assert f'<html lang="{served}">' in html
    assert set(strings) == set(page_strings("en-US")) | {"yes", "no", "consents", "labels"}
    # The consents the page never pre-selects are the server's own list.
    assert strings["consents"] == sorted(CONSENT_FIELDS)
    # The base fields get_cart names by path, labelled in the served language.
    assert strings["labels"]["firstname"] == field_label("firstname", None, language)


def test_embedded_texts_cannot_end_the_script_element() -> None:
    html = form_html("en-US")
    embedded = re.search(r'type="application/json">(.*?)</script>', html, re.S)[1]  # type: ignore[index]
    assert "</" not in embedded


# --- The page's data: what it reads from the tools is enough to build and check the form ---


async def test_the_page_finds_every_problem_a_field_of_its_form(client: Client) -> None:
    """The page shows each `details` entry at the input of the same path: every path of a
    failed full save is a question of get_customer_schema."""
    schema = await client.call_tool("get_customer_schema", {"cart_uuid": EXTRA_DATA_CART_UUID})
    paths = {field["path"] for field in schema.structured_content["fields"]}
    failed = await client.call_tool(
        "update_cart_customer",
        {"cart_uuid": EXTRA_DATA_CART_UUID, "customer": {"email": "nope"}, "partial": None},
    )
    details = error_of(failed)["details"]
    assert details and {detail["path"] for detail in details} <= paths
    assert {"path": "email", "kind": "bad_format", "message": "must be a valid email address",
            "title": "Email", "format": "email"} in details  # fmt: skip


async def test_the_page_groups_activity_questions_by_activity_name(client: Client) -> None:
    schema = await client.call_tool("get_customer_schema", {"cart_uuid": EXTRA_DATA_CART_UUID})
    fields = schema.structured_content["fields"]
    groups = {field.get("group") for field in fields if field["path"].startswith("extra_")}
    assert groups == {"Sandbox test activity", "Colosseum guided tour", "Trastevere food tour"}
    by_title = {field["title"]: field for field in fields}
    # The controls the page picks: a date picker, a single choice, a multiple choice, a number.
    assert by_title["Date of arrival in Rome"]["format"] == "date"
    assert len(by_title["Tour language"]["options"]) == 3
    assert by_title["Dietary requirements"]["multiple"] is True
    assert by_title["Phone number"]["type"] == "number"
    # Consent questions come with their Yes/No choices and what YES means.
    consent = by_title["Musement newsletter"]
    assert {o["value"] for o in consent["options"]} == {"YES", "NO"} and consent["description"]


async def test_the_page_knows_how_many_participants_each_item_needs(client: Client) -> None:
    cart = await client.call_tool("get_cart", {"cart_uuid": PARTICIPANTS_CART_UUID})
    items = {i["cart_item_uuid"]: i for i in cart.structured_content["items"]}
    needed = [i for i in PARTICIPANTS_CART_ITEM_UUIDS if items[i].get("participants_required")]
    assert len(needed) == 2
    for item_uuid in needed:
        schema = await client.call_tool(
            "get_participants_schema",
            {"cart_uuid": PARTICIPANTS_CART_UUID, "cart_item_uuid": item_uuid},
        )
        assert schema.structured_content["quantity"] == items[item_uuid]["quantity"]
        assert all(
            f["path"].startswith("participants.*.") for f in schema.structured_content["fields"]
        )
