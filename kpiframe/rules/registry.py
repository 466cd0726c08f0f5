"""Every rule, collected from an explicit list of family modules: lookups by slug, code and prefix.

A family module declares its rules (:mod:`kpiframe.rules.declare`) and imports nothing from here,
so the registry imports the families, never the other way round. A new family module is added to
FAMILY_MODULES.
"""

from __future__ import annotations

from types import ModuleType

from kpiframe.rules import (
    alignment,
    conflicts,
    execution,
    history,
    meta,
    queries,
    references,
    registers,
    syntax,
    timeliness,
)
from kpiframe.rules.declare import Rule

__all__ = ["FAMILY_MODULES", "RULES", "Rule", "all_rules", "did_you_mean_rule", "find_rule", "rules_matching"]

FAMILY_MODULES: tuple[ModuleType, ...] = (syntax, references, registers, alignment, conflicts, execution, timeliness,
                                          history, queries, meta)


def declared_in(module: ModuleType) -> list[Rule]:
    """The rules ``module`` declares, in the order it declares them: its module-level rules and the
    rules of the check functions defined in it."""
    found = []
    for value in vars(module).values():
        if isinstance(value, Rule):
            found.append(value)
        elif getattr(value, "__module__", None) == module.__name__ and isinstance(
                getattr(value, "declared_rule", None), Rule):
            found.append(value.declared_rule)
    return found


def _collect(modules: tuple[ModuleType, ...]) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    codes: set[str] = set()
    for module in modules:
        for declared in declared_in(module):
            if declared.slug in rules or declared.code in codes:
                raise ValueError(f"rule {declared.code} {declared.slug} declared twice")
            rules[declared.slug] = declared
            codes.add(declared.code)
    return rules


RULES: dict[str, Rule] = _collect(FAMILY_MODULES)  # by slug, family by family in declaration order


def all_rules() -> list[Rule]:
    return sorted(RULES.values(), key=lambda r: r.code)


def find_rule(name: str) -> Rule | None:
    """A rule by slug or code (case-insensitive for codes)."""
    if name in RULES:
        return RULES[name]
    upper = name.upper()
    return next((r for r in RULES.values() if r.code == upper), None)


def rules_matching(selector: str) -> list[Rule]:
    """Rules a --select/--ignore/config entry names: a slug, a code, or a code prefix such as KF1."""
    exact = find_rule(selector)
    if exact is not None:
        return [exact]
    upper = selector.upper()
    if upper.startswith("KF"):
        return [r for r in all_rules() if r.code.startswith(upper)]
    return []


def did_you_mean_rule(name: str) -> str | None:
    """The rule slug or code closest to a name that matches none (`off-track` -> `off-track-kpi`)."""
    import difflib

    rules = all_rules()
    names = [r.slug for r in rules] + [r.code for r in rules]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not close and name.upper() != name:
        close = difflib.get_close_matches(name.upper(), names, n=1, cutoff=0.6)  # kf101 -> KF101
    return close[0] if close else None
