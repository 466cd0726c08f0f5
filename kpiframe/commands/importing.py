"""``kpiframe import``: turn an existing KPI register into a framework folder, or (``--update``)
refresh one an import wrote, keeping the user's edits.

The integrator mounts :data:`app` as ``kpiframe import``. Exit codes: 0 when the framework was
written or updated (values needing attention, conflicts and entries absent from the source are
reported, and normal: they are the gaps to close), 2 when the import was refused, the input
could not be read or a file could not be written.
"""

import re
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

# The fields `--map` accepts (kpiframe.importers.csv_register.FIELDS; a test keeps the two equal).
MAP_FIELDS = ("name", "department", "owner", "goal", "unit", "direction", "higher_is_better", "baseline",
              "baseline_date", "target", "target_date", "review", "source", "description", "ref")

app = typer.Typer(
    help="Import a KPI register (a spreadsheet export or GitLab performance-indicator YAML) "
         "into a new framework folder, keeping every value you wrote.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help, as the main command's
)

OutOption = Annotated[Path, typer.Option("--out", "-o", metavar="DIR", file_okay=False,
                                         help="Folder to write the framework into (must be empty, "
                                              "unless --update or --force).")]
UpdateOption = Annotated[bool, typer.Option(
    "--update", help="Refresh the framework an earlier import wrote at --out from this source, keeping "
                     "everything you added or changed; conflicts and entries gone from the source are reported.")]


class SummaryFormat(str, Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[SummaryFormat, typer.Option("--format", "-f", help="How to print the summary.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Write into a non-empty folder, overwriting "
                                                            "the files the import writes.")]
OrganizationOption = Annotated[str | None, typer.Option("--organization", metavar="NAME",
                                                           help="Organization name for kpiframe.yaml.")]
BaselineDateOption = Annotated[str | None, typer.Option(
    "--baseline-date", metavar="YYYY-MM-DD",
    help="Date of the baselines of rows that give a value but no date (a row's own date wins); "
         "with --update, the last import's is used again unless given.")]
TargetDateOption = Annotated[str | None, typer.Option(
    "--target-date", metavar="YYYY-MM-DD",
    help="Date of the targets of rows that give a value but no date (a row's own date wins); "
         "with --update, the last import's is used again unless given.")]
AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD",
    help="The date the source describes (e.g. the snapshot's commit date): dates each health. "
         "Without it health entries have no date, as in the source; with --update, the last import's "
         "--as-of is used again (the summary says so).")]

TodayOption = Annotated[str | None, typer.Option(
    "--today", envvar="KPIFRAME_TODAY", metavar="YYYY-MM-DD",
    help="Today, which --as-of may not be after (default: as_of in kpiframe.yaml at --out, else the system date).")]


@app.command("csv")
def csv_command(
    register: Annotated[Path, typer.Argument(metavar="REGISTER", help="The KPI register, exported as CSV (one KPI per row).")],
    out: OutOption,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", metavar="COLUMN=FIELD",
        help=f"Read COLUMN as FIELD (repeatable). Fields: {', '.join(MAP_FIELDS)}.")] = None,
    force: ForceOption = False,
    organization: OrganizationOption = None,
    baseline_date: BaselineDateOption = None,
    target_date: TargetDateOption = None,
    update: UpdateOption = False,
    output_format: FormatOption = SummaryFormat.text,
) -> None:
    """Import a spreadsheet KPI register: one YAML file per department, plus goals when a goal column exists."""
    from kpiframe.importers import import_csv

    mapping = _parse_map(map_ or [])
    baseline_day = _parse_date("--baseline-date", baseline_date)
    target_day = _parse_date("--target-date", target_date)
    _run(lambda: import_csv(register, out, mapping=mapping, force=force, organization=organization,
                            baseline_date=baseline_day, target_date=target_day, update=update),
         output_format)


@app.command("gitlab-pi")
def gitlab_pi_command(
    sources: Annotated[list[Path], typer.Argument(help="GitLab performance-indicator .yml files, or folders of them.",
                                                  metavar="FILE_OR_DIR...")],
    out: OutOption,
    force: ForceOption = False,
    organization: OrganizationOption = None,
    as_of: AsOfOption = None,
    update: UpdateOption = False,
    output_format: FormatOption = SummaryFormat.text,
    today: TodayOption = None,
) -> None:
    """Import GitLab-style performance indicators (data/performance_indicators/*.yml)."""
    from kpiframe.commands.common import parse_today
    from kpiframe.importers import import_gitlab_pi

    day = _parse_date("--as-of", as_of)
    given_today = parse_today(today)
    _run(lambda: import_gitlab_pi(sources, out, force=force, organization=organization, as_of=day, update=update,
                                  today=given_today), output_format)


def _parse_date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    _fail(f"{option} {text!r} is not a date: write it as YYYY-MM-DD")


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            _fail(f"--map expects COLUMN=FIELD, got {pair!r}")
        mapping[column.strip()] = field.strip()
    return mapping


def _run(do_import, output_format: SummaryFormat) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from kpiframe.fsutil import emit
    from kpiframe.importers import ImportProblem
    from kpiframe.render.import_update import import_json, print_import, print_update, update_json

    try:
        summary = do_import()
    except ImportProblem as problem:
        _fail(str(problem))
    except OSError as error:  # creating the folder; the files' own failures are fsutil.WriteFailed
        _fail(f"could not write {error.filename or 'the framework'}: {error.strerror or error}")
    if output_format is SummaryFormat.json:
        emit(update_json(summary) if summary.update is not None else import_json(summary))
    elif summary.update is not None:
        print_update(summary, Console(highlight=False))
    else:
        print_import(summary, Console(highlight=False))


def _fail(message: str) -> NoReturn:
    typer.echo(f"kpiframe import: error: {message}", err=True)
    raise typer.Exit(code=2)
