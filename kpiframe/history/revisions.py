"""A KPI's `revisions:` log: does an entry account for a change, and does the latest agree with now?

An entry's `from:`/`to:` is a number (the value), `{value, date}` (either part may be left out),
or a direction word. A number matches a target, threshold or baseline with that value; a
mapping matches when every part it gives is equal; nothing given (`to:` left out) matches a
field that is not set (a target removed). A target path is revised as `target`, its last step
being the final target.
"""

from __future__ import annotations

from typing import Any

from kpiframe.model import KPI
from kpiframe.model.documents import RevisedMeasurement, Revision


def current(kpi: KPI | None, field: str) -> Any:
    """The value a revision of ``field`` is about: the target (or a path's last step), threshold,
    baseline or direction of ``kpi``."""
    if kpi is None:
        return None
    if field == "target":
        path = getattr(kpi, "targets", None)
        return kpi.target if kpi.target is not None or not path else path[-1]
    return getattr(kpi, field, None)


def matches(written: Any, value: Any) -> bool:
    """Whether a revision's `from:` or `to:` describes ``value``."""
    if written is None:
        return value is None
    if value is None:
        return False
    if isinstance(written, str):
        return written == value
    if isinstance(written, RevisedMeasurement):
        return ((written.value is None or written.value == getattr(value, "value", None))
                and (written.date is None or written.date == getattr(value, "date", None)))
    return written == getattr(value, "value", value)


def covering(before: KPI, after: KPI, field: str) -> Revision | None:
    """The entry of ``after``'s log that accounts for ``field`` going from ``before``'s value to
    ``after``'s: same field, `to:` what it is now, and `from:` (when given) what it was."""
    old, new = current(before, field), current(after, field)
    for entry in reversed(after.revisions):
        if entry.field == field and matches(entry.to, new) and (entry.from_ is None or matches(entry.from_, old)):
            return entry
    return None


def latest_entries(kpi: KPI) -> dict[str, tuple[int, Revision]]:
    """The latest entry per field (by date; on the same date, the later in the list) and its index."""
    latest: dict[str, tuple[int, Revision]] = {}
    for index, entry in enumerate(kpi.revisions):
        seen = latest.get(entry.field)
        if seen is None or entry.date >= seen[1].date:
            latest[entry.field] = (index, entry)
    return latest


def describe(value: Any, unit: str | None = "") -> str:
    """A field value in a message: '12 M USD by 2026-12-31', 'increase', 'nothing'."""
    from kpiframe.numbers import with_unit

    if value is None:
        return "nothing"
    if isinstance(value, str):
        return value
    number, day = getattr(value, "value", value), getattr(value, "date", None)
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        text = with_unit(number, unit)
    else:
        text = "?" if number is None else str(number)
    return f"{text} by {day}" if day is not None and number is not None else (f"{day}" if number is None else text)
