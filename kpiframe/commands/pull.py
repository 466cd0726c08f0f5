"""``kpiframe pull``: the command. The work is in :mod:`kpiframe.pull`, the output in
:mod:`kpiframe.render.pull_view`."""

import sys
from pathlib import Path

import typer


def pull(
    path: Path = typer.Argument(Path("."), help="The framework folder (its kpiframe.yaml is found by searching upward)."),
    kpi: list[str] | None = typer.Option(None, "--kpi", metavar="ID", help="Only this KPI (repeatable)."),
    department: str | None = typer.Option(None, "--department", metavar="NAME", help="Only this department's KPIs."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    timeout: float | None = typer.Option(None, "--timeout", metavar="SECONDS", min=0.001,
                                            help="Stop each query after this long (default: pull.timeout, 300)."),
) -> None:
    """Run every KPI's query and write the rows to the pulled actuals CSV. Exit 1 if a query failed."""
    from kpiframe.pull import PullOptions, PullRefused, run_pull
    from kpiframe.render.pull_view import print_findings, print_pull, pull_progress
    from kpiframe.render.text import make_console

    options = PullOptions(kpis=tuple(kpi or ()), department=department, dry_run=dry_run, timeout=timeout)
    try:
        with pull_progress(make_console(stderr=True)) as on_progress:
            result = run_pull(path, options, on_progress)
    except PullRefused as refused:
        print_findings(refused.findings, make_console(stderr=True))
        print(f"kpiframe: error: {refused}", file=sys.stderr)
        raise typer.Exit(2) from None
    print_pull(result, make_console())
    raise typer.Exit(result.exit_code)
