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
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kpiframe.importers.common import (
    UNASSIGNED,
    Attention,
    IdAllocator,
    ImportInputError,
    ImportSummary,
    describe_notes,
    join_paragraphs,
    slugify,
    source_name,
)
from kpiframe.importers.values import Reading, normalise_unit, parse_target_text, read_number
from kpiframe.importers.writer import ImportedFile, check_out_folder, write_framework

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
}
FIELDS = tuple(HEADER_NAMES)
_LABELS = {"name": "Name", "department": "Department", "owner": "Owner", "goal": "Goal", "unit": "Unit",
           "direction": "Direction", "higher_is_better": "Higher is better", "baseline": "Baseline",
           "baseline_date": "Baseline date", "target": "Target", "target_date": "Target date",
           "review": "Review", "source": "Source"}
_INCREASE_WORDS = {"increase", "increasing", "up", "higher", "higher is better", "more is better",
                   "maximise", "maximize", "↑"}
_DECREASE_WORDS = {"decrease", "decreasing", "down", "lower", "lower is better", "less is better",
                   "minimise", "minimize", "↓"}
_YES = {"yes", "y", "true", "1", "higher"}
_NO = {"no", "n", "false", "0", "lower"}
_CADENCES = {"weekly": "weekly", "week": "weekly", "monthly": "monthly", "month": "monthly",
             "quarterly": "quarterly", "quarter": "quarterly", "yearly": "yearly", "year": "yearly",
             "annually": "yearly", "annual": "yearly"}
_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$")
_GOAL_SPLIT_RE = re.compile(r"[;\n]")


def normalise_header(text: str) -> str:
    """``"Higher is better?"`` -> "higher is better"; ``"Target_Date (YYYY-MM-DD)"`` -> "target date"."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())


_HEADER_LOOKUP = {spelling: name for name, spellings in HEADER_NAMES.items() for spelling in spellings}


@dataclass
class _Columns:
    """Which column feeds which field; columns that feed none are kept as extras."""

    fields: dict[str, int] = field(default_factory=dict)
    descriptions: list[int] = field(default_factory=list)
    extras: list[int] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    cells: dict[int, str]
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # "Target: Above 95%": text not written as a field


class _Register:
    """One register being imported: its headers, ids, goals, departments and the summary."""

    def __init__(self, name: str, headers: list[str], columns: _Columns, summary: ImportSummary,
                 given_dates: dict[str, date | None]) -> None:
        self.name, self.headers, self.columns, self.summary = name, headers, columns, summary
        self.given_dates = given_dates  # "baseline_date" -> --baseline-date, "target_date" -> --target-date
        self.ids = IdAllocator()
        self.goals: dict[str, dict[str, Any]] = {}  # casefolded title -> Goal document
        self.departments: dict[str, list[str]] = {}  # id -> spellings
        self.kpis: dict[str, list[dict[str, Any]]] = {}  # department id -> KPI documents

    def cell(self, row: _Row, name: str) -> str:
        index = self.columns.fields.get(name)
        return row.cells.get(index, "").strip() if index is not None else ""

    def header(self, name: str) -> str:
        return self.headers[self.columns.fields[name]]

    def flag(self, row: _Row, name: str, why: str, note: str | None = None) -> None:
        """Report a cell of ``name``'s column and keep a note for the KPI's description."""
        column = self.header(name) if name in self.columns.fields else name
        self.summary.attention.append(Attention(self.name, row.number, column, self.cell(row, name), why))
        row.notes.append(note or why)

    def keep(self, row: _Row, name: str) -> None:
        """Keep a cell's text in the description because it is not written as its field."""
        text = self.cell(row, name)
        if text:
            row.kept.append(f"{self.header(name)}: {text}")


