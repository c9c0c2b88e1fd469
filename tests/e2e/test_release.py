"""Release-ready (issue 26): the artefacts docs/RELEASING.md builds, checked as it checks them,
and the versions that must agree before a release."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.support.common import REPO_ROOT

VERSION = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
BIN = Path(sys.executable).parent


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.packaging
def test_build_makes_a_wheel_and_an_sdist_that_twine_accepts(tmp_path) -> None:
    out = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", out, REPO_ROOT, cwd=tmp_path)
    wheel = out / f"musement_mcp-{VERSION}-py3-none-any.whl"
    sdist = out / f"musement_mcp-{VERSION}.tar.gz"
    assert sorted(out.iterdir()) == sorted([wheel, sdist])
    checked = run(BIN / "twine", "check", "--strict", wheel, sdist, cwd=tmp_path)
    assert checked.count("PASSED") == 2, checked
    # The sdist builds the same package: the four folders, the snapshot and the form page.
    names = tarfile.open(sdist).getnames()
    root = f"musement_mcp-{VERSION}"
    for expected in ("server/customer_schema_snapshot.json", "server/ui/checkout_form.html"):
        assert f"{root}/{expected}" in names
    assert not any("node_modules" in n or "/.venv/" in n for n in names)
    metadata = zipfile.ZipFile(wheel).read(f"musement_mcp-{VERSION}.dist-info/METADATA").decode()
    assert f"Version: {VERSION}" in metadata


def test_server_json_and_the_installed_version_agree() -> None:
    """server.json (the MCP registry entry) and its package carry pyproject's version, and so
    does what `musement-mcp --version` reports."""
    from musement_mcp.server.version import __version__

    entry = json.loads((REPO_ROOT / "server.json").read_text())
    assert entry["version"] == VERSION
    assert {p["version"] for p in entry["packages"]} == {VERSION}
    assert __version__ == VERSION
