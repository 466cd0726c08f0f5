"""Where each KPI stands at today: the one adapter between the framework models and progress.py.

Rules (KF3), `kpiframe status` and reports all take a KPI's progress, staleness and plans from
:func:`kpi_statuses`, computed once per check by the analysis (``Analysis.kpi_statuses``), so
they never disagree about a KPI.

Decisions:

* Actuals: the inline `actuals:` first, then the CSV rows (file order, then row order). Two
  readings of one date with the same value are one reading. Readings of one date that disagree
  are *disputed* (rule conflicting-actuals): none of them is used, whatever the order of the
  files, and the KPI is judged from the readings nobody disputes.
* Readings dated after today are *ahead* (rule future-actual): they are not used at today. So is
  an owner's `health` dated after today (rule future-health): course correction and
  health-disagrees read :attr:`KpiStatus.health`, which leaves it out until its date.
* Tolerances come from the config's `tolerances:` (defaults 10 and 25 percentage points).
* Course correction (rule uncorrected-off-track): a plan addressing the KPI whose status is
  `planned` or `in_progress` and whose due date has not passed (due >= today, the same
  boundary as overdue-action-plan, so an active plan is always either overdue or correcting).
  A plan without a due date does not count: nobody has committed to when the gap closes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpiframe.model import KPI, ActionPlan, Framework
from kpiframe.model.documents import Health
from kpiframe.numbers import format_gap, format_share, with_unit
from kpiframe.progress import (
    ACHIEVED,
    AT_RISK,
    JUDGED_STATUSES,
    NO_BASELINE,
    NO_DATA,
    NO_DIRECTION,
    NO_TARGET,
    OFF_TRACK,
    ON_TRACK,
    Measure,
    Progress,
    Staleness,
    Tolerances,
    assess,
    is_stale,
)

# Worst first: the order `kpiframe status --sort status` lists KPIs in.
STATUS_ORDER: tuple[str, ...] = (OFF_TRACK, AT_RISK, NO_DATA, NO_BASELINE, NO_TARGET, NO_DIRECTION, ON_TRACK,
                                 ACHIEVED)
# The owner's health level, read as a status for course correction when the numbers cannot judge.
HEALTH_AS_STATUS = {"attention": AT_RISK, "problem": OFF_TRACK}
SORT_KEYS: tuple[str, ...] = ("department", "status", "id")


@dataclass(frozen=True)
class Reading:
    """One actual as it was written: an entry of the KPI's `actuals:` or a row of a CSV file."""

    date: date
    value: float
    index: int | None = None  # its position in the KPI's inline `actuals:`; None for a CSV row
    file: str | None = None  # the CSV file it is a row of
    line: int = 0
    column: int = 0

    def place(self, kpi: KPI) -> tuple[str, int, int]:
        """Where it was written: file, line and column (of the value, for an inline actual)."""
        if self.index is None:
            return self.file or "", self.line, self.column
        line, column = kpi.origin.position(("actuals", self.index, "value"))
        return kpi.origin.file, line, column


@dataclass(frozen=True)
class DisputedReading:
    """A reading that disagrees with an earlier one of the same date (``first``)."""

    first: Reading
    later: Reading


