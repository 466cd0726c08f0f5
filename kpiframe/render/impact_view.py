"""`kpiframe impact` as a rich table, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpiframe.impact import ImpactReport, ImpactRow
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


IMPACT_JSON_VERSION = 1


def render_impact_json(report: ImpactReport) -> str:
    payload = {"version": IMPACT_JSON_VERSION, "source": report.source, "kind": report.kind,
               "department": report.department, "moves": report.moves,
               "effects": [_row_as_dict(r) for r in report.rows]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _row_as_dict(row: ImpactRow) -> dict[str, Any]:
    return {"kpi": row.kpi, "name": row.name, "department": row.department, "outcome": row.outcome,
            "path": list(row.path), "signs": list(row.signs), "tradeoffs": list(row.tradeoffs)}
