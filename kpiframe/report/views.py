"""What the gap report and `kpiframe tree` show, as plain frozen dataclasses.

:mod:`kpiframe.report.model` builds them (every number, sort and judgement is made there); the
renderers (render/report_markdown.py, render/report_json.py, render/tree_view.py) only format them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from kpiframe.progress import ACHIEVED, AT_RISK, OFF_TRACK, ON_TRACK
from kpiframe.report.diagram import Diagram
from kpiframe.status import Unjudged

REPORT_VERSION = 1
SUMMARY_TOP = 10  # entries of each summary list shown; "and N more" says the rest
DUE_WITHIN_DAYS = 30
TREND_POINTS = 12  # readings drawn in a trend chart, the latest
BEHIND = (OFF_TRACK, AT_RISK)
ON_COURSE = (ON_TRACK, ACHIEVED)


@dataclass(frozen=True)
class Dated:
    value: float
    date: date | None


@dataclass(frozen=True)
class ScoreLine:
    key: str
    label: str
    count: int
    total: int
    percent: float | None  # None when there is nothing to count


@dataclass(frozen=True)
class Header:
    title: str  # the organization, else the framework folder's name
    organization: str | None
    today: date
    verdict: str  # pass | warn | fail | empty
    verdict_text: str
    files: int
    documents: dict[str, int]
    findings: dict[str, int]  # per severity
    suppressed: int
    unread_kpis: int  # KPI documents that failed validation
    unread_files: int  # files that could not be read
    scorecard: tuple[ScoreLine, ...]
    cannot_be_judged: Unjudged  # KPIs with no target, baseline or numbers: never counted as good
    key_kpis: int = 0  # KPIs marked `key: true`, counted apart
    key_behind: int = 0  # ... of them behind (by their numbers, else by their owner's health)
    behind_by_health: int = 0  # KPIs the numbers cannot judge whose owner's health says behind
    department: str | None = None  # `report --department`: the one department reported on
    # Why the KPI documents counted in the header outnumber the KPIs the report counts (whole report only):
    kpis_repeated: int = 0  # KPI documents whose id an earlier one has (the id is one KPI)
    kpis_retired: int = 0  # retired KPIs left out (`--all` shows them)


@dataclass(frozen=True)
class GoalView:
    id: str
    title: str
    level: str
    department: str | None
    owner: str | None
    parent: str | None
    trace: str  # company | broken | cycle | unknown (reaches a goal with errors)
    measured: bool
    file: str
    line: int


@dataclass(frozen=True)
class KpiView:
    id: str
    name: str
    department: str
    owner: str | None
    unit: str | None
    direction: str | None
    review: str | None
    supports: tuple[str, ...]
    alignment: str  # traced | orphan | untraced
    status: str
    baseline: Dated | None
    target: Dated | None
    latest: Dated | None
    expected_value: float | None
    expected_pct: float | None
    progress_pct: float | None
    gap_units: float | None  # positive = behind
    gap_pp: float | None
    stale: bool
    next_due: date | None
    plans: tuple[str, ...]
    active_plans: tuple[str, ...]
    correcting_plans: tuple[str, ...]
    file: str
    line: int
    concern: str  # the status course correction acts on (the owner's health when numbers cannot judge)
    key: bool = False
    threshold: float | None = None  # a standing level (`threshold.value`)
    threshold_text: str | None = None  # '≥ 95%'
    target_steps: int = 0  # steps of a target path (`targets:`), the last one being `target` here
    health: Health | None = None
    health_ahead: bool = False  # the health is dated after today: not used until then (future-health)
    threshold_met: bool | None = None  # whether the latest holds the threshold; None without either
    target_status: str | None = None  # what the target alone says, when a breached threshold decided
    health_disagrees: bool = False
    behind: bool = False  # off-track or at-risk by its concern (the owner's health included)
    needs_plan: bool = False  # rule missing-action-plan: a target or breached threshold, no plan but cancelled ones
    uncorrected: bool = False  # rule uncorrected-off-track: behind, and no plan correcting course
    no_plan: bool = False  # needs a plan, or is uncorrected, and only cancelled plans (or none) address it


@dataclass(frozen=True)
class Health:
    level: str
    date: date | None
    note: str | None


@dataclass(frozen=True)
class PlanView:
    id: str
    title: str
    owner: str | None
    department: str | None
    status: str
    start: date | None
    due: date | None
    addresses: tuple[str, ...]
    overdue_days: int | None  # days past due while still open; None when not overdue
    correcting: bool  # active, with a due date still ahead
    open: bool  # not done, not cancelled
    milestones_done: int
    milestones_total: int
    file: str
    line: int


@dataclass(frozen=True)
class GoalEntry:
    """One goal in an alignment tree, in pre-order: depth 0 is the company goal."""

    goal: str
    depth: int
    kpis: tuple[str, ...]  # KPIs supporting this goal directly


@dataclass(frozen=True)
class AlignmentTree:
    goal: str
    entries: tuple[GoalEntry, ...]
    kpis: int  # KPIs under it (one supporting two of its goals counted twice, as listed)
    behind: int  # ... of them behind (KpiView.behind: the owner's health included)


@dataclass(frozen=True)
class Untraced:
    id: str
    reason: str


@dataclass(frozen=True)
class Alignment:
    trees: tuple[AlignmentTree, ...]
    orphan_kpis: tuple[str, ...]
    untraced_kpis: tuple[Untraced, ...]
    untraced_goals: tuple[Untraced, ...]
    unmeasured_goals: tuple[str, ...]


@dataclass(frozen=True)
class OverdueMilestone:
    plan: str
    title: str
    due: date
    overdue_days: int


@dataclass(frozen=True)
class Uncorrected:
    kpi: str
    status: str
    reason: str  # in plan ids: "'vendor-renegotiation' is in_progress but was due 2026-06-30; 'pilot' is blocked"
    # Each plan of the KPI and why it does not count ("is blocked", "is planned with no due
    # date", ...), so the report can name plans by title and owner; none: no plan addresses the KPI.
    plans: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Execution:
    kpis_without_plan: tuple[str, ...]  # a target or a breached threshold, and no plan that is not cancelled
    overdue_plans: tuple[str, ...]
    blocked_plans: tuple[str, ...]
    overdue_milestones: tuple[OverdueMilestone, ...]
    uncorrected: tuple[Uncorrected, ...]  # behind, and no active plan due ahead
    stale_kpis: tuple[str, ...]


@dataclass(frozen=True)
class ConflictView:
    a: str  # the KPI whose improvement hurts b
    b: str
    department_a: str
    department_b: str
    path: tuple[str, ...]
    signs: tuple[int, ...]
    arrows: str  # a -(+)-> x -(+)-> b
    words: str  # the same path, as a sentence
    mixed: bool
    mutual: bool
    suppressed: str | None  # the reason, when its finding is suppressed
    # Who would agree a trade-off: a's and b's owners (None: not named). Carried here because a
    # report of one department (or of key KPIs) does not list the other side's KPI.
    owners: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True)
class OmittedConflicts:
    departments: tuple[str, str]
    count: int


@dataclass(frozen=True)
class TradeoffView:
    id: str
    between: tuple[str, ...]
    departments: tuple[str | None, ...]  # of its two ends (None for a driver, or an id that does not exist)
    resolution: str
    owners: tuple[str, ...]
    goal: str | None
    review: str | None
    conflicting: bool  # it settles at least one conflict (its own pair's, or harm through one of its ends)
    missing_owners: tuple[str, ...]  # KPI owners who are not among the owners
    file: str
    line: int


@dataclass(frozen=True)
class Conflicts:
    unresolved: tuple[ConflictView, ...]  # cross-department only
    omitted: tuple[OmittedConflicts, ...]  # unresolved ones not listed (capped per department pair)
    cross_department: int  # every conflicting cross-department pair, resolved or not
    resolved: int  # of those, the ones a trade-off covers
    tradeoffs: tuple[TradeoffView, ...]


@dataclass(frozen=True)
class DepartmentRow:
    department: str | None  # None: findings that belong to no department
    kpis: int
    traced: int
    with_active_plan: int
    current: int
    on_course: int
    errors: int
    warnings: int
    name: str | None = None  # from `departments:` in kpiframe.yaml, when the entry gives one
    owner: str | None = None


@dataclass(frozen=True)
class FindingRow:
    code: str
    rule: str
    severity: str
    file: str
    line: int
    column: int
    message: str
    suppressed: str | None


@dataclass(frozen=True)
class DueItem:
    """A plan, or a milestone of a plan, that is still open and due in the next ``DUE_WITHIN_DAYS``."""

    plan: str
    milestone: str | None  # the milestone's title; None for the plan itself
    due: date
    days: int  # from today


@dataclass(frozen=True)
class Trend:
    """A KPI's readings for its chart: each date with its actual and where it was expected to be
    then (its target path, or its threshold); the final target drawn as a level."""

    kpi: str
    dates: tuple[date, ...]
    actuals: tuple[float, ...]
    expected: tuple[float | None, ...]
    target: float | None  # the final target's value (None for a threshold: ``expected`` is it)
    target_date: date | None
    basis: str  # target | threshold
    earlier: int  # readings before the first one drawn (the chart shows the latest TREND_POINTS)


@dataclass(frozen=True)
class Summary:
    """What a leadership team reads first: full lists here, the report shows the first SUMMARY_TOP."""

    key_behind: tuple[str, ...]  # key KPIs behind, worst first; without key KPIs, the largest gaps
    key_basis: str  # key | largest-gaps
    key_unjudged: int  # key KPIs the numbers cannot judge (and the owner's health does not put behind)
    uncorrected: tuple[str, ...]  # behind, and nobody correcting course
    due_soon: tuple[DueItem, ...]  # open plans and milestones due within DUE_WITHIN_DAYS, soonest first
    due_until: date  # today + DUE_WITHIN_DAYS (the calendar's last day at most)
    overdue_plans: int
    overdue_milestones: int
    stale: tuple[str, ...]
    kpis_without_owner: tuple[str, ...]
    plans_without_owner: tuple[str, ...]
    trends: tuple[Trend, ...]  # of the first SUMMARY_TOP of key_behind


@dataclass(frozen=True)
class Report:
    version: int
    header: Header
    alignment: Alignment
    performance_gaps: tuple[str, ...]  # KPI ids, worst first
    execution: Execution
    conflicts: Conflicts
    departments: tuple[DepartmentRow, ...]
    diagrams: tuple[Diagram, ...]
    findings: tuple[FindingRow, ...]  # active first, then suppressed
    goals: dict[str, GoalView]
    kpis: dict[str, KpiView]
    plans: dict[str, PlanView]
    names: dict[str, str]  # every KPI's name and every driver's title, by id (for conflict paths)
    summary: Summary

    @cached_property
    def _department_names(self) -> dict[str, str]:
        return {d.department: d.name for d in self.departments if d.department and d.name}

    def department_name(self, department: str) -> str:
        """What people call a department (its `name:` in kpiframe.yaml), else its id."""
        return self._department_names.get(department, department)


@dataclass(frozen=True)
class AlignmentView:
    """The goals, KPIs and plans as the report shows them, and how they align: what `kpiframe
    tree` shows. It needs no finding, so the tree is drawn without running the rules."""

    title: str  # the organization, else the framework folder's name
    today: date
    alignment: Alignment
    goals: dict[str, GoalView]
    kpis: dict[str, KpiView]
    plans: dict[str, PlanView]
    department_name: Callable[[str], str]  # what people call a department (config's `departments:`)
    department: str | None = None  # `--department`: ``alignment`` is this department's slice
