"""The layering of the source, checked on its import statements (with `ast`, nothing run).

- tools/ is the domain library: it never imports server/, sandbox/, nor MCP (`mcp`,
  `mcp_types`), so anything can call it without an MCP stack.
- sandbox/ is a stand-alone emulator of Musement: it imports neither tools/ nor server/
  (nor MCP), so it can never agree with our own code by accident.

Every import counts, wherever it is (module level, inside a function, under
`if TYPE_CHECKING:`), and so does `importlib.import_module("...")` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import musement_mcp.sandbox
import musement_mcp.tools

MCP = ("mcp", "mcp_types")
# The source folders are also importable under their folder names from a checkout.
FORBIDDEN = {
    "tools": (
        "musement_mcp.server",
        "musement_mcp.sandbox",
        "server",
        "sandbox",
        *MCP,
    ),
    "sandbox": (
        "musement_mcp.tools",
        "musement_mcp.server",
        "tools",
        "server",
        *MCP,
    ),
}
PACKAGES = {"tools": musement_mcp.tools, "sandbox": musement_mcp.sandbox}


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in `source`, a module of the package `package`.

    Relative imports are resolved; `from a import b` yields both `a` and `a.b` (b may be a
    submodule).
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and called_name(node.func) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(folder: str) -> list[str]:
    root = Path(PACKAGES[folder].__file__).parent
    files = sorted(root.rglob("*.py"))
    assert files, f"no source found for {folder}/ in {root}"
    problems = []
    for path in files:
        relative = path.relative_to(root)
        package = ".".join(["musement_mcp", folder, *relative.parent.parts])
        for line, module in imported_modules(path.read_text(), package):
            banned = next((b for b in FORBIDDEN[folder] if is_within(module, b)), None)
            if banned:
                problems.append(f"{folder}/{relative.as_posix()}:{line} imports {module}")
    return problems


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_layers_import_only_what_they_may(folder: str) -> None:
    problems = violations(folder)
    allowed = "tools/ may not import server/, sandbox/ or MCP (mcp, mcp_types)"
    if folder == "sandbox":
        allowed = "sandbox/ may not import tools/, server/ or MCP (mcp, mcp_types)"
    assert not problems, f"{allowed}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        ("import mcp.types", "musement_mcp.tools", "mcp.types"),
        ("from mcp_types import Tool", "musement_mcp.tools", "mcp_types"),
        ("from ..server import settings", "musement_mcp.tools", "musement_mcp.server"),
        ("from .. import sandbox", "musement_mcp.tools", "musement_mcp.sandbox"),
        ("from ...server import x", "musement_mcp.sandbox.sub", "musement_mcp.server"),
        ("def f():\n    import server.app", "musement_mcp.tools", "server.app"),
        (
            "import importlib\nimportlib.import_module('musement_mcp.server')",
            "musement_mcp.tools",
            "musement_mcp.server",
        ),
    ],
)
def test_the_check_sees_every_kind_of_import(source: str, package: str, expected: str) -> None:
    modules = [module for _, module in imported_modules(source, package)]
    assert expected in modules, modules


def test_the_check_lets_a_package_import_itself() -> None:
    modules = [m for _, m in imported_modules("from .errors import X", "musement_mcp.tools")]
    assert not any(is_within(m, b) for m in modules for b in FORBIDDEN["tools"])
    assert not is_within("mcpx", "mcp") and not is_within("serverless", "server")
