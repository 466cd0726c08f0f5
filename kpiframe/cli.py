"""Stage 7: the command line. Thin typer commands that wire the stages; no logic of their own."""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from enum import Enum
from pathlib import Path

import typer
from typer.core import TyperGroup

from kpiframe import __version__
from kpiframe.fsutil import WriteFailed, emit, names_stdout, write_output


class _Commands(TyperGroup):
    """Every command: a write that was refused or failed (fsutil.WriteFailed) exits 2 with one line."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except WriteFailed as failed:
            _say(f"kpiframe: {failed}")
            raise typer.Exit(2) from None
        except Terminated:  # before typer turns it, as any KeyboardInterrupt, into a silent 130
            _stop_helpers()
            _say("kpiframe: terminated")
            raise typer.Exit(143) from None
        except KeyboardInterrupt:
            _stop_helpers()
            raise


app = typer.Typer(
    cls=_Commands,
    name="kpiframe",
    help="Lint a performance framework kept as YAML: goals, KPIs, drivers, action plans and trade-offs.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help, as git and ruff print it: rich's help panels show every flag as `--force <bool>`.
    rich_markup_mode=None,
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


class ReportFormat(str, Enum):
    """`check --format`: text for people; the others for CI systems and tools (README: Output formats)."""

    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"
    gitlab = "gitlab"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"


def choice(default: str | None, *names: str, choices: type[Enum] | tuple[str, ...], help: str):  # noqa: A002
    """An option taking one of ``choices``, shown as ``a|b|c`` with its default. A value that is not
    one is a usage error without typer's "Value error," prefix, with a did-you-mean."""
    values = tuple(c.value for c in choices) if isinstance(choices, type) else choices

    def parse(value: object) -> object:
        if isinstance(value, Enum):
            return value
        if value in values:
            return choices(value) if isinstance(choices, type) else value
        from kpiframe.suggest import closest

        near = closest(str(value).lower(), values)
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(values)}"
                                 + (f"; did you mean {near!r}?" if near else ""))

    return typer.Option(default, *names, parser=parse, metavar="|".join(values), help=help,
                        autocompletion=lambda: list(values))


def _version(value: bool) -> None:
    if value:
        print(f"kpiframe {__version__}")
        raise typer.Exit()


def _parse_today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        # Parsed here rather than by click, so name both places the value can come from.
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD",
                                 param_hint="'--today' (or KPIFRAME_TODAY)") from None


def _today_from(context: typer.Context) -> str:
    """Which of the two places a given date came from, for the summary."""
    source = context.get_parameter_source("today")
    return "KPIFRAME_TODAY" if source is not None and source.name == "ENVIRONMENT" else "--today"


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(part.strip() for value in values or () for part in value.split(",") if part.strip())


AllOpt = typer.Option(False, "--all", help="Also show retired KPIs (hidden by default).")
KeyOpt = typer.Option(False, "--key", help="Only the key KPIs (`key: true`), the few leadership reviews.")
SinceOpt = typer.Option(None, "--since", metavar="REV",
                        help="Compare with the framework at this git revision (a branch, tag or commit).")
PathArg = typer.Argument(Path("."), metavar="PATH", help="The framework folder (its kpiframe.yaml is found by searching upward).")
TodayOpt = typer.Option(None, "--today", envvar="KPIFRAME_TODAY", metavar="YYYY-MM-DD",
                        help="The date to judge progress and staleness at (default: as_of in kpiframe.yaml, else the system date).")


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """kpiframe: every KPI traced to a goal, every target backed by a plan, no department working against another."""


