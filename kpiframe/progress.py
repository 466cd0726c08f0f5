"""Progress and staleness arithmetic for KPIs: the one place reports and rules take it from.

This module is deliberately plain (dataclasses and dates, no pydantic; of kpiframe only the
cadence arithmetic in cadence.py) so the arithmetic can be tested on its own and reused by every consumer.
It never looks at the real clock: ``today`` is always a parameter.

Progress (issue 4), judged at the latest reading (issue 14)::

    progress %  = (latest - baseline) / (target - baseline) * 100
    expected %  = share of the days from baseline date to target date elapsed at the date
                  of the latest actual (at today when there is none), 0..100
    expected value then = baseline + expected share * (target - baseline)

A number is compared with what was expected *when it was measured*: a quarterly KPI read at
the end of March is not off track in June because June expects more, when June's number is not
even due yet. How old the latest number is, is staleness's business (``is_stale``) alone.

Decisions, in the order ``assess`` applies them:

* Only actuals dated on or before ``today`` count, and only finite numeric values:
  ``today`` is the reference, so numbers "from the future" are ignored rather than
  trusted. The latest actual is the one with the greatest date; on equal dates the one
  given last wins (so callers should pass inline actuals first, then CSV rows in file order).
* Non-finite or non-numeric baseline/target values count as missing; nothing here raises
  on odd numbers.
* Status, first match wins:

  1. ``no-target``   the KPI has no (finite) target value.
  2. ``no-data``     no usable actual at or before today.
  3. ``achieved``    the latest actual meets the target in the better direction
                     (``>= target`` for increase, ``<= target`` for decrease). Needs no baseline.
  4. ``no-baseline`` baseline value or baseline date missing: progress cannot be judged.
  5. ``no-target``   target date missing: there is no schedule to judge against.
  6. ``off-track``   zero-width target (target == baseline) that is not met: "hold the
                     line" KPIs have no band to be partly on, any slip is off track.
                     ``progress_pct`` and ``gap_pp`` are None here (no ZeroDivisionError).
  7. ``on-track`` if progress >= expected - tolerances.on_track,
     ``at-risk``  if progress >= expected - tolerances.at_risk, else ``off-track``.

* Progress is measured in the KPI's better direction:
  ``direction * (latest - baseline) / |target - baseline|``. This equals the issue's formula
  whenever the target is better than the baseline; when the target contradicts the
  direction (rule target-contradicts-direction reports that), an unmet target then reads
  as negative progress and ``off-track`` instead of a misleading "more than 100%".
* Expected share: ``(judged_at - baseline_date) / (target_date - baseline_date)``, clamped
  to 0..1, where ``judged_at`` is the latest actual's date (today when there is none). When
  target date <= baseline date there is no time span: the share is 0 before the target date
  and 1 from the target date on.
* ``gap_units = direction * (expected_value - latest)``: how far the latest actual is behind
  the expected value, in the KPI's unit; positive = behind, negative = ahead.
  ``gap_pp = expected_pct - progress_pct`` (percentage points, positive = behind).
* Fields that cannot be computed are None (never NaN or infinity), whatever the status,
  so reports can show e.g. the expected value of a KPI that has no actuals yet.

* Target path (`targets:`): the expected value (at ``judged_at``) follows baseline -> each step -> final target,
  straight between neighbours, instead of one straight line; expected % is then that value's
  share of the way from baseline to the final target (so a back-loaded path expects less early).
* Threshold (a standing level): ``no-data`` without an actual, ``on-track`` when the latest meets
  it (at or above for increase, at or below for decrease), else ``off-track``; ``expected_value``
  is the threshold and ``gap_units`` the distance to it. There is no expected progress.
* Threshold *and* a dated target (or path): both are judged. A threshold is a floor, so a breach
  makes the KPI ``off-track`` whatever the target says (``basis`` "threshold", and
  ``target_status`` keeps what the target alone says); a met threshold leaves the judgement to
  the target, unless the target cannot judge (no baseline), when the threshold does. Without an
  actual neither can judge: the target's ``no-data``.
* No direction: ``no-direction``, whatever the numbers (which way is better is unknown).

Staleness: see ``is_stale`` (in :mod:`kpiframe.cadence`, re-exported here).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from kpiframe.cadence import (  # noqa: F401  (re-exported: progress and staleness are read together)
    CADENCES,
    GRACE_DAYS,
    Cadence,
    Staleness,
    add_days,
    add_months,
    grace_period,
    is_stale,
    next_due,
)

# Status strings (exact; reports colour and sort by them, rules test for them).
ACHIEVED = "achieved"
ON_TRACK = "on-track"
AT_RISK = "at-risk"
OFF_TRACK = "off-track"
NO_DATA = "no-data"
NO_TARGET = "no-target"
NO_BASELINE = "no-baseline"
NO_DIRECTION = "no-direction"

STATUSES: tuple[str, ...] = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, NO_TARGET, NO_BASELINE, NO_DIRECTION)
# The statuses that are a judgement of progress (the rest say why there is none).
JUDGED_STATUSES: frozenset[str] = frozenset({ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK})


@dataclass(frozen=True)
class Tolerances:
    """Percentage points below expected progress still counted as on-track / at-risk."""

    on_track: float = 10
    at_risk: float = 25


@dataclass(frozen=True)
class Measure:
    """What ``assess`` needs to know about one KPI.

    ``direction`` is +1 / "increase" (higher is better) or -1 / "decrease"; it is stored
    normalised to +1 or -1. ``actuals`` are (date, value) pairs in any order.
    """

    direction: int | str | None
    baseline_value: float | None = None
    baseline_date: date | None = None
    target_value: float | None = None
    target_date: date | None = None
    actuals: Sequence[tuple[date, float]] = field(default_factory=tuple)
    review: str | None = None
    # The steps of a target path before the final one (target_value/target_date), dates ascending.
    steps: Sequence[tuple[date, float]] = field(default_factory=tuple)
    threshold: float | None = None  # a standing level to hold (a floor, beside a dated target too)

    def __post_init__(self) -> None:
        if self.direction is not None:
            object.__setattr__(self, "direction", direction_sign(self.direction))


@dataclass(frozen=True)
class Progress:
    """The judgement of one KPI: its latest actual at or before today, against what was
    expected at that actual's date (``judged_at``). Percentages are 0..100 scale, not 0..1."""

    status: str
    latest_value: float | None
    latest_date: date | None
    progress_pct: float | None
    expected_pct: float | None  # at judged_at
    expected_value: float | None  # at judged_at
    gap_units: float | None
    gap_pp: float | None
    # What the status judges against: "target" (a dated target or path), "threshold", or None.
    basis: str | None = None
    judged_at: date | None = None  # the latest actual's date; today when there is no actual
    threshold_met: bool | None = None  # whether the latest holds the threshold; None without either
    # What the dated target alone says, when the KPI also has a threshold and the threshold decided.
    target_status: str | None = None


