"""The report's execution gaps (who is acting on each KPI) and conflicts (which departments work
against each other, and the trade-offs agreed)."""

from __future__ import annotations

from datetime import date

from kpiframe.check import CheckResult
from kpiframe.influence import Conflict, format_path
from kpiframe.model import Framework
from kpiframe.report.items import position_of, sorted_behind
from kpiframe.report.views import (
    Conflicts,
    ConflictView,
    Execution,
    KpiView,
    OmittedConflicts,
    OverdueMilestone,
    PlanView,
    TradeoffView,
    Uncorrected,
)
from kpiframe.status import KpiStatus, not_correcting_because, why_not_correcting


def execution_of(framework: Framework, statuses: dict[str, KpiStatus], kpis: dict[str, KpiView],
               plans: dict[str, PlanView], today: date) -> Execution:
    by_department = sorted(kpis.values(), key=lambda k: (k.department, k.id))
    without_plan = tuple(k.id for k in by_department if k.needs_plan)
    overdue = sorted((p for p in plans.values() if p.overdue_days is not None),
                     key=lambda p: (-(p.overdue_days or 0), p.id))
    blocked = sorted((p for p in plans.values() if p.status == "blocked"), key=lambda p: (p.department or "", p.id))
    milestones = sorted(
        (OverdueMilestone(plan.id, m.title, m.due, (today - m.due).days)
         for plan in framework.plans.values() if plan.id in plans and plan.is_open
         for m in plan.milestones if m.due is not None and m.due < today and not m.done),
        key=lambda m: (m.due, m.plan, m.title))
    behind = sorted_behind(k for k in kpis.values() if k.uncorrected)
    uncorrected = tuple(_uncorrected(k.id, k.concern, statuses[k.id], today) for k in behind)
    stale = sorted((k for k in kpis.values() if k.stale),
                   key=lambda k: (k.latest.date if k.latest and k.latest.date else date.min, k.id))
    return Execution(without_plan, tuple(p.id for p in overdue), tuple(p.id for p in blocked), tuple(milestones),
                     uncorrected, tuple(k.id for k in stale))


def _uncorrected(kpi: str, concern: str, status: KpiStatus, today: date) -> Uncorrected:
    reason = "; ".join(why_not_correcting(plan, today) for plan in status.plans) or "no action plan addresses it"
    return Uncorrected(kpi, concern, reason, tuple((plan.id, not_correcting_because(plan, today))
                                                   for plan in status.plans))


# --------------------------------------------------------------------------- conflicts


def conflicts_of(result: CheckResult, kpis: dict[str, KpiView], names: dict[str, str],
                 department: str | None = None) -> Conflicts:
    """The conflicts between departments and the trade-offs; with ``department``, only those it is in
    (``kpis``: every KPI shown, of any department, for the trade-offs' other ends)."""
    framework = result.framework
    scan = result.analysis.conflict_scan

    def mine(pair: tuple[str, str]) -> bool:
        return pair[0] != pair[1] and (department is None or department in pair)

    accepted = {(f.subject, f.related[0]): f.suppressed_by for f in result.suppressed
                if f.rule == "department-conflict" and f.related}
    unresolved = tuple(_conflict_view(c, framework, names, accepted.get((c.a, c.b)))
                       for c in scan.conflicts if mine((c.department_a, c.department_b)))
    omitted = tuple(OmittedConflicts(pair, n) for pair, n in scan.omitted.items() if mine(pair) and n)
    cross = sum(n for pair, n in scan.totals.items() if mine(pair))
    resolved = result.analysis.resolved_conflicts_of(department)  # settled by trade-offs without errors
    settling = result.analysis.tradeoffs_settling
    tradeoffs = tuple(_tradeoff_view(t, kpis, settling) for t in framework.tradeoffs.values()
                      if department is None or any(k in kpis and kpis[k].department == department for k in t.between))
    return Conflicts(unresolved, omitted, cross, resolved, tradeoffs)


def _conflict_view(conflict: Conflict, framework: Framework, names: dict[str, str], suppressed: str | None
                   ) -> ConflictView:
    return ConflictView(
        a=conflict.a, b=conflict.b, department_a=conflict.department_a, department_b=conflict.department_b,
        path=conflict.path, signs=conflict.signs, arrows=format_path(conflict.path, conflict.signs),
        words=_path_in_words(conflict, framework, names), mixed=conflict.mixed, mutual=conflict.mutual,
        suppressed=suppressed, owners=(framework.kpis[conflict.a].owner, framework.kpis[conflict.b].owner),
    )


def _path_in_words(conflict: Conflict, framework: Framework, names: dict[str, str]) -> str:
    """'Improving New deals closed (sales) raises Delivery workload, which raises Operating cost; ...'."""
    kpis = framework.kpis
    move = kpis[conflict.a].better
    steps = []
    for node, sign in zip(conflict.path[1:], conflict.signs):
        move *= sign
        steps.append(f"{'raises' if move > 0 else 'lowers'} {names.get(node, node)}")
    b = kpis[conflict.b]
    text = (f"Improving {names[conflict.a]} ({conflict.department_a}) {', which '.join(steps)}; "
            f"{conflict.department_b} wants {b.name} {'higher' if b.better > 0 else 'lower'}.")
    if conflict.mutual:
        text += f" Improving {b.name} also hurts {names[conflict.a]}."
    if conflict.mixed:
        text += f" Other paths help {b.name}, so the net effect depends on which is stronger."
    return text


def _tradeoff_view(tradeoff, kpis: dict[str, KpiView], settling: frozenset[str]) -> TradeoffView:
    file, line = position_of(tradeoff)
    between = tuple(tradeoff.between)
    owners = {o.strip().casefold() for o in tradeoff.owners}
    named = {k: kpis[k].owner for k in between if k in kpis}
    missing = tuple(dict.fromkeys(owner for owner in named.values()
                                  if owner is not None and owner.strip().casefold() not in owners))
    return TradeoffView(
        id=tradeoff.id, between=between, departments=tuple(kpis[k].department if k in kpis else None for k in between),
        resolution=tradeoff.resolution, owners=tuple(tradeoff.owners), goal=tradeoff.goal, review=tradeoff.review,
        conflicting=tradeoff.id in settling, missing_owners=missing, file=file, line=line,
    )