@dataclass(frozen=True)
class KpiStatus:
    kpi: KPI
    progress: Progress
    staleness: Staleness
    plans: tuple[ActionPlan, ...]  # every plan addressing the KPI, in file order
    active_plans: tuple[ActionPlan, ...]  # planned or in_progress
    correcting_plans: tuple[ActionPlan, ...]  # active and not yet due: someone is acting on the KPI
    # Plans with errors that name this KPI: whether it has a plan, or one correcting course,
    # cannot be told until they are fixed (their own findings say what is wrong).
    plans_with_errors: tuple[str, ...] = ()
    disputed: tuple[DisputedReading, ...] = ()  # readings that disagree with another of their date
    ahead: tuple[Reading, ...] = ()  # readings dated after today
    health_ahead: bool = False  # the owner's health is dated after today: not used until then

    @property
    def health(self) -> Health | None:
        """The owner's health as it stands at today: None when there is none, or it is dated later."""
        return None if self.health_ahead else self.kpi.health

    @property
    def status(self) -> str:
        return self.progress.status

    @property
    def judged(self) -> bool:
        """Whether the numbers judge the KPI (against a target or a threshold)."""
        return self.progress.status in JUDGED_STATUSES

    @property
    def concern(self) -> str:
        """The status course correction acts on: the numbers' when they judge the KPI, else the
        owner's health (attention reads as at-risk, problem as off-track), else the status."""
        health = self.health
        if not self.judged and health is not None and health.level in HEALTH_AS_STATUS:
            return HEALTH_AS_STATUS[health.level]
        return self.status

    @property
    def from_health(self) -> bool:
        """Whether :attr:`concern` comes from the owner's health rather than the numbers."""
        return self.concern != self.status

    @property
    def health_disagrees(self) -> bool:
        """The owner says okay while the numbers say off-track, or problem while they say on track."""
        health = self.health
        if health is None or not self.judged:
            return False
        return ((health.level == "okay" and self.status == OFF_TRACK)
                or (health.level == "problem" and self.status in (ON_TRACK, ACHIEVED)))

    @property
    def is_corrected(self) -> bool:
        return bool(self.correcting_plans)

    @property
    def behind(self) -> bool:
        """Off-track or at-risk: by the numbers, else by the owner's health (:attr:`concern`)."""
        return self.concern in (OFF_TRACK, AT_RISK)

    @property
    def needs_plan(self) -> bool:
        """Rule missing-action-plan: a live KPI with a dated target, or a threshold it does not
        meet, that only cancelled plans (or none) address. Unknown, so False, while a plan naming
        it has errors."""
        if self.kpi.retired is not None or self.plans_with_errors:
            return False
        breached = self.progress.basis == "threshold" and self.status == OFF_TRACK
        return (self.kpi.final_target is not None or breached) and all(p.status == "cancelled" for p in self.plans)

    @property
    def uncorrected(self) -> bool:
        """Rule uncorrected-off-track: a live KPI behind with no plan correcting course (unknown,
        so False, while a plan naming it has errors)."""
        return (self.kpi.retired is None and self.behind and not self.is_corrected
                and not self.plans_with_errors)


def kpi_statuses(framework: Framework, today: date) -> dict[str, KpiStatus]:
    """Every KPI's status at ``today``, by id, in the framework's order."""
    tolerances = Tolerances(on_track=framework.config.tolerances.on_track,
                            at_risk=framework.config.tolerances.at_risk)
    unknown = _plans_with_errors(framework)
    return {kpi_id: _status_of(kpi, framework, today, tolerances, unknown.get(kpi_id, ()))
            for kpi_id, kpi in framework.kpis.items()}


def _plans_with_errors(framework: Framework) -> dict[str, tuple[str, ...]]:
    named: dict[str, list[str]] = {}
    for document in framework.invalid_documents:
        if document.kind == "ActionPlan":
            for kpi_id in document.references.get("addresses", ()):
                named.setdefault(kpi_id, []).append(document.id or f"{document.file}:{document.line}")
    return {kpi_id: tuple(plans) for kpi_id, plans in named.items()}


def status_counts(statuses: Any) -> dict[str, int]:
    """How many KPIs have each status, in :data:`STATUS_ORDER` (every status present, zeros too)."""
    counts = Counter(s.status for s in statuses if s.kpi.retired is None)  # a retired KPI is not judged
    return {status: counts.get(status, 0) for status in STATUS_ORDER}


@dataclass(frozen=True)
class Unjudged:
    """KPIs that cannot be judged, by why: counted as such in every summary, never as good."""

    total: int
    no_target: int  # no target value or date: nothing to judge against
    no_baseline: int  # a target, but no baseline to measure the way from
    no_numbers: int  # a target and a baseline, but no actual yet
    no_direction: int = 0  # which way is better is not said

    def phrase(self) -> str:
        """'cannot be judged: 3 (no target 1, no baseline 1, no numbers 1)' (and ', no direction N'
        when some KPIs do not say which way is better)."""
        why = f"no target {self.no_target}, no baseline {self.no_baseline}, no numbers {self.no_numbers}"
        if self.no_direction:
            why += f", no direction {self.no_direction}"
        return f"cannot be judged: {self.total} ({why})"


def unjudged(statuses: Any) -> Unjudged:
    """How many of ``statuses`` cannot be judged, and why (retired KPIs are not judged at all)."""
    counts = status_counts(statuses)
    parts = counts[NO_TARGET], counts[NO_BASELINE], counts[NO_DATA], counts[NO_DIRECTION]
    return Unjudged(sum(parts), *parts)


@dataclass(frozen=True)
class StatusTotals:
    """What `status` counts under its table and in its JSON, worked out here so that the
    renderers only show it. Retired KPIs are in ``kpis`` when shown (--all) but never judged."""

    kpis: int
    counts: dict[str, int]  # every status of STATUS_ORDER, zeros too
    cannot_be_judged: Unjudged
    key_kpis: int
    key_counts: dict[str, int]
    judged_by_health: int  # no numbers to judge: the owner's health said it
    stale: int