@app.command()
def check(
    context: typer.Context,
    path: Path = PathArg,
    output_format: ReportFormat = choice("text", "--format", "-f", choices=ReportFormat,
                                         help="text for people; json; github, sarif, junit, gitlab for CI."),
    today: str | None = TodayOpt,
    select: list[str] | None = typer.Option(None, "--select", metavar="RULES", help="Only these rules: codes, slugs or prefixes (KF1), comma separated."),
    ignore: list[str] | None = typer.Option(None, "--ignore", metavar="RULES", help="Skip these rules: codes, slugs or prefixes, comma separated."),
    fail_on: FailOn = choice("error", "--fail-on", choices=FailOn, help="Lowest severity that makes the exit code 1."),
    timings: bool = typer.Option(False, "--timings", help="Show how long each phase took."),
    output_file: Path | None = typer.Option(
        None, "--output-file", "-o", metavar="FILE",
        help="Write the report to FILE (atomically; - is standard output); the terminal gets the summary line."),
    fix: bool = typer.Option(False, "--fix", help="Apply the fixes that cannot change meaning, in place, then report."),
    diff: bool = typer.Option(False, "--diff", help="Show those fixes as a diff without writing (exit 1 if there are any)."),
    since: str | None = SinceOpt,
) -> None:
    """Check the framework: schema, alignment, conflicts and execution. Exit 1 on errors.

    With --since REV, also compare with the framework at that git revision: targets relaxed,
    baselines changed and directions flipped without a `revisions:` entry, KPIs deleted."""
    from kpiframe.check import CheckOptions
    from kpiframe.rules.engine import unknown_selectors, unknown_selectors_message

    started = time.perf_counter()
    selected, ignored = _split(select), _split(ignore)
    unknown = unknown_selectors(selected + ignored)
    if unknown:
        raise typer.BadParameter(unknown_selectors_message(unknown))
    options = CheckOptions(today=_parse_today(today), select=selected, ignore=ignored, today_from=_today_from(context))
    if (fix or diff) and since is not None:
        _usage_error("--fix and --diff change the working tree; leave out --since")
    if fix or diff:
        result = _fixed(context, path, options, diff=diff, quiet=output_format is not ReportFormat.text)
    else:
        result = (_run_check(context, path, options) if since is None
                  else _load_pair(context, path, since, None, options).head.result)
    elapsed = time.perf_counter() - started
    # GitHub shows few annotations; the job summary gets every finding (README: Output formats for CI)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if output_format is ReportFormat.github else None
    rendering = {"fail_on": fail_on.value, "step_summary": bool(summary_file)}
    if output_file is not None and not names_stdout(output_file):
        _write_report(result, output_format.value, output_file, elapsed, timings, rendering)
    elif output_format is ReportFormat.text:
        from kpiframe.render.text import make_console, print_check_text

        print_check_text(result, make_console(), elapsed=elapsed, timings=timings)
    else:
        from kpiframe.render.formats import render_check

        emit(render_check(result, output_format.value, timings=timings, **rendering))
        if timings and output_format is not ReportFormat.json:  # these formats have no place for them
            from kpiframe.render.timings import timings_text

            emit(timings_text(result.timings) + "\n", "stderr")
    if summary_file:
        _append_step_summary(result, Path(summary_file))
    raise typer.Exit(result.exit_code(fail_on.value))


def _append_step_summary(result, path: Path) -> None:
    """Add the findings to GitHub's step summary: appended, as GitHub expects (other steps' and
    tools' summaries share the file)."""
    from kpiframe.fsutil import append_text, could_not_write, refuse_inputs
    from kpiframe.render.github import step_summary

    refuse_inputs(path, os.path.realpath(path), result.inputs())
    try:
        append_text(path, step_summary(result))
    except OSError as exc:
        raise could_not_write(f"the step summary {path} (GITHUB_STEP_SUMMARY)", exc) from None


@app.command("rules")
def list_rules() -> None:
    """List every rule: code, slug, default severity, family, and what it finds."""
    from kpiframe.rules.registry import all_rules

    for r in all_rules():
        print(f"{r.code}  {r.slug:<28} {r.severity.value:<8} {r.family:<10} {r.summary}")


@app.command()
def explain(rule: str = typer.Argument(..., metavar="RULE", help="A rule code (KF101) or slug (orphan-kpi).")) -> None:
    """Explain a rule: why it exists, how to fix it, and a failing and a passing example."""
    from kpiframe.render.rules_doc import explain_text
    from kpiframe.rules.engine import unknown_rule_message
    from kpiframe.rules.registry import find_rule

    found = find_rule(rule)
    if found is None:
        _usage_error(unknown_rule_message(rule))
    emit(explain_text(found))


@app.command()
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
    from kpiframe.status import order_statuses

    loaded = _load(context, path, LoadOptions(today=_parse_today(today)))
    _require_department(loaded.analysis, department)
    rows = order_statuses(loaded.analysis.kpi_statuses, sort, department, include_retired=show_all,
                          key_only=key_only)
    missing = unread(loaded.framework, loaded.settled_findings()[0])
    if output_format is CheckFormat.json:
        from kpiframe.render.status_json import render_status_json

        emit(render_status_json(loaded, rows, missing, sort=sort, department=department))
    else:
        from kpiframe.render.status_table import print_status_table
        from kpiframe.render.text import make_console

        print_status_table(loaded, rows, missing, make_console(), grouped=sort == "department")


