"""The catalog tests' sandbox: one over loopback for the package (adds take seats, so not
the session's), and a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from musement_mcp.sandbox import SandboxServer
from musement_mcp.tools import MusementClient
from tests.support.common import settings_for


@pytest.fixture(scope="package")
def own_sandbox() -> Iterator[SandboxServer]:
    """A sandbox of the catalog tests' own: adds take seats."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
async def musement(own_sandbox: SandboxServer) -> AsyncIterator[MusementClient]:
    async with MusementClient(settings_for(own_sandbox).musement_config()) as client:
        yield client