def direction_sign(direction: int | str) -> int:
    """+1 for increase-is-better, -1 for decrease-is-better; ValueError for anything else."""
    if isinstance(direction, str):
        signs = {"increase": 1, "decrease": -1}
        key = direction.strip().lower()
        if key in signs:
            return signs[key]
    elif not isinstance(direction, bool) and direction in (1, -1):
        return int(direction)
    raise ValueError(f"direction must be increase, decrease, 1 or -1, not {direction!r}")


def assess(measure: Measure, today: date, tolerances: Tolerances = Tolerances()) -> Progress:
    """Judge ``measure`` by its latest actual at or before ``today``, against what was expected at
    that actual's date; see the module docstring for every rule applied."""
    latest = latest_actual(measure.actuals, today)
    latest_date, latest_value = latest if latest else (None, None)
    baseline = _finite(measure.baseline_value)
    target = _finite(measure.target_value)
    threshold = _finite(measure.threshold)
    if measure.direction is None:
        # Which way is better is unknown: nothing can be judged, whatever the numbers say.
        return Progress(NO_DIRECTION, latest_value, latest_date, None, None, None, None, None,
                        judged_at=latest_date or today)
    sign = direction_sign(measure.direction)
    if target is None and threshold is not None:
        return _assess_threshold(sign, threshold, latest_date, latest_value, today)
    by_target = _assess_target(measure, sign, baseline, target, latest_date, latest_value, today, tolerances)
    if threshold is None or latest_value is None:
        return by_target
    by_threshold = _assess_threshold(sign, threshold, latest_date, latest_value, today)
    if by_threshold.threshold_met and by_target.status in JUDGED_STATUSES:
        return dataclasses.replace(by_target, threshold_met=True)
    return dataclasses.replace(by_threshold, target_status=by_target.status)


