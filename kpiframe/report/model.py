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

from collections import Counter
from datetime import date
from pathlib import Path

from kpiframe.analysis import Analysis, unread
from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.influence import Conflict, format_path
from kpiframe.model import KPI, ActionPlan, Framework, Goal
from kpiframe.progress import AT_RISK, OFF_TRACK
from kpiframe.report.diagram import Diagram, DiagramInput, build_diagrams
from kpiframe.report.views import (
    BEHIND,
    ON_COURSE,
    REPORT_VERSION,
    Alignment,
    AlignmentTree,
    AlignmentView,
    Conflicts,
    ConflictView,
    Dated,
    DepartmentRow,
    Execution,
    FindingRow,
    GoalEntry,
    GoalView,
    Header,
    Health,
    KpiView,
    OmittedConflicts,
    OverdueMilestone,
    PlanView,
    Report,
    ScoreLine,
    TradeoffView,
    Uncorrected,
    Untraced,
)
from kpiframe.status import KpiStatus, Unjudged, correcting, threshold_text, unjudged

_OPEN_PLAN = ("planned", "in_progress", "blocked")  # not done, not cancelled


# --------------------------------------------------------------------------- building


def build_alignment_view(analysis: Analysis, root: Path, *, include_retired: bool = False,
                         key_only: bool = False) -> AlignmentView:
    """Goals, KPIs, plans and alignment; retired KPIs are left out unless ``include_retired`` (`--all`),
    and KPIs not marked `key: true` when ``key_only`` (`--key`)."""
    framework, today = analysis.framework, analysis.today
    statuses, traces = analysis.kpi_statuses, analysis.traces
    goals = {g.id: _goal_view(g, traces, analysis.measured_goals) for g in framework.goals.values()}
    shown = framework.kpis if include_retired else framework.live_kpis
    if key_only:
        shown = {k_id: k for k_id, k in shown.items() if k.key}
    kpis = {k.id: _kpi_view(statuses[k.id], _alignment_of(k, traces)) for k in shown.values()}
    plans = {p.id: _plan_view(p, today) for p in framework.plans.values()}
    organization = framework.config.organization
    return AlignmentView(title=organization or root.resolve().name or str(root), today=today,
                         alignment=_alignment(framework, goals, kpis, traces), goals=goals, kpis=kpis, plans=plans,
                         department_name=framework.config.department_name)


def build_report(result: CheckResult, *, include_retired: bool = False, key_only: bool = False) -> Report:
    """The report of ``result``; retired KPIs are left out unless ``include_retired`` (`--all`),
    and KPIs not marked `key: true` when ``key_only`` (`--key`)."""
    analysis = result.analysis
    framework, today = result.framework, result.today
    view = build_alignment_view(analysis, result.root, include_retired=include_retired, key_only=key_only)
    goals, kpis, plans, alignment = view.goals, view.kpis, view.plans, view.alignment
    execution = _execution(framework, analysis.kpi_statuses, kpis, plans, today)
    names = {**{k.id: k.name for k in framework.kpis.values()},
             **{d.id: d.title for d in framework.drivers.values()}}
    conflicts = _conflicts(result, kpis, names)
    gaps = _sorted_behind(k for k in kpis.values() if (k.concern or k.status) in BEHIND)
    return Report(
        version=REPORT_VERSION,
        header=_header(result, view.title, goals, kpis, execution, conflicts,
                       unjudged(analysis.kpi_statuses[k] for k in kpis)),
        alignment=alignment,
        performance_gaps=tuple(k.id for k in gaps),
        execution=execution,
        conflicts=conflicts,
        departments=_departments(result, kpis),
        diagrams=_diagrams(alignment, goals, kpis, conflicts, gaps, frozenset(framework.drivers)),
        findings=tuple(finding_row(f) for f in (*result.findings, *result.suppressed)),
        goals=goals, kpis=kpis, plans=plans, names=names,
    )


def _position(document) -> tuple[str, int]:
    origin = document.origin
    return (origin.file, origin.line) if origin is not None else ("", 0)


def _goal_view(goal: Goal, traces: dict[str, str], measured: set[str]) -> GoalView:
    file, line = _position(goal)
    trace = "company" if goal.level == "company" else traces.get(goal.id, "broken")
    return GoalView(goal.id, goal.title, goal.level, goal.department, goal.owner, goal.parent, trace,
                    goal.id in measured, file, line)


