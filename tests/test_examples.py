"""The examples run as users run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from musement_mcp.sandbox import VATICAN_MUSEUMS_UUID

from .conftest import serve_http

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_customer_step_example_saves_the_customer() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "customer_step.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["mode"] == "full"
    assert result["customer"]["lastname"] == "Jackson"
    assert result["customer"]["extra_customer_data"]


def test_curl_example_speaks_the_2026_era(sandbox, make_cart) -> None:
    cart = make_cart(VATICAN_MUSEUMS_UUID)
    with serve_http(sandbox) as (url, _):
        done = subprocess.run(
            ["bash", str(EXAMPLES / "curl_2026.sh")],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "MCP_URL": url + "/mcp", "CART": cart},
        )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert '"supportedVersions": [\n            "2026-07-28"' in out
    assert out.count('"name": "update_cart_customer"') >= 1
    assert "did you mean 'firstname'" in out
    assert sandbox.state.carts[cart].customer["lastname"] == "Lovelace"