def _assess_target(measure: Measure, sign: int, baseline: float | None, target: float | None,
                   latest_date: date | None, latest_value: float | None, today: date,
                   tolerances: Tolerances) -> Progress:
    """The judgement against the dated target or path alone (``no-target`` without one)."""
    judged_at = latest_date or today
    share = expected_share(measure.baseline_date, measure.target_date, judged_at)
    expected_pct = None if share is None else share * 100.0
    expected_value = None
    if share is not None and baseline is not None and target is not None:
        expected_value = _finite(_interpolate(baseline, target, share))
        if measure.steps:
            expected_value = _along_path(measure, baseline, target, judged_at)
            expected_pct = _path_pct(expected_value, baseline, target, sign) if target != baseline else expected_pct
    progress_pct = None
    if latest_value is not None and baseline is not None and target is not None:
        progress_pct = _progress_pct(latest_value, baseline, target, sign)
    gap_units = None
    if latest_value is not None and expected_value is not None:
        gap_units = _finite(sign * (expected_value - latest_value))
    gap_pp = None
    if expected_pct is not None and progress_pct is not None:
        gap_pp = _finite(expected_pct - progress_pct)

    status = _status(measure, sign, latest_value, baseline, target, progress_pct, expected_pct, tolerances)
    return Progress(
        status=status,
        latest_value=latest_value,
        latest_date=latest_date,
        progress_pct=progress_pct,
        expected_pct=expected_pct,
        expected_value=expected_value,
        gap_units=gap_units,
        gap_pp=gap_pp,
        basis="target" if target is not None else None,
        judged_at=judged_at,
    )


def _assess_threshold(sign: int, threshold: float, latest_date: date | None, latest: float | None,
                      today: date) -> Progress:
    """A standing level: met or not by the latest actual; there is no path to be along."""
    if latest is None:
        return Progress(NO_DATA, None, None, None, None, None, None, None, basis="threshold", judged_at=today)
    met = sign * (latest - threshold) >= 0
    gap = _finite(sign * (threshold - latest))
    return Progress(ON_TRACK if met else OFF_TRACK, latest, latest_date, None, None, threshold, gap, None,
                    basis="threshold", judged_at=latest_date, threshold_met=met)


def meets_threshold(direction: int | str, threshold: float, value: float) -> bool:
    """Whether ``value`` holds the level: at or above for increase, at or below for decrease."""
    return direction_sign(direction) * (value - threshold) >= 0


def _along_path(measure: Measure, baseline: float, target: float, today: date) -> float | None:
    """The expected value at ``today`` along baseline -> steps -> final target, piecewise linear."""
    points: list[tuple[date | None, float | None]] = [(_as_date(measure.baseline_date), baseline)]
    points += [(_as_date(d), _finite(v)) for d, v in measure.steps]
    points.append((_as_date(measure.target_date), target))
    usable = [(d, v) for d, v in points if d is not None and v is not None]
    for (d0, v0), (d1, v1) in itertools.pairwise(usable):
        if today < d1:
            share = expected_share(d0, d1, today)
            return _finite(_interpolate(v0, v1, share if share is not None else 0.0))
    return usable[-1][1] if today >= usable[-1][0] else baseline


