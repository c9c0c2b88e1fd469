"""A small version of the bounded load run (tests/support/load.py has the full one)."""

from __future__ import annotations

import pytest

from tests.support.load import run_load
from tests.support.processes import serve_http

pytestmark = [pytest.mark.anyio, pytest.mark.load]


@pytest.mark.parametrize("mode", ["stateful", "stateless"])
async def test_mixed_load_has_no_errors_no_cross_talk_and_loses_nothing(sandbox, mode) -> None:
    extra = ["--stateless"] if mode == "stateless" else []
    with serve_http(sandbox, *extra) as (url, process):
        report = await run_load(url + "/mcp", sandbox, clients=12, calls=10, server_pid=process.pid)
    assert report.protocol_errors == []
    assert report.wrong_answers == []
    assert report.lost_updates == []
    assert report.calls == 12 * 10
