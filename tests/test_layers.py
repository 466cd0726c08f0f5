"""The pipeline's arrows point one way (README: How it works). Checked on the imports in the
source, so that a shortcut between stages fails here rather than in a review."""

from __future__ import annotations

import ast
from pathlib import Path

from kpiframe.rules.registry import FAMILY_MODULES

PACKAGE = Path(__file__).resolve().parents[1] / "kpiframe"
# Rule modules hold rules; what several parts need lives in kpiframe.analysis. The registry's list,
# so that a new family is covered the day it is added.
RULE_FAMILIES = {module.__name__.rsplit(".", 1)[1] for module in FAMILY_MODULES}
# Only the renderers themselves and the commands that call them may import kpiframe.render.
MAY_IMPORT_RENDER = ("render/", "commands/", "cli.py")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (PACKAGE / folder).rglob("*.py"))


def test_the_rule_family_list_is_the_registry_s():
    assert {"registers", "timeliness", "execution", "syntax"} <= RULE_FAMILIES


def test_no_stage_below_the_renderers_imports_them():
    offenders = {rel: sorted(n for n in _imports(p) if n == "kpiframe.render" or n.startswith("kpiframe.render."))
                 for p in PACKAGE.rglob("*.py")
                 if not (rel := p.relative_to(PACKAGE).as_posix()).startswith(MAY_IMPORT_RENDER)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_rule_engine_imports_a_rule_family():
    outside = [p for p in PACKAGE.rglob("*.py") if p.parent.name != "rules"]
    offenders = {p.relative_to(PACKAGE).as_posix(): sorted(n for n in _imports(p)
                                                           if n.split(".")[:2] == ["kpiframe", "rules"]
                                                           and len(n.split(".")) > 2
                                                           and n.split(".")[2] in RULE_FAMILIES)
                 for p in outside}
    assert {k: v for k, v in offenders.items() if v} == {}