def status_totals(rows: list[KpiStatus]) -> StatusTotals:
    key_rows = [row for row in rows if row.kpi.key]
    return StatusTotals(
        kpis=len(rows), counts=status_counts(rows), cannot_be_judged=unjudged(rows), key_kpis=len(key_rows),
        key_counts=status_counts(key_rows), judged_by_health=sum(1 for row in rows if row.from_health),
        stale=sum(1 for row in rows if row.staleness.stale))


def has_current_numbers(status: KpiStatus) -> bool:
    """A KPI with an actual that is not stale: one with no numbers at all is not current."""
    return status.progress.latest_date is not None and not status.staleness.stale


def readings_of(kpi: KPI, framework: Framework) -> list[Reading]:
    """Inline actuals first, then the CSV rows for this KPI (file order, then row order)."""
    inline = [Reading(a.date, a.value, index=i) for i, a in enumerate(kpi.actuals)]
    return inline + [Reading(row.date, row.value, file=row.file, line=row.line, column=row.kpi_column)
                     for row in framework.csv_actuals.get(kpi.id, ())]


def settle_readings(readings: list[Reading]) -> tuple[list[tuple[date, float]], tuple[DisputedReading, ...]]:
    """The (date, value) pairs nobody disputes, one per date, and the readings that disagree
    with the first of their date (see the module docstring)."""
    first: dict[date, Reading] = {}
    disputed: list[DisputedReading] = []
    for reading in readings:
        earlier = first.setdefault(reading.date, reading)
        if earlier.value != reading.value:
            disputed.append(DisputedReading(earlier, reading))
    contested = {d.first.date for d in disputed}
    return [(r.date, r.value) for day, r in first.items() if day not in contested], tuple(disputed)


def settled_readings(kpi: KPI, framework: Framework, today: date
                     ) -> tuple[list[tuple[date, float]], tuple[DisputedReading, ...], tuple[Reading, ...]]:
    """``settle_readings(readings_of(kpi, framework))`` and the readings dated after ``today``.

    Decisions: the same answer without making a :class:`Reading` per actual: a frozen dataclass
    costs about 1 us to make, and a 10,000-KPI framework has ~124,000 actuals (0.1 s of the
    statuses' 0.4 s). Readings are made only for the disputed and those ahead, which are few.
    tests/test_settled_readings.py keeps the two ways equal.
    """
    inline = kpi.actuals
    rows = framework.csv_actuals.get(kpi.id, ())
    entries = [(a.date, a.value) for a in inline] + [(row.date, row.value) for row in rows]
    first: dict[date, tuple[float, int]] = {}
    disputes: list[tuple[int, int]] = []
    ahead: list[int] = []
    for position, (day, value) in enumerate(entries):
        if day > today:
            ahead.append(position)
        earlier = first.setdefault(day, (value, position))
        if earlier[0] != value:
            disputes.append((earlier[1], position))
    if not disputes and not ahead:
        return [(day, value) for day, (value, _) in first.items()], (), ()

    def reading(position: int) -> Reading:
        if position < len(inline):
            return Reading(inline[position].date, inline[position].value, index=position)
        row = rows[position - len(inline)]
        return Reading(row.date, row.value, file=row.file, line=row.line, column=row.kpi_column)

    contested = {entries[earlier][0] for earlier, _ in disputes}
    actuals = [(day, value) for day, (value, _) in first.items() if day not in contested]
    disputed = tuple(DisputedReading(reading(earlier), reading(later)) for earlier, later in disputes)
    return actuals, disputed, tuple(reading(position) for position in ahead)


def actuals_of(kpi: KPI, framework: Framework) -> list[tuple[date, float]]:
    """The actuals a KPI is judged by: one per date, disputed dates left out."""
    return settle_readings(readings_of(kpi, framework))[0]


def correcting(plan: ActionPlan, today: date) -> bool:
    """Whether ``plan`` counts as course correction at ``today`` (see the module docstring)."""
    return plan.is_active and plan.due is not None and plan.due >= today


def why_not_correcting(plan: ActionPlan, today: date) -> str:
    """Why ``plan``, which addresses a KPI behind, is not correcting course at ``today``."""
    return f"'{plan.id}' {not_correcting_because(plan, today)}"


def not_correcting_because(plan: ActionPlan, today: date) -> str:
    """:func:`why_not_correcting` without the plan's id ("is blocked"), for outputs that name the
    plan by its title."""
    if not plan.is_active:
        return f"is {plan.status}"
    if plan.due is None:
        return f"is {plan.status} with no due date"
    return f"is {plan.status} but was due {plan.due}"


