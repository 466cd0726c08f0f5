"""Read KPI actuals from CSV files (columns kpi,date,value), as people export them from BI tools.

Plain module: no pydantic; of kpiframe only the bounded file read (load/reading) and words. It never raises for file content or
file-system trouble; everything wrong comes back as a ``CsvProblem`` with a position.

Decisions:

* Positions: ``line`` and ``column`` are 1-based; the column is the *character* column
  where the offending field starts (for a quoted field: its quote, or the spaces before it),
  counted in Unicode characters after decoding, BOM not counted. A quoted field may span lines;
  positions still refer to the physical line where each field starts. File-level
  problems (the file cannot be read at all) have ``line`` and ``column`` None.
* Header: the first non-blank record. Names are trimmed and matched case-insensitively;
  ``kpi``, ``date`` and ``value`` must each appear once, in any order; other columns are
  ignored. A bad header means no rows are read from that file.
* Rows: every field is trimmed. Records whose fields are all empty (blank lines, Excel's
  trailing ``,,``) are skipped. Extra fields are ignored.
* Dates: ISO ``YYYY-MM-DD`` only, and a real calendar date.
* Values: plain decimal numbers (``12``, ``-3.5``, ``1e3``, ``.5``), returned as float.
  Thousands separators, decimal commas, percent signs, currency symbols, ``nan``/``inf``
  are problems with a hint; nothing is guessed.
* Encodings: UTF-8 with or without BOM; CRLF, LF and CR line ends. UTF-16/UTF-32 and invalid
  UTF-8 are ``unreadable-file`` problems. NUL bytes: when they are a quarter of the text or
  more, the file is UTF-16 or UTF-32 without a byte-order mark (``unreadable-file``); a few
  stray ones (an export glitch) lose only the rows holding them, each an ``invalid-value``
  problem at its NUL (in the header: a ``csv-header`` problem, and no rows).

Problem kinds (the integrator maps them to rule codes): ``invalid-value`` (KF005),
``csv-header`` (a header mistake), ``unreadable-file`` (KF009), ``limit-exceeded`` (KF010,
only when ``max_bytes`` is given) and, from ``unknown_kpi_problems``, ``dangling-reference``
(KF008).
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kpiframe.load.reading import read_capped
from kpiframe.words import plural

INVALID_VALUE = "invalid-value"
CSV_HEADER = "csv-header"
UNREADABLE_FILE = "unreadable-file"
LIMIT_EXCEEDED = "limit-exceeded"
DANGLING_REFERENCE = "dangling-reference"

REQUIRED_COLUMNS: tuple[str, ...] = ("kpi", "date", "value")
_HEADER_HINT = "The first line must name the columns kpi,date,value (any order; other columns are ignored)."
_DATE_HINT = "Write dates as YYYY-MM-DD, e.g. 2026-03-31."
_NUMBER_HINT = "Write a plain number with a dot for decimals, e.g. 1200 or -3.5 or 1e3."


@dataclass(frozen=True, slots=True)
class CsvActual:
    """One good row. ``file`` is the display name given to the reader; ``kpi_column`` is
    the character column of the kpi field, for findings about the id."""

    kpi: str
    date: date
    value: float
    file: str
    line: int
    kpi_column: int = 1


@dataclass(frozen=True, slots=True)
class CsvProblem:
    file: str
    line: int | None
    column: int | None
    message: str
    hint: str
    kind: str


@dataclass(frozen=True, slots=True)
class _Field:
    text: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class _Record:
    fields: list[_Field]
    end_line: int
    end_column: int  # where the record ends: the column just after its last character


class _UnterminatedQuote(Exception):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line = line
        self.column = column


def read_actuals_csv(
    path: Path, display_name: str, *, max_bytes: int | None = None
) -> tuple[list[CsvActual], list[CsvProblem]]:
    """Read one actuals CSV file: the good rows, and a problem for everything else."""
    text_or_problem = _read_text(Path(path), display_name, max_bytes)
    if isinstance(text_or_problem, CsvProblem):
        return [], [text_or_problem]
    return parse_actuals_csv(text_or_problem, display_name)


def actuals_from_bytes(
    data: bytes, display_name: str, *, max_bytes: int | None = None
) -> tuple[list[CsvActual], list[CsvProblem]]:
    """:func:`read_actuals_csv` for bytes already read (a file of a git revision)."""
    text_or_problem = _decode_text(data, display_name, max_bytes)
    if isinstance(text_or_problem, CsvProblem):
        return [], [text_or_problem]
    return parse_actuals_csv(text_or_problem, display_name)


def parse_actuals_csv(text: str, display_name: str) -> tuple[list[CsvActual], list[CsvProblem]]:
    """Parse already-decoded CSV text (BOM allowed); what ``read_actuals_csv`` does after reading."""
    if text.startswith("\ufeff"):
        text = text[1:]
    actuals: list[CsvActual] = []
    problems: list[CsvProblem] = []
    columns: dict[str, int] | None = None
    try:
        for record in _records(text):
            if all(not field.text.strip() for field in record.fields):
                continue
            nul = _nul_in(record)
            if nul is not None:
                line, column = nul
                if columns is None:
                    return [], [CsvProblem(display_name, line, column, "The header holds a NUL byte (U+0000).",
                                           "Remove the NUL byte (usually an export glitch). " + _HEADER_HINT,
                                           CSV_HEADER)]
                problems.append(CsvProblem(display_name, line, column,
                                           "The row holds a NUL byte (U+0000), so it was not read.",
                                           "Remove the NUL byte: it is usually an export glitch.", INVALID_VALUE))
                continue
            if columns is None:
                columns, header_problems = _read_header(record, display_name)
                if header_problems:
                    return [], header_problems
                continue
            row, problem = _read_row(record, columns, display_name)
            if problem is not None:
                problems.append(problem)
            elif row is not None:
                actuals.append(row)
    except _UnterminatedQuote as error:
        problems.append(
            CsvProblem(
                display_name,
                error.line,
                error.column,
                "A quoted field is never closed: the rest of the file was read as one value.",
                'Close the field with a double quote; write a quote inside a field as "".',
                INVALID_VALUE,
            )
        )
    if columns is None and not problems:
        problems.append(
            CsvProblem(display_name, 1, 1, "The file is empty: no header and no rows.", _HEADER_HINT, CSV_HEADER)
        )
    return actuals, problems


def unknown_kpi_problems(actuals: Iterable[CsvActual], known_ids: Iterable[str]) -> list[CsvProblem]:
    """One problem per (file, unknown KPI id), at its first row, with a did-you-mean hint."""
    known = sorted(set(known_ids))
    known_set = set(known)
    by_lower = {kpi_id.lower(): kpi_id for kpi_id in known}
    first_rows: dict[tuple[str, str], CsvActual] = {}
    counts: dict[tuple[str, str], int] = {}
    for actual in actuals:
        if actual.kpi in known_set:
            continue
        key = (actual.file, actual.kpi)
        first_rows.setdefault(key, actual)
        counts[key] = counts.get(key, 0) + 1
    problems = []
    for key, first in first_rows.items():
        more = counts[key] - 1
        message = f"No KPI has the id `{first.kpi}`"
        message += f" ({plural(more, 'more row')} in this file {'uses' if more == 1 else 'use'} it)." if more else "."
        problems.append(
            CsvProblem(
                first.file,
                first.line,
                first.kpi_column,
                message,
                _did_you_mean(first.kpi, known, by_lower),
                DANGLING_REFERENCE,
            )
        )
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))


# --- reading the bytes -------------------------------------------------------------------------


def _read_text(path: Path, display_name: str, max_bytes: int | None) -> str | CsvProblem:
    def unreadable(message: str, hint: str, line: int | None = None, column: int | None = None) -> CsvProblem:
        return CsvProblem(display_name, line, column, message, hint, UNREADABLE_FILE)

    try:
        with path.open("rb") as handle:
            data = (handle.read() if max_bytes is None
                    else read_capped(handle, max_bytes, os.fstat(handle.fileno()).st_size))
    except IsADirectoryError:
        return unreadable("This is a folder, not a CSV file.", "Point the actuals glob at files only.")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return unreadable(f"The file cannot be read: {reason}.", "Check that the file exists and is readable.")
    return _decode_text(data, display_name, max_bytes)


def _decode_text(data: bytes, display_name: str, max_bytes: int | None) -> str | CsvProblem:
    def unreadable(message: str, hint: str, line: int | None = None, column: int | None = None) -> CsvProblem:
        return CsvProblem(display_name, line, column, message, hint, UNREADABLE_FILE)

    if max_bytes is not None and len(data) > max_bytes:
        return CsvProblem(
            display_name,
            None,
            None,
            f"The file is larger than the limit of {max_bytes} bytes; it was not read.",
            "Split the file, or raise limits.max_file_bytes in kpiframe.yaml.",
            LIMIT_EXCEEDED,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        width = "32" if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else "16"
        return unreadable(f"The file is UTF-{width}, not UTF-8.", "Save or export the file as UTF-8 CSV.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position_of_byte(data, error.start)
        return unreadable(
            f"The file is not valid UTF-8 (byte 0x{data[error.start]:02x}).",
            "Save or export the file as UTF-8 CSV (e.g. Excel: 'CSV UTF-8').",
            line,
            column,
        )
    if text.count("\x00") * 4 >= len(text) > 0:  # ASCII in UTF-16 is half NULs, in UTF-32 three quarters
        line, column = _position_of_char(text, text.index("\x00"))
        return unreadable(
            "The file contains NUL bytes; it is probably UTF-16 without a byte-order mark.",
            "Save or export the file as UTF-8 CSV.",
            line,
            column,
        )
    return text


def _position_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line_start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    line = data.count(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", errors="replace")
    if line == 1 and prefix.startswith("\ufeff"):
        prefix = prefix[1:]
    return line, len(prefix) + 1


def _position_of_char(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# --- CSV tokenizing with positions ---------------------------------------------------------------

# Everything up to the next comma or line end (text is newline-normalised first).
_UNQUOTED_FIELD = re.compile(r"[^,\n]*")
_LEADING_BLANKS = re.compile(r"[ \t]*")


def _records(text: str) -> Iterator[_Record]:
    """RFC 4180 records, each field with the line and column where it starts.

    Lenient like Python's csv module: text after a closing quote is kept. Raises
    ``_UnterminatedQuote`` when a quoted field runs to the end of the file.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    index, line, column, size = 0, 1, 1, len(text)
    while index < size:
        fields: list[_Field] = []
        while True:
            start_line, start_column = line, column
            # Spaces before an opening quote are tolerated (hand-written files have them).
            padding = len(_LEADING_BLANKS.match(text, index).group())  # type: ignore[union-attr]  # matches ""
            if text.startswith('"', index + padding):
                index, column = index + padding, column + padding
                value, index, line, column = _quoted_field(text, index, line, column)
            else:
                match = _UNQUOTED_FIELD.match(text, index)
                assert match is not None  # it matches the empty string
                value = match.group()
                index, column = match.end(), column + len(value)
            fields.append(_Field(value, start_line, start_column))
            if index < size and text[index] == ",":
                index, column = index + 1, column + 1
                continue
            yield _Record(fields, line, column)
            if index < size:  # a newline ends the record
                index, line, column = index + 1, line + 1, 1
            break


