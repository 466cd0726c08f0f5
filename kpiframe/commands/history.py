"""`kpiframe diff` and `kpiframe history`: the framework across git revisions."""

from enum import Enum
from pathlib import Path

import typer

from kpiframe.commands.common import CheckFormat, PathArg, TodayOpt, choice, load_pair, parse_today, usage_error
from kpiframe.fsutil import emit, names_stdout, write_output


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def diff(
    context: typer.Context,
    revision: str = typer.Argument(..., metavar="REV", help="The git revision to compare with (branch, tag, commit)."),
    path: Path = PathArg,
    to: str | None = typer.Option(None, "--to", metavar="REV2",
                                     help="Compare with this revision instead of the working tree."),
    output_format: DiffFormat = choice("text", "--format", "-f", choices=DiffFormat,
                                       help="text, json, or markdown (a pull-request comment)."),
    today: str | None = TodayOpt,
    output_file: Path | None = typer.Option(None, "--output-file", "-o", metavar="FILE",
                                               help="Write the output to FILE (atomically)."),
) -> None:
    """Show what changed in the framework since a git revision, by document id: relaxed targets,
    moved due dates, new and fixed findings, status changes, conflicts. Exit 0."""
    from kpiframe.check import CheckOptions
    from kpiframe.history.verdicts import compare_pair

    comparison = compare_pair(load_pair(context, path, revision, to, CheckOptions(today=parse_today(today)),
                                         check_base=True))
    if output_format is DiffFormat.text and (output_file is None or names_stdout(output_file)):
        from kpiframe.render.diff_text import print_diff_text
        from kpiframe.render.text import make_console

        print_diff_text(comparison, make_console())
        return
    from kpiframe.render.diff import render_diff_json, render_diff_markdown, render_diff_plain

    render = {DiffFormat.json: render_diff_json, DiffFormat.markdown: render_diff_markdown,
              DiffFormat.text: render_diff_plain}[output_format]
    if output_file is None or names_stdout(output_file):
        emit(render(comparison))
    else:
        write_output(output_file, render(comparison), inputs=comparison.pair.head.checked.inputs())


def history(
    kpi_id: str = typer.Argument(..., metavar="ID", help="The id of a KPI."),
    path: Path = PathArg,
    output_format: CheckFormat = choice("text", "--format", "-f", choices=CheckFormat, help="text or json."),
) -> None:
    """The timeline of one KPI from git: every commit that changed it, its revisions with their
    reasons, and its actuals over time."""
    from kpiframe.check import UsageError
    from kpiframe.history.timeline import UnknownKpi, kpi_timeline

    try:
        timeline = kpi_timeline(path, kpi_id)
    except UsageError as exc:
        usage_error(str(exc))
    except UnknownKpi as exc:
        usage_error(str(exc))
    if output_format is CheckFormat.json:
        from kpiframe.render.timeline import render_timeline_json

        emit(render_timeline_json(timeline))
    else:
        from kpiframe.render.text import make_console
        from kpiframe.render.timeline import print_timeline

        print_timeline(timeline, make_console())
