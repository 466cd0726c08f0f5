"""In-memory model of what gets written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from benchmarks.generator.catalogue import DepartmentKind, Template


@dataclass
class Department:
    id: str
    title: str
    kind: DepartmentKind
    owners: list[str] = field(default_factory=list)


@dataclass
class Goal:
    id: str
    title: str
    level: str
    department: Department | None
    parent: str | None
    owner: str
    description: str


@dataclass
class Kpi:
    index: int
    id: str
    department: Department
    template: Template
    name: str
    owner: str
    review: str
    region: str
    line: str
    role: str = ""
    supports: list[str] = field(default_factory=list)
    baseline: tuple[str, date] | None = None
    target: tuple[str, date] | None = None
    actuals: list[tuple[date, str]] = field(default_factory=list)
    influences: list[tuple[str, str]] = field(default_factory=list)
    file: str = ""

    @property
    def orientation(self) -> int:
        """+1 when higher is better, -1 when lower is better: the sign balanced links follow."""
        return 1 if self.template.direction == "increase" else -1


@dataclass
class Driver:
    id: str
    title: str
    orientation: int
    description: str
    influences: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Plan:
    id: str
    title: str
    addresses: list[str]
    owner: str
    department: Department
    start: date
    due: date
    status: str
    milestones: list[tuple[str, date, bool]]
    collaborators: list[str]
    description: str


@dataclass
class Tradeoff:
    id: str
    between: tuple[str, str]
    resolution: str
    owners: list[str]
    goal: str
    description: str
