"""KF1 alignment: every KPI traces up to a company goal, and every goal is measured."""

from __future__ import annotations

from collections.abc import Iterator

from kpiframe.model import Goal
from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import documents, rule
from kpiframe.rules.snippets import COMPANY_GOAL, NEW_ARR_KPI

_WIN_DEALS = """
    kind: Goal
    id: win-deals
    title: Win more deals
    level: department
    department: sales
    parent: {parent}
"""


@rule(
    code="KF101", slug="orphan-kpi", severity="error",
    summary="A KPI that supports no goal.",
    rationale="""
        A KPI that measures progress toward nothing is a number kept for its own sake, and the
        first sign of a silo: it cannot be weighed against the company's priorities, and nobody
        can say what improving it is for.
    """,
    fix="Add `supports:` with the goal (department or company) this KPI measures progress toward.",
    failing=documents(COMPANY_GOAL, NEW_ARR_KPI),
    passing=documents(COMPANY_GOAL, NEW_ARR_KPI + "    supports: [grow-revenue]\n"),
)
def orphan_kpi(ctx: RuleContext) -> Iterator[Problem]:
    for kpi in ctx.framework.live_kpis.values():
        if not kpi.supports:
            yield problem(kpi, f"{kpi.label} supports no goal", path=("supports",), key=True,
                          hint="add `supports: [<goal id>]` naming the goal this KPI measures")


@rule(
    code="KF102", slug="untraced-kpi", severity="error",
    summary="A KPI supports a goal whose chain of parents does not reach a company goal.",
    rationale="""
        Alignment means every KPI can be followed up to something the company as a whole wants.
        A KPI under a department goal that hangs in the air looks aligned but is set in a silo.
    """,
    fix="Give the supported goal a `parent` that leads to a company goal, or support another goal.",
    failing=documents(NEW_ARR_KPI + "    supports: [win-deals]\n", _WIN_DEALS.format(parent="no-such-goal")),
    passing=documents(NEW_ARR_KPI + "    supports: [win-deals]\n", _WIN_DEALS.format(parent="grow-revenue"), COMPANY_GOAL),
)
def untraced_kpi(ctx: RuleContext) -> Iterator[Problem]:
    traces = ctx.analysis.traces
    for kpi in ctx.framework.live_kpis.values():
        stuck = [g for g in kpi.supports if traces.get(g, "company") not in ("company", "unknown")]
        if stuck:
            names = ", ".join(f"'{g}'" for g in stuck)
            index = kpi.supports.index(stuck[0])
            yield problem(kpi, f"{kpi.label} supports {names}, which does not lead up to a company goal",
                          path=("supports", index), related=stuck,
                          hint="connect that goal to a company goal through `parent`, or support a goal that is")


@rule(
    code="KF103", slug="untraced-goal", severity="error",
    summary="A department or team goal whose chain of parents does not reach a company goal.",
    rationale="""
        A department goal that serves no company goal pulls effort away from what the company
        decided matters. Every sub-goal should be a step toward a company goal.
    """,
    fix="Set `parent` to a goal that leads up to a company goal.",
    failing=documents(_WIN_DEALS.format(parent="team-wins"), """
        kind: Goal
        id: team-wins
        title: Team wins
        level: team
        department: sales
        parent: missing-goal
    """),
    passing=documents(_WIN_DEALS.format(parent="grow-revenue"), COMPANY_GOAL),
)
def untraced_goal(ctx: RuleContext) -> Iterator[Problem]:
    traces = ctx.analysis.traces
    goals = ctx.framework.goals
    for goal in goals.values():
        if goal.level == "company" or traces.get(goal.id) in ("company", "unknown"):
            continue
        if goal.parent not in goals:  # its own parent is missing: dangling-reference says so
            continue
        if traces.get(goal.id) == "cycle" and _on_cycle(goal, goals):
            continue  # goal-cycle reports the loop itself
        yield problem(goal, f"{goal.label} does not lead up to a company goal (its parent chain "
                            f"{'runs into a loop' if traces.get(goal.id) == 'cycle' else 'is broken'})",
                      path=("parent",), related=[goal.parent] if goal.parent else [],
                      hint="set `parent` to a goal that leads to a company goal")


def _on_cycle(goal: Goal, goals: dict[str, Goal]) -> bool:
    seen: set[str] = set()
    current: str | None = goal.parent
    while current in goals and current not in seen:
        if current == goal.id:
            return True
        seen.add(current)
        current = goals[current].parent
    return False


def goal_cycles(goals: dict[str, Goal]) -> list[list[str]]:
    """Each loop in the parent chains once, starting at its smallest id."""
    cycles, done = [], set()
    for goal in sorted(goals):
        if goal in done or not _on_cycle(goals[goal], goals):
            continue
        loop: list[str] = [goal]
        current = goals[goal].parent
        while current is not None and current != goal:
            loop.append(current)
            current = goals[current].parent
        done.update(loop)
        start = loop.index(min(loop))
        cycles.append(loop[start:] + loop[:start])
    return cycles


@rule(
    code="KF104", slug="goal-cycle", severity="error",
    summary="Goals whose parents form a loop.",
    rationale="""
        A loop of parents (A serves B, B serves A) can never reach a company goal, and every goal
        and KPI under it is untraceable. Reported once per loop, naming every goal in it.
    """,
    fix="Break the loop: one of the goals needs a parent outside it.",
    failing=documents(_WIN_DEALS.format(parent="close-faster"), """
        kind: Goal
        id: close-faster
        title: Close faster
        level: team
        department: sales
        parent: win-deals
    """),
    passing=documents(_WIN_DEALS.format(parent="grow-revenue"), """
        kind: Goal
        id: close-faster
        title: Close faster
        level: team
        department: sales
        parent: win-deals
    """, COMPANY_GOAL),
)
def goal_cycle(ctx: RuleContext) -> Iterator[Problem]:
    goals = ctx.framework.goals
    for loop in goal_cycles(goals):
        shown = " -> ".join(loop + [loop[0]])
        yield problem(goals[loop[0]], f"goals form a loop of parents: {shown}", path=("parent",),
                      related=loop, hint="give one of these goals a parent outside the loop")


@rule(
    code="KF105", slug="unmeasured-goal", severity="warning",
    summary="A company or department goal that no KPI measures, directly or through its sub-goals.",
    rationale="""
        A goal nobody measures is a wish: there is no way to tell whether it is being reached.
        Every company and department goal should have at least one KPI tracing to it.
    """,
    fix="Add a KPI that `supports` this goal (or one of its sub-goals).",
    failing=COMPANY_GOAL,
    passing=documents(COMPANY_GOAL, NEW_ARR_KPI + "    supports: [grow-revenue]\n"),
)
def unmeasured_goal(ctx: RuleContext) -> Iterator[Problem]:
    framework = ctx.framework
    measured = ctx.analysis.measured_goals
    unknown = ctx.analysis.goals_measured_perhaps
    for goal in framework.goals.values():
        if goal.id in unknown:
            continue  # a KPI or sub-goal under it has errors: whether it is measured is unknown until fixed
        if goal.level in ("company", "department") and goal.id not in measured:
            yield problem(goal, f"{goal.label} is not measured by any KPI", path=("id",),
                          hint="add a KPI with `supports: [" + goal.id + "]`, or under one of its sub-goals")