def import_csv(register: Path, out: Path, *, mapping: dict[str, str] | None, force: bool,
               organization: str | None = None, baseline_date: date | None = None,
               target_date: date | None = None) -> ImportSummary:
    """Import a CSV KPI register into a framework at ``out``: goals.yaml, kpis/<department>.yaml
    and kpiframe.yaml.

    ``baseline_date`` and ``target_date`` (``--baseline-date``, ``--target-date``) date the
    baselines and targets of rows that give a value but no date. A row's own date always wins:
    when the register has a date column as well, the summary says so once, and each row dated
    by the option is listed.

    Raises :class:`ImportRefused` when ``out`` is not empty and ``force`` is false, and
    :class:`ImportInputError` when the register cannot be read or has no column for the KPI name.
    """
    name = source_name(register)
    rows = _read_rows(register, name)
    if not rows:
        raise ImportInputError(f"{name}: the register is empty (no header row)")
    headers = [cell.strip() for cell in rows[0]]
    summary = ImportSummary(importer="csv", sources=[name], out=out,
                            organization=organization or DEFAULT_ORGANIZATION)
    columns = _match_columns(headers, mapping or {}, name, summary)
    check_out_folder(out, force)
    given_dates = {"baseline_date": baseline_date, "target_date": target_date}
    state = _Register(name, headers, columns, summary, given_dates)
    _say_which_date_wins(state)
    data_rows = [_Row(number, {i: cell for i, cell in enumerate(cells)})
                 for number, cells in enumerate(rows[1:], start=2) if any(cell.strip() for cell in cells)]
    _register_goals(state, data_rows)
    for row in data_rows:
        summary.entries_read += 1
        document = _row_to_kpi(state, row)
        state.kpis.setdefault(document["department"], []).append(document)
        summary.kpis_written += 1
    _write(out, state, register)
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


def _match_columns(headers: list[str], mapping: dict[str, str], name: str, summary: ImportSummary) -> _Columns:
    overrides = _overrides(headers, mapping, name)
    columns = _Columns()
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


def _goal_titles(text: str) -> list[str]:
    """A goal cell may name several goals, separated by ';' or line breaks (commas stay in titles)."""
    return [" ".join(part.split()) for part in _GOAL_SPLIT_RE.split(text) if part.strip()]


def _register_goals(state: _Register, rows: list[_Row]) -> None:
    """Goals get their ids before any KPI, so a KPI named like a goal is the one that is suffixed."""
    if "goal" not in state.columns.fields:
        return
    for row in rows:
        for title in _goal_titles(state.cell(row, "goal")):
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


# --- one row --------------------------------------------------------------------------------------


def _row_to_kpi(state: _Register, row: _Row) -> dict[str, Any]:
    name = " ".join(state.cell(row, "name").split())
    if not name:
        name = f"Unnamed KPI (row {row.number})"
        state.flag(row, "name", "no name: named after its row")
    base_id = slugify(name, fallback="kpi")
    kpi_id = state.ids.allocate(base_id)
    if kpi_id != base_id:
        state.flag(row, "name", "name already used (by a KPI or a goal): id given a number suffix",
                   f"the id '{base_id}' is already taken, so this KPI is '{kpi_id}'")
    department = _department(state, row)
    owner = state.cell(row, "owner")
    if not owner:
        state.flag(row, "owner", "no owner: owner left out")

    baseline = _measurement(state, row, "baseline", "baseline_date")
    target = _measurement(state, row, "target", "target_date")
    unit = _unit(state, row, baseline, target)
    direction = _direction(state, row, baseline, target)
    document: dict[str, Any] = {"kind": "KPI", "id": kpi_id, "name": name, "department": department}
    if owner:
        document["owner"] = owner
    supports = [state.goals[title.casefold()]["id"] for title in _goal_titles(state.cell(row, "goal"))]
    if supports:
        document["supports"] = supports
    if unit:
        document["unit"] = unit
    if direction:
        document["direction"] = direction
    for key, measurement in (("baseline", baseline), ("target", target)):
        if measurement.value is not None and measurement.day is not None and measurement.unit_ok(unit):
            document[key] = {"value": measurement.value.value, "date": measurement.day}
            if key == "target":
                state.summary.targets_written += 1
        else:  # whatever was written for it stays in the description
            state.keep(row, key)
            state.keep(row, f"{key}_date")
    review = _review(state, row)
    if review:
        document["review"] = review
    source = state.cell(row, "source")
    if source:
        document["source"] = source
    description = _description(state, row)
    if description:
        document["description"] = description
    return document


