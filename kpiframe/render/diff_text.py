"""`kpiframe diff` for a terminal: changes in groups, relaxed bars and new problems first, coloured."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from kpiframe.history.verdicts import Comparison
from kpiframe.render.diff import GROUP_TITLES, change_text, grouped, summary_text
from kpiframe.render.locations import FilePaths
from kpiframe.render.text import SEVERITY_STYLE

_CHANGE_STYLE = {"relaxed": "bold red", "removed": "red", "flipped": "bold red", "worsened": "red",
                 "appeared": "red", "tightened": "green", "improved": "green", "settled": "green", "added": "green"}


def print_diff_text(comparison: Comparison, console: Console) -> None:
    """Paths are named from the working directory, as `check`'s text output names them."""
    pair = comparison.pair
    shown = FilePaths.for_people(pair.head.loaded.root)
    head = pair.head.source.label
    console.print(Text(f"Changes from {pair.base.source.label} to {head}", style="bold"), soft_wrap=True)
    console.print()
    groups = grouped(comparison.changes)
    for name in ("bars",):
        _print_group(console, GROUP_TITLES[name], groups[name], shown)
    if comparison.new_findings:
        console.print(Text("New findings", style="bold underline"))
        for finding in comparison.new_findings:
            line = Text("  ")
            line.append(f"{finding.severity.value:<7}", style=SEVERITY_STYLE[finding.severity])
            line.append(f" {finding.code} {finding.rule}  ", style="bold")
            line.append(f"{shown(finding.file)}:{finding.line}  " if finding.line else f"{shown(finding.file)}  ")
            line.append(finding.message)
            console.print(line, soft_wrap=True)
        console.print()
    for name in ("status", "conflicts", "documents", "fields"):
        _print_group(console, GROUP_TITLES[name], groups[name], shown)
    if comparison.fixed_findings:
        console.print(Text("Fixed findings", style="bold underline"))
        for finding in comparison.fixed_findings:
            console.print(Text(f"  {finding.code} {finding.rule}  {finding.message}", style="green"), soft_wrap=True)
        console.print()
    console.print(summary_text(comparison) + ".", soft_wrap=True)


def _print_group(console: Console, title: str, changes: list, shown: FilePaths) -> None:
    if not changes:
        return
    console.print(Text(title, style="bold underline"))
    for change in changes:
        line = Text("  ")
        line.append(f"{change.change:<13}", style=_CHANGE_STYLE.get(change.change, ""))
        line.append(change_text(change))
        line.append(f"  {shown(change.file)}:{change.line}" if change.line else f"  {shown(change.file)}", style="dim")
        console.print(line, soft_wrap=True)
    console.print()
