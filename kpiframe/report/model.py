"""Building the gap report, computed once from a :class:`CheckResult`, as the plain data of
:mod:`kpiframe.report.views`.

Every number, every sort and every judgement of the report is made here; the Markdown and JSON
renderers only format what this module returns. ``kpiframe tree`` shows the same alignment.

Definitions (the README's "Gap reports" section repeats them):

* Traced KPI: supports at least one goal, and every goal it supports exists and leads up to a
  company goal (so a traced KPI has no orphan-kpi, untraced-kpi or dangling `supports`).
* Measured goal: a company or department goal with a KPI supporting it or one of its sub-goals
  (the unmeasured-goal rule's definition; team goals are not counted).
* Active plan: status ``planned`` or ``in_progress`` (as in `kpiframe status`); overdue
  plans still count here and are listed as execution gaps.
* Current numbers: the KPI has an actual and is not stale (the stale-kpi rule's definition);
  a KPI with no numbers at all is not current.
* On course: ``on-track`` or ``achieved`` at its last reading. Behind: ``off-track`` or ``at-risk``.
* Cannot be judged: ``no-target``, ``no-baseline`` or ``no-data``. Nothing unknown is counted as
  good: they are counted apart ("cannot be judged: N (no target X, no baseline Y, no numbers
  Z)"), and the verdict never says no KPI is behind while there are any.
* Unresolved conflict: two KPIs of different departments that work against each other
  through influences, with no trade-off between them.
* Performance gaps are sorted worst first: off-track before at-risk, then by the gap in
  percentage points (largest first; a gap that cannot be computed last), then by id.

The report shows the framework as it is: a rule switched off in kpiframe.yaml still changes
nothing in these facts, only in the findings listed in the appendix.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kpiframe.analysis import Analysis
from kpiframe.check import CheckResult
from kpiframe.report.alignment import alignment_of, department_slice
from kpiframe.report.diagram import Diagram, DiagramInput, build_diagrams
from kpiframe.report.gaps import conflicts_of, execution_of
from kpiframe.report.header import departments_of, finding_row, header_of
from kpiframe.report.items import goal_view, kpi_alignment, kpi_view, plan_view, sorted_behind
from kpiframe.report.summary import build_summary
from kpiframe.report.views import (
    REPORT_VERSION,
    Alignment,
    AlignmentView,
    Conflicts,
    GoalView,
    KpiView,
    Report,
)
from kpiframe.status import unjudged

__all__ = ["build_alignment_view", "build_report", "department_slice", "finding_row"]


def build_alignment_view(analysis: Analysis, root: Path, *, include_retired: bool = False,
                         key_only: bool = False, department: str | None = None) -> AlignmentView:
    """Goals, KPIs, plans and alignment; retired KPIs are left out unless ``include_retired`` (`--all`),
    KPIs not marked `key: true` when ``key_only`` (`--key`), and with ``department`` the alignment
    is that department's slice (its goals and KPIs, and the goals they roll up to)."""
    framework, today = analysis.framework, analysis.today
    statuses, traces = analysis.kpi_statuses, analysis.traces
    goals = {g.id: goal_view(g, traces, analysis.measured_goals) for g in framework.goals.values()}
    shown = framework.kpis if include_retired else framework.live_kpis
    if key_only:
        shown = {k_id: k for k_id, k in shown.items() if k.key}
    kpis = {k.id: kpi_view(statuses[k.id], kpi_alignment(k, traces)) for k in shown.values()}
    plans = {p.id: plan_view(p, today) for p in framework.plans.values()}
    organization = framework.config.organization
    view = AlignmentView(title=organization or root.resolve().name or str(root), today=today,
                         alignment=alignment_of(framework, goals, kpis, traces), goals=goals, kpis=kpis, plans=plans,
                         department_name=framework.config.department_name)
    if department is None:
        return view
    return replace(view, alignment=department_slice(view, department), department=department)


