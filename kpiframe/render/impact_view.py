"""`kpiframe impact` as a rich table."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpiframe.impact import ImpactReport
from kpiframe.influence import format_path
from kpiframe.render.text import plural, print_table

OUTCOME_STYLE = {"helped": "green", "hurt": "bold red", "mixed": "yellow"}


def print_impact(report: ImpactReport, console: Console,
                 department_name: Callable[[str], str] = lambda department: department) -> None:
    """``department_name``: what people call a department (config's `departments:` names)."""
    owner = f" ({department_name(report.department)})" if report.department else ""
    console.print(f"When {report.kind} {report.source}{owner} {report.moves}:", soft_wrap=True)
    if not report.rows:
        console.print("  no KPI is reached through influences.")
        return
    table = Table(show_edge=False, pad_edge=False)
    for column in ("KPI", "Department", "Effect", "Path", "Trade-off"):
        table.add_column(column, overflow="fold")
    for row in report.rows:
        covered = ", ".join(row.tradeoffs) or ("-" if row.outcome == "helped" or row.department == report.department
                                               else "none")
        table.add_row(row.kpi, department_name(row.department), Text(row.outcome, style=OUTCOME_STYLE[row.outcome]),
                      format_path(row.path, row.signs), covered)
    print_table(console, table)
    hurt = sum(1 for r in report.rows if r.outcome != "helped")
    console.print(f"{plural(len(report.rows), 'KPI')} reached, {hurt} hurt or mixed.", soft_wrap=True)
