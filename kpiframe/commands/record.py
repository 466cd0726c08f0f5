"""`kpiframe record`: a check-in, appended safely to the actuals."""

from __future__ import annotations

from pathlib import Path

import typer

from kpiframe.commands.common import PathArg, TodayOpt, parse_today, run_check, say, usage_error
from kpiframe.fsutil import emit


def record(
    context: typer.Context,
    kpi: str = typer.Argument(..., metavar="KPI", help="The id of the KPI."),
    value: str = typer.Argument(..., metavar="VALUE", help="The number, as a plain number (12.5, -3, 1e6)."),
    path: Path = PathArg,
    day: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                      help="The date the number is for (default: today, as check judges it)."),
    note: str | None = typer.Option(None, "--note", metavar="TEXT", help="A note kept in the row's note column."),
    csv_file: Path | None = typer.Option(None, "--file", metavar="FILE",
                                            help="The actuals CSV file to add the row to, when `actuals:` names several."),
    today: str | None = TodayOpt,
) -> None:
    """Record a check-in: append KPI's VALUE to the actuals CSV (atomically) and print its new status."""
    from kpiframe.check import CheckOptions
    from kpiframe.record import CheckInRefused, plan_check_in, status_after, write_check_in
    from kpiframe.render.checkin import check_in_lines

    options = CheckOptions(today=parse_today(today), select=("KF0",))
    try:
        check_in = plan_check_in(run_check(context, path, options), kpi, value, day, note, csv_file)
    except CheckInRefused as exc:
        usage_error(str(exc))
    write_check_in(check_in)
    after = run_check(context, path, options, quiet=True)
    status_line, notes = check_in_lines(check_in, status_after(after, kpi), after.root)
    for line in notes:
        say(line)
    emit(status_line + "\n")
