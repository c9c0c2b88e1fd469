"""The examples run as users run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
