"""What the commands share: option types and defaults, and the few steps every command takes
(load the framework, run the check, turn a refusal into exit 2). No command logic lives here."""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from kpiframe.fsutil import WriteFailed

if TYPE_CHECKING:
    from kpiframe.analysis import Analysis
    from kpiframe.check import CheckOptions, CheckResult, LoadedFramework, LoadOptions
    from kpiframe.history.sides import Pair
    from kpiframe.stage import Stage


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


def parse_today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        # Parsed here rather than by click, so name both places the value can come from.
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD",
                                 param_hint="'--today' (or KPIFRAME_TODAY)") from None


def today_from(context: typer.Context) -> str:
    """Which of the two places a given date came from, for the summary."""
    source = context.get_parameter_source("today")
    return "KPIFRAME_TODAY" if source is not None and source.name == "ENVIRONMENT" else "--today"


def split_selectors(values: list[str] | None) -> tuple[str, ...]:
    return tuple(part.strip() for value in values or () for part in value.split(",") if part.strip())


AllOpt = typer.Option(False, "--all", help="Also show retired KPIs (hidden by default).")
KeyOpt = typer.Option(False, "--key", help="Only the key KPIs (`key: true`), the few leadership reviews.")
SinceOpt = typer.Option(None, "--since", metavar="REV",
                        help="Compare with the framework at this git revision (a branch, tag or commit).")
PathArg = typer.Argument(Path("."), metavar="PATH", help="The framework folder (its kpiframe.yaml is found by searching upward).")
TodayOpt = typer.Option(None, "--today", envvar="KPIFRAME_TODAY", metavar="YYYY-MM-DD",
                        help="The date to judge progress and staleness at (default: as_of in kpiframe.yaml, else the system date).")


def stage(context: typer.Context) -> Stage:
    """The stage record :func:`main` reads after an internal error (a fresh one under a test runner)."""
    from kpiframe.stage import Stage

    root = context.find_root()
    if not isinstance(root.obj, Stage):
        root.obj = Stage()
    return root.obj


def load_pair(context: typer.Context, path: Path, since: str, to: str | None, options: CheckOptions, *,
              check_base: bool = False) -> Pair:
    """Both sides of a comparison with a git revision; a git problem exits 2 with its fix."""
    from kpiframe.check import UsageError
    from kpiframe.history.sides import load_pair as load_both

    try:
        return load_both(path, since, to, options, check_base=check_base, stage=stage(context))
    except UsageError as exc:
        usage_error(str(exc))


def run_check(context: typer.Context, path: Path, options: CheckOptions, quiet: bool = False) -> CheckResult:
    """Load and run the rules; a path that is not a framework folder exits 2."""
    from kpiframe.check import UsageError
    from kpiframe.check import run_check as check_framework

    try:
        result = check_framework(path, options, stage(context))
    except UsageError as exc:
        usage_error(str(exc))
    if not quiet:
        notice_missing_config(path, result)
    return result


def load(context: typer.Context, path: Path, options: LoadOptions, quiet: bool = False) -> LoadedFramework:
    """The framework without the rules, for the commands that show it; a bad path exits 2."""
    from kpiframe.check import UsageError, load_framework

    try:
        loaded = load_framework(path, options, stage(context))
    except UsageError as exc:
        usage_error(str(exc))
    if not quiet:
        notice_missing_config(path, loaded)
    return loaded


def notice_missing_config(path: Path, loaded: LoadedFramework | CheckResult) -> None:
    from kpiframe.check import missing_config_notice

    notice = missing_config_notice(path, loaded)
    if notice is not None:
        say(notice)


def require_department(analysis: Analysis, department: str | None) -> None:
    """`--department NAME` must name a department the framework knows (exit 2 otherwise)."""
    if department is not None and department not in analysis.departments:
        known = ", ".join(sorted(analysis.departments)) or "none"
        usage_error(f"no department {department!r}; known: {known}")


def say(message: str) -> None:
    """One line to stderr; if stderr itself cannot be written, the exit code still tells."""
    try:
        print(message, file=sys.stderr)
    except (WriteFailed, OSError, ValueError, AttributeError):
        pass


def usage_error(message: str) -> NoReturn:
    print(f"kpiframe: error: {message}", file=sys.stderr)
    raise typer.Exit(2)
