"""The README and docs/ hold together: links resolve, CI runs the documented test command."""

from __future__ import annotations

import re

from tests.support.common import REPO_ROOT

PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_relative_links_resolve() -> None:
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (page.parent / target).exists(), f"{page.name}: {target} does not exist"


def test_ci_runs_the_documented_full_test_command() -> None:
    """CI runs the full form (`-m ''`) of the README's test command, printed in CONTRIBUTING."""
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (command,) = [line for line in ci.splitlines() if line.startswith("python3 -m venv")]
    assert command in (REPO_ROOT / "docs" / "CONTRIBUTING.md").read_text(encoding="utf-8")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert command.removesuffix(" -m ''") in readme
