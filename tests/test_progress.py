"""Progress and staleness arithmetic (kpiframe.progress), always at a fixed today."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpiframe.progress import (
    ACHIEVED,
    AT_RISK,
    NO_BASELINE,
    NO_DATA,
    NO_TARGET,
    OFF_TRACK,
    ON_TRACK,
    STATUSES,
    Measure,
    Progress,
    Tolerances,
    add_months,
    assess,
    direction_sign,
    expected_share,
    grace_period,
    is_stale,
    latest_actual,
    next_due,
)

# 100 days from baseline to target, so day N is exactly N% of the way.
BASE_DATE = date(2026, 1, 1)
TARGET_DATE = date(2026, 4, 11)
HALFWAY = date(2026, 2, 20)  # day 50: expected 50%


def measure(direction="increase", baseline=100.0, target=200.0, actuals=(), **dates) -> Measure:
    return Measure(
        direction=direction,
        baseline_value=baseline,
        baseline_date=dates.get("baseline_date", BASE_DATE),
        target_value=target,
        target_date=dates.get("target_date", TARGET_DATE),
        actuals=actuals,
    )


def at_halfway(value: float, **kwargs) -> Progress:
    """A reading taken at halfway, judged a little later (what is expected is taken at the reading)."""
    return assess(measure(actuals=[(HALFWAY, value)], **kwargs), date(2026, 2, 25))


# --- progress in both directions ----------------------------------------------------------


def test_increase_kpi_on_schedule_is_on_track_with_zero_gap():
    result = at_halfway(150.0)
    assert result.status == ON_TRACK
    assert result.progress_pct == pytest.approx(50.0)
    assert result.expected_pct == pytest.approx(50.0)
    assert result.expected_value == pytest.approx(150.0)
    assert result.gap_units == pytest.approx(0.0)
    assert result.gap_pp == pytest.approx(0.0)
    assert result.latest_value == 150.0
    assert result.latest_date == result.judged_at == HALFWAY


def test_a_reading_is_judged_against_what_was_expected_at_its_date_not_at_today():
    # Read on day 20 at 25% of the way: on track then, whatever today is; staleness is is_stale's.
    kpi = measure(actuals=[(date(2026, 1, 21), 125.0)])
    for today in (date(2026, 1, 21), HALFWAY, date(2026, 12, 31)):
        result = assess(kpi, today)
        assert (result.status, result.judged_at) == (ON_TRACK, date(2026, 1, 21))
        assert result.expected_pct == pytest.approx(20.0) and result.gap_pp == pytest.approx(-5.0)


def test_without_actuals_what_is_expected_is_taken_at_today():
    result = assess(measure(), HALFWAY)
    assert (result.status, result.judged_at) == (NO_DATA, HALFWAY)
    assert result.expected_pct == pytest.approx(50.0)


def test_decrease_kpi_measures_progress_downwards():
    # Churn from 10% to 5%: 8% at halfway is 40% progress, 1 point behind the expected 7.5.
    result = at_halfway(8.0, direction="decrease", baseline=10.0, target=5.0)
    assert result.progress_pct == pytest.approx(40.0)
    assert result.expected_value == pytest.approx(7.5)
    assert result.gap_units == pytest.approx(0.5)
    assert result.gap_pp == pytest.approx(10.0)
    assert result.status == ON_TRACK


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (140.0, ON_TRACK),  # exactly expected - on_track tolerance
        (139.0, AT_RISK),
        (125.0, AT_RISK),  # exactly expected - at_risk tolerance
        (124.0, OFF_TRACK),
    ],
)
def test_increase_tolerance_bands_include_their_boundaries(latest, status):
    assert at_halfway(latest).status == status


@pytest.mark.parametrize(
    ("latest", "status"),
    [(60.0, ON_TRACK), (61.0, AT_RISK), (75.0, AT_RISK), (76.0, OFF_TRACK)],
)
def test_decrease_tolerance_bands_mirror_increase(latest, status):
    # baseline 100 -> target 0: expected value at halfway is 50.
    assert at_halfway(latest, direction="decrease", baseline=100.0, target=0.0).status == status


def test_off_track_reports_gap_in_units_and_points():
    result = at_halfway(110.0)
    assert result.status == OFF_TRACK
    assert result.gap_units == pytest.approx(40.0)  # expected 150, latest 110
    assert result.gap_pp == pytest.approx(40.0)


def test_ahead_of_schedule_has_negative_gap():
    result = at_halfway(180.0)
    assert result.status == ON_TRACK
    assert result.gap_units == pytest.approx(-30.0)
    assert result.gap_pp == pytest.approx(-30.0)


def test_custom_tolerances_change_the_bands():
    strict = Tolerances(on_track=0, at_risk=5)
    kpi = measure(actuals=[(HALFWAY, 148.0)])
    assert assess(kpi, HALFWAY).status == ON_TRACK
    assert assess(kpi, HALFWAY, strict).status == AT_RISK
    assert assess(measure(actuals=[(HALFWAY, 140.0)]), HALFWAY, strict).status == OFF_TRACK


# --- achieved, overshoot, negative progress -------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "baseline", "target"),
    [("increase", 100.0, 200.0), ("decrease", 200.0, 100.0)],
)
def test_exact_target_is_achieved(direction, baseline, target):
    result = at_halfway(target, direction=direction, baseline=baseline, target=target)
    assert result.status == ACHIEVED
    assert result.progress_pct == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "latest"),
    [("increase", 100.0, 200.0, 250.0), ("decrease", 200.0, 100.0, 50.0)],
)
def test_overshoot_is_achieved_with_progress_above_100(direction, baseline, target, latest):
    result = at_halfway(latest, direction=direction, baseline=baseline, target=target)
    assert result.status == ACHIEVED
    assert result.progress_pct == pytest.approx(150.0)


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "latest"),
    [("increase", 100.0, 200.0, 80.0), ("decrease", 200.0, 100.0, 220.0)],
)
def test_moving_the_wrong_way_is_negative_progress(direction, baseline, target, latest):
    result = at_halfway(latest, direction=direction, baseline=baseline, target=target)
    assert result.progress_pct == pytest.approx(-20.0)
    assert result.status == OFF_TRACK


def test_achieved_does_not_need_a_baseline():
    kpi = Measure(direction=1, target_value=10, target_date=TARGET_DATE, actuals=[(HALFWAY, 12)])
    result = assess(kpi, HALFWAY)
    assert result.status == ACHIEVED
    assert result.progress_pct is None


def test_target_contradicting_direction_reads_unmet_target_as_off_track():
    # An increase KPI whose target (5) is below its baseline (10): 4 is worse than both.
    result = at_halfway(4.0, baseline=10.0, target=5.0)
    assert result.status == OFF_TRACK
    assert result.progress_pct == pytest.approx(-120.0)
    # Anything at or above the (low) target meets it in the better direction.
    assert at_halfway(7.0, baseline=10.0, target=5.0).status == ACHIEVED


# --- zero-width and degenerate dates ----------------------------------------------------------


@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_zero_width_target_met_is_achieved(direction):
    result = at_halfway(100.0, direction=direction, baseline=100.0, target=100.0)
    assert result.status == ACHIEVED
    assert result.progress_pct is None
    assert result.gap_pp is None
    assert result.expected_value == pytest.approx(100.0)


@pytest.mark.parametrize(("direction", "latest"), [("increase", 99.0), ("decrease", 101.0)])
def test_zero_width_target_missed_is_off_track_without_dividing_by_zero(direction, latest):
    result = at_halfway(latest, direction=direction, baseline=100.0, target=100.0)
    assert result.status == OFF_TRACK
    assert result.progress_pct is None
    assert result.gap_pp is None
    assert result.gap_units == pytest.approx(1.0)


def test_target_date_equal_to_baseline_date_is_due_on_that_day():
    same_day = dict(baseline_date=date(2026, 3, 1), target_date=date(2026, 3, 1))
    before = assess(measure(actuals=[(date(2026, 2, 28), 150.0)], **same_day), date(2026, 3, 5))
    assert before.expected_pct == 0.0
    assert before.status == ON_TRACK  # read the day before it was due
    on_the_day = assess(measure(actuals=[(date(2026, 3, 1), 150.0)], **same_day), date(2026, 3, 5))
    assert on_the_day.expected_pct == 100.0
    assert on_the_day.expected_value == pytest.approx(200.0)
    assert on_the_day.status == OFF_TRACK


def test_target_date_before_baseline_date_does_not_crash():
    kpi = measure(
        actuals=[(date(2026, 5, 1), 150.0)],
        baseline_date=date(2026, 6, 1),
        target_date=date(2026, 3, 1),
    )
    assert assess(kpi, date(2026, 5, 1)).expected_pct == 100.0


def test_today_before_baseline_date_expects_nothing_yet():
    kpi = measure(actuals=[(date(2025, 12, 1), 100.0)])
    result = assess(kpi, date(2025, 12, 15))
    assert result.expected_pct == 0.0
    assert result.expected_value == pytest.approx(100.0)
    assert result.status == ON_TRACK


def test_today_after_target_date_expects_everything():
    kpi = measure(actuals=[(date(2026, 6, 30), 195.0)])
    result = assess(kpi, date(2026, 7, 1))
    assert result.expected_pct == 100.0
    assert result.expected_value == pytest.approx(200.0)
    assert result.gap_units == pytest.approx(5.0)
    assert result.status == ON_TRACK  # within tolerance; expired-target is a separate rule


def test_expected_share_uses_calendar_days():
    assert expected_share(BASE_DATE, TARGET_DATE, date(2026, 1, 26)) == pytest.approx(0.25)
    assert expected_share(None, TARGET_DATE, HALFWAY) is None
    assert expected_share(BASE_DATE, None, HALFWAY) is None


# --- which actual counts ----------------------------------------------------------------------


def test_latest_is_greatest_date_regardless_of_order():
    actuals = [(date(2026, 2, 1), 130.0), (date(2026, 2, 10), 145.0), (date(2026, 1, 15), 110.0)]
    result = assess(measure(actuals=actuals), HALFWAY)
    assert (result.latest_date, result.latest_value) == (date(2026, 2, 10), 145.0)


def test_same_date_keeps_the_last_given():
    actuals = [(date(2026, 2, 10), 145.0), (date(2026, 2, 10), 120.0)]
    assert latest_actual(actuals, HALFWAY) == (date(2026, 2, 10), 120.0)


def test_actuals_after_today_are_ignored():
    actuals = [(date(2026, 2, 1), 130.0), (date(2026, 3, 1), 999.0)]
    result = assess(measure(actuals=actuals), HALFWAY)
    assert result.latest_value == 130.0
    # An actual dated today counts.
    assert latest_actual(actuals, date(2026, 3, 1)) == (date(2026, 3, 1), 999.0)


def test_only_future_actuals_means_no_data_but_expected_is_still_known():
    result = assess(measure(actuals=[(date(2026, 3, 1), 150.0)]), HALFWAY)
    assert result.status == NO_DATA
    assert result.latest_value is None and result.progress_pct is None and result.gap_units is None
    assert result.expected_pct == pytest.approx(50.0)
    assert result.expected_value == pytest.approx(150.0)


def test_datetime_actuals_are_read_as_their_day():
    assert latest_actual([(datetime(2026, 2, 20, 23, 59), 1.0)], HALFWAY) == (HALFWAY, 1.0)


# --- statuses when progress cannot be judged ---------------------------------------------------


def test_no_target_value():
    result = assess(measure(target=None, actuals=[(HALFWAY, 150.0)]), HALFWAY)
    assert result.status == NO_TARGET
    assert result.latest_value == 150.0
    assert result.progress_pct is None and result.expected_value is None


def test_no_target_wins_over_no_data():
    assert assess(measure(target=None), HALFWAY).status == NO_TARGET


def test_no_actuals_is_no_data():
    assert assess(measure(), HALFWAY).status == NO_DATA


def test_missing_baseline_value_or_date_is_no_baseline():
    kpi = Measure(direction="increase", target_value=200, target_date=TARGET_DATE, actuals=[(HALFWAY, 150)])
    assert assess(kpi, HALFWAY).status == NO_BASELINE
    undated = dataclasses.replace(kpi, baseline_value=100)
    assert assess(undated, HALFWAY).status == NO_BASELINE
    assert assess(undated, HALFWAY).progress_pct == pytest.approx(50.0)


def test_missing_target_date_is_no_target():
    kpi = measure(actuals=[(HALFWAY, 150.0)], target_date=None)
    result = assess(kpi, HALFWAY)
    assert result.status == NO_TARGET
    assert result.expected_pct is None
    assert result.progress_pct == pytest.approx(50.0)


# --- non-finite and odd input never crashes -----------------------------------------------------


def test_non_finite_actuals_are_skipped():
    actuals = [(date(2026, 2, 1), 130.0), (date(2026, 2, 10), math.nan), (date(2026, 2, 11), math.inf)]
    assert assess(measure(actuals=actuals), HALFWAY).latest_value == 130.0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "12", True, None])
def test_non_finite_target_or_baseline_count_as_missing(bad):
    actuals = [(HALFWAY, 150.0)]
    bad_target = measure(target=bad, actuals=actuals)
    bad_baseline = measure(baseline=bad, actuals=actuals)
    if bad == "12":  # a numeric string is still a number; it just is not the same target
        assert assess(bad_target, HALFWAY).status == ACHIEVED
    else:
        assert assess(bad_target, HALFWAY).status == NO_TARGET
        assert assess(bad_baseline, HALFWAY).status == NO_BASELINE


def test_huge_values_do_not_overflow_into_nan():
    kpi = measure(baseline=-1.7e308, target=1.7e308, actuals=[(HALFWAY, -1.6e308)])
    result = assess(kpi, HALFWAY)
    assert result.status == OFF_TRACK
    for value in (result.progress_pct, result.expected_value, result.gap_units, result.gap_pp):
        assert value is None or math.isfinite(value)


def test_malformed_actual_entries_are_skipped():
    actuals = [("2026-02-01", 1.0), (None, 2.0), (HALFWAY,), (date(2026, 2, 1), 130.0)]
    assert latest_actual(actuals, HALFWAY) == (date(2026, 2, 1), 130.0)


finite_or_odd = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.none(),
)
some_date = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=300, deadline=None)
@given(
    direction=st.sampled_from(["increase", "decrease", 1, -1]),
    baseline=finite_or_odd,
    target=finite_or_odd,
    baseline_date=st.one_of(st.none(), some_date),
    target_date=st.one_of(st.none(), some_date),
    actuals=st.lists(st.tuples(some_date, finite_or_odd), max_size=4),
    today=some_date,
)
def test_assess_never_crashes_and_never_returns_non_finite(
    direction, baseline, target, baseline_date, target_date, actuals, today
):
    kpi = Measure(direction, baseline, baseline_date, target, target_date, actuals)
    result = assess(kpi, today)
    assert result.status in STATUSES
    for value in (
        result.latest_value,
        result.progress_pct,
        result.expected_pct,
        result.expected_value,
        result.gap_units,
        result.gap_pp,
    ):
        assert value is None or math.isfinite(value)
    if result.expected_pct is not None:
        assert 0.0 <= result.expected_pct <= 100.0


# --- the types themselves ------------------------------------------------------------------------


def test_direction_accepts_words_and_signs():
    assert measure(direction="Decrease").direction == -1
    assert direction_sign(1) == 1 and direction_sign("increase") == 1
    for bad in ("up", 0, 2, True, None):
        with pytest.raises(ValueError):
            direction_sign(bad)


def test_progress_is_frozen():
    result = at_halfway(150.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = ACHIEVED  # type: ignore[misc]


# --- cadence arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_add_months_clamps_the_day(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        ("weekly", date(2026, 2, 7)),
        ("monthly", date(2026, 2, 28)),
        ("quarterly", date(2026, 4, 30)),
        ("yearly", date(2027, 1, 31)),
    ],
)
def test_next_due(cadence, expected):
    assert next_due(date(2026, 1, 31), cadence) == expected


def test_grace_is_half_a_cadence_in_days():
    assert [grace_period(c).days for c in ("weekly", "monthly", "quarterly", "yearly")] == [3, 15, 45, 182]


def test_unknown_cadence_is_rejected():
    with pytest.raises(ValueError):
        next_due(date(2026, 1, 1), "daily")


@pytest.mark.parametrize(
    ("cadence", "last", "last_fresh_day"),
    [
        ("weekly", date(2026, 3, 2), date(2026, 3, 12)),  # due 03-09, + 3 days
        ("monthly", date(2026, 1, 31), date(2026, 3, 15)),  # due 02-28, + 15 days
        ("quarterly", date(2026, 3, 31), date(2026, 8, 14)),  # due 06-30, + 45 days
        ("yearly", date(2025, 12, 31), date(2027, 7, 1)),  # due 2026-12-31, + 182 days
    ],
)
def test_stale_after_one_cadence_plus_half(cadence, last, last_fresh_day):
    fresh = is_stale(last, None, cadence, last_fresh_day)
    assert not fresh.stale
    assert fresh.stale_after == last_fresh_day
    assert fresh.last_date == last and fresh.basis == "actual"
    late = is_stale(last, None, cadence, date.fromordinal(last_fresh_day.toordinal() + 1))
    assert late.stale
    assert late.next_due == next_due(last, cadence)


def test_without_actuals_stale_when_baseline_older_than_one_cadence():
    baseline = date(2026, 1, 15)
    on_due_day = is_stale(None, baseline, "monthly", date(2026, 2, 15))
    assert not on_due_day.stale
    assert on_due_day.next_due == date(2026, 2, 15) and on_due_day.basis == "baseline"
    assert is_stale(None, baseline, "monthly", date(2026, 2, 16)).stale


def test_actual_wins_over_baseline_for_staleness():
    result = is_stale(date(2026, 3, 1), date(2025, 1, 1), "monthly", date(2026, 3, 20))
    assert not result.stale and result.basis == "actual"


def test_nothing_to_judge_staleness_by_is_never_stale():
    assert not is_stale(date(2020, 1, 1), date(2020, 1, 1), None, date(2026, 1, 1)).stale
    nothing = is_stale(None, None, "monthly", date(2026, 1, 1))
    assert not nothing.stale and nothing.next_due is None and nothing.basis is None
