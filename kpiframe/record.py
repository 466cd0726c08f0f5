"""`kpiframe record KPI VALUE`: a check-in, appended to the framework's actuals CSV.

:func:`plan_check_in` decides everything from the loaded framework (nothing is written): which
file gets the row, the file's new text, and the configuration's new text when `actuals:` must
name a new file. :func:`write_check_in` writes those files; the command line then loads the
framework again and prints the KPI's new status, so what it prints is what was read back. No
rule runs: every refusal reads the load (a KPI with errors is one the loader could not model).

Decisions:

* Refused, with the reason (exit 2), never written half: an id that is not a KPI (with a
  did-you-mean), a KPI whose document has errors or that is retired, a value that is not a
  plain number (the CSV reader's own test, so every written row reads back), a date that is
  not YYYY-MM-DD or is after today, and a different value already recorded for that date
  (inline or in any CSV file: kpiframe never overwrites a reading; the message says where it is).
  The same value again is not an error: nothing is written and the command says so.
* Which file: the one `--file` names; else the only CSV file `actuals:` matches, or the only
  one already holding rows of this KPI. Several candidates and no way to choose is refused
  with the list (a guess would put numbers where nobody looks). No file yet: the first entry
  of `actuals:` that is a plain path (no `*`, `?` or `[`) is created; else `actuals.csv` at the
  framework root is created and added to `actuals:`.
* The configuration is edited as text, a few characters at the list (flow `[a, b]`, a block
  list, an empty value) or one line at its end, keeping comments and layout; the edited file
  is read back with kpiframe's own reader and must give the old list plus the new file.
  Without any configuration a `kpiframe.yaml` holding just `actuals: [actuals.csv]` is created.
  `[tool.kpiframe]` in pyproject.toml gets one `actuals = ["actuals.csv"]` line when it has no
  `actuals` yet; an existing TOML list is left for a person.
* Rows: the file's column order (matched case-insensitively, as the reader does), its line
  break (LF or CRLF), quoted where CSV needs it; a `note` column receives `--note` (a new
  file gets `kpi,date,value,note`; a file without one gets it added at the end of its header,
  which older rows may leave empty).
* Writes go through :func:`kpiframe.fsutil.write_output` (atomic for a regular file, through a
  link to its target). The CSV file is written first; if the configuration then cannot be
  written, a CSV file this command created is removed again.
* `--health` (the owner's own assessment) is set in the KPI's document by
  :mod:`kpiframe.record_health`, with the same refusals, and written by :func:`write_check_in`.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Protocol

from kpiframe.actuals_csv import (
    CSV_HEADER,
    parse_actuals_csv,
    parse_iso_date,
    parse_plain_number,
)
from kpiframe.check import LoadedFramework
from kpiframe.fsutil import write_output
from kpiframe.load.discover import is_excluded
from kpiframe.load.source import DiskSource
from kpiframe.model import KPI
from kpiframe.record_config import ConfigEditRefused, add_actuals_entry
from kpiframe.status import KpiStatus, readings_of
from kpiframe.textedit import newline_of

NEW_FILE = "actuals.csv"
_GLOB_CHARS = set("*?[")


class CheckInRefused(Exception):
    """The check-in cannot be recorded; ``str()`` says why and what to do."""


@dataclass(frozen=True)
class CheckIn:
    """What a check-in will write (nothing, when the same value is already recorded)."""

    kpi: str
    day: date
    value: str  # as typed, after the plain-number test
    csv_file: str  # relative to the framework root
    already: tuple[str, int] | None = None  # (file, line) where the same value is already recorded
    writes: tuple[tuple[Path, str], ...] = ()  # (path, new text), CSV file first
    created: tuple[Path, ...] = ()  # files that do not exist yet
    config_note: str = ""  # how the configuration changed, for the user ('' when `created` says it)


def plan_check_in(result: LoadedFramework, kpi_id: str, value: str, day: str | None, note: str | None,
                  csv_file: Path | None = None) -> CheckIn:
    """Decide the check-in (see the module's decisions); raises :class:`CheckInRefused`."""
    framework = result.framework
    kpi = live_kpi(result, kpi_id, "numbers")
    number, problem, hint = parse_plain_number(value.strip())
    if number is None:
        raise CheckInRefused(f"{_fragment(problem)}: {_fragment(hint)}")
    when = check_in_day(day, result.today)
    for reading in readings_of(kpi, framework):
        if reading.date != when:
            continue
        file, line, _ = reading.place(kpi)
        if reading.value == number:
            return CheckIn(kpi_id, when, value.strip(), reading.file or file, already=(file, line))
        raise CheckInRefused(
            f"KPI {kpi_id!r} already has {_number(reading.value)} on {when} ({file}:{line}); "
            f"kpiframe does not overwrite a reading: correct that line if it is wrong")
    target, created = _target_file(result, kpi_id, csv_file)
    rel = _rel(result.root, target)
    writes = [(target, _appended(target, kpi_id, when, value.strip(), note, created))]
    config_note = ""
    if not _listed(result, rel):
        config_path, config_text, config_note = _config_with(result, rel)
        writes.append((config_path, config_text))
        if not config_path.exists():  # the note that it was created says what it holds
            created.append(config_path)
            config_note = ""
    return CheckIn(kpi_id, when, value.strip(), rel, writes=tuple(writes), created=tuple(created),
                   config_note=config_note)


class PlannedWrites(Protocol):
    """A planned check-in: the files to write, in order, and which of them are new."""

    @property
    def writes(self) -> tuple[tuple[Path, str], ...]: ...

    @property
    def created(self) -> tuple[Path, ...]: ...


def write_check_in(check_in: PlannedWrites) -> None:
    """Write the planned files (CSV first); raises fsutil.WriteFailed, undoing a created CSV file."""
    written: list[Path] = []
    try:
        for path, text in check_in.writes:
            write_output(path, text)
            written.append(path)
    except BaseException:
        for path in written:
            if path in check_in.created:
                try:
                    os.unlink(path)
                except OSError:
                    pass
        raise


def status_after(result: LoadedFramework, kpi_id: str) -> KpiStatus:
    """The KPI's status in the load made after the write (what was read back)."""
    return result.analysis.kpi_statuses[kpi_id]


# --------------------------------------------------------------------------- the checks


def live_kpi(result: LoadedFramework, kpi_id: str, what: str) -> KPI:
    """The KPI ``kpi_id``, refused when there is none (or it has errors) and when it is retired:
    a retired KPI takes no more ``what`` (numbers, assessments)."""
    kpi = result.framework.kpis.get(kpi_id)
    if kpi is None:
        raise CheckInRefused(not_a_kpi(result, kpi_id))
    if kpi.retired is not None:
        raise CheckInRefused(f"KPI {kpi_id!r} is retired; a retired KPI takes no more {what}")
    return kpi


def not_a_kpi(result: LoadedFramework, kpi_id: str) -> str:
    from kpiframe.suggest import closest

    framework = result.framework
    if kpi_id in framework.invalid_of("KPI"):
        return f"KPI {kpi_id!r} has errors; `kpiframe check` says what they are, fix them first"
    if kpi_id in framework.by_id:
        return f"{kpi_id!r} is a {framework.by_id[kpi_id].kind_name}, not a KPI"
    near = closest(kpi_id, list(framework.kpis))
    return f"no KPI {kpi_id!r}" + (f"; did you mean {near!r}?" if near else "; `kpiframe status` lists them")


# Why a check-in cannot be dated after today, by what is recorded.
_NOT_YET = {"number": "a number cannot be recorded before it exists",
            "health": "an owner's health cannot be dated before the owner judged (check would not use it "
                      "until then: future-health)"}


def check_in_day(day: str | None, today: date, what: str = "number") -> date:
    if day is None:
        return today
    when, problem = parse_iso_date(day.strip())
    if when is None:
        raise CheckInRefused(f"--date: {_fragment(problem)}")
    if when > today:
        raise CheckInRefused(f"--date {when} is after today ({today}): {_NOT_YET[what]} "
                             "(give --today if the framework's date is behind)")
    return when


def _fragment(sentence: str) -> str:
    text = sentence.rstrip().rstrip(".")
    return text[0].lower() + text[1:] if len(text) > 1 and text[0].isupper() and text[1].islower() else text


def _number(value: float) -> str:
    from kpiframe.numbers import format_number

    return format_number(value)


# --------------------------------------------------------------------------- which file


def _target_file(result: LoadedFramework, kpi_id: str, chosen: Path | None) -> tuple[Path, list[Path]]:
    """The CSV file to append to, and [it] when it does not exist yet."""
    root = result.root
    if chosen is not None:
        path = Path(os.path.abspath(chosen))
        if _rel(root, path).startswith("../") or _rel(root, path).startswith("/"):
            raise CheckInRefused(f"--file {chosen}: the actuals file must be inside the framework folder ({root})")
        return path, [] if path.exists() else [path]
    matched = _matched_files(result)
    holding = sorted({row.file for row in result.framework.csv_actuals.get(kpi_id, ())})
    if len(matched) == 1:
        choice = matched[0]
    elif len(holding) == 1:
        choice = holding[0]
    elif matched:
        raise CheckInRefused(
            f"`actuals:` matches {len(matched)} files ({', '.join(matched)}) and "
            + ("several hold" if holding else "none holds") + f" rows of {kpi_id!r}: name one with --file")
    else:
        plain = [p for p in result.framework.config.actuals if not _GLOB_CHARS & set(p) and _inside(p)]
        new = root / (plain[0] if plain else NEW_FILE)
        return new, [] if new.exists() else [new]
    return root / choice, []


def _matched_files(result: LoadedFramework) -> list[str]:
    config = result.framework.config
    source = DiskSource(result.root, None)
    found: set[str] = set()
    for pattern in config.actuals:
        if not _inside(pattern):
            continue
        try:
            found |= set(source.glob(pattern, config.exclude))
        except ValueError:  # a bad glob is a finding of the check already
            continue
    return sorted(found)


def _inside(pattern: str) -> bool:
    pure = PurePosixPath(pattern)
    return bool(pattern.strip()) and not pure.is_absolute() and ".." not in pure.parts


def _listed(result: LoadedFramework, rel: str) -> bool:
    """Whether the check will read ``rel`` once it exists: an `actuals:` pattern matches it."""
    config = result.framework.config
    if is_excluded(rel, config.exclude) or any(part.startswith(".") for part in rel.split("/")):
        raise CheckInRefused(f"{rel} is in a hidden folder or under `exclude:`, so the check would never read it")
    return any(_inside(p) and _glob_matches(rel, p) for p in config.actuals)


def _glob_matches(rel: str, pattern: str) -> bool:
    """pathlib's glob meaning: `*`, `?` and `[...]` within one folder name, `**` any number of folders."""
    segments = []
    for segment in PurePosixPath(pattern).parts:
        if segment == "**":
            segments.append("(?:[^/]+/)*")
            continue
        regex = re.sub(r"\\\*", "[^/]*", re.escape(segment)).replace("\\?", "[^/]")
        regex = re.sub(r"\\\[(.+?)\\\]", lambda m: "[" + m.group(1).replace("\\", "") + "]", regex)
        segments.append(regex + "/")
    return re.fullmatch("".join(segments), rel + "/") is not None


def _rel(root: Path, path: Path) -> str:
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()


# --------------------------------------------------------------------------- the CSV text


def _appended(path: Path, kpi_id: str, day: date, value: str, note: str | None, created: list[Path]) -> str:
    if path in created:
        old = ""
    else:
        try:
            old = path.read_bytes().decode("utf-8")  # bytes: keep its line breaks and byte-order mark
        except (OSError, UnicodeDecodeError) as exc:
            raise CheckInRefused(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if old.strip() and any(p.kind == CSV_HEADER for p in parse_actuals_csv(old.lstrip("\ufeff"), path.name)[1]):
        raise CheckInRefused(f"{path}: its header is not kpi,date,value, so no row of it is read; "
                             "fix it (`kpiframe check` says how), then record again")
    newline = newline_of(old) if old else "\n"
    fields = {"kpi": kpi_id, "date": day.isoformat(), "value": value, "note": note or ""}
    header, header_end = _header(old)
    if header is None:  # a new (or empty) file
        header = ["kpi", "date", "value"] + (["note"] if note else [])
        head = _csv_line(header, newline)
        return head + _csv_line([fields[name] for name in header], newline)
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    text = old
    if note and "note" not in names:  # the note needs a column: add it to the header only
        text = text[:header_end].rstrip("\r\n") + ",note" + newline + text[header_end:]
        names.append("note")
    if text and not text.endswith("\n"):
        text += newline
    return text + _csv_line([fields.get(name, "") for name in names], newline)


def _header(text: str) -> tuple[list[str] | None, int]:
    """The first non-blank record of ``text`` and the offset just after its line break."""
    position = 0
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end + 1
        line = text[position:end]
        if line.strip().strip(","):
            return next(csv.reader([line.rstrip("\r\n")])), end
        position = end
    return None, 0


def _csv_line(fields: list[str], newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerow(fields)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the configuration


def _config_with(result: LoadedFramework, rel: str) -> tuple[Path, str, str]:
    """(the configuration file, its new text, what changed) with ``rel`` added to `actuals:`."""
    framework = result.framework
    if framework.config_file is None:
        path = result.root / "kpiframe.yaml"
        return path, f"actuals: [{rel}]\n", f"created {path.name} with `actuals: [{rel}]`"
    path = result.root / framework.config_file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckInRefused(f"cannot read {framework.config_file}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        new = add_actuals_entry(text, rel, toml=path.name == "pyproject.toml", expected=framework.config.actuals)
    except ConfigEditRefused as exc:
        raise CheckInRefused(f"{framework.config_file}: {exc}") from None
    return path, new, f"added {rel} to `actuals:` in {framework.config_file}"
