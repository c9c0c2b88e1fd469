"""The public names of each package: `__all__` is sorted and names only what exists.

Sorted "isort-style", as ruff's RUF022 sorts it: SCREAMING_SNAKE_CASE constants first, then
CamelCase classes, then everything else, each group in natural order.
"""

from __future__ import annotations

import importlib
import re

import pytest

PACKAGES = ["musement_mcp.tools", "musement_mcp.server", "musement_mcp.sandbox"]


def isort_style(name: str) -> tuple[int, list[int | str]]:
    if len(name) > 1 and name.isupper():
        group = 0
    elif name[:1].isupper():
        group = 1
    else:
        group = 2
    natural = [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
    return group, natural


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted(package: str) -> None:
    names = importlib.import_module(package).__all__
    expected = sorted(names, key=isort_style)
    assert names == expected, f"{package}.__all__ is not sorted; it should read:\n{expected}"


@pytest.mark.parametrize("package", PACKAGES)
def test_all_names_exist_once(package: str) -> None:
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"{package}.__all__ names what the package does not have: {missing}"
    repeated = sorted({name for name in module.__all__ if module.__all__.count(name) > 1})
    assert not repeated, f"{package}.__all__ lists these more than once: {repeated}"
