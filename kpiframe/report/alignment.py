"""The report's alignment: each company goal's tree of goals and KPIs, what traces to none, what
no KPI measures, and one department's slice of it (`tree --department`, `report --department`)."""

from __future__ import annotations

from kpiframe.model import Framework
from kpiframe.report.views import (
    Alignment,
    AlignmentTree,
    AlignmentView,
    GoalEntry,
    GoalView,
    KpiView,
    Report,
    Untraced,
)


def alignment_of(framework: Framework, goals: dict[str, GoalView], kpis: dict[str, KpiView],
               traces: dict[str, str]) -> Alignment:
    supporters: dict[str, list[str]] = {}
    for kpi in kpis.values():
        for goal_id in kpi.supports:
            supporters.setdefault(goal_id, []).append(kpi.id)
    children: dict[str, list[str]] = {}
    for goal in goals.values():
        if goal.level != "company" and goal.trace == "company" and goal.parent is not None:
            children.setdefault(goal.parent, []).append(goal.id)
    trees = tuple(_tree(g.id, children, supporters, kpis) for g in framework.company_goals)
    untraced_goals = tuple(Untraced(g.id, _why_goal_untraced(g, goals)) for g in goals.values()
                           if g.trace != "company")
    untraced_kpis = tuple(Untraced(k.id, _why_kpi_untraced(k, goals, traces)) for k in kpis.values()
                          if k.alignment == "untraced")
    unmeasured = tuple(g.id for g in goals.values() if g.level in ("company", "department") and not g.measured)
    return Alignment(trees, tuple(k.id for k in kpis.values() if k.alignment == "orphan"), untraced_kpis,
                     untraced_goals, unmeasured)


def _tree(root: str, children: dict[str, list[str]], supporters: dict[str, list[str]],
          kpis: dict[str, KpiView]) -> AlignmentTree:
    # Iterative pre-order: parent chains can be long, and only traced goals are in `children`,
    # so there is no loop to guard against.
    entries: list[GoalEntry] = []
    stack = [(root, 0)]
    while stack:
        goal_id, depth = stack.pop()
        entries.append(GoalEntry(goal_id, depth, tuple(supporters.get(goal_id, ()))))
        stack.extend((child, depth + 1) for child in reversed(children.get(goal_id, ())))
    return _counted(root, tuple(entries), kpis)


def _counted(root: str, entries: tuple[GoalEntry, ...], kpis: dict[str, KpiView]) -> AlignmentTree:
    listed = [kpis[k] for entry in entries for k in entry.kpis]
    return AlignmentTree(root, entries, kpis=len(listed), behind=sum(1 for k in listed if k.behind))


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


# --------------------------------------------------------------------------- one department's slice


def department_slice(report: Report | AlignmentView, department: str) -> Alignment:
    """The alignment restricted to ``department``: its goals and KPIs, and the goals above them
    (company goals included) so the slice still shows what it rolls up to."""
    trees = []
    for tree in report.alignment.trees:
        kept = _kept_entries(tree.entries, report, department)
        if kept:
            trees.append(_counted(tree.goal, kept, report.kpis))
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
