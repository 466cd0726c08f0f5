"""`kpiframe tree`: the alignment of the gap report as a rich tree in the terminal.

Company goals, the department and team goals under them, the KPIs of each goal with a coloured
status and progress, and under each KPI the plans addressing it. What it shows comes from the
report model (:mod:`kpiframe.report.model`, :mod:`kpiframe.report.views`), so tree and report never disagree.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from kpiframe.render.status_table import HEALTH_STYLE, STATUS_STYLE
from kpiframe.report.model import department_slice
from kpiframe.report.views import BEHIND, Alignment, AlignmentView, GoalEntry
from kpiframe.status import format_percent

UNLIMITED_WIDTH = 100_000
PLAN_STYLE = {"in_progress": "green", "planned": "cyan", "blocked": "bold red", "done": "dim", "cancelled": "dim strike"}


def print_tree(view: AlignmentView, console: Console, department: str | None = None) -> None:
    if not console.is_terminal:
        # A file or a pipe: nothing limits the width, so never wrap or crop a line. A tree is not
        # padded to the width, so a wide console costs nothing (measuring a big tree would).
        console.width = max(console.width, UNLIMITED_WIDTH)
    console.print(build_tree(view, department))


def build_tree(view: AlignmentView, department: str | None = None) -> Tree:
    alignment = view.alignment if department is None else department_slice(view, department)
    title = Text(f"{view.title}: goals and KPIs at {view.today}", style="bold")
    if department is not None:
        title.append(f" (department {view.department_name(department)})", style="bold cyan")
    root = Tree(title)
    if not alignment.trees:
        root.add(Text("no company goals" + (f" with {department} goals or KPIs under them" if department else ""),
                      style="dim"))
    for tree in alignment.trees:
        _add_entries(root, view, tree.entries)
    _add_not_traced(root, view, alignment)
    return root


def _add_entries(root: Tree, view: AlignmentView, entries: tuple[GoalEntry, ...]) -> None:
    branches: list[Tree] = []  # the open branch at each depth
    for entry in entries:
        del branches[entry.depth:]
        parent = branches[-1] if branches else root
        branch = parent.add(_goal_label(view, entry.goal))
        branches.append(branch)
        for kpi_id in entry.kpis:
            _add_kpi(branch, view, kpi_id)


def _goal_label(view: AlignmentView, goal_id: str) -> Text:
    goal = view.goals[goal_id]
    text = Text(goal.title, style="bold" if goal.level == "company" else "")
    where = goal.level if not goal.department else f"{view.department_name(goal.department)}, {goal.level}"
    text.append(f"  {goal.id} ({where})", style="dim")
    if goal.level in ("company", "department") and not goal.measured:
        text.append("  not measured by any KPI", style="yellow")
    return text


def _add_kpi(parent: Tree, view: AlignmentView, kpi_id: str, note: str = "") -> None:
    kpi = view.kpis[kpi_id]
    label = Text("KPI ", style="dim")
    if kpi.key:
        label.append("★ ", style="bold")
    label.append(kpi.name)
    label.append(f"  {kpi.id}", style="dim")
    label.append("  ")
    label.append(kpi.status, style=STATUS_STYLE.get(kpi.status, "dim"))
    if kpi.progress_pct is not None:
        label.append(f"  {format_percent(kpi.progress_pct)}")
        if kpi.expected_pct is not None and kpi.status != "achieved":
            label.append(f" / {format_percent(kpi.expected_pct)} expected", style="dim")
        if kpi.latest is not None:
            label.append(f" at its last reading ({kpi.latest.date})", style="dim")
    if kpi.threshold_text and kpi.target is None:
        label.append(f"  {kpi.threshold_text}")
    if kpi.stale:
        label.append("  stale", style="bold yellow")
    if kpi.health is not None:
        label.append("  health ", style="dim")
        label.append(kpi.health.level, style=HEALTH_STYLE.get(kpi.health.level, ""))
        if kpi.health_disagrees:
            label.append(" ≠ numbers", style="yellow")
    if note:
        label.append(f"  {note}", style="yellow")
    branch = parent.add(label)
    for plan_id in kpi.plans:
        branch.add(_plan_label(view, plan_id))
    if not kpi.plans and (kpi.target is not None or (kpi.concern or kpi.status) in BEHIND):
        branch.add(Text("no action plan", style="bold red" if (kpi.concern or kpi.status) in BEHIND else "yellow"))


def _plan_label(view: AlignmentView, plan_id: str) -> Text:
    plan = view.plans[plan_id]
    label = Text("plan ", style="dim")
    label.append(plan.title)
    label.append(f"  {plan.id}  ", style="dim")
    label.append(plan.status.replace("_", " "), style=PLAN_STYLE.get(plan.status, ""))
    if plan.due is not None:
        label.append(f", due {plan.due}")
    if plan.overdue_days is not None:
        label.append(f" ({plan.overdue_days} days overdue)", style="bold red")
    return label


def _add_not_traced(root: Tree, view: AlignmentView, alignment: Alignment) -> None:
    if not (alignment.orphan_kpis or alignment.untraced_kpis or alignment.untraced_goals):
        return
    branch = root.add(Text("Not traced to a company goal", style="bold yellow"))
    for untraced in alignment.untraced_goals:
        goal = branch.add(_goal_label(view, untraced.id))
        goal.add(Text(untraced.reason, style="yellow"))
    for kpi_id in alignment.orphan_kpis:
        _add_kpi(branch, view, kpi_id, "supports no goal")
    for untraced in alignment.untraced_kpis:
        _add_kpi(branch, view, untraced.id, untraced.reason)