def _path_pct(expected: float | None, baseline: float, target: float, sign: int) -> float | None:
    """The expected value on a path as progress from the baseline to the final target, in percent."""
    if expected is None:
        return None
    return _progress_pct(expected, baseline, target, sign) if target != baseline else None


def latest_actual(actuals: Iterable[tuple[date, float]], today: date) -> tuple[date, float] | None:
    """The usable actual with the greatest date at or before ``today`` (ties: the last given).

    Entries with a non-date, a date after ``today`` or a non-finite value are skipped.
    """
    best: tuple[date, float] | None = None
    for entry in actuals:
        try:
            raw_date, raw_value = entry
        except (TypeError, ValueError):
            continue
        when: date | None
        value: float | None
        if raw_date.__class__ is date and raw_value.__class__ is float and math.isfinite(raw_value):
            when, value = raw_date, raw_value  # the common case, settled actuals: no conversion needed
        else:
            when, value = _as_date(raw_date), _finite(raw_value)
        if when is None or value is None or when > today:
            continue
        if best is None or when >= best[0]:
            best = (when, value)
    return best


def expected_share(baseline_date: date | None, target_date: date | None, today: date) -> float | None:
    """Share (0..1) of the baseline-to-target time elapsed at ``today``; None without both dates."""
    start, end = _as_date(baseline_date), _as_date(target_date)
    if start is None or end is None:
        return None
    span = (end - start).days
    if span <= 0:
        # No time to spread the target over: it is simply due on the target date.
        return 1.0 if today >= end else 0.0
    elapsed = (today - start).days
    return min(max(elapsed / span, 0.0), 1.0)


def _status(
    measure: Measure,
    sign: int,
    latest: float | None,
    baseline: float | None,
    target: float | None,
    progress_pct: float | None,
    expected_pct: float | None,
    tolerances: Tolerances,
) -> str:
    if target is None:
        return NO_TARGET
    if latest is None:
        return NO_DATA
    if sign * (latest - target) >= 0:
        return ACHIEVED
    if baseline is None or _as_date(measure.baseline_date) is None:
        return NO_BASELINE
    if expected_pct is None:  # baseline date is known, so the target date is missing
        return NO_TARGET
    if target == baseline:
        return OFF_TRACK
    # An overflowing progress is None here; unmet targets can only overflow downwards.
    progress = -math.inf if progress_pct is None else progress_pct
    if progress >= expected_pct - tolerances.on_track:
        return ON_TRACK
    if progress >= expected_pct - tolerances.at_risk:
        return AT_RISK
    return OFF_TRACK


def _progress_pct(latest: float, baseline: float, target: float, sign: int) -> float | None:
    """Progress in the better direction, in percent; None for a zero-width target or overflow."""
    if target == baseline:
        return None
    # Halving first keeps the differences of huge (but finite) values from overflowing.
    scale = 0.5 if max(abs(latest), abs(baseline), abs(target)) > 1e307 else 1.0
    width = abs(target * scale - baseline * scale)
    if width == 0:
        return None
    return _finite(sign * (latest * scale - baseline * scale) / width * 100.0)


def _interpolate(start: float, end: float, share: float) -> float:
    # Written as a weighted mean so it cannot overflow for finite inputs.
    return start * (1.0 - share) + end * share


def _finite(value: object) -> float | None:
    """``value`` as a finite float, or None (for None, bools, non-numbers, NaN, infinities)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _as_date(value: object) -> date | None:
    # datetime is a date subclass but does not compare with date; keep only the day.
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None