def _alignment_of(kpi: KPI, traces: dict[str, str]) -> str:
    if not kpi.supports:
        return "orphan"
    return "traced" if all(traces.get(g) == "company" for g in kpi.supports) else "untraced"


def _dated(value: float | None, day: date | None) -> Dated | None:
    return None if value is None else Dated(value, day)


def _kpi_view(status: KpiStatus, alignment: str) -> KpiView:
    kpi, progress = status.kpi, status.progress
    file, line = _position(kpi)
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
        concern=status.concern, health_disagrees=status.health_disagrees,
    )


def _plan_view(plan: ActionPlan, today: date) -> PlanView:
    file, line = _position(plan)
    overdue = None
    if plan.due is not None and plan.due < today and plan.status in _OPEN_PLAN:
        overdue = (today - plan.due).days
    return PlanView(
        id=plan.id, title=plan.title, owner=plan.owner, department=plan.department, status=plan.status,
        start=plan.start, due=plan.due, addresses=tuple(dict.fromkeys(plan.addresses)), overdue_days=overdue,
        correcting=correcting(plan, today), milestones_done=sum(1 for m in plan.milestones if m.done),
        milestones_total=len(plan.milestones), file=file, line=line,
    )


def _sorted_behind(kpis) -> list[KpiView]:
    """Key KPIs first; then worst first: off-track, then at-risk (by the numbers, else the owner's
    health); then the larger gap in points; then id."""
    rank = {OFF_TRACK: 0, AT_RISK: 1}
    return sorted(kpis, key=lambda k: (not k.key, rank.get(k.concern or k.status, 2), k.gap_pp is None,
                                       -(k.gap_pp or 0.0), k.id))


# --------------------------------------------------------------------------- alignment


def _alignment(framework: Framework, goals: dict[str, GoalView], kpis: dict[str, KpiView],
               traces: dict[str, str]) -> Alignment:
    supporters: dict[str, list[str]] = {}
    for kpi in kpis.values():
        for goal_id in kpi.supports:
            supporters.setdefault(goal_id, []).append(kpi.id)
    children: dict[str, list[str]] = {}
    for goal in goals.values():
        if goal.level != "company" and goal.trace == "company" and goal.parent is not None:
            children.setdefault(goal.parent, []).append(goal.id)
    trees = tuple(_tree(g.id, children, supporters) for g in framework.company_goals)
    untraced_goals = tuple(Untraced(g.id, _why_goal_untraced(g, goals)) for g in goals.values()
                           if g.trace != "company")
    untraced_kpis = tuple(Untraced(k.id, _why_kpi_untraced(k, goals, traces)) for k in kpis.values()
                          if k.alignment == "untraced")
    unmeasured = tuple(g.id for g in goals.values() if g.level in ("company", "department") and not g.measured)
    return Alignment(trees, tuple(k.id for k in kpis.values() if k.alignment == "orphan"), untraced_kpis,
                     untraced_goals, unmeasured)


def _tree(root: str, children: dict[str, list[str]], supporters: dict[str, list[str]]) -> AlignmentTree:
    # Iterative pre-order: parent chains can be long, and only traced goals are in `children`,
    # so there is no loop to guard against.
    entries: list[GoalEntry] = []
    stack = [(root, 0)]
    while stack:
        goal_id, depth = stack.pop()
        entries.append(GoalEntry(goal_id, depth, tuple(supporters.get(goal_id, ()))))
        stack.extend((child, depth + 1) for child in reversed(children.get(goal_id, ())))
    return AlignmentTree(root, tuple(entries))


def _why_goal_untraced(goal: GoalView, goals: dict[str, GoalView]) -> str:
    if goal.parent is None:
        return "it has no parent goal"
    if goal.parent not in goals:
        return f"its parent '{goal.parent}' does not exist"
    if goal.trace == "cycle":
        return "its chain of parents runs into a loop"
    if goal.trace == "unknown":
        return "its chain of parents reaches a goal that has errors"
    return f"its parent '{goal.parent}' does not lead up to a company goal"


