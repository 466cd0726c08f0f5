"""One row of a spreadsheet register, read cell by cell into a KPI document.

A cell that cannot be read as the format wants is never guessed: its text goes into the KPI's
description, the field is left out, and the row and column are reported (``Register.flag``).
An owner, unit or direction the register does not give is left out, not filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kpiframe.importers.common import (
    UNASSIGNED,
    Attention,
    IdAllocator,
    ImportSummary,
    describe_notes,
    join_paragraphs,
    slugify,
)
from kpiframe.importers.values import Reading, normalise_unit, parse_target_text, read_number

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
GOAL_SPLIT_RE = re.compile(r"[;\n]")


@dataclass
class Columns:
    """Which column feeds which field; columns that feed none are kept as extras."""

    fields: dict[str, int] = field(default_factory=dict)
    descriptions: list[int] = field(default_factory=list)
    extras: list[int] = field(default_factory=list)


@dataclass
class Row:
    number: int
    cells: dict[int, str]
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # "Target: Above 95%": text not written as a field


class Register:
    """One register being imported: its headers, ids, goals, departments and the summary."""

    def __init__(self, name: str, headers: list[str], columns: Columns, summary: ImportSummary,
                 given_dates: dict[str, date | None]) -> None:
        self.name, self.headers, self.columns, self.summary = name, headers, columns, summary
        self.given_dates = given_dates  # "baseline_date" -> --baseline-date, "target_date" -> --target-date
        self.ids = IdAllocator()
        self.goals: dict[str, dict[str, Any]] = {}  # casefolded title -> Goal document
        self.departments: dict[str, list[str]] = {}  # id -> spellings
        self.kpis: dict[str, list[dict[str, Any]]] = {}  # department id -> KPI documents
        self.refs: dict[str, str] = {}  # KPI id -> the register's own id for the row (its `ref` column)

    def cell(self, row: Row, name: str) -> str:
        index = self.columns.fields.get(name)
        return row.cells.get(index, "").strip() if index is not None else ""

    def header(self, name: str) -> str:
        return self.headers[self.columns.fields[name]]

    def flag(self, row: Row, name: str, why: str, note: str | None = None) -> None:
        """Report a cell of ``name``'s column and keep a note for the KPI's description."""
        column = self.header(name) if name in self.columns.fields else name
        self.summary.attention.append(Attention(self.name, row.number, column, self.cell(row, name), why))
        row.notes.append(note or why)

    def keep(self, row: Row, name: str) -> None:
        """Keep a cell's text in the description because it is not written as its field."""
        text = self.cell(row, name)
        if text:
            row.kept.append(f"{self.header(name)}: {text}")


def goal_titles(text: str) -> list[str]:
    """A goal cell may name several goals, separated by ';' or line breaks (commas stay in titles)."""
    return [" ".join(part.split()) for part in GOAL_SPLIT_RE.split(text) if part.strip()]





def row_to_kpi(state: Register, row: Row) -> dict[str, Any]:
    name = " ".join(state.cell(row, "name").split())
    if not name:
        name = f"Unnamed KPI (row {row.number})"
        state.flag(row, "name", "no name: named after its row")
    base_id = slugify(name, fallback="kpi")
    kpi_id = state.ids.allocate(base_id)
    if kpi_id != base_id:
        state.flag(row, "name", "name already used (by a KPI or a goal): id given a number suffix",
                   f"the id '{base_id}' is already taken, so this KPI is '{kpi_id}'")
    ref = " ".join(state.cell(row, "ref").split())
    if ref:
        state.refs[kpi_id] = ref
        state.keep(row, "ref")
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
    supports = [state.goals[title.casefold()]["id"] for title in goal_titles(state.cell(row, "goal"))]
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


def _department(state: Register, row: Row) -> str:
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


def _measurement(state: Register, row: Row, value_field: str, date_field: str) -> _Measurement:
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


def say_which_date_wins(state: Register) -> None:
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


def _unit(state: Register, row: Row, baseline: _Measurement, target: _Measurement) -> str | None:
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


def _direction(state: Register, row: Row, baseline: _Measurement, target: _Measurement) -> str | None:
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


def _review(state: Register, row: Row) -> str | None:
    text = state.cell(row, "review")
    if not text:
        return None
    cadence = _CADENCES.get(text.lower().strip())
    if cadence is None:
        state.keep(row, "review")
        state.flag(row, "review", "review cadence not weekly/monthly/quarterly/yearly: kept in the description",
                   f"review '{text}' is not weekly, monthly, quarterly or yearly, so `review` is left out")
    return cadence


def _description(state: Register, row: Row) -> str:
    texts = [row.cells.get(index, "").strip() for index in state.columns.descriptions]
    extras = [f"{state.headers[index] or f'Column {index + 1}'}: {row.cells[index].strip()}"
              for index in state.columns.extras if row.cells.get(index, "").strip()]
    beyond = [f"Column {index + 1}: {cell.strip()}" for index, cell in row.cells.items()
              if index >= len(state.headers) and cell.strip()]
    facts = [*dict.fromkeys(row.kept), *extras, *beyond]
    if texts or facts or row.notes:
        # No row number: a row inserted above would change every description below it, and
        # `import --update` would call that a change from the source (the record keeps the rows).
        facts.append(f"Imported from {state.name}")
    return join_paragraphs(["\n\n".join(t for t in texts if t), "\n".join(facts), describe_notes(row.notes)])