def _quoted_field(text: str, index: int, line: int, column: int) -> tuple[str, int, int, int]:
    """Read the quoted field opening at ``index``; returns (value, index, line, column) after it."""
    open_line, open_column = line, column
    index, column = index + 1, column + 1
    parts: list[str] = []
    while True:
        close = text.find('"', index)
        if close == -1:
            raise _UnterminatedQuote(open_line, open_column)
        chunk = text[index:close]
        parts.append(chunk)
        newlines = chunk.count("\n")
        if newlines:
            line += newlines
            column = len(chunk) - chunk.rfind("\n")
        else:
            column += len(chunk)
        index, column = close + 1, column + 1
        if text.startswith('"', index):  # "" is an escaped quote
            parts.append('"')
            index, column = index + 1, column + 1
            continue
        break
    rest = _UNQUOTED_FIELD.match(text, index).group()  # type: ignore[union-attr]  # matches ""
    parts.append(rest)
    return "".join(parts), index + len(rest), line, column + len(rest)


# --- header and rows ------------------------------------------------------------------------------


def _nul_in(record: _Record) -> tuple[int, int] | None:
    """Where a NUL byte is in ``record`` (its field's line, and its column there), or None."""
    for field in record.fields:
        at = field.text.find("\x00")
        if at >= 0:
            before = field.text[:at]
            if "\n" in before:  # a quoted field that spans lines
                return field.line + before.count("\n"), at - before.rfind("\n")
            return field.line, field.column + at
    return None