@app.command()
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
) -> None:
    """Write the gap report: alignment, performance and execution gaps, conflicts, a diagram, every finding.

    Exit 0 whatever the report finds: a report is not a check (use `kpiframe check` to fail a build).
    """
    from kpiframe.check import CheckOptions
    from kpiframe.report.model import build_report

    options = CheckOptions(today=_parse_today(today))
    comparison = None
    if since is None:
        result = _run_check(context, path, options)
    else:
        from kpiframe.history.verdicts import compare_pair

        comparison = compare_pair(_load_pair(context, path, since, None, options, check_base=True))
        result = comparison.pair.head.result
    gap_report = build_report(result, include_retired=show_all, key_only=key_only)
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


@app.command()
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

    loaded = _load(context, path, LoadOptions(today=_parse_today(today)))
    _require_department(loaded.analysis, department)
    view = build_alignment_view(loaded.analysis, loaded.root, include_retired=show_all, key_only=key_only)
    print_tree(view, make_console(), department)


@app.command()
def graph(
    context: typer.Context,
    path: Path = PathArg,
    output_format: str = choice("mermaid", "--format", "-f", choices=("mermaid", "dot", "json"),
                                help="mermaid (a flowchart), dot (Graphviz) or json (networkx node-link data)."),
    output: Path | None = typer.Option(
        None, "--output", "--output-file", "-o", metavar="FILE",
        help="Write the graph to FILE (atomically; - is standard output) instead of printing it."),
) -> None:
    """Print the whole graph: goals, KPIs, drivers, plans, trade-offs and every link (influences with their sign)."""
    from kpiframe.check import LoadOptions
    from kpiframe.render.graph_export import RENDERERS, export_graph

    loaded = _load(context, path, LoadOptions())
    text = RENDERERS[output_format](export_graph(loaded.framework, loaded.graph))
    if output is None or names_stdout(output):
        emit(text)
    else:
        write_output(output, text, inputs=loaded.inputs())


@app.command()
def impact(
    context: typer.Context,
    kpi_or_driver: str = typer.Argument(..., metavar="ID", help="The id of a KPI or driver."),
    path: Path = PathArg,
    output_format: CheckFormat = choice("text", "--format", "-f", choices=CheckFormat, help="text or json."),
) -> None:
    """Show what improving a KPI (or raising a driver) does to every other KPI, and which trade-offs cover it."""
    from kpiframe.check import LoadOptions
    from kpiframe.impact import NotAMover, impact_of

    loaded = _load(context, path, LoadOptions())
    try:
        report = impact_of(loaded.analysis, kpi_or_driver)
    except NotAMover as exc:
        _usage_error(str(exc))
    if output_format is CheckFormat.json:
        from kpiframe.render.impact_view import render_impact_json

        emit(render_impact_json(report))
    else:
        from kpiframe.render.impact_view import print_impact
        from kpiframe.render.text import make_console

        print_impact(report, make_console(), loaded.framework.config.department_name)


@app.command(context_settings={"ignore_unknown_options": True})  # so that a value may be negative: -5
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

    options = CheckOptions(today=_parse_today(today), select=("KF0",))
    try:
        check_in = plan_check_in(_run_check(context, path, options), kpi, value, day, note, csv_file)
    except CheckInRefused as exc:
        _usage_error(str(exc))
    write_check_in(check_in)
    after = _run_check(context, path, options, quiet=True)
    status_line, notes = check_in_lines(check_in, status_after(after, kpi), after.root)
    for line in notes:
        _say(line)
    emit(status_line + "\n")


def _mount_import_commands() -> None:
    from kpiframe.commands.importing import app as import_app

    app.add_typer(import_app, name="import", help="Turn an existing KPI register (spreadsheet CSV, GitLab-style YAML) into a framework.")


_mount_import_commands()


def _mount_pull_command() -> None:
    from kpiframe.commands.pull import pull

    app.command("pull")(pull)


_mount_pull_command()


def _write_report(result, fmt: str, output_file: Path, elapsed: float, timings: bool, rendering: dict) -> None:
    """`check --output-file`: the report goes to the file, the summary line to stdout."""
    from kpiframe.render.formats import render_check
    from kpiframe.render.text import make_console, summary_line, timings_line

    write_output(output_file, render_check(result, fmt, elapsed=elapsed, timings=timings, **rendering),
                 inputs=result.inputs())
    console = make_console()
    console.print(summary_line(result, elapsed), soft_wrap=True)
    if timings:
        console.print(timings_line(result), soft_wrap=True)


class Editor(str, Enum):
    vscode = "vscode"


