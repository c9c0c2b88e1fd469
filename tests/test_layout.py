"""Tests follow the code (issue 25): each module of tools/ has its tests where its name says,
so a newcomer finds them without searching.

`tools/<module>.py` -> `tests/tools/test_<module>.py`, and a subpackage's modules alike
(`tools/upstream/answers.py` -> `tests/tools/upstream/test_answers.py`). Checked on the file
tree, nothing imported.
"""

from __future__ import annotations

from pathlib import Path

import musement_mcp.tools

TOOLS = Path(musement_mcp.tools.__file__).parent
REPO = Path(__file__).parent.parent
TESTS = REPO / "tests" / "tools"

# Modules with no test file of their own, each with the reason. Keep it short: a module
# with behaviour gets tests, not an entry here.
EXEMPT = {
    # Pydantic result models without behaviour: their JSON Schemas are the catalog tools'
    # outputSchemas, pinned field by field in tests/snapshots/tools/ (tests/server/test_tools.py).
    "catalog_models.py": "output models only, snapshotted with the tool definitions",
}


def expected_test_file(module: Path) -> Path:
    """Where the tests of `module` (a path relative to tools/) live."""
    return TESTS / module.parent / f"test_{module.name}"


def source_modules() -> list[Path]:
    """Every module of tools/, relative to it; a package's `__init__.py` only re-exports
    (its `__all__` is checked by tests/test_public_api.py), so it needs no file."""
    return sorted(
        path.relative_to(TOOLS)
        for path in TOOLS.rglob("*.py")
        if path.name != "__init__.py" and "__pycache__" not in path.parts
    )


def test_every_tools_module_has_its_test_file() -> None:
    modules = source_modules()
    assert len(modules) > 30, f"tools/ not found where expected: {TOOLS}"
    missing = [
        f"tools/{module.as_posix()} -> {expected_test_file(module).relative_to(REPO)}"
        for module in modules
        if module.as_posix() not in EXEMPT and not expected_test_file(module).is_file()
    ]
    assert not missing, (
        "a module of tools/ without its test file (write its tests there, or add it to "
        "EXEMPT in tests/test_layout.py with the reason):\n  " + "\n  ".join(missing)
    )


def test_the_exemptions_name_modules_that_exist_and_have_no_tests() -> None:
    modules = {module.as_posix(): module for module in source_modules()}
    stale = [name for name in EXEMPT if name not in modules]
    assert not stale, f"EXEMPT names modules that no longer exist: {stale}"
    tested = [name for name in EXEMPT if expected_test_file(modules[name]).is_file()]
    assert not tested, f"EXEMPT names modules that now have tests; remove them: {tested}"


def test_each_test_file_says_what_it_tests_and_has_tests() -> None:
    """A file found by name holds tests, and its docstring opens with the module it tests
    (`tools/upstream/auth.py: ...`), the house style a reader scans for."""
    wrong = []
    for module in source_modules():
        path = expected_test_file(module)
        if module.as_posix() in EXEMPT or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if "def test_" not in text or not text.startswith(f'"""tools/{module.as_posix()}'):
            wrong.append(str(path.relative_to(REPO)))
    assert not wrong, (
        "test files without tests, or whose docstring does not open with their module "
        "(`tools/<module>.py: ...`):\n  " + "\n  ".join(wrong)
    )