def _read_header(record: _Record, display_name: str) -> tuple[dict[str, int], list[CsvProblem]]:
    columns: dict[str, int] = {}
    problems: list[CsvProblem] = []
    names = [field.text.strip().lstrip("\ufeff").lower() for field in record.fields]
    for position, (name, field) in enumerate(zip(names, record.fields)):
        if name not in REQUIRED_COLUMNS:
            continue
        if name in columns:
            problems.append(
                CsvProblem(
                    display_name,
                    field.line,
                    field.column,
                    f"The column `{name}` appears twice in the header.",
                    _HEADER_HINT,
                    CSV_HEADER,
                )
            )
            continue
        columns[name] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        first = record.fields[0]
        found = ",".join(field.text.strip() for field in record.fields)
        problems.insert(
            0,
            CsvProblem(
                display_name,
                first.line,
                first.column,
                f"The header is missing the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (found: {found}).",
                _header_hint(record),
                CSV_HEADER,
            ),
        )
    return columns, problems


def _header_hint(record: _Record) -> str:
    texts = [field.text.strip() for field in record.fields]
    if len(texts) == 1 and (";" in texts[0] or "\t" in texts[0]):
        return "The file seems to use semicolons or tabs; kpiframe reads comma-separated files. " + _HEADER_HINT
    if any(_ISO_DATE.match(text) for text in texts):
        return "The first line looks like data: add the header line kpi,date,value above it."
    return _HEADER_HINT


