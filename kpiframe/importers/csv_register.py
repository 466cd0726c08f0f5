"""Import a KPI register exported from a spreadsheet: one KPI per row, headers in the first row.

Headers are recognised case-insensitively under their common names ("KPI", "Team", "DRI",
"Higher is better?", "Deadline"...); ``mapping`` (``--map COLUMN=field``) overrides. A cell that
cannot be read as the format wants ("Above 95%", "TBD", "next spring") is never guessed: its text
goes into the KPI's description, the field is left out, and the row and column are reported.
Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from kpiframe.importers.common import (
    Attention,
    ImportInputError,
    ImportSummary,
    slugify,
    source_name,
)
from kpiframe.importers.csv_rows import Columns, Register, Row, goal_titles, row_to_kpi, say_which_date_wins
from kpiframe.importers.writer import ImportedFile, check_out_folder, dated_by, write_framework

DEFAULT_ORGANIZATION = "Unnamed organization"

# The fields a column can map to, and the header spellings recognised for each (normalised:
# lower case, punctuation and "(...)" removed, single spaces).
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "name": ("name", "kpi", "kpi name", "metric", "metric name", "indicator", "indicator name", "measure"),
    "department": ("department", "dept", "team", "function", "org", "organisation", "organization",
                   "business unit"),
    "owner": ("owner", "kpi owner", "dri", "responsible", "accountable"),
    "goal": ("goal", "goals", "objective", "objectives", "company goal", "strategic goal", "strategic objective"),
    "unit": ("unit", "units", "unit of measure", "uom"),
    "direction": ("direction", "polarity", "better direction", "good direction"),
    "higher_is_better": ("higher is better", "higher better", "is higher better"),
    "baseline": ("baseline", "baseline value", "starting value", "start value"),
    "baseline_date": ("baseline date", "baseline as of", "as of", "baseline measured"),
    "target": ("target", "target value"),
    "target_date": ("target date", "deadline", "due", "due date", "target by", "by when"),
    "review": ("review", "review cadence", "frequency", "cadence", "review frequency", "reporting frequency"),
    "source": ("source", "data source", "source of data", "system"),
    "description": ("description", "definition", "notes", "note", "comments", "comment"),
    # The register's own id for a row: `import --update` matches rows by it (else by name), and it
    # is kept in the description. It is not the kpiframe id, which stays a slug of the name.
    "ref": ("id", "kpi id", "ref", "reference", "kpi ref", "code", "kpi code"),
}
FIELDS = tuple(HEADER_NAMES)


def normalise_header(text: str) -> str:
    """``"Higher is better?"`` -> "higher is better"; ``"Target_Date (YYYY-MM-DD)"`` -> "target date"."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())


_HEADER_LOOKUP = {spelling: name for name, spellings in HEADER_NAMES.items() for spelling in spellings}


def import_csv(register: Path, out: Path, *, mapping: dict[str, str] | None, force: bool,
               organization: str | None = None, baseline_date: date | None = None,
               target_date: date | None = None, update: bool = False) -> ImportSummary:
    """Import a CSV KPI register into a framework at ``out``: goals.yaml, kpis/<department>.yaml
    and kpiframe.yaml.

    ``baseline_date`` and ``target_date`` (``--baseline-date``, ``--target-date``) date the
    baselines and targets of rows that give a value but no date. A row's own date always wins:
    when the register has a date column as well, the summary says so once, and each row dated
    by the option is listed.

    Raises :class:`ImportRefused` when ``out`` is not empty and ``force`` is false, and
    :class:`ImportInputError` when the register cannot be read or has no column for the KPI name.
    With ``update`` the framework at ``out`` is refreshed keeping the user's edits
    (:mod:`kpiframe.importers.update`).
    """
    name = source_name(register)
    rows = _read_rows(register, name)
    if not rows:
        raise ImportInputError(f"{name}: the register is empty (no header row)")
    headers = [cell.strip() for cell in rows[0]]
    summary = ImportSummary(importer="csv", sources=[name], out=out,
                            organization=organization or DEFAULT_ORGANIZATION)
    columns = _match_columns(headers, mapping or {}, name, summary)
    check_out_folder(out, force, update)
    summary.dating = dated_by(out, {"baseline_date": baseline_date, "target_date": target_date}, update)
    given_dates = {option.name: option.day for option in summary.dating}
    state = Register(name, headers, columns, summary, given_dates)
    say_which_date_wins(state)
    data_rows = [Row(number, {i: cell for i, cell in enumerate(cells)})
                 for number, cells in enumerate(rows[1:], start=2) if any(cell.strip() for cell in cells)]
    _register_goals(state, data_rows)
    for row in data_rows:
        summary.entries_read += 1
        document = row_to_kpi(state, row)
        state.kpis.setdefault(document["department"], []).append(document)
        summary.kpis_written += 1
    _write(out, state, register, update)
    return summary


