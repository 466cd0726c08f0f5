"""Rule declarations: code, slug, default severity, documentation and examples, in one place.

Each family module declares its rules with :func:`rule`. A rule with a ``check`` function runs
over the read framework; a rule without one (syntax, schema) is reported by the loader or the
validator, and is declared here so that it has a code, a severity and documentation like any other.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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


RULES: dict[str, Rule] = {}  # by slug, in declaration order
FAMILIES = {
    "KF0": "schema", "KF1": "alignment", "KF2": "conflicts", "KF3": "execution", "KF4": "history", "KF9": "meta",
}


def rule(*, code: str, slug: str, severity: str, summary: str, rationale: str, fix: str,
         failing: str, passing: str, config: str = "", base: str = "",
         passing_config: str = "") -> Callable[[Any], Any]:
    """Declare a rule. Used as a decorator on its check function, or called with ``None``."""

    def register(check: CheckFunction | None) -> CheckFunction | None:
        if slug in RULES or any(r.code == code for r in RULES.values()):
            raise ValueError(f"rule {code} {slug} declared twice")
        RULES[slug] = Rule(
            code=code, slug=slug, severity=Severity(severity), family=FAMILIES[code[:3]],
            summary=summary, rationale=_clean(rationale), fix=_clean(fix),
            failing=_clean(failing) + "\n", passing=_clean(passing) + "\n",
            config=_clean(config) + "\n" if config else "", base=_clean(base) + "\n" if base else "",
            passing_config=_clean(passing_config) + "\n" if passing_config else "", check=check)
        return check

    return register


def declare(**meta: str) -> None:
    """Declare a rule whose findings come from the loader or the validator."""
    rule(**meta)(None)


def documents(*parts: str) -> str:
    """Join YAML documents (each dedented on its own) into one multi-document example."""
    return "---\n".join(textwrap.dedent(part).strip("\n") + "\n" for part in parts)


def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def all_rules() -> list[Rule]:
    _load_families()
    return sorted(RULES.values(), key=lambda r: r.code)


def find_rule(name: str) -> Rule | None:
    """A rule by slug or code (case-insensitive for codes)."""
    _load_families()
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


def _load_families() -> None:
    # Importing the family modules registers their rules; done lazily so that importing the
    # registry alone (for `kpiframe rules`) stays cheap and free of cycles.
    from kpiframe.rules import families  # noqa: F401
