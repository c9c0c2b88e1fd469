"""Every problem is built by tools/problems.py, so its `kind` is one of `ProblemKind`.

`problem()` takes the kind as a `Literal` (mypy checks each call); a dict literal with a
`"kind"` key elsewhere would bypass it, so none may exist in tools/ or server/ (checked
on the source with `ast`, nothing run).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest

import musement_mcp.server
import musement_mcp.tools
from musement_mcp.tools.problems import KINDS, ProblemKind, problem

ROOTS = {"tools": musement_mcp.tools, "server": musement_mcp.server}
CONSTRUCTOR = Path("tools") / "problems.py"


def raw_kind_literals(source: str) -> list[int]:
    """Lines of dict literals (or `dict(kind=...)` calls) that set a `"kind"` key."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict) and any(
            isinstance(key, ast.Constant) and key.value == "kind" for key in node.keys
        ):
            lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dict"
            and any(keyword.arg == "kind" for keyword in node.keywords)
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("folder", sorted(ROOTS))
def test_problems_are_built_only_by_the_constructor(folder: str) -> None:
    root = Path(ROOTS[folder].__file__).parent
    files = sorted(root.rglob("*.py"))
    assert files, f"no source found for {folder}/ in {root}"
    found = [
        f"{folder}/{path.relative_to(root).as_posix()}:{line}"
        for path in files
        if Path(folder) / path.relative_to(root) != CONSTRUCTOR
        for line in raw_kind_literals(path.read_text())
    ]
    assert not found, (
        'a problem built as a dict with a "kind" key; use tools.problems.problem() '
        "(its kind is checked against ProblemKind):\n  " + "\n  ".join(found)
    )


def test_the_check_sees_a_raw_kind() -> None:
    assert raw_kind_literals('x = {"path": "a", "kind": "required", "message": "m"}') == [1]
    assert raw_kind_literals('x = dict(path="a", kind="required")') == [1]
    assert raw_kind_literals('problem("a", "required", "m")') == []


def test_kinds_are_the_literal() -> None:
    assert frozenset(get_args(ProblemKind)) == KINDS


def test_a_problem_keeps_its_json_shape() -> None:
    built = problem(["a", 0, "b"], "not_allowed", "no", allowed=[], example=None)
    assert list(built.items()) == [
        ("path", "a.0.b"),
        ("kind", "not_allowed"),
        ("message", "no"),
        ("allowed", []),
    ]
