"""Cadence arithmetic for KPIs: when the next number is due, and whether the numbers are stale.

Plain like :mod:`kpiframe.progress` (dataclasses and dates, no other kpiframe imports), and like it
never looks at the real clock: ``today`` is always a parameter. Split out of progress.py, which
judges progress; :mod:`kpiframe.progress` re-exports these names.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from typing import Literal

Cadence = Literal["weekly", "monthly", "quarterly", "yearly"]
CADENCES: tuple[str, ...] = ("weekly", "monthly", "quarterly", "yearly")

# One cadence, in calendar months (weekly is the only one counted in days).
_CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
_WEEK = timedelta(days=7)
# Half a cadence, as a fixed number of days: the grace after a number was due.
GRACE_DAYS: dict[str, int] = {"weekly": 3, "monthly": 15, "quarterly": 45, "yearly": 182}


@dataclass(frozen=True)
class Staleness:
    """Whether a KPI's numbers are current.

    ``basis`` says what the due date was computed from: "actual" (the latest actual),
    "baseline" (no actuals yet) or None (no cadence, or nothing dated to start from).
    ``next_due`` is when the next number was (or will be) due; ``stale_after`` is the last
    day it may arrive before the KPI counts as stale (next_due + grace, or next_due itself
    when there are no actuals yet).
    """

    stale: bool
    last_date: date | None
    next_due: date | None
    stale_after: date | None
    basis: str | None
    # The date one cadence cannot be added to without passing 9999-12-31, the calendar's last
    # day: the next number is due after every date there is, so the KPI is not stale, and the
    # stale-kpi rule says it could not extend that date.
    beyond_calendar: date | None = None


def add_months(day: date, months: int) -> date | None:
    """``day`` moved by whole calendar months, clamping the day (Jan 31 + 1 month = Feb 28/29);
    None past 9999-12-31, where the calendar ends."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not MINYEAR <= year <= MAXYEAR:
        return None
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def add_days(day: date, days: timedelta) -> date | None:
    """``day + days``, or None past 9999-12-31."""
    try:
        return day + days
    except OverflowError:
        return None


def next_due(last: date, cadence: str) -> date | None:
    """When the number after one dated ``last`` is due: 7 days, or 1/3/12 calendar months later;
    None when that is past 9999-12-31."""
    cadence = _check_cadence(cadence)
    if cadence == "weekly":
        return add_days(last, _WEEK)
    return add_months(last, _CADENCE_MONTHS[cadence])


def grace_period(cadence: str) -> timedelta:
    """Half a cadence, fixed in days: weekly 3, monthly 15, quarterly 45, yearly 182."""
    return timedelta(days=GRACE_DAYS[_check_cadence(cadence)])


def is_stale(
    latest_actual_date: date | None,
    baseline_date: date | None,
    cadence: str | None,
    today: date,
) -> Staleness:
    """Whether the numbers are older than the review cadence allows at ``today``.

    * With an actual: stale when today is after next_due(latest) + half a cadence.
    * Without actuals: stale when today is after next_due(baseline date), i.e. the baseline
      is more than one cadence old and still no number has come in.
    * No cadence, or neither date: never stale (nothing says when a number is due).
    Callers pass the latest actual at or before today (``Progress.latest_date``); an actual
    dated after today would simply make the KPI look current.
    """
    if cadence is None:
        return Staleness(False, _as_date(latest_actual_date), None, None, None)
    last = _as_date(latest_actual_date)
    if last is not None:
        due = next_due(last, cadence)
        if due is None:
            return Staleness(False, last, None, None, "actual", beyond_calendar=last)
        stale_after = add_days(due, grace_period(cadence))  # None: after every day there is
        return Staleness(stale_after is not None and today > stale_after, last, due, stale_after, "actual")
    start = _as_date(baseline_date)
    if start is not None:
        due = next_due(start, cadence)
        if due is None:
            return Staleness(False, None, None, None, "baseline", beyond_calendar=start)
        return Staleness(today > due, None, due, due, "baseline")
    return Staleness(False, None, None, None, None)


def _check_cadence(cadence: str) -> str:
    if not isinstance(cadence, str) or cadence not in GRACE_DAYS:
        raise ValueError(f"cadence must be one of {', '.join(CADENCES)}, not {cadence!r}")
    return cadence


def _as_date(value: object) -> date | None:
    # datetime is a date subclass but does not compare with date; keep only the day.
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None