def _why_kpi_untraced(kpi: KpiView, goals: dict[str, GoalView], traces: dict[str, str]) -> str:
    reasons = []
    for goal_id in kpi.supports:
        if goal_id not in goals:
            reasons.append(f"'{goal_id}', which is not a goal of the framework")
        elif traces.get(goal_id) != "company":
            reasons.append(f"'{goal_id}', which does not lead up to a company goal")
    return "supports " + ", and ".join(reasons)


# --------------------------------------------------------------------------- execution


def _execution(framework: Framework, statuses: dict[str, KpiStatus], kpis: dict[str, KpiView],
               plans: dict[str, PlanView], today: date) -> Execution:
    by_department = sorted(kpis.values(), key=lambda k: (k.department, k.id))
    without_plan = tuple(k.id for k in by_department
                         if k.target is not None and all(plans[p].status == "cancelled" for p in k.plans)
                         and not statuses[k.id].plans_with_errors)
    overdue = sorted((p for p in plans.values() if p.overdue_days is not None),
                     key=lambda p: (-(p.overdue_days or 0), p.id))
    blocked = sorted((p for p in plans.values() if p.status == "blocked"), key=lambda p: (p.department or "", p.id))
    milestones = sorted(
        (OverdueMilestone(plan.id, m.title, m.due, (today - m.due).days)
         for plan in framework.plans.values() if plan.status not in ("done", "cancelled")
         for m in plan.milestones if m.due is not None and m.due < today and not m.done),
        key=lambda m: (m.due, m.plan, m.title))
    behind = _sorted_behind(k for k in kpis.values() if (k.concern or k.status) in BEHIND and not k.correcting_plans
                            and not statuses[k.id].plans_with_errors)
    uncorrected = tuple(Uncorrected(k.id, k.concern or k.status, _why_uncorrected(statuses[k.id])) for k in behind)
    stale = sorted((k for k in kpis.values() if k.stale),
                   key=lambda k: (k.latest.date if k.latest and k.latest.date else date.min, k.id))
    return Execution(without_plan, tuple(p.id for p in overdue), tuple(p.id for p in blocked), tuple(milestones),
                     uncorrected, tuple(k.id for k in stale))


def _why_uncorrected(status: KpiStatus) -> str:
    if not status.plans:
        return "no action plan addresses it"
    reasons = []
    for plan in status.plans:
        if not plan.is_active:
            reasons.append(f"'{plan.id}' is {plan.status}")
        elif plan.due is None:
            reasons.append(f"'{plan.id}' has no due date")
        else:
            reasons.append(f"'{plan.id}' was due {plan.due}")
    return "; ".join(reasons)


# --------------------------------------------------------------------------- conflicts


def _conflicts(result: CheckResult, kpis: dict[str, KpiView], names: dict[str, str]) -> Conflicts:
    framework = result.framework
    scan = result.analysis.conflict_scan
    accepted = {(f.subject, f.related[0]): f.suppressed_by for f in result.suppressed
                if f.rule == "department-conflict" and f.related}
    unresolved = tuple(_conflict_view(c, framework, names, accepted.get((c.a, c.b)))
                       for c in scan.conflicts if not c.same_department)
    omitted = tuple(OmittedConflicts(pair, n) for pair, n in scan.omitted.items() if pair[0] != pair[1] and n)
    cross = sum(n for pair, n in scan.totals.items() if pair[0] != pair[1])
    resolved = result.analysis.resolved_conflicts  # settled by trade-offs without errors
    settling = result.analysis.tradeoffs_settling
    tradeoffs = tuple(_tradeoff_view(t, kpis, settling) for t in framework.tradeoffs.values())
    return Conflicts(unresolved, omitted, cross, resolved, tradeoffs)


