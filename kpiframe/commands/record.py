"""`kpiframe record`: a check-in, appended safely to the actuals."""

from pathlib import Path

import typer

from kpiframe.commands.common import PathArg, TodayOpt, choice, load, parse_today, say, usage_error
from kpiframe.fsutil import emit

HEALTH_LEVELS = ("okay", "attention", "problem")  # kpiframe.record_health.LEVELS (a test keeps them equal)


def record(
    context: typer.Context,
    kpi: str = typer.Argument(..., metavar="KPI", help="The id of the KPI."),
    value: str | None = typer.Argument(None, metavar="[VALUE]",
                                       help="The number, as a plain number (12.5, -3, 1e6); optional with --health "
                                            "(then `record KPI --health LEVEL PATH` works)."),
    path: Path = PathArg,
    day: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                      help="The date the number or health is for (default: today, as check judges it)."),
    note: str | None = typer.Option(None, "--note", metavar="TEXT",
                                    help="A note: kept in the row's note column, and as the health's note with --health."),
    health: str | None = choice(None, "--health", choices=HEALTH_LEVELS,
                                help="The owner's assessment, set as the KPI's `health` in its file (replacing an "
                                     "older one)."),
    csv_file: Path | None = typer.Option(None, "--file", metavar="FILE",
                                            help="The actuals CSV file to add the row to, when `actuals:` names several."),
    today: str | None = TodayOpt,
) -> None:
    """Record a check-in: append KPI's VALUE to the actuals CSV, and/or set the owner's --health in the
    KPI's file (atomically), and print its new status."""
    from kpiframe.check import LoadOptions
    from kpiframe.record import CheckInRefused, plan_check_in, status_after, write_check_in
    from kpiframe.record_health import plan_health
    from kpiframe.render.checkin import record_lines

    if health is not None and value is not None and path == Path(".") and Path(value).exists():
        # `record KPI --health LEVEL PATH`: the one positional after KPI names a folder or file, so
        # it is the PATH (a number that is also a folder's name is refused: say which it is).
        from kpiframe.actuals_csv import parse_plain_number

        if parse_plain_number(value.strip())[0] is not None:
            usage_error(f"{value!r} is both a number and a path here: give both, `record KPI VALUE PATH`, "
                        "or `record KPI --health LEVEL ./PATH`")
        path = Path(value)
        value = None
    if value is None and health is None:
        usage_error("give the VALUE to record, --health LEVEL, or both")
    if value is None and csv_file is not None:
        usage_error("--file names the actuals CSV file for a VALUE; give the VALUE too")
    options = LoadOptions(today=parse_today(today))
    before = load(context, path, options)
    try:  # everything is decided, and may be refused, before anything is written
        check_in = plan_check_in(before, kpi, value, day, note, csv_file) if value is not None else None
        health_in = plan_health(before, kpi, health, day, note) if health is not None else None
    except CheckInRefused as exc:
        usage_error(str(exc))
    for planned in (check_in, health_in):
        if planned is not None:
            write_check_in(planned)
    after = load(context, path, options, quiet=True)
    status_line, notes = record_lines(check_in, health_in, status_after(after, kpi), after.root)
    for line in notes:
        say(line)
    emit(status_line + "\n")
