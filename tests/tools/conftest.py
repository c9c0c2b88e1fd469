"""The domain's tests run on the sandbox in memory (tests/support/in_memory.py): `sandbox` is a
fresh one per test (it replaces the session's loopback sandbox here; tests/tools/catalog/ keeps
the loopback one), `client` a MusementClient connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from musement_mcp.tools import MusementClient
from tests.support.in_memory import InMemorySandbox


@pytest.fixture
def sandbox() -> InMemorySandbox:
    return InMemorySandbox()


@pytest.fixture
async def client(sandbox: InMemorySandbox) -> AsyncIterator[MusementClient]:
    async with sandbox.client() as client:
        yield client
