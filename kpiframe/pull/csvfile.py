"""The pulled actuals file: read the previous one, merge, compare, render the same bytes for the same rows.

Decisions:

* The file is an ordinary actuals CSV (``kpi,date,value``) with a fourth column,
  ``pulled_from``, naming the source. That header marks the file as `pull`'s own: an existing
  file without it was written by someone else (hand-entered actuals), and `pull` refuses to
  overwrite it.
* Rows are sorted by KPI id, then date; values are written as :mod:`kpiframe.pull.rows` formats
  them; LF line ends, no quoting (ids, dates, numbers and source names need none). The same
  rows always give the same bytes, so a nightly commit is empty when nothing changed.
* A KPI whose query failed keeps its previous rows; a KPI that was not selected
  (``--kpi``, ``--department``) keeps them too. In a full pull, rows of KPIs that no longer
  have a query are removed (and reported).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HEADER = ("kpi", "date", "value", "pulled_from")

Rows = dict[str, dict[date, tuple[str, str]]]  # kpi -> date -> (value text, source)


class NotOurFile(Exception):
    """The output exists and is not a file `pull` wrote."""


def read_previous(path: Path, display: str) -> Rows:
    """The rows of the previous pull; {} when there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise NotOurFile(f"{display} exists but cannot be read ({getattr(error, 'strerror', None) or error}); "
                         "`pull` does not overwrite a file it cannot read") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None and not text.strip():
        return {}
    if tuple(h.strip() for h in header or ()) != HEADER:
        raise NotOurFile(f"{display} exists and was not written by `kpiframe pull` (its header is not "
                         f"{','.join(HEADER)}); `pull` never overwrites hand-entered actuals")
    rows: Rows = {}
    for record in reader:
        if len(record) < 4:
            continue
        try:
            day = date.fromisoformat(record[1].strip())
        except ValueError:
            continue
        rows.setdefault(record[0].strip(), {})[day] = (record[2].strip(), record[3].strip())
    return rows


def render(rows: Rows) -> str:
    out = [",".join(HEADER)]
    for kpi in sorted(rows):
        for day in sorted(rows[kpi]):
            value, source = rows[kpi][day]
            out.append(f"{kpi},{day.isoformat()},{value},{source}")
    return "\n".join(out) + "\n"


@dataclass
class KpiChange:
    kpi: str
    added: list[tuple[date, str]] = field(default_factory=list)
    changed: list[tuple[date, str, str]] = field(default_factory=list)  # date, before, after
    removed: list[tuple[date, str]] = field(default_factory=list)
    why_removed: str = ""  # set when every row went because the KPI has no query any more

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def compare(before: Rows, after: Rows) -> list[KpiChange]:
    """What changes per KPI, in KPI order; a value is changed only when the number differs."""
    changes = []
    for kpi in sorted(set(before) | set(after)):
        old, new = before.get(kpi, {}), after.get(kpi, {})
        change = KpiChange(kpi)
        for day in sorted(set(old) | set(new)):
            if day not in old:
                change.added.append((day, new[day][0]))
            elif day not in new:
                change.removed.append((day, old[day][0]))
            elif _number(old[day][0]) != _number(new[day][0]):
                change.changed.append((day, old[day][0], new[day][0]))
        if change.any:
            changes.append(change)
    return changes


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text
