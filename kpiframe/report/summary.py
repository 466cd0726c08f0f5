"""The report's summary, what a leadership team reads first: key KPIs behind, gaps nobody is
correcting, what falls due in the next 30 days, stale numbers, and what nobody owns.

Every list is complete here (JSON has them all); the Markdown shows the first ``SUMMARY_TOP`` of
each and says how many more there are.

Decisions:

* "Key KPIs behind" are the KPIs marked `key: true` that are behind, by their numbers or, where
  the numbers cannot judge them, by their owner's health (as course correction counts them).
  A framework that marks no KPI as key gets its largest gaps instead, in the performance gaps'
  order (off track first, then the larger gap), and the report says which it shows.
* "Due in the next 30 days": open plans (planned, in progress, blocked) and the open milestones of
  open plans, due from today to today + 30 days. What is already overdue is counted beside it
  (the execution gaps list it), not mixed in.
* A trend chart is drawn from the same settled actuals the status judges (disputed dates left
  out); each reading's "expected" is what :func:`kpiframe.progress.assess` expects at that date,
  so the chart and the status never disagree. Only the latest ``TREND_POINTS`` readings are drawn.
"""

from __future__ import annotations

from datetime import date, timedelta

from kpiframe.model import Framework
from kpiframe.progress import Measure, assess
from kpiframe.report.views import (
    DUE_WITHIN_DAYS,
    SUMMARY_TOP,
    TREND_POINTS,
    DueItem,
    Execution,
    KpiView,
    PlanView,
    Summary,
    Trend,
)
from kpiframe.status import JUDGED_STATUSES, actuals_of, measure_of


def build_summary(framework: Framework, today: date, kpis: dict[str, KpiView], plans: dict[str, PlanView],
                  execution: Execution, gaps: list[KpiView], *, key_only: bool = False) -> Summary:
    """``key_only`` (`--key`): the key KPIs, even when none is marked, and only the plans for them."""
    keyed = [k for k in kpis.values() if k.key]
    if key_only:
        plans = {p_id: p for p_id, p in plans.items() if any(a in kpis for a in p.addresses)}
    if keyed or key_only:
        key_behind = [k for k in gaps if k.key]
        basis = "key"
    else:
        key_behind, basis = list(gaps), "largest-gaps"
    key_unjudged = sum(1 for k in keyed if k.status not in JUDGED_STATUSES and not k.behind)
    due, overdue_milestones = _due_soon(framework, plans, today)
    return Summary(
        key_behind=tuple(k.id for k in key_behind), key_basis=basis, key_unjudged=key_unjudged,
        uncorrected=tuple(u.kpi for u in execution.uncorrected),
        due_soon=tuple(due), due_until=due_until(today), overdue_plans=len(execution.overdue_plans), overdue_milestones=overdue_milestones,
        stale=execution.stale_kpis,
        kpis_without_owner=tuple(k.id for k in sorted(kpis.values(), key=lambda k: (k.department, k.id))
                                 if not (k.owner or "").strip()),
        plans_without_owner=tuple(p.id for p in plans.values() if not (p.owner or "").strip()),
        trends=tuple(t for t in (_trend(framework, kpis[k.id], today) for k in key_behind[:SUMMARY_TOP]) if t),
    )


def due_until(today: date) -> date:
    """The last day of "the next 30 days" (9999-12-31 has no day after it)."""
    return today + timedelta(days=DUE_WITHIN_DAYS) if today <= date.max - timedelta(days=DUE_WITHIN_DAYS) else date.max


def _due_soon(framework: Framework, plans: dict[str, PlanView], today: date) -> tuple[list[DueItem], int]:
    horizon = due_until(today)
    due: list[DueItem] = []
    overdue_milestones = 0
    for plan_id, view in plans.items():
        if not view.open:
            continue
        if view.due is not None and today <= view.due <= horizon:
            due.append(DueItem(plan_id, None, view.due, (view.due - today).days))
        plan = framework.plans.get(plan_id)
        for milestone in plan.milestones if plan is not None else ():
            if milestone.done or milestone.due is None:
                continue
            if milestone.due < today:
                overdue_milestones += 1
            elif milestone.due <= horizon:
                due.append(DueItem(plan_id, milestone.title, milestone.due, (milestone.due - today).days))
    due.sort(key=lambda d: (d.due, d.plan, d.milestone or ""))
    return due, overdue_milestones


def _trend(framework: Framework, kpi: KpiView, today: date) -> Trend | None:
    document = framework.kpis.get(kpi.id)
    if document is None or document.direction is None:
        return None
    actuals = sorted((d, v) for d, v in actuals_of(document, framework) if d <= today)
    measure = measure_of(document, actuals)
    points: list[tuple[date, float]] = list(actuals)
    if kpi.baseline is not None and kpi.baseline.date is not None and (
            not points or kpi.baseline.date < points[0][0]):
        points.insert(0, (kpi.baseline.date, kpi.baseline.value))  # a real reading: where the way started
    if not points:
        return None
    shown = points[-TREND_POINTS:]
    expected = tuple(_expected_at(measure, day) for day, _ in shown)
    basis = "threshold" if kpi.target is None and kpi.threshold is not None else "target"
    return Trend(kpi=kpi.id, dates=tuple(d for d, _ in shown), actuals=tuple(v for _, v in shown), expected=expected,
                 target=kpi.target.value if kpi.target is not None and basis == "target" else None,
                 target_date=kpi.target.date if kpi.target is not None and basis == "target" else None,
                 basis=basis, earlier=len(points) - len(shown))


def _expected_at(measure: Measure, day: date) -> float | None:
    if measure.target_value is None and measure.threshold is not None:
        return measure.threshold  # a level to hold, the same at every date
    # assess() at a reading's date judges that reading: its expected value is the path's (or the
    # threshold) at that date, the same number the status uses.
    return assess(measure, day).expected_value
