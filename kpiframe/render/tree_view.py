"""`kpiframe tree`: the alignment of the gap report as a tree in the terminal.

Company goals, the department and team goals under them, the KPIs of each goal with a coloured
status and progress, and under each KPI the plans addressing it. What it shows comes from the
report model (:mod:`kpiframe.report.model`, :mod:`kpiframe.report.views`), so tree and report never disagree.

Decisions: the tree is laid out here, line by line, byte for byte as rich's ``Tree`` prints it
(the guides ``├── ``, ``│   ``, ``└── ``, a label too long for its line wrapped by rich's own
``Text.wrap`` under its continuation guide). rich measured and rendered every label through its
whole pipeline: 10.8 s CPU at 10,000 KPIs, against 6.0 s for ``status --format json``. What
rich would reshape another way (ASCII-only guides, a newline or a tab in a label, a line
narrower than its guides) still goes to rich's ``Tree``; tests compare both, mode by mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from kpiframe.numbers import format_percent
from kpiframe.render.status_table import HEALTH_STYLE, STATUS_STYLE
from kpiframe.render.styled import LinePrinter
from kpiframe.report.views import Alignment, AlignmentView, GoalEntry

UNLIMITED_WIDTH = 100_000
PLAN_STYLE = {"in_progress": "green", "planned": "cyan", "blocked": "bold red", "done": "dim", "cancelled": "dim strike"}


GUIDES = ("    ", "│   ", "├── ", "└── ")  # rich's Tree.TREE_GUIDES[0]: space, continue, fork, end
SPACE, CONTINUE, FORK, END = GUIDES


@dataclass
class Node:
    """A label and the nodes under it (what rich calls a Tree)."""

    label: Text
    children: list[Node] = field(default_factory=list)

    def add(self, label: Text) -> Node:
        node = Node(label)
        self.children.append(node)
        return node


class _Reshaped(Exception):
    """rich would lay this tree out in a way the line printer does not: let rich print it."""


def print_tree(view: AlignmentView, console: Console) -> None:
    if not console.is_terminal:
        # A file or a pipe: nothing limits the width, so never wrap or crop a line. A tree is not
        # padded to the width, so a wide console costs nothing (measuring a big tree would).
        console.width = max(console.width, UNLIMITED_WIDTH)
    root = tree_nodes(view)
    printer = LinePrinter(console)
    try:
        lines = _lines(root, console, printer)
    except _Reshaped:
        console.print(as_rich_tree(root))
        return
    for line in lines:
        printer.raw(line)
    printer.flush()


def build_tree(view: AlignmentView) -> Tree:
    """The tree as rich's ``Tree``: what rich itself prints, the reference for :func:`print_tree`."""
    return as_rich_tree(tree_nodes(view))


def as_rich_tree(root: Node) -> Tree:
    tree = Tree(root.label)
    stack = [(tree, root)]
    while stack:
        branch, node = stack.pop()
        stack.extend((branch.add(child.label), child) for child in node.children)
    return tree


def _lines(root: Node, console: Console, printer: LinePrinter) -> list[str]:
    """The tree's lines with their ANSI codes, as rich's ``Tree`` lays them out."""
    if console.options.ascii_only or console.legacy_windows:
        raise _Reshaped
    width = console.width
    lines: list[str] = []

    def add(label: Text, first: str, rest: str) -> None:
        plain = label.plain
        if "\n" in plain or "\t" in plain:
            raise _Reshaped
        room = width - len(first)  # guides are one cell a character
        if cell_len(plain) <= room:
            lines.append(first + printer.render(label))
            return
        if room < 1:
            raise _Reshaped
        for i, line in enumerate(label.wrap(console, room, justify="default", overflow="fold")):
            if cell_len(line.plain) > room:  # a wide character in a one-cell room: rich crops
                raise _Reshaped
            lines.append((rest if i else first) + printer.render(line))

    add(root.label, "", "")
    # Depth first, in order: (node, the guides in front of its line, whether it is the last child).
    stack = _children(root, "")
    while stack:
        node, indent, last = stack.pop()
        through = indent + (SPACE if last else CONTINUE)
        add(node.label, indent + (END if last else FORK), through)
        stack.extend(_children(node, through))
    return lines


def _children(node: Node, indent: str) -> list[tuple[Node, str, bool]]:
    """``node``'s children on a stack: the first one pops first."""
    last = len(node.children) - 1
    return [(node.children[i], indent, i == last) for i in range(last, -1, -1)]


def tree_nodes(view: AlignmentView) -> Node:
    alignment, department = view.alignment, view.department
    title = Text(f"{view.title}: goals and KPIs at {view.today}", style="bold")
    if department is not None:
        title.append(f" (department {view.department_name(department)})", style="bold cyan")
    root = Node(title)
    if not alignment.trees:
        root.add(Text("no company goals" + (f" with {department} goals or KPIs under them" if department else ""),
                      style="dim"))
    for tree in alignment.trees:
        _add_entries(root, view, tree.entries)
    _add_not_traced(root, view, alignment)
    return root


def _add_entries(root: Node, view: AlignmentView, entries: tuple[GoalEntry, ...]) -> None:
    branches: list[Node] = []  # the open branch at each depth
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


def _add_kpi(parent: Node, view: AlignmentView, kpi_id: str, note: str = "") -> None:
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
    elif kpi.threshold_text:  # beside a target: a floor that decides when breached
        label.append(f"  {kpi.threshold_text} to hold" + (", breached" if kpi.threshold_met is False else ""))
    if kpi.stale:
        label.append("  stale", style="bold yellow")
    if kpi.health is not None:
        label.append("  health ", style="dim")
        label.append(kpi.health.level, style=HEALTH_STYLE.get(kpi.health.level, ""))
        if kpi.health_ahead:
            label.append(f" dated {kpi.health.date}, after today: not used yet", style="yellow")
        if kpi.health_disagrees:
            label.append(" ≠ numbers", style="yellow")
    if note:
        label.append(f"  {note}", style="yellow")
    branch = parent.add(label)
    for plan_id in kpi.plans:
        branch.add(_plan_label(view, plan_id))
    if kpi.no_plan:
        branch.add(Text("no action plan", style="bold red" if kpi.behind else "yellow"))


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


def _add_not_traced(root: Node, view: AlignmentView, alignment: Alignment) -> None:
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
