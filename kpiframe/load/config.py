"""Find the configuration by searching upward from the path given, as git and ruff do."""

from __future__ import annotations

import re
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
    """Whether the file holds a [tool.kpiframe] table. One that does not parse still does when it
    has the table's header: it is then the configuration, reported as broken, never passed over."""
    try:
        raw = pyproject.read_bytes()
    except OSError:
        return False  # cannot be read, so nothing says it is ours
    import tomllib  # here: most frameworks keep their configuration in kpiframe.yaml

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        # A broken pyproject without our table is someone else's problem.
        return TABLE_HEADER.search(raw.decode("utf-8", errors="replace")) is not None
    return isinstance(data.get("tool"), dict) and "kpiframe" in data["tool"]


# `[tool.kpiframe]` or `[tool.kpiframe.limits]` at the start of a line.
TABLE_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*kpiframe[ \t]*[\].]", re.MULTILINE)
