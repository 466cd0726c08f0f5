"""What the influence analysis answers with: the KPI poles it is given, conflicts and effects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Outcome = Literal["helped", "hurt", "mixed"]
DepartmentPair = tuple[str, str]


@dataclass(frozen=True)
class KpiPole:
    """What the conflict search needs to know about one KPI."""

    department: str
    better: int  # +1 when `direction: increase` is better, -1 when `decrease` is


@dataclass(frozen=True)
class Conflict:
    """Improving ``a`` worsens ``b`` through ``path`` (the shortest harmful walk)."""

    a: str  # the KPI that hurts; when both hurt each other, the one whose harm
    # takes fewer steps, then the id that sorts first
    b: str
    department_a: str
    department_b: str
    path: tuple[str, ...]  # node ids from a to b, the shortest harmful walk between
    # the two either way; it may go round a loop more than once
    signs: tuple[int, ...]  # sign of each step, len(path) - 1 of them
    mixed: bool  # some other walk from a to b helps b
    mutual: bool  # improving b also hurts a

    @property
    def same_department(self) -> bool:
        return self.department_a == self.department_b

    @property
    def departments(self) -> DepartmentPair:
        """The unordered department pair, sorted: the key caps and counts use."""
        return department_pair(self.department_a, self.department_b)


@dataclass(frozen=True)
class ConflictScan:
    """Result of :func:`find_conflicts`.

    ``totals`` counts every conflicting pair per department pair (resolved ones
    included, so a summary can say how many are covered by trade-offs).
    ``conflicts`` holds the unresolved ones that are reported, at most the cap per
    department pair; ``omitted`` says how many unresolved ones were left out.
    ``resolved`` holds every pair given as resolved that does conflict;
    ``no_conflict`` the pairs given as resolved that do not (stale trade-offs).
    """

    conflicts: tuple[Conflict, ...]
    totals: Mapping[DepartmentPair, int]
    omitted: Mapping[DepartmentPair, int]
    resolved: tuple[Conflict, ...] = ()
    no_conflict: tuple[tuple[str, str], ...] = ()

    @property
    def omitted_total(self) -> int:
        return sum(self.omitted.values())


@dataclass(frozen=True)
class Effect:
    """What moving a KPI or driver does to one KPI it reaches."""

    kpi: str
    department: str
    outcome: Outcome
    path: tuple[str, ...]  # shortest walk with this outcome; for "mixed": the shortest harmful one
    signs: tuple[int, ...]


def department_pair(d1: str, d2: str) -> DepartmentPair:
    return (d1, d2) if d1 <= d2 else (d2, d1)