def build_report(result: CheckResult, *, include_retired: bool = False, key_only: bool = False,
                 department: str | None = None) -> Report:
    """The report of ``result``; retired KPIs are left out unless ``include_retired`` (`--all`),
    KPIs not marked `key: true` when ``key_only`` (`--key`), and everything but one department's
    KPIs, plans, goals, conflicts and findings with ``department`` (`--department`; the goals above
    its own are kept, so its slice still shows what it rolls up to)."""
    analysis = result.analysis
    framework, today = result.framework, result.today
    view = build_alignment_view(analysis, result.root, include_retired=include_retired, key_only=key_only)
    goals, kpis, plans, alignment = view.goals, view.kpis, view.plans, view.alignment
    findings, suppressed = list(result.findings), list(result.suppressed)
    drawn_goals = goals
    if department is not None:
        alignment = department_slice(view, department)
        kpis = {k_id: k for k_id, k in kpis.items() if k.department == department}
        plans = {p_id: p for p_id, p in plans.items()
                 if p.department == department or any(a in kpis for a in p.addresses)}
        mine = {*kpis, *plans, *(g for g, v in goals.items() if v.department == department)}
        findings = [f for f in findings if f.subject in mine]
        suppressed = [f for f in suppressed if f.subject in mine]
        kept = {e.goal for t in alignment.trees for e in t.entries} | {
            g for g, v in goals.items() if v.department == department}
        drawn_goals = {g: v for g, v in goals.items() if g in kept}
    execution = execution_of(framework, analysis.kpi_statuses, kpis, plans, today)
    names = {**{k.id: k.name for k in framework.kpis.values()},
             **{d.id: d.title for d in framework.drivers.values()}}
    conflicts = conflicts_of(result, view.kpis, names, department)
    gaps = sorted_behind(k for k in kpis.values() if k.behind)
    return Report(
        version=REPORT_VERSION,
        header=header_of(result, view.title, drawn_goals, kpis, execution, conflicts,
                         unjudged(analysis.kpi_statuses[k] for k in kpis), findings, len(suppressed), department,
                         key_only=key_only),
        alignment=alignment,
        performance_gaps=tuple(k.id for k in gaps),
        execution=execution,
        conflicts=conflicts,
        departments=tuple(d for d in departments_of(result, kpis)
                          if department is None or d.department == department),
        diagrams=_diagrams(alignment, drawn_goals, kpis, conflicts, gaps, frozenset(framework.drivers)),
        findings=tuple(finding_row(f) for f in (*findings, *suppressed)),
        goals=goals, kpis=kpis, plans=plans, names=names,
        summary=build_summary(framework, today, kpis, plans, execution, gaps, key_only=key_only),
    )


def _diagrams(alignment: Alignment, goals: dict[str, GoalView], kpis: dict[str, KpiView],
              conflicts: Conflicts, behind_order: list[KpiView], drivers: frozenset[str]) -> tuple[Diagram, ...]:
    data = DiagramInput(
        goal_parents={g.id: g.parent for g in goals.values()},
        goal_levels={g.id: g.level for g in goals.values()},
        kpi_supports={k.id: k.supports for k in kpis.values()},
        trees=[(t.goal, goals[t.goal].title, [e.goal for e in t.entries]) for t in alignment.trees],
        behind=frozenset(k.id for k in kpis.values() if k.behind),
        conflicts=[(c.a, c.b) for c in conflicts.unresolved],
        tradeoffs=[(t.between[0], t.between[1]) for t in conflicts.tradeoffs
                   if len(set(t.between)) == 2 and all(k in kpis for k in t.between)],
        goal_departments={g.id: g.department for g in goals.values()},
        kpi_departments={k.id: k.department for k in kpis.values()},
        behind_order=[k.id for k in behind_order],
        conflict_paths=[(c.path, c.signs) for c in conflicts.unresolved if all(n in kpis or n in drivers for n in c.path)],
        drivers=drivers,
    )
    return build_diagrams(data)
