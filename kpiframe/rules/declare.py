"""Declaring a rule: code, slug, default severity, documentation and examples, in one place.

Each family module declares its rules here, with :func:`rule` on a check function that runs over
the read framework, or with :func:`declare` for a rule whose findings come from the loader or the
validator (syntax, schema), so that it has a code, a severity and documentation like any other.
Declaring registers nothing: :mod:`kpiframe.rules.registry` collects the rules of an explicit
list of family modules.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kpiframe.findings import Severity

if TYPE_CHECKING:
    from kpiframe.rules.context import Problem, RuleContext

CheckFunction = Callable[["RuleContext"], Iterable["Problem"]]


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    family: str
    summary: str
    rationale: str
    fix: str
    failing: str
    passing: str
    config: str = ""  # the kpiframe.yaml both examples are checked with, when they need one
    base: str = ""  # the framework at the base revision both examples are compared with (`check --since`)
    passing_config: str = ""  # a different kpiframe.yaml for the passing example (rules about the config)
    check: CheckFunction | None = field(default=None, compare=False)


FAMILIES = {
    "KF0": "schema", "KF1": "alignment", "KF2": "conflicts", "KF3": "execution", "KF4": "history", "KF9": "meta",
}


def rule(*, code: str, slug: str, severity: str, summary: str, rationale: str, fix: str,
         failing: str, passing: str, config: str = "", base: str = "",
         passing_config: str = "") -> Callable[[CheckFunction], CheckFunction]:
    """Declare a rule on its check function. The function is returned as it is, carrying its
    :class:`Rule` as ``declared_rule``; the registry collects it from the function's module."""

    def attach(check: CheckFunction) -> CheckFunction:
        declared = _make(code, slug, severity, summary, rationale, fix, failing, passing, config, base,
                         passing_config, check)
        setattr(check, "declared_rule", declared)  # noqa: B010 - a function attribute mypy cannot know
        return check

    return attach


def declare(*, code: str, slug: str, severity: str, summary: str, rationale: str, fix: str,
            failing: str, passing: str, config: str = "", base: str = "", passing_config: str = "") -> Rule:
    """Declare a rule whose findings come from the loader or the validator: assign the result to
    a module-level name, where the registry collects it."""
    return _make(code, slug, severity, summary, rationale, fix, failing, passing, config, base, passing_config, None)


def _make(code: str, slug: str, severity: str, summary: str, rationale: str, fix: str, failing: str, passing: str,
          config: str, base: str, passing_config: str, check: CheckFunction | None) -> Rule:
    return Rule(
        code=code, slug=slug, severity=Severity(severity), family=FAMILIES[code[:3]],
        summary=summary, rationale=_clean(rationale), fix=_clean(fix),
        failing=_clean(failing) + "\n", passing=_clean(passing) + "\n",
        config=_clean(config) + "\n" if config else "", base=_clean(base) + "\n" if base else "",
        passing_config=_clean(passing_config) + "\n" if passing_config else "", check=check)


def documents(*parts: str) -> str:
    """Join YAML documents (each dedented on its own) into one multi-document example."""
    return "---\n".join(textwrap.dedent(part).strip("\n") + "\n" for part in parts)


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")
