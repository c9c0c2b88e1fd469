"""Shared fixtures: the embedded sandbox over loopback HTTP, real MCP clients (one protocol
era, or both with `both_eras`), the Node test clients, and the test categories (markers) with
the fast default selection. The domain's tests reach the sandbox in memory instead:
tests/support/in_memory.py.

Helpers with public names live in tests/support/; import them from there, not from here.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from musement_mcp.sandbox import SandboxServer, product_id_of
from musement_mcp.server import Settings, build_server
from tests.support.common import DEFAULT_ERA, ERAS, TEST_APPLICATION, client_mode, settings_for
from tests.support.node import HttpServers, require_node
from tests.support.redis import redis_server  # noqa: F401  (a fixture: a real redis-server)

# Test categories left out of the default (fast) run: each also carries `slow`, and
# pyproject's addopts deselect `slow`. `pytest -m ''` runs everything, as CI does.
SLOW_CATEGORIES = (
    "process", "node", "packaging", "replicas", "load", "bench", "property", "adapters", "browser",
    "n8n",
)  # fmt: skip
# pytest-timeout: the default (pyproject's `timeout`) is for a test of the fast run; a test of a
# slow category (a wheel built and installed three ways, nginx replicas, a browser) gets this.
SLOW_TIMEOUT = 900
# Modules all of whose tests are in one slow category, and whose imports cost enough to matter
# (hypothesis and hypothesis-jsonschema: ~0.7 s): not even imported when `-m` leaves that
# category out, as the default run does. When they are collected, each of their tests is
# checked to carry the category, so a test added there without it cannot go unrun.
MODULES_OF_ONE_CATEGORY = {
    "tests/tools/test_fast_check.py": "property",
    "tests/server/test_property_based.py": "property",
}


def _selects(markexpr: str, marks: set[str]) -> bool:
    """Whether `-m markexpr` selects a test with exactly `marks`; True when unsure."""
    if not markexpr:
        return True
    try:
        from _pytest.mark.expression import Expression  # pytest's own `-m` parser

        return Expression.compile(markexpr).evaluate(lambda name, **_: name in marks)
    except Exception:  # another pytest's internals: collect, and let `-m` deselect
        return True


def _module_of(path: Path, config: pytest.Config) -> str:
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return ""


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    category = MODULES_OF_ONE_CATEGORY.get(_module_of(collection_path, config))
    if category is None or _selects(config.option.markexpr, {category, "slow"}):
        return None  # the other rules decide
    return True


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """hypothesis's pytest plugin imports all of hypothesis (~0.7 s) for its end-of-run
    summary, even when no test used it and it has nothing to report; then it is left out."""
    if "hypothesis" not in sys.modules:
        plugin = session.config.pluginmanager.get_plugin("hypothesispytest")
        if plugin is not None:
            session.config.pluginmanager.unregister(plugin)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        category = MODULES_OF_ONE_CATEGORY.get(_module_of(item.path, config))
        if category is not None and item.get_closest_marker(category) is None:
            raise pytest.UsageError(
                f"{item.nodeid}: its module is skipped unless `-m` selects {category} "
                "(MODULES_OF_ONE_CATEGORY in tests/conftest.py); mark it so"
            )
        if any(item.get_closest_marker(name) for name in SLOW_CATEGORIES):
            item.add_marker(pytest.mark.slow)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox for the session; tests that write use carts of their own."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
def faulty_sandbox() -> Iterator[SandboxServer]:
    """A sandbox of the test's own, with fault injection on."""
    with SandboxServer(faults=True) as server:
        yield server


@pytest.fixture
def settings(sandbox: SandboxServer) -> Settings:
    return settings_for(sandbox)


@pytest.fixture(params=ERAS)
def both_eras(request: pytest.FixtureRequest) -> str:
    """The test runs once in each protocol era ("handshake": the handshake era, 2025-11-25;
    "2026-07-28": the 2026-07-28 era), and `client` connects in it. Only where the era matters:
    elicitation, list_changed, MCP Apps negotiation, transports."""
    return request.param


@pytest.fixture
def era(both_eras: str) -> str:
    """`both_eras` by its older name (tests/server/test_transports.py asks for it)."""
    return both_eras


@pytest.fixture
def client_era(request: pytest.FixtureRequest) -> str:
    """The era `client` connects in: DEFAULT_ERA, or each era for a test that asks for
    `both_eras` (or `era`)."""
    for name in ("both_eras", "era"):
        if name in request.fixturenames:
            chosen: str = request.getfixturevalue(name)
            return chosen
    return DEFAULT_ERA


@pytest.fixture
async def client(settings: Settings, client_era: str) -> AsyncIterator[Client]:
    """A real MCP client connected in-process: in DEFAULT_ERA, or in each era for a test
    that also asks for `both_eras`."""
    async with Client(build_server(settings), mode=client_mode(client_era)) as connected:
        yield connected


@pytest.fixture(scope="module")
def sandbox_http(sandbox: SandboxServer) -> Iterator[httpx2.Client]:
    """One HTTP client to the session's sandbox, with the application header, for setting up
    carts (a new client per test costs a TLS context, ~50 ms, even for plain HTTP)."""
    headers = {"X-Musement-Application": TEST_APPLICATION}
    with httpx2.Client(base_url=sandbox.base_url + "/", headers=headers) as http:
        yield http


@pytest.fixture
def make_cart(sandbox_http: httpx2.Client) -> Callable[..., str]:
    """Create a cart with items over the sandbox's HTTP API; returns its UUID."""

    def make(*activities: str, quantity: int = 1) -> str:
        cart = sandbox_http.post("carts").raise_for_status().json()
        if activities:
            items = [
                {"type": "musement", "product_identifier": product_id_of(a), "quantity": quantity}
                for a in activities
            ]
            sandbox_http.post(f"carts/{cart['uuid']}/items", json=items).raise_for_status()
        return cart["uuid"]

    return make


@pytest.fixture(scope="session")
def node() -> str:
    """The Node >= 22 that runs the test clients of tests/node; skips without one."""
    return require_node()


@pytest.fixture(scope="module")
def http_servers(sandbox: SandboxServer) -> Iterator[HttpServers]:
    """Streamable HTTP servers on the session's sandbox, one per mode, for the module."""
    with contextlib.ExitStack() as stack:
        yield HttpServers(sandbox, stack)
