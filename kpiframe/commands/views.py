"""The commands that show a framework without judging the build: `status`, `report`, `tree`,
`graph` and `impact`. Each loads, asks the analysis, and hands the answer to a renderer."""

from pathlib import Path

import typer

from kpiframe.commands.common import (
    AllOpt,
    CheckFormat,
    KeyOpt,
    PathArg,
    TodayOpt,
    choice,
    load,
    load_pair,
    parse_today,
    require_department,
    run_check,
    usage_error,
)
from kpiframe.fsutil import emit, names_stdout, write_output


def status(
    context: typer.Context,
    path: Path = PathArg,
    today: str | None = TodayOpt,
    output_format: CheckFormat = choice("text", "--format", "-f", choices=CheckFormat, help="Output format."),
    sort: str = choice("department", "--sort", choices=("department", "status", "id"),
                       help="Order of the KPIs (status: worst first)."),
    department: str | None = typer.Option(
        None, "--department", metavar="NAME", help="Only this department's KPIs."),
    show_all: bool = AllOpt,
    key_only: bool = KeyOpt,
) -> None:
    """Show every KPI: baseline, latest actual, target, progress vs expected, status and active plans."""
    from kpiframe.analysis import unread
    from kpiframe.check import LoadOptions
    from kpiframe.status import order_statuses, status_totals, why_none_shown

    loaded = load(context, path, LoadOptions(today=parse_today(today)))
    require_department(loaded.analysis, department)
    rows = order_statuses(loaded.analysis.kpi_statuses, sort, department, include_retired=show_all,
                          key_only=key_only)
    missing = unread(loaded.framework, loaded.settled_findings()[0])
    totals = status_totals(rows)
    if output_format is CheckFormat.json:
        from kpiframe.render.status_json import render_status_json

        emit(render_status_json(loaded, rows, totals, missing, sort=sort, department=department))
    else:
        from kpiframe.render.status_table import print_status_table
        from kpiframe.render.text import make_console

        name = None if department is None else loaded.framework.config.department_name(department)
        print_status_table(loaded, rows, totals, missing, make_console(), grouped=sort == "department",
                           none_shown=why_none_shown(key_only=key_only, department=name))


def report(
    context: typer.Context,
    path: Path = PathArg,
    output: Path | None = typer.Option(
        None, "--output", "--output-file", "-o", metavar="FILE",
        help="Write the report to FILE (atomically; - is standard output) instead of printing it."),
    output_format: str = choice("markdown", "--format", "-f", choices=("markdown", "json"),
                                help="markdown (GitHub-flavoured) or json (the same content as data)."),
    today: str | None = TodayOpt,
    since: str | None = typer.Option(None, "--since", metavar="REV",
                                        help="Start with a section on what changed since this git revision."),
    show_all: bool = AllOpt,
    key_only: bool = KeyOpt,
    department: str | None = typer.Option(
        None, "--department", metavar="NAME",
        help="Only this department: its KPIs, plans, conflicts and findings, and the goals they roll up to."),
) -> None:
    """Write the gap report: a summary, alignment, performance and execution gaps, conflicts, diagrams, every finding.

    Exit 0 whatever the report finds: a report is not a check (use `kpiframe check` to fail a build).
    """
    from kpiframe.check import CheckOptions
    from kpiframe.report.model import build_report

    options = CheckOptions(today=parse_today(today))
    comparison = None
    if since is None:
        result = run_check(context, path, options)
    else:
        from kpiframe.history.verdicts import compare_pair

        comparison = compare_pair(load_pair(context, path, since, None, options, check_base=True))
        result = comparison.pair.head.checked
    require_department(result.analysis, department)
    gap_report = build_report(result, include_retired=show_all, key_only=key_only, department=department)
    if output_format == "json":
        from kpiframe.render.report_json import render_report_json

        text = render_report_json(gap_report)
        if comparison is not None:
            from kpiframe.render.diff import with_changes_json

            text = with_changes_json(text, comparison)
    else:
        from kpiframe.render.report_markdown import render_markdown

        text = render_markdown(gap_report)
        if comparison is not None:
            from kpiframe.render.diff import with_changes_section

            text = with_changes_section(text, comparison)
    if output is None or names_stdout(output):
        emit(text)
        return
    write_output(output, text, inputs=result.inputs())
    print(f"Wrote the gap report of {gap_report.header.title} at {gap_report.header.today} to {output}.")


def tree(
    context: typer.Context,
    path: Path = PathArg,
    department: str | None = typer.Option(
        None, "--department", metavar="NAME",
        help="Only this department's goals and KPIs (with the company goals they roll up to)."),
    today: str | None = TodayOpt,
    show_all: bool = AllOpt,
    key_only: bool = KeyOpt,
) -> None:
    """Show company goals, the department and team goals under them, their KPIs with status, and each KPI's plans."""
    from kpiframe.check import LoadOptions
    from kpiframe.render.text import make_console
    from kpiframe.render.tree_view import print_tree
    from kpiframe.report.model import build_alignment_view

    loaded = load(context, path, LoadOptions(today=parse_today(today)))
    require_department(loaded.analysis, department)
    view = build_alignment_view(loaded.analysis, loaded.root, include_retired=show_all, key_only=key_only,
                                department=department)
    print_tree(view, make_console())


def graph(
    context: typer.Context,
    path: Path = PathArg,
    output_format: str = choice("mermaid", "--format", "-f", choices=("mermaid", "dot", "json"),
                                help="mermaid (a flowchart), dot (Graphviz) or json (networkx node-link data)."),
    output: Path | None = typer.Option(
        None, "--output", "--output-file", "-o", metavar="FILE",
        help="Write the graph to FILE (atomically; - is standard output) instead of printing it."),
    today: str | None = TodayOpt,
) -> None:
    """Print the whole graph: goals, KPIs, drivers, plans, trade-offs and every link (influences with their sign).

    As dot, KPIs are filled by their status at today and influences coloured by whether they help."""
    from kpiframe.check import LoadOptions
    from kpiframe.graph_view import export_graph, graph_facts
    from kpiframe.render.graph_export import RENDERERS, graph_dot

    loaded = load(context, path, LoadOptions(today=parse_today(today)))
    exported = export_graph(loaded.framework, loaded.graph)
    if output_format == "dot":
        text = graph_dot(exported, graph_facts(loaded.analysis))
    else:
        text = RENDERERS[output_format](exported)
    if output is None or names_stdout(output):
        emit(text)
    else:
        write_output(output, text, inputs=loaded.inputs())


def impact(
    context: typer.Context,
    kpi_or_driver: str = typer.Argument(..., metavar="ID", help="The id of a KPI or driver."),
    path: Path = PathArg,
    output_format: CheckFormat = choice("text", "--format", "-f", choices=CheckFormat, help="text or json."),
) -> None:
    """Show what improving a KPI (or raising a driver) does to every other KPI, and which trade-offs cover it."""
    from kpiframe.check import LoadOptions
    from kpiframe.impact import NotAMover, impact_of

    loaded = load(context, path, LoadOptions())
    try:
        report = impact_of(loaded.analysis, kpi_or_driver)
    except NotAMover as exc:
        usage_error(str(exc))
    if output_format is CheckFormat.json:
        from kpiframe.render.impact_view import render_impact_json

        emit(render_impact_json(report))
    else:
        from kpiframe.render.impact_view import print_impact
        from kpiframe.render.text import make_console

        print_impact(report, make_console(), loaded.framework.config.department_name)