# --- reading -----------------------------------------------------------------------------------


def _read_rows(register: Path, name: str) -> list[list[str]]:
    try:
        raw = register.read_bytes()
    except FileNotFoundError:
        raise ImportInputError(f"{name}: no such file") from None
    except OSError as error:
        raise ImportInputError(f"{name}: cannot be read ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportInputError(f"{name}: not UTF-8 text; in a spreadsheet, save as 'CSV UTF-8'") from None
    delimiter = _delimiter(text, register.suffix.lower())
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportInputError(f"{name}: not a readable CSV file ({error})") from None


def _delimiter(text: str, suffix: str) -> str:
    """Comma, or semicolon/tab when the header row plainly uses those (European exports, TSV)."""
    if suffix == ".tsv":
        return "\t"
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


def _match_columns(headers: list[str], mapping: dict[str, str], name: str, summary: ImportSummary) -> Columns:
    overrides = _overrides(headers, mapping, name)
    columns = Columns()
    for index, header in enumerate(headers):
        target = overrides.get(index) or _HEADER_LOOKUP.get(normalise_header(header))
        if target == "description":
            columns.descriptions.append(index)
        elif target and target not in columns.fields:
            columns.fields[target] = index
        else:
            columns.extras.append(index)
            why = (f"column also maps to '{target}', already read from '{headers[columns.fields[target]]}': "
                   "values kept in descriptions" if target else
                   "column not recognised: values kept in descriptions (use --map COLUMN=field to read it)")
            summary.attention.append(Attention(name, 1, header or f"column {index + 1}", header, why))
    if "name" not in columns.fields:
        raise ImportInputError(
            f"{name}: no column for the KPI name (looked for {', '.join(HEADER_NAMES['name'])}; "
            f"found {', '.join(repr(h) for h in headers)}); use --map COLUMN=name")
    return columns


def _overrides(headers: list[str], mapping: dict[str, str], name: str) -> dict[int, str]:
    by_header = {normalise_header(header): index for index, header in enumerate(headers)}
    overrides: dict[int, str] = {}
    for column, target in mapping.items():
        field_name = normalise_header(target).replace(" ", "_")
        if field_name not in FIELDS:
            raise ImportInputError(f"--map {column}={target}: unknown field '{target}'; "
                                   f"fields are {', '.join(FIELDS)}")
        index = by_header.get(normalise_header(column))
        if index is None:
            raise ImportInputError(f"--map {column}={target}: {name} has no column '{column}'")
        overrides[index] = field_name
    return overrides


# --- goals ---------------------------------------------------------------------------------------


def _register_goals(state: Register, rows: list[Row]) -> None:
    """Goals get their ids before any KPI, so a KPI named like a goal is the one that is suffixed."""
    if "goal" not in state.columns.fields:
        return
    for row in rows:
        for title in goal_titles(state.cell(row, "goal")):
            key = title.casefold()
            if key in state.goals:
                continue
            goal_id = state.ids.allocate(slugify(title, fallback="goal"))
            state.goals[key] = {
                "kind": "Goal", "id": goal_id, "title": title, "level": "company",
                "description": f"Imported from {state.name}, column '{state.header('goal')}' "
                               f"(first on row {row.number}).",
            }
            state.summary.goals.append(goal_id)


# --- writing ---------------------------------------------------------------------------------------


def _write(out: Path, state: Register, register: Path, update: bool) -> None:
    summary = state.summary
    goals = None
    if state.goals:
        goals = ImportedFile([f"Imported by `kpiframe import csv` from {state.name}: the goals its KPIs name."],
                             list(state.goals.values()))
    summary.departments = sorted(state.kpis)
    departments = {}
    for department in summary.departments:
        spellings = state.departments.get(department, [])
        header = [f"Imported by `kpiframe import csv` from {state.name}",
                  f"Department '{department}'" + (f" ({', '.join(spellings)})" if spellings else "")]
        documents = state.kpis[department]
        departments[department] = ImportedFile(header, documents, [state.refs.get(d["id"]) for d in documents])
    lines = [f"  {d}: {', '.join(state.departments.get(d, [])) or '(no department given)'}"
             for d in summary.departments]
    config_header = [f"Imported by `kpiframe import csv` from {state.name}. Department ids and the names they came "
                     "from:", *lines]
    write_framework(out, summary, departments=departments, config_header=config_header, inputs=[register],
                    goals=goals, update=update)
