"""The report's view of each goal, KPI and plan (:mod:`kpiframe.report.views`), built from the
framework's documents and their statuses, and the order KPIs behind are listed in."""

from __future__ import annotations

from datetime import date

from kpiframe.model import KPI, ActionPlan, Goal
from kpiframe.progress import AT_RISK, OFF_TRACK
from kpiframe.report.views import Dated, GoalView, Health, KpiView, PlanView
from kpiframe.status import KpiStatus, correcting, threshold_text


def position_of(document) -> tuple[str, int]:
    origin = document.origin
    return (origin.file, origin.line) if origin is not None else ("", 0)


def goal_view(goal: Goal, traces: dict[str, str], measured: set[str]) -> GoalView:
    file, line = position_of(goal)
    trace = "company" if goal.level == "company" else traces.get(goal.id, "broken")
    return GoalView(goal.id, goal.title, goal.level, goal.department, goal.owner, goal.parent, trace,
                    goal.id in measured, file, line)


def kpi_alignment(kpi: KPI, traces: dict[str, str]) -> str:
    if not kpi.supports:
        return "orphan"
    return "traced" if all(traces.get(g) == "company" for g in kpi.supports) else "untraced"


def _dated(value: float | None, day: date | None) -> Dated | None:
    return None if value is None else Dated(value, day)


def kpi_view(status: KpiStatus, alignment: str) -> KpiView:
    kpi, progress = status.kpi, status.progress
    file, line = position_of(kpi)
    return KpiView(
        id=kpi.id, name=kpi.name, department=kpi.department, owner=kpi.owner, unit=kpi.unit,
        direction=kpi.direction, review=kpi.review, supports=tuple(dict.fromkeys(kpi.supports)),
        alignment=alignment, status=progress.status,
        baseline=_dated(kpi.baseline.value, kpi.baseline.date) if kpi.baseline else None,
        target=_dated(kpi.final_target.value, kpi.final_target.date) if kpi.final_target else None,
        latest=_dated(progress.latest_value, progress.latest_date),
        expected_value=progress.expected_value, expected_pct=progress.expected_pct,
        progress_pct=progress.progress_pct, gap_units=progress.gap_units, gap_pp=progress.gap_pp,
        stale=status.staleness.stale, next_due=status.staleness.next_due,
        plans=tuple(p.id for p in status.plans), active_plans=tuple(p.id for p in status.active_plans),
        correcting_plans=tuple(p.id for p in status.correcting_plans), file=file, line=line,
        key=kpi.key, threshold=kpi.threshold.value if kpi.threshold else None,
        threshold_text=threshold_text(kpi) if kpi.threshold else None, target_steps=len(kpi.targets),
        health=Health(kpi.health.level, kpi.health.date, kpi.health.note) if kpi.health else None,
        health_ahead=status.health_ahead, threshold_met=progress.threshold_met, target_status=progress.target_status,
        concern=status.concern, health_disagrees=status.health_disagrees, behind=status.behind,
        needs_plan=status.needs_plan, uncorrected=status.uncorrected,
        no_plan=(status.needs_plan or status.uncorrected) and all(p.status == "cancelled" for p in status.plans),
    )


def plan_view(plan: ActionPlan, today: date) -> PlanView:
    file, line = position_of(plan)
    overdue = None
    if plan.due is not None and plan.due < today and plan.is_open:
        overdue = (today - plan.due).days
    return PlanView(
        id=plan.id, title=plan.title, owner=plan.owner, department=plan.department, status=plan.status,
        start=plan.start, due=plan.due, addresses=tuple(dict.fromkeys(plan.addresses)), overdue_days=overdue,
        correcting=correcting(plan, today), milestones_done=sum(1 for m in plan.milestones if m.done),
        milestones_total=len(plan.milestones), open=plan.is_open, file=file, line=line,
    )


def sorted_behind(kpis) -> list[KpiView]:
    """Key KPIs first; then worst first: off-track, then at-risk (by the numbers, else the owner's
    health); then the larger gap in points; then id."""
    rank = {OFF_TRACK: 0, AT_RISK: 1}
    return sorted(kpis, key=lambda k: (not k.key, rank.get(k.concern, 2), k.gap_pp is None,
                                       -(k.gap_pp or 0.0), k.id))
