"""A small version of the bounded load run (tests/load.py has the full one)."""

from __future__ import annotations

import pytest

from .conftest import serve_http
from .load import run_load

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", ["stateful", "stateless"])
async def test_mixed_load_has_no_errors_no_cross_talk_and_loses_nothing(sandbox, mode) -> None:
    extra = ["--stateless"] if mode == "stateless" else []
    with serve_http(sandbox, *extra) as (url, process):
        report = await run_load(url + "/mcp", sandbox, clients=12, calls=10, server_pid=process.pid)
    assert report.protocol_errors == []
    assert report.wrong_answers == []
    assert report.lost_updates == []
    assert report.calls == 12 * 10