def _read_row(
    record: _Record, columns: dict[str, int], display_name: str
) -> tuple[CsvActual | None, CsvProblem | None]:
    def problem(field_or_none: _Field | None, message: str, hint: str) -> CsvProblem:
        if field_or_none is None:
            return CsvProblem(display_name, record.end_line, record.end_column, message, hint, INVALID_VALUE)
        return CsvProblem(display_name, field_or_none.line, field_or_none.column, message, hint, INVALID_VALUE)

    row_line = record.fields[0].line
    values: dict[str, _Field | None] = {}
    for name in REQUIRED_COLUMNS:
        position = columns[name]
        field = record.fields[position] if position < len(record.fields) else None
        if field is None:
            message = f"The row has {len(record.fields)} fields; its {name} (field {position + 1}) is missing."
            return None, problem(None, message, "Give every row a kpi, a date and a value.")
        if not field.text.strip():
            return None, problem(field, f"The {name} is empty.", "Give every row a kpi, a date and a value.")
        values[name] = field

    kpi_field, date_field, value_field = values["kpi"], values["date"], values["value"]
    assert kpi_field is not None and date_field is not None and value_field is not None
    when, date_error = parse_iso_date(date_field.text.strip())
    if when is None:
        return None, problem(date_field, date_error, _DATE_HINT)
    number, number_error, number_hint = parse_plain_number(value_field.text.strip())
    if number is None:
        return None, problem(value_field, number_error, number_hint)
    actual = CsvActual(kpi_field.text.strip(), when, number, display_name, row_line, kpi_field.column)
    return actual, None


# --- values ------------------------------------------------------------------------------------

# re.ASCII: \d must not accept other scripts' digits, which float() would quietly convert.
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z", re.ASCII)
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:[,' ]\d{3})+(?:\.\d+)?\Z", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+\Z", re.ASCII)
_CURRENCY = re.compile(r"[$€£¥]")


def parse_iso_date(text: str) -> tuple[date | None, str]:
    """(date, "") for a real YYYY-MM-DD date, else (None, message saying what is wrong)."""
    match = _ISO_DATE.match(text)
    if match is None:
        return None, f"`{text}` is not a date in the form YYYY-MM-DD."
    try:
        return date(int(match[1]), int(match[2]), int(match[3])), ""
    except ValueError as error:
        return None, f"`{text}` is not a real date: {error}."


def parse_plain_number(text: str) -> tuple[float | None, str, str]:
    """(value, "", "") for a plain finite decimal number, else (None, message, hint)."""
    if _PLAIN_NUMBER.match(text):
        value = float(text)
        if math.isfinite(value):
            return value, "", ""
        return None, f"`{text}` is too large to be a number kpiframe can compare.", _NUMBER_HINT
    message = f"`{text}` is not a plain number."
    if text.endswith("%"):
        return None, message, "Leave out the % sign: write 12 for 12% (the KPI's unit says it is a percentage)."
    if _CURRENCY.search(text):
        return None, message, "Leave out the currency symbol and any thousands separators: write 1200."
    if _GROUPED_NUMBER.match(text) or _DECIMAL_COMMA.match(text):
        plain = text.replace(",", "").replace("'", "").replace(" ", "")
        return None, message, (
            f"kpiframe does not guess separators: write {plain} if the comma groups thousands, "
            "or use a dot if it is a decimal comma."
        )
    return None, message, _NUMBER_HINT


def _did_you_mean(unknown: str, known: list[str], by_lower: dict[str, str]) -> str:
    if unknown.lower() in by_lower:
        return f"Did you mean `{by_lower[unknown.lower()]}`? KPI ids are lower case."
    close = difflib.get_close_matches(unknown, known, n=1, cutoff=0.6)
    if close:
        return f"Did you mean `{close[0]}`?"
    return "Use the id of a KPI defined in the framework, or add the KPI."
