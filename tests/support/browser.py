"""The browser tests' parts: Debian's Chromium driven by Playwright for Python (no browser
download), and the test host of tests/browser (ext-apps' AppBridge and the TypeScript SDK
client, bundled by tests/browser/install.sh), served on the MCP server's own origin."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

BROWSER_DIR = Path(__file__).parents[1] / "browser"
HOST_PAGE = BROWSER_DIR / "host.html"
HOST_BUNDLE = BROWSER_DIR / "host.bundle.js"
PROXY_PAGE = BROWSER_DIR / "proxy.html"
AXE_SOURCE = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
# What Chromium needs on this closed network: no background connections, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Readiness bounds: generous, a busy machine may be slow (never a performance budget).
# BROWSER_READY_MS shortens them for a quick look at failures (e.g. the tests on an old view).
READY_MS = int(os.environ.get("BROWSER_READY_MS", "120000"))


def _missing(what: str, how: str) -> None:
    # CI installs everything (.ci/run): there, a missing part is a failure, not a skip.
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed: {how}")
    pytest.skip(f"{what} is not installed: {how}")


def chromium_path() -> str:
    """Debian's Chromium; skips (fails under CI) when it is absent."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    _missing("chromium", "apt-get install -y --no-install-recommends chromium (.ci/run does)")
    raise AssertionError("unreachable")


def require_host() -> None:
    if not HOST_BUNDLE.exists():
        _missing(
            "the test host bundle (tests/browser/host.bundle.js)", "run tests/browser/install.sh"
        )


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (the system one, through Playwright), closed afterwards."""
    executable = chromium_path()
    require_host()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright", "pip install -e '.[browser]' (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def proxy_origin(server_url: str) -> str:
    """The sandbox proxy's origin: the server's, under the other loopback name (127.0.0.1 and
    localhost are different origins, and different sites)."""
    if "://127.0.0.1:" in server_url:
        return server_url.replace("://127.0.0.1:", "://localhost:", 1)
    return server_url.replace("://localhost:", "://127.0.0.1:", 1)


@contextmanager
def host_page(browser: Any, server_url: str, **query: str) -> Iterator[tuple[Any, Any]]:
    """The test host at `server_url/__host/` (served by the test, same origin as `/mcp`), its
    sandbox proxy at `/__proxy/` on the other origin (`proxy_origin`), waited on until the form
    has its data; yields (page, the form's frame: the proxy's inner frame). The query may set
    `load` (srcdoc, write) and `serverTools` (0: the host relays no tool call). The browser
    context (and with it the page) is closed afterwards, also when the test failed."""
    context = browser.new_context(locale="en-US", viewport={"width": 700, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(READY_MS)
        proxy = proxy_origin(server_url)

        def serve(route: Any) -> None:
            url = route.request.url
            files = {
                f"{server_url}/__host/": HOST_PAGE,
                f"{server_url}/__host/index.html": HOST_PAGE,
                f"{server_url}/__host/host.bundle.js": HOST_BUNDLE,
                f"{proxy}/__proxy/proxy.html": PROXY_PAGE,
            }
            file = files.get(url.split("?", 1)[0])
            if file is None:
                route.fulfill(status=404, body="not found")
                return
            kind = "text/html" if file.suffix == ".html" else "text/javascript"
            route.fulfill(status=200, body=file.read_bytes(), content_type=kind)

        # On the context: the proxy is a frame of another site (another process in Chromium).
        context.route(f"{server_url}/__host/**", serve)
        context.route(f"{proxy}/__proxy/**", serve)
        query = {"proxy": f"{proxy}/__proxy/proxy.html", **query}
        page.goto(f"{server_url}/__host/index.html?{urlencode(query)}")
        page.wait_for_function("window.hostLog && (window.hostLog.ready || window.hostLog.error)")
        error = page.evaluate("window.hostLog.error")
        assert error is None, error
        frame = page.frame_locator("#app").frame_locator("#view")
        # The form is shown once get_cart, get_customer_schema and the participants schemas
        # came; without tools, once the tool result is shown.
        frame.locator("#form:not([hidden]), #status.bad, #status.note").first.wait_for()
        yield page, frame
    finally:
        context.close()


def frame_of(locator: Any) -> Any:
    """The Playwright Frame (for wait_for_function, evaluate) of a frame locator's document."""
    return locator.locator("html").element_handle().owner_frame()


def proxy_frame(page: Any) -> Any:
    """The sandbox proxy's frame (its `relayLog` and `probe`)."""
    return frame_of(page.frame_locator("#app"))


def host_log(page: Any) -> dict[str, Any]:
    log: dict[str, Any] = page.evaluate("window.hostLog")
    return log


def tab_to(page: Any, frame: Any, selector: str, limit: int = 400) -> None:
    """Press Tab until the element `selector` of the form has the focus (keyboard only)."""
    target = frame.locator(selector)
    for _ in range(limit):
        if target.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reachable with Tab")