def _conflict_view(conflict: Conflict, framework: Framework, names: dict[str, str], suppressed: str | None
                   ) -> ConflictView:
    return ConflictView(
        a=conflict.a, b=conflict.b, department_a=conflict.department_a, department_b=conflict.department_b,
        path=conflict.path, signs=conflict.signs, arrows=format_path(conflict.path, conflict.signs),
        words=_path_in_words(conflict, framework, names), mixed=conflict.mixed, mutual=conflict.mutual,
        suppressed=suppressed,
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
    file, line = _position(tradeoff)
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


# --------------------------------------------------------------------------- header, departments, findings


def _share(key: str, label: str, count: int, total: int) -> ScoreLine:
    return ScoreLine(key, label, count, total, count / total * 100.0 if total else None)


def _scorecard(goals: dict[str, GoalView], kpis: dict[str, KpiView], conflicts: Conflicts,
               cannot: Unjudged) -> tuple[ScoreLine, ...]:
    rows = list(kpis.values())
    judged_goals = [g for g in goals.values() if g.level in ("company", "department")]
    unknown = (_share("unjudged_kpis", f"KPIs that {cannot.phrase().replace(f': {cannot.total}', '')}",
                      cannot.total, len(rows)),) if cannot.total else ()
    return (
        _share("traced_kpis", "KPIs traced to a company goal", sum(k.alignment == "traced" for k in rows), len(rows)),
        _share("measured_goals", "Company and department goals measured by a KPI",
               sum(g.measured for g in judged_goals), len(judged_goals)),
        _share("kpis_with_active_plan", "KPIs with an active action plan", sum(bool(k.active_plans) for k in rows),
               len(rows)),
        _share("current_kpis", "KPIs with current numbers", sum(_current(k) for k in rows), len(rows)),
        _share("on_course_kpis", "KPIs on track or achieved", sum(k.status in ON_COURSE for k in rows), len(rows)),
        *unknown,
        _share("unresolved_conflicts", "Cross-department conflicts without a trade-off",
               conflicts.cross_department - conflicts.resolved, conflicts.cross_department),
    )


def _current(kpi: KpiView) -> bool:
    """As :func:`kpiframe.status.has_current_numbers`: a KPI without numbers is not current."""
    return kpi.latest is not None and not kpi.stale


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _verdict(result: CheckResult, kpis: dict[str, KpiView], execution: Execution,
             conflicts: Conflicts, cannot: Unjudged) -> tuple[str, str]:
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    if not result.framework.documents and not result.findings:
        return "empty", "Nothing to report yet: no framework documents were found."
    if errors:
        verdict, text = "fail", f"Fails the check with {_plural(errors, 'error')}"
        text += f" and {_plural(warnings, 'warning')}" if warnings else ""
    elif warnings:
        verdict, text = "warn", f"Passes the check with {_plural(warnings, 'warning')}"
    else:
        verdict, text = "pass", "Passes the check with no warnings"
    counts = Counter(k.status for k in kpis.values())
    behind = counts[OFF_TRACK] + counts[AT_RISK]
    judged = len(kpis) - cannot.total
    if not kpis:
        text += "; there are no KPIs"
    elif not judged:
        text += "; no KPI can be judged yet"
    elif not behind and cannot.total:  # never "no KPI is behind" while some cannot be judged
        text += f"; none of the {_plural(judged, 'KPI')} that can be judged is behind"
    elif not behind:
        text += f"; no KPI is behind ({_plural(len(kpis), 'KPI')} in all)"
    else:
        parts = [f"{n} {label}" for n, label in ((counts[OFF_TRACK], "off track"), (counts[AT_RISK], "at risk")) if n]
        text += f"; {behind} of {_plural(len(kpis), 'KPI')} behind ({', '.join(parts)}), "
        uncorrected = len(execution.uncorrected)
        text += (f"{uncorrected} with nobody correcting course" if uncorrected
                 else "every one with a plan correcting course")
    if cannot.total:
        text += f"; {cannot.phrase()}"
    open_conflicts = conflicts.cross_department - conflicts.resolved
    if open_conflicts:
        text += f"; {_plural(open_conflicts, 'cross-department conflict')} without a trade-off"
    return verdict, text + "."


def _header(result: CheckResult, title: str, goals, kpis, execution: Execution, conflicts: Conflicts,
            cannot: Unjudged) -> Header:
    summary = result.summary()
    organization = result.framework.config.organization
    verdict, verdict_text = _verdict(result, kpis, execution, conflicts, cannot)
    missing = unread(result.framework, result.findings)
    return Header(
        title=title, organization=organization,
        today=result.today, verdict=verdict, verdict_text=verdict_text, files=summary["files"],
        documents=summary["documents"], findings=summary["findings"], suppressed=summary["suppressed"],
        unread_kpis=missing.kpis, unread_files=missing.files,
        scorecard=_scorecard(goals, kpis, conflicts, cannot), cannot_be_judged=cannot,
    )


def _department_of(document) -> str | None:
    return getattr(document, "department", None)


def _departments(result: CheckResult, kpis: dict[str, KpiView]) -> tuple[DepartmentRow, ...]:
    framework = result.framework
    seen = {k.department for k in kpis.values()} | {
        d for d in (_department_of(doc) for doc in framework.by_id.values()) if d}
    config = framework.config
    configured = list(config.department_ids or ())
    entries = {d.id: d for d in config.departments or ()}
    order = configured + sorted(seen - set(configured))
    errors: Counter = Counter()
    warnings: Counter = Counter()
    for finding in result.findings:
        department = _department_of(framework.by_id.get(finding.subject)) if finding.subject else None
        if finding.severity is Severity.ERROR:
            errors[department] += 1
        elif finding.severity is Severity.WARNING:
            warnings[department] += 1
    rows = []
    for department in order:
        mine = [k for k in kpis.values() if k.department == department]
        rows.append(DepartmentRow(
            department, len(mine), sum(k.alignment == "traced" for k in mine), sum(bool(k.active_plans) for k in mine),
            sum(_current(k) for k in mine), sum(k.status in ON_COURSE for k in mine),
            errors[department], warnings[department],
            *((entries[department].name, entries[department].owner) if department in entries else ())))
    if errors[None] or warnings[None]:
        rows.append(DepartmentRow(None, 0, 0, 0, 0, 0, errors[None], warnings[None]))
    return tuple(rows)


def finding_row(finding: Finding) -> FindingRow:
    return FindingRow(finding.code, finding.rule, finding.severity.value, finding.file, finding.line,
                      finding.column, finding.message, finding.suppressed_by)


def _diagrams(alignment: Alignment, goals: dict[str, GoalView], kpis: dict[str, KpiView],
              conflicts: Conflicts, behind_order: list[KpiView], drivers: frozenset[str]) -> tuple[Diagram, ...]:
    data = DiagramInput(
        goal_parents={g.id: g.parent for g in goals.values()},
        goal_levels={g.id: g.level for g in goals.values()},
        kpi_supports={k.id: k.supports for k in kpis.values()},
        trees=[(t.goal, goals[t.goal].title, [e.goal for e in t.entries]) for t in alignment.trees],
        behind=frozenset(k.id for k in kpis.values() if k.status in BEHIND),
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


# --------------------------------------------------------------------------- one department's slice


def department_slice(report: Report | AlignmentView, department: str) -> Alignment:
    """The alignment restricted to ``department``: its goals and KPIs, and the goals above them
    (company goals included) so the slice still shows what it rolls up to."""
    trees = []
    for tree in report.alignment.trees:
        kept = _kept_entries(tree.entries, report, department)
        if kept:
            trees.append(AlignmentTree(tree.goal, kept))
    mine = {k.id for k in report.kpis.values() if k.department == department}
    return Alignment(
        trees=tuple(trees),
        orphan_kpis=tuple(k for k in report.alignment.orphan_kpis if k in mine),
        untraced_kpis=tuple(u for u in report.alignment.untraced_kpis if u.id in mine),
        untraced_goals=tuple(u for u in report.alignment.untraced_goals
                             if report.goals[u.id].department == department),
        unmeasured_goals=tuple(g for g in report.alignment.unmeasured_goals
                               if report.goals[g].department == department),
    )


def _kept_entries(entries: tuple[GoalEntry, ...], report: Report | AlignmentView, department: str
                  ) -> tuple[GoalEntry, ...]:
    """Entries of the department, or with its KPIs, plus every goal above them (the pre-order stack)."""
    keep: list[bool] = []
    filtered: list[GoalEntry] = []
    stack: list[int] = []  # indices of the current entry's ancestors
    for entry in entries:
        while stack and entries[stack[-1]].depth >= entry.depth:
            stack.pop()
        own_kpis = tuple(k for k in entry.kpis if report.kpis[k].department == department)
        filtered.append(GoalEntry(entry.goal, entry.depth, own_kpis))
        relevant = report.goals[entry.goal].department == department or bool(own_kpis)
        keep.append(relevant)
        if relevant:
            for index in stack:
                keep[index] = True
        stack.append(len(filtered) - 1)
    return tuple(e for e, kept in zip(filtered, keep) if kept)
