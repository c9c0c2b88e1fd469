"""The built wheel, installed the ways MCP servers are installed: a fresh venv, uvx, pipx run.

Everything runs outside the source tree, so nothing can be imported from it by accident.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from musement_mcp.sandbox import EXTRA_DATA_CART_UUID
from tests.support.common import REPO_ROOT

ROOT = REPO_ROOT
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.anyio


def run(*command: str | Path, cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, ROOT, cwd=out)
    (built,) = out.glob("musement_mcp-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_venv(wheel, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(home / "env")
    run(home / "env" / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=home)
    return home / "env" / "bin"


@pytest.mark.packaging
def test_wheel_holds_the_namespaced_packages_and_data(wheel) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    top_levels = {n.split("/")[0] for n in names if not n.endswith(".dist-info/") and "/" in n}
    assert top_levels == {"musement_mcp", f"musement_mcp-{VERSION}.dist-info"}
    for expected in (
        "musement_mcp/server/customer_schema_snapshot.json",
        "musement_mcp/server/py.typed",
        "musement_mcp/server/ui/checkout_form.html",
        "musement_mcp/tools/py.typed",
        "musement_mcp/sandbox/py.typed",
        "musement_mcp/demo/py.typed",
    ):
        assert expected in names


@pytest.mark.packaging
async def test_fresh_venv_from_the_wheel(fresh_venv, tmp_path) -> None:
    assert (
        run(fresh_venv / "musement-mcp", "--version", cwd=tmp_path).strip()
        == f"musement-mcp {VERSION}"
    )
    where = run(
        fresh_venv / "python",
        "-c",
        "import musement_mcp.server as s; print(s.__file__)",
        cwd=tmp_path,
    )
    assert str(ROOT) not in where and "site-packages" in where
    params = StdioServerParameters(
        command=str(fresh_venv / "musement-mcp"),
        args=["--sandbox"],
        cwd=str(tmp_path),
        env=dict(os.environ),
    )
    async with Client(params) as client:
        result = await client.call_tool("get_customer_schema", {"cart_uuid": EXTRA_DATA_CART_UUID})
        form = await client.read_resource("ui://musement/checkout-form.html")
    assert not result.is_error, result.content[0].text
    # The MCP App's page is package data: the installed wheel serves it.
    assert form.contents[0].text.startswith("<!doctype html>")


@pytest.mark.packaging
async def test_uvx_starts_the_server_from_the_wheel(wheel, tmp_path) -> None:
    uvx = shutil.which("uvx", path=str(BIN)) or shutil.which("uvx")
    assert uvx, "uvx comes with the test extra (uv)"
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "uv-cache")}
    done = subprocess.run(
        [uvx, "--from", str(wheel), "musement-mcp", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"musement-mcp {VERSION}"
    params = StdioServerParameters(
        command=uvx,
        args=["--from", str(wheel), "musement-mcp", "--sandbox"],
        cwd=str(tmp_path),
        env=env,
    )
    async with Client(params) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
    assert {"get_customer_schema", "update_cart_customer", "get_cart"} <= tools


@pytest.mark.packaging
def test_pipx_run_starts_the_server_from_the_wheel(wheel, tmp_path) -> None:
    pipx = shutil.which("pipx", path=str(BIN)) or shutil.which("pipx")
    assert pipx, "pipx comes with the test extra"
    env = {**os.environ, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin")}
    done = subprocess.run(
        [pipx, "run", "--spec", str(wheel), "musement-mcp", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f"musement-mcp {VERSION}")


def test_registry_entry_matches_the_package() -> None:
    entry = json.loads((ROOT / "server.json").read_text())
    assert entry["version"] == VERSION
    (package,) = entry["packages"]
    assert (package["registryType"], package["identifier"], package["version"]) == (
        "pypi",
        "musement-mcp",
        VERSION,
    )
    assert package["transport"] == {"type": "stdio"}
    from musement_mcp.server import Settings

    known = {f"MUSEMENT_{name.upper()}" for name in Settings.model_fields}
    names = {variable["name"] for variable in package["environmentVariables"]}
    assert names <= known
    secret = {v["name"] for v in package["environmentVariables"] if v.get("isSecret")}
    assert secret == {"MUSEMENT_CLIENT_SECRET"}
    assert f"mcp-name: {entry['name']}" in (ROOT / "README.md").read_text()