def _department(state: _Register, row: _Row) -> str:
    text = " ".join(state.cell(row, "department").split())
    if not text:
        state.flag(row, "department", f"no department: department set to '{UNASSIGNED}'")
        department = UNASSIGNED
    else:
        department = slugify(text, fallback=UNASSIGNED)
    spellings = state.departments.setdefault(department, [])
    if text and text not in spellings:
        spellings.append(text)
    return department


@dataclass
class _Measurement:
    """A value and a date read from two columns; either may be missing or unreadable."""

    value: Reading | None
    day: date | None

    def unit_ok(self, unit: str | None) -> bool:
        return self.value is None or self.value.unit is None or self.value.unit == unit


def _measurement(state: _Register, row: _Row, value_field: str, date_field: str) -> _Measurement:
    label = _LABELS[value_field].lower()
    value_text, date_text = state.cell(row, value_field), state.cell(row, date_field)
    value = read_number(value_text) if value_text else None
    if value_text and value is None:
        state.flag(row, value_field, f"{label} is not a number: kept in the description, `{value_field}` left out",
                   f"{label} '{value_text}' is not a number{_reading_hint(value_text)}, so `{value_field}` is left out")
    elif value is not None and value_field == "target":
        state.summary.targets_parsed += 1
    day = _read_date(date_text) if date_text else None
    if date_text and day is None:
        state.flag(row, date_field, f"{label} date is not a YYYY-MM-DD date: kept in the description",
                   f"{label} date '{date_text}' is not a YYYY-MM-DD date, so `{value_field}` is left out")
    given, option = state.given_dates[date_field], _option(date_field)
    if value is not None and not date_text and given is not None:
        day = given
        state.flag(row, date_field, f"{label} dated by {option} (the row gives no date)",
                   f"{label} date {given} given by {option}: the register has no date for it")
    elif value is not None and day is None and not date_text:
        state.flag(row, value_field, f"{label} has no date: `{value_field}` left out, value kept in the description "
                                     f"({option} DATE dates them)",
                   f"{label} {value_text} has no date, so `{value_field}` is left out; add a date "
                   f"(or import with {option}) to keep it")
    if day is not None and value is None and not value_text:
        state.flag(row, date_field, f"{label} date without a {label} value: date kept in the description")
    return _Measurement(value, day)


def _option(date_field: str) -> str:
    return "--" + date_field.replace("_", "-")


def _say_which_date_wins(state: _Register) -> None:
    """A date column and the option for it: not a silent choice. The row's date wins."""
    for date_field, given in state.given_dates.items():
        if given is None or date_field not in state.columns.fields:
            continue
        header, option = state.header(date_field), _option(date_field)
        state.summary.attention.append(Attention(
            state.name, 1, header, header,
            f"{option} {given} given and the register has a '{header}' column: a row's own date wins, "
            f"{option} dates only rows whose '{header}' cell is empty"))


def _reading_hint(text: str) -> str:
    """Say what a phrase seems to mean, so the fix is quick, without writing it as if it were data."""
    parsed = parse_target_text(text)
    if parsed is None or parsed.direction is None:
        return ""
    unit = f" {parsed.unit}" if parsed.unit else ""
    return f" (it reads as {parsed.value}{unit}, direction {parsed.direction}: write those in their own columns)"