def why_none_shown(*, key_only: bool = False, department: str | None = None) -> str | None:
    """What an empty `status` means, said instead of an empty table: the slice asked for is empty
    (``department`` is the department's name). None: the framework has no KPI to show at all."""
    if key_only:
        return "No KPI " + (f"of the department {department} " if department else "") + \
            "is marked `key: true`: status --key has nothing to show."
    if department is not None:
        return f"The department {department} has no KPIs."
    return None


def order_statuses(statuses: dict[str, KpiStatus], sort: str = "department",
                   department: str | None = None, *, include_retired: bool = False,
                   key_only: bool = False) -> list[KpiStatus]:
    """The statuses to show, filtered to one department if given, in a deterministic order with
    key KPIs (`key: true`) first. Retired KPIs are left out unless ``include_retired`` (`--all`);
    ``key_only`` (`--key`) keeps the key KPIs alone."""
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, not {sort!r}")
    rows = [s for s in statuses.values() if (department is None or s.kpi.department == department)
            and (include_retired or s.kpi.retired is None) and (s.kpi.key or not key_only)]
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    keys = {
        "department": lambda s: (s.kpi.department, s.kpi.id),
        "status": lambda s: (rank.get(s.status, len(rank)), s.kpi.department, s.kpi.id),
        "id": lambda s: (s.kpi.id,),
    }
    return sorted(rows, key=lambda s: (not s.kpi.key, keys[sort](s)))


def threshold_text(kpi: KPI) -> str:
    """A KPI's threshold as a person reads it: '≥ 95%' (increase), '≤ 2500 ms' (decrease)."""
    if kpi.threshold is None:
        return "-"
    sign = {"increase": "≥ ", "decrease": "≤ "}.get(kpi.direction or "", "level ")
    return sign + with_unit(kpi.threshold.value, kpi.unit or "")


def standing(status: KpiStatus) -> str:
    """Where a KPI stood at its last reading, against what was expected then: 'at its last reading
    (2026-03-31): 20% of the way, 24.5% expected then (latest 120 USD, expected 124.45 USD: 4.45
    USD behind)'. The words the rules, the report and the views share."""
    kpi, progress = status.kpi, status.progress
    text = f"at its last reading ({progress.judged_at})"
    if progress.progress_pct is not None and progress.expected_pct is not None:
        text += (f": {format_share(progress.progress_pct)} of the way, "
                 f"{format_share(progress.expected_pct)} expected then")
    unit = kpi.unit or ""
    return (text + f" (latest {with_unit(progress.latest_value, unit)}, expected "
            f"{with_unit(progress.expected_value, unit)}: {format_gap(progress.gap_units, unit)})")


def measure_of(kpi: KPI, actuals: list[tuple[date, float]]) -> Measure:
    """What :func:`kpiframe.progress.assess` judges ``kpi`` by, given its settled actuals."""
    final = kpi.final_target
    return Measure(
        direction=kpi.direction,
        baseline_value=kpi.baseline.value if kpi.baseline else None,
        baseline_date=kpi.baseline.date if kpi.baseline else None,
        target_value=final.value if final else None,
        target_date=final.date if final else None,
        actuals=actuals,
        review=kpi.review,
        steps=tuple((step.date, step.value) for step in kpi.targets[:-1]) if kpi.target is None else (),
        threshold=kpi.threshold.value if kpi.threshold else None,
    )


def _status_of(kpi: KPI, framework: Framework, today: date, tolerances: Tolerances,
               plans_with_errors: tuple[str, ...]) -> KpiStatus:
    actuals, disputed, ahead = settled_readings(kpi, framework, today)
    measure = measure_of(kpi, actuals)
    progress = assess(measure, today, tolerances)
    staleness = is_stale(progress.latest_date, measure.baseline_date, kpi.review, today)
    plans = tuple(framework.plans_for(kpi.id))
    return KpiStatus(
        kpi=kpi, progress=progress, staleness=staleness, plans=plans,
        active_plans=tuple(p for p in plans if p.is_active),
        correcting_plans=tuple(p for p in plans if correcting(p, today)), plans_with_errors=plans_with_errors,
        disputed=disputed, ahead=ahead,
        health_ahead=kpi.health is not None and kpi.health.date is not None and kpi.health.date > today,
    )


__all__ = [
    "ACHIEVED", "AT_RISK", "NO_BASELINE", "NO_DATA", "NO_DIRECTION", "NO_TARGET", "OFF_TRACK", "ON_TRACK",
    "STATUS_ORDER", "DisputedReading", "KpiStatus", "Reading", "Unjudged", "actuals_of", "correcting", "has_current_numbers",
    "kpi_statuses", "measure_of", "not_correcting_because", "order_statuses", "status_counts", "threshold_text",
    "unjudged", "why_not_correcting",
]
