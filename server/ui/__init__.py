"""The checkout form as an MCP App (extension `io.modelcontextprotocol/ui`, SEP-1865).

One `ui://` resource, `ui://musement/checkout-form.html`, served as
`text/html;profile=mcp-app`: the customer step as a real form (`checkout_form.html`,
package data). The page gets its data the way the model does: it calls get_cart,
get_customer_schema and get_participants_schema through the host (app-side `tools/call`
over postMessage) for the cart of the tool call it was opened for, and saves with
update_cart_customer and update_participants. So the labels, the groups, the choices and
every problem's `details` are the ones the tools return.

Negotiation: `get_cart`, `update_cart_customer` and `update_participants` carry
`_meta.ui.resourceUri` only for a request whose client declared the extension with the
`text/html;profile=mcp-app` MIME type (handshake era: in `initialize`; 2026-07-28 era: in
the capabilities every request carries). Every other client sees exactly the tool list,
resource list and results it saw before. See docs/ARCHITECTURE.md, "MCP Apps".
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import mcp_types as types
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID, client_supports_apps
from mcp.server.context import ServerRequestContext

from ...tools.labels import (
    CONSENT_FIELDS,
    KNOWN_BASE_FIELDS,
    choice_label,
    field_label,
    served_language,
)
from .strings import page_strings

__all__ = [
    "APP_MIME_TYPE",
    "apps_negotiated",
    "EXTENSION_ID",
    "FORM_URI",
    "UI_TOOLS",
    "form_html",
    "is_form_uri",
    "read_result",
    "ui_resource",
    "with_ui",
]

FORM_URI = "ui://musement/checkout-form.html"
# The tools whose results the form shows (the host renders it next to their calls).
UI_TOOLS = frozenset({"get_cart", "update_cart_customer", "update_participants"})
# The page loads nothing and connects nowhere: every domain list is empty, so the host's
# CSP allows no external origin (the page's own meta CSP says the same).
_CSP: dict[str, list[str]] = {"connectDomains": [], "resourceDomains": []}
_RESOURCE_META: dict[str, Any] = {"ui": {"csp": _CSP, "prefersBorder": True}}


def apps_negotiated(ctx: ServerRequestContext[Any]) -> bool:
    """Whether this request's client declared MCP Apps with the app MIME type.

    Handshake era: the capabilities of `initialize`. 2026-07-28 era: the capabilities this
    request carries in `_meta` (the SDK gives each request a connection built from them),
    never an earlier request's. Stateless HTTP in the handshake era (`--stateless`, or
    `--workers` above 1) has no session, so no capabilities: no form for those clients."""
    return client_supports_apps(ctx)


def with_ui(tools: list[types.Tool]) -> list[types.Tool]:
    """The tools, those of `UI_TOOLS` with `_meta.ui.resourceUri` pointing at the form."""
    return [
        tool.model_copy(update={"meta": {**(tool.meta or {}), "ui": {"resourceUri": FORM_URI}}})
        if tool.name in UI_TOOLS
        else tool
        for tool in tools
    ]


def ui_resource() -> types.Resource:
    """The form as `resources/list` shows it (to clients that negotiated the extension)."""
    return types.Resource(
        uri=FORM_URI,
        name="checkout_form",
        title="Musement checkout: customer step",
        description="The customer step of a cart as a form: the lead booker, the activities' "
        "questions and the participants, saved through the tools.",
        mime_type=APP_MIME_TYPE,
        _meta=_RESOURCE_META,
    )


def is_form_uri(uri: str) -> bool:
    return uri == FORM_URI


def read_result(language: str) -> types.ReadResourceResult:
    """`resources/read` of the form, its texts in `language` (the server's Accept-Language)."""
    return types.ReadResourceResult(
        contents=[
            types.TextResourceContents(
                uri=FORM_URI,
                mime_type=APP_MIME_TYPE,
                text=form_html(language),
                _meta=_RESOURCE_META,
            )
        ]
    )


@cache
def _template() -> str:
    return resources.files(__package__).joinpath("checkout_form.html").read_text("utf-8")


def _source_hash(text: str) -> str:
    """A CSP source allowing exactly this inline script or style element's text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _only(pattern: str, template: str) -> str:
    [text] = re.findall(pattern, template, re.S)
    return str(text)


@cache
def form_html(language: str) -> str:
    """The page: the template with its own texts (headings, buttons, Yes/No) in `language`,
    the consent fields (never pre-selected), and a CSP that runs only its own script."""
    served = served_language(language)
    strings: dict[str, Any] = {
        **page_strings(served),
        "yes": choice_label("YES", "YES", served),
        "no": choice_label("NO", "NO", served),
        "consents": sorted(CONSENT_FIELDS),
        # get_cart names base fields by path: their labels, for a host without server tools.
        "labels": {key: field_label(key, None, served) for key in sorted(KNOWN_BASE_FIELDS)},
    }
    # `</` inside a script element would end it: JSON allows `<\/` for the same string.
    embedded = json.dumps(strings, ensure_ascii=False).replace("</", "<\\/")
    template = _template()
    # The script and the style are static: their hashes instead of 'unsafe-inline', so no
    # injected inline script or style runs. The JSON block is data, never executed.
    script = _only(r"<script>(.*?)</script>", template)
    style = _only(r"<style>(.*?)</style>", template)
    return (
        template.replace("__SCRIPT_HASH__", _source_hash(script))
        .replace("__STYLE_HASH__", _source_hash(style))
        .replace("__LANG__", served)
        .replace('"__STRINGS__"', embedded)
    )
