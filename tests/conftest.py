"""Shared helpers: build small framework folders and run the check on them at a fixed today."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from kpiframe.check import CheckOptions, CheckResult, run_check
from tests.gitfixture import git_env, repo  # noqa: F401 - fixtures: real git repositories in temporary folders

TODAY = date(2026, 6, 30)
REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (text is dedented)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def check_tree(root: Path, *, select: tuple[str, ...] = (), today: date = TODAY) -> CheckResult:
    """The check of ``root`` at a fixed today, with only the ``select``ed rules (all when empty)."""
    return run_check(root, CheckOptions(today=today, select=select))


def by_rule(result: CheckResult, rule: str) -> list:
    return [f for f in result.findings if f.rule == rule]


@pytest.fixture
def framework(tmp_path: Path):
    """``framework({"a.yaml": "..."}, config="...", folder="fw")`` -> the folder under tmp_path,
    with a kpiframe.yaml (another ``folder`` for a second framework in one test)."""

    def make(files: dict[str, str], config: str = "organization: Test Co\n", *, folder: str = "fw") -> Path:
        root = tmp_path / folder
        write_tree(root, {"kpiframe.yaml": config, **files})
        return root

    return make
