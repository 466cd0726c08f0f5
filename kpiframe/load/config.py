"""Find the configuration by searching upward from the path given, as git and ruff do."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG_NAMES = ("kpiframe.yaml", "kpiframe.yml")


def find_config_file(start: Path) -> Path | None:
    """The nearest kpiframe.yaml, or pyproject.toml with a [tool.kpiframe] table, at or above ``start``.

    In one folder kpiframe.yaml wins over pyproject.toml. The search stops at the file-system root.
    """
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_kpiframe_table(pyproject):
            return pyproject
    return None


def _has_kpiframe_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # not ours to judge; a broken pyproject without our table is someone else's problem
    return isinstance(data.get("tool"), dict) and "kpiframe" in data["tool"]
