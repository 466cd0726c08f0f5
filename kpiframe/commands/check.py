"""`kpiframe check`, `rules` and `explain`: the linter's commands."""

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from kpiframe.collector import collector_paused
from kpiframe.commands.common import (
    FailOn,
    PathArg,
    ReportFormat,
    SinceOpt,
    TodayOpt,
    choice,
    load_pair,
    parse_today,
    run_check,
    say,
    split_selectors,
    today_from,
    usage_error,
)
from kpiframe.fsutil import emit, names_stdout, write_output

if TYPE_CHECKING:
    from kpiframe.check import CheckOptions, CheckResult


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
    with collector_paused():
        from kpiframe.check import CheckOptions
        from kpiframe.rules.engine import unknown_selectors, unknown_selectors_message

    started = time.perf_counter()
    selected, ignored = split_selectors(select), split_selectors(ignore)
    unknown = unknown_selectors(selected + ignored)
    if unknown:
        raise typer.BadParameter(unknown_selectors_message(unknown))
    options = CheckOptions(today=parse_today(today), select=selected, ignore=ignored, today_from=today_from(context),
                           share_rules=True)
    if (fix or diff) and since is not None:
        usage_error("--fix and --diff change the working tree; leave out --since")
    if fix or diff:
        result = _fixed(context, path, options, diff=diff, quiet=output_format is not ReportFormat.text)
    else:
        result = (run_check(context, path, options) if since is None
                  else load_pair(context, path, since, None, options).head.checked)
    elapsed = time.perf_counter() - started
    # GitHub shows few annotations; the job summary gets every finding (README: Output formats for CI)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if output_format is ReportFormat.github else None
    rendering: dict[str, Any] = {"fail_on": fail_on.value, "step_summary": bool(summary_file)}
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


def _append_step_summary(result: "CheckResult", path: Path) -> None:
    """Add the findings to GitHub's step summary: appended, as GitHub expects (other steps' and
    tools' summaries share the file)."""
    from kpiframe.fsutil import append_text, could_not_write, refuse_inputs
    from kpiframe.render.github import step_summary

    refuse_inputs(path, os.path.realpath(path), result.inputs())
    try:
        append_text(path, step_summary(result))
    except OSError as exc:
        raise could_not_write(f"the step summary {path} (GITHUB_STEP_SUMMARY)", exc) from None


def list_rules() -> None:
    """List every rule: code, slug, default severity, family, and what it finds."""
    from kpiframe.rules.registry import all_rules

    for r in all_rules():
        print(f"{r.code}  {r.slug:<28} {r.severity.value:<8} {r.family:<10} {r.summary}")


def explain(rule: str = typer.Argument(..., metavar="RULE", help="A rule code (KF101) or slug (orphan-kpi).")) -> None:
    """Explain a rule: why it exists, how to fix it, and a failing and a passing example."""
    from kpiframe.render.rules_doc import explain_text
    from kpiframe.rules.engine import unknown_rule_message
    from kpiframe.rules.registry import find_rule

    found = find_rule(rule)
    if found is None:
        usage_error(unknown_rule_message(rule))
    emit(explain_text(found))


def _write_report(result: "CheckResult", fmt: str, output_file: Path, elapsed: float, timings: bool,
                  rendering: dict[str, Any]) -> None:
    """`check --output-file`: the report goes to the file, the summary line to stdout."""
    from kpiframe.render.formats import render_check
    from kpiframe.render.text import make_console, summary_line, timings_line

    write_output(output_file, render_check(result, fmt, elapsed=elapsed, timings=timings, **rendering),
                 inputs=result.inputs())
    console = make_console()
    console.print(summary_line(result, elapsed), soft_wrap=True)
    if timings:
        console.print(timings_line(result), soft_wrap=True)


def _fixed(context: typer.Context, path: Path, options: "CheckOptions", *, diff: bool, quiet: bool) -> "CheckResult":
    """`check --fix`: fix, say what was fixed, and hand back the check after it. `check --diff`:
    print the diff and exit (1 when there is something to fix)."""
    from kpiframe.fixes import run_fixes, unified_diff
    from kpiframe.render.locations import FilePaths

    done = run_fixes(lambda: run_check(context, path, options, quiet=True), write=not diff)
    shown = FilePaths.for_people(done.result.root)
    tell = say if quiet or diff else (lambda line: emit(line + "\n"))
    for rel, fix in done.applied:
        tell(f"{'would fix' if diff else 'fixed'}: {shown(rel)}:{fix.line}:{fix.column} {fix.description}")
    for rel, fix, why in done.skipped:
        say(f"not fixed: {shown(rel)}:{fix.line}:{fix.column} {fix.description}: {why}")
    if diff:
        emit(unified_diff(done.plans, shown))
        raise typer.Exit(1 if done.applied else 0)
    return done.result
