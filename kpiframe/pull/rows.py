"""What a query returned, as actuals: rows of (date, value), or why they cannot be used.

Decisions (nothing is guessed: a result kpiframe cannot read exactly is a failure of that KPI):

* Two columns, in that order: the date, then the value. Their names do not matter.
* Dates: a DATE, a timestamp at midnight (``date_trunc('month', ...)`` gives one), or text
  written ``YYYY-MM-DD`` (SQLite's ``date()``). A time of day, NULL or other text is a failure.
* Values: integers, floats and decimals; NULL, text (even "12.5"), true/false, NaN and
  infinities are failures, with a hint to cast in SQL.
* Two rows with the same date are a failure: one of them would have to win.
* Values are written in their shortest exact form: 1200, 0.25, 1e+20; a decimal keeps its
  digits (12.50 -> 12.5), so the same numbers always give the same bytes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)


@dataclass(frozen=True)
class RowProblem:
    message: str
    hint: str


def read_rows(label: str, columns: int, rows: list[tuple], truncated: bool,
              max_rows: int) -> tuple[dict[date, str], RowProblem | None]:
    """The rows as {date: value text}, or the first problem with them."""
    if columns != 2:
        return {}, RowProblem(
            f"{label}: the query returns {columns} column{'' if columns == 1 else 's'}; it must return two: "
            "the date, then the value", "select exactly two columns, e.g. select day, sum(amount) ... group by day")
    if truncated:
        return {}, RowProblem(f"{label}: the query returns more than {max_rows:,} rows",
                              "aggregate in SQL to the KPI's cadence (group by month, week or day)")
    found: dict[date, str] = {}
    for number, (day, value) in enumerate(rows, start=1):
        # The usual types first, without a call: a pull of 1,000 KPIs checks about 100,000 rows.
        when = day if type(day) is date else None
        if when is None:
            when, problem = _date(label, number, day)
            if problem is not None:
                return {}, problem
        kind = type(value)
        if kind is float and value - value == 0.0:  # finite (NaN and infinities fail this)
            text = str(int(value)) if value.is_integer() and -1e16 < value < 1e16 else repr(value)
        elif kind is int:
            text = str(value)
        else:
            text, problem = _value(label, number, when, value)
            if problem is not None:
                return {}, problem
        if when in found:
            return {}, RowProblem(f"{label}: the query returns two rows for {when} ({found[when]} and {text})",
                                  "group by the date, so that each date has one value")
        found[when] = text
    return found, None


def _date(label: str, number: int, value: object) -> tuple[date, RowProblem | None]:
    where = f"{label}: row {number}"
    if isinstance(value, datetime):
        if value.time() != datetime.min.time() or value.tzinfo is not None and value.utcoffset():
            return date.min, RowProblem(f"{where} has a time of day in its date ({value.isoformat(sep=' ')})",
                                        "cast the first column to a date: cast(... as date)")
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if value is None:
        return date.min, RowProblem(f"{where} has no date (NULL)", "filter out rows without a date: where day is not null")
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value), None
        except ValueError:
            pass
    shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
    return date.min, RowProblem(f"{where}: the first column must be a date, got {_short(shown)}",
                                "return a DATE, or text written YYYY-MM-DD, as the first column")


def _value(label: str, number: int, when: date, value: object) -> tuple[str, RowProblem | None]:
    where = f"{label}: the value of {when} (row {number})"
    hint = "return a number as the second column; cast it in SQL if it is stored as text: cast(x as double)"
    if value is None:
        return "", RowProblem(f"{where} is NULL", "leave out dates without a value, or coalesce(x, 0) if none means zero")
    if isinstance(value, bool):
        return "", RowProblem(f"{where} is {value}, not a number", hint)
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if not math.isfinite(value):
            return "", RowProblem(f"{where} is {value}, not a finite number", "filter out or fix the row in SQL")
        return format_float(value), None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return "", RowProblem(f"{where} is {value}, not a finite number", "filter out or fix the row in SQL")
        return format_decimal(value), None
    shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
    return "", RowProblem(f"{where} is {_short(shown)}, not a number", hint)


def format_float(value: float) -> str:
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def format_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