def _read_date(text: str) -> date | None:
    match = _DATE_RE.match(text.strip())
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _unit(state: _Register, row: _Row, baseline: _Measurement, target: _Measurement) -> str | None:
    """The unit column; else the unit the numbers themselves carry ("95%", "$10K"); else none."""
    text = state.cell(row, "unit")
    implied = [m.value.unit for m in (target, baseline) if m.value is not None and m.value.unit]
    if text:
        unit = normalise_unit(text)
        for measurement, name in ((baseline, "baseline"), (target, "target")):
            if measurement.value is not None and not measurement.unit_ok(unit):
                state.flag(row, name, f"{name} is in a different unit than the unit column: `{name}` left out",
                           f"{name} '{state.cell(row, name)}' is in {measurement.value.unit}, "
                           f"but the unit is '{unit}', so `{name}` is left out")
        return unit
    if implied:
        state.flag(row, "unit", f"no unit: read from the numbers ({implied[0]})",
                   f"no unit given: '{implied[0]}' read from the numbers' own sign (% or currency)")
        return implied[0]
    state.flag(row, "unit", "no unit: unit left out")
    return None


def _direction(state: _Register, row: _Row, baseline: _Measurement, target: _Measurement) -> str | None:
    """The direction or "higher is better" column, else none: a baseline below the target suggests
    "increase", and the note says so, but a plan can go against what is better for a while, so
    that is not written as the direction."""
    for name in ("direction", "higher_is_better"):
        text = state.cell(row, name)
        if not text:
            continue
        direction = _read_direction(text.lower().strip(), higher_is_better=name == "higher_is_better")
        if direction:
            return direction
        state.keep(row, name)
        state.flag(row, name, "direction not readable: kept in the description",
                   f"'{text}' is not increase/decrease (or yes/no for higher is better)")
    if baseline.value is not None and target.value is not None and baseline.value.value != target.value.value:
        suggested = "increase" if target.value.value > baseline.value.value else "decrease"
        state.flag(row, "direction", "no direction: left out (baseline and target suggest one; confirm it)",
                   f"no direction given, so `direction` is left out; baseline {baseline.value.value} and "
                   f"target {target.value.value} suggest '{suggested}': write it if that is what is better")
        return None
    state.flag(row, "direction", "no direction: direction left out")
    return None


def _read_direction(word: str, higher_is_better: bool) -> str | None:
    if higher_is_better:
        return "increase" if word in _YES else "decrease" if word in _NO else None
    return "increase" if word in _INCREASE_WORDS else "decrease" if word in _DECREASE_WORDS else None


def _review(state: _Register, row: _Row) -> str | None:
    text = state.cell(row, "review")
    if not text:
        return None
    cadence = _CADENCES.get(text.lower().strip())
    if cadence is None:
        state.keep(row, "review")
        state.flag(row, "review", "review cadence not weekly/monthly/quarterly/yearly: kept in the description",
                   f"review '{text}' is not weekly, monthly, quarterly or yearly, so `review` is left out")
    return cadence


def _description(state: _Register, row: _Row) -> str:
    texts = [row.cells.get(index, "").strip() for index in state.columns.descriptions]
    extras = [f"{state.headers[index] or f'Column {index + 1}'}: {row.cells[index].strip()}"
              for index in state.columns.extras if row.cells.get(index, "").strip()]
    beyond = [f"Column {index + 1}: {cell.strip()}" for index, cell in row.cells.items()
              if index >= len(state.headers) and cell.strip()]
    facts = [*dict.fromkeys(row.kept), *extras, *beyond]
    if texts or facts or row.notes:
        facts.append(f"Imported from {state.name}, row {row.number}")
    return join_paragraphs(["\n\n".join(t for t in texts if t), "\n".join(facts), describe_notes(row.notes)])


# --- writing ---------------------------------------------------------------------------------------


def _write(out: Path, state: _Register, register: Path) -> None:
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
        departments[department] = ImportedFile(header, state.kpis[department])
    lines = [f"  {d}: {', '.join(state.departments.get(d, [])) or '(no department given)'}"
             for d in summary.departments]
    config_header = [f"Imported by `kpiframe import csv` from {state.name}. Department ids and the names they came "
                     "from:", *lines]
    write_framework(out, summary, departments=departments, config_header=config_header, inputs=[register],
                    goals=goals)