@app.command()
def schema(
    path: Path = typer.Argument(Path("."), metavar="PATH", help="With --editor: the framework folder whose files get the schema."),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Write the schema to FILE (atomically; - is standard output) instead of printing it."),
    editor: Editor | None = choice(
        None, "--editor", choices=Editor, help="Check every framework document in this editor: vscode writes the schema to "
        ".vscode/kpiframe.schema.json (or FILE) and maps it to the framework's files in .vscode/settings.json."),
) -> None:
    """Print the JSON Schema of framework documents, for completion and inline errors in editors."""
    from kpiframe.schema_export import schema_json

    text = schema_json()
    if editor is not None:
        _set_up_editor(path, text, output)
        return
    if output is None or names_stdout(output):
        emit(text)
        return
    write_output(output, text, inputs=_framework_files_at(output))
    print(f"Wrote {output}. Map it to your framework's files in the editor (README: Editors), "
          "or for one file start it with: # yaml-language-server: $schema=<path to it>")


def _set_up_editor(path: Path, schema_text: str, output: Path | None) -> None:
    from kpiframe.editor_settings import SettingsRefused, setup_summary, setup_vscode

    if names_stdout(output):
        _usage_error("--editor needs the schema in a file the editor can read; leave out --output, or name a file")
    try:
        done = setup_vscode(path, schema_text, output)
    except SettingsRefused as exc:
        _usage_error(str(exc))
    emit(setup_summary(done))


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), metavar="FOLDER", help="The folder to create the framework in (created if missing)."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that have the same names."),
) -> None:
    """Create a small, commented framework that passes `kpiframe check`, to start from."""
    from kpiframe.scaffold import InitRefused, init_framework, next_steps

    try:
        result = init_framework(folder, force=force)
    except InitRefused as exc:
        _usage_error(str(exc))
    except OSError as exc:
        raise WriteFailed(f"could not write into {folder}: {exc.strerror or exc}") from None
    emit(next_steps(result, str(folder)))


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
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

    comparison = compare_pair(_load_pair(context, path, revision, to, CheckOptions(today=_parse_today(today)),
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
        write_output(output_file, render(comparison), inputs=comparison.pair.head.result.inputs())


@app.command()
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
        _usage_error(str(exc))
    except UnknownKpi as exc:
        _usage_error(str(exc))
    if output_format is CheckFormat.json:
        from kpiframe.render.timeline import render_timeline_json

        emit(render_timeline_json(timeline))
    else:
        from kpiframe.render.text import make_console
        from kpiframe.render.timeline import print_timeline

        print_timeline(timeline, make_console())


def _stage(context: typer.Context):  # -> Stage
    """The stage record :func:`main` reads after an internal error (a fresh one under a test runner)."""
    from kpiframe.stage import Stage

    root = context.find_root()
    if not isinstance(root.obj, Stage):
        root.obj = Stage()
    return root.obj


def _load_pair(context: typer.Context, path: Path, since: str, to: str | None, options, *,
               check_base: bool = False):  # -> Pair
    """Both sides of a comparison with a git revision; a git problem exits 2 with its fix."""
    from kpiframe.check import UsageError
    from kpiframe.history.sides import load_pair

    try:
        return load_pair(path, since, to, options, check_base=check_base, stage=_stage(context))
    except UsageError as exc:
        _usage_error(str(exc))


def _fixed(context: typer.Context, path: Path, options, *, diff: bool, quiet: bool):  # -> CheckResult
    """`check --fix`: fix, say what was fixed, and hand back the check after it. `check --diff`:
    print the diff and exit (1 when there is something to fix)."""
    from kpiframe.fixes import run_fixes, unified_diff
    from kpiframe.render.locations import FilePaths

    done = run_fixes(lambda: _run_check(context, path, options, quiet=True), write=not diff)
    shown = FilePaths.for_people(done.result.root)
    say = _say if quiet or diff else (lambda line: emit(line + "\n"))
    for rel, fix in done.applied:
        say(f"{'would fix' if diff else 'fixed'}: {shown(rel)}:{fix.line}:{fix.column} {fix.description}")
    for rel, fix, why in done.skipped:
        _say(f"not fixed: {shown(rel)}:{fix.line}:{fix.column} {fix.description}: {why}")
    if diff:
        emit(unified_diff(done.plans, shown))
        raise typer.Exit(1 if done.applied else 0)
    return done.result


def _run_check(context: typer.Context, path: Path, options, quiet: bool = False):  # -> CheckResult
    """Load and run the rules; a path that is not a framework folder exits 2."""
    from kpiframe.check import UsageError, run_check

    try:
        result = run_check(path, options, _stage(context))
    except UsageError as exc:
        _usage_error(str(exc))
    if not quiet:
        _notice_missing_config(path, result)
    return result


def _load(context: typer.Context, path: Path, options):  # -> LoadedFramework
    """The framework without the rules, for the commands that show it; a bad path exits 2."""
    from kpiframe.check import UsageError, load_framework

    try:
        loaded = load_framework(path, options, _stage(context))
    except UsageError as exc:
        _usage_error(str(exc))
    _notice_missing_config(path, loaded)
    return loaded


def _notice_missing_config(path: Path, loaded) -> None:
    from kpiframe.check import missing_config_notice

    notice = missing_config_notice(path, loaded)
    if notice is not None:
        _say(notice)


def _require_department(analysis, department: str | None) -> None:
    """`--department NAME` must name a department the framework knows (exit 2 otherwise)."""
    if department is not None and department not in analysis.departments:
        known = ", ".join(sorted(analysis.departments)) or "none"
        _usage_error(f"no department {department!r}; known: {known}")


def _framework_files_at(output: Path) -> list[Path]:
    """For `schema -o`, which reads no framework: a YAML file or a config there is someone's input."""
    from kpiframe.load.config import find_config_file

    inputs = [output] if output.suffix.lower() in (".yaml", ".yml") else []
    config = find_config_file(output.parent) if output.parent.is_dir() else None
    return inputs + ([config] if config is not None else [])


def _say(message: str) -> None:
    """One line to stderr; if stderr itself cannot be written, the exit code still tells."""
    try:
        print(message, file=sys.stderr)
    except (WriteFailed, OSError, ValueError, AttributeError):
        pass


def _usage_error(message: str) -> None:
    print(f"kpiframe: error: {message}", file=sys.stderr)
    raise typer.Exit(2)


class Terminated(KeyboardInterrupt):
    """SIGTERM (`docker stop`, a CI timeout): handled as Ctrl-C is, so helpers are stopped and
    reaped and no temporary file is left, then exit 143 (128 + SIGTERM) as the shell expects."""


def _stop_helpers() -> None:
    """No helper outlives an interrupted command, even one forked just as the signal came."""
    if "kpiframe.forking" in sys.modules:
        sys.modules["kpiframe.forking"].stop_all()


_SIGTERM_SEEN: list[bool] = []


def _on_sigterm(signum, frame) -> None:  # type: ignore[no-untyped-def]
    _SIGTERM_SEEN.append(True)  # in case the exception is swallowed (raised inside a __del__)
    raise Terminated


def terminated_unnoticed(code: int) -> bool:
    """True when SIGTERM came but its exception was lost and the command ran on to ``code``."""
    return bool(_SIGTERM_SEEN) and code != 143


def main() -> None:
    """Entry point: a bug in kpiframe exits 2 with a short report, never a traceback."""
    import signal

    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 console must not turn a file name into a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    from kpiframe.fsutil import guard_standard_streams
    from kpiframe.stage import Stage

    guard_standard_streams()
    signal.signal(signal.SIGTERM, _on_sigterm)
    stage = Stage()
    try:
        app(obj=stage)
    except SystemExit:
        raise
    except Terminated:
        _stop_helpers()
        _say("kpiframe: terminated")
        sys.exit(143)
    except KeyboardInterrupt:
        _stop_helpers()
        _say("kpiframe: interrupted")
        sys.exit(130)
    except WriteFailed as failed:  # raised outside a command (typer printing its own usage error)
        _say(f"kpiframe: {failed}")
        sys.exit(2)
    except MemoryError:
        _say("kpiframe: the framework needs more memory than is available; see `limits:` in the README "
             "(Limits and guarantees) to bound what one file may hold. (exit code 2)")
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the last line of defence, by design
        from kpiframe.forking import WorkerError

        where = stage.where()
        if _out_of_descriptors(exc):
            _say(f"kpiframe: out of file descriptors{where}: {exc.strerror if isinstance(exc, OSError) else exc}; "
                 "raise the limit (`ulimit -n`) or close other programs. (exit code 2)")
            sys.exit(2)
        if isinstance(exc, WorkerError) and exc.args and str(exc).startswith("MemoryError"):
            _say("kpiframe: the framework needs more memory than is available; see `limits:` in the README "
                 "(Limits and guarantees) to bound what one file may hold. (exit code 2)")
            sys.exit(2)
        what = str(exc) if isinstance(exc, WorkerError) else f"{type(exc).__name__}: {exc}"  # named there
        _say(f"kpiframe: internal error{where}: {what}. This is a bug in kpiframe, "
             "not in your framework; please report it with the file named here. (exit code 2)")
        sys.exit(2)


def _out_of_descriptors(exc: Exception) -> bool:
    import errno

    if isinstance(exc, OSError):
        return exc.errno in (errno.EMFILE, errno.ENFILE)
    return "Too many open files" in str(exc)  # as a helper process reports it
