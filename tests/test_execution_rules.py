"""KF3 execution rules and the actuals CSV wiring, on small frameworks at a fixed today.

Every KPI below lives alone in kpis.yaml and every plan in plans.yaml, so the line numbers
asserted are easy to count: the KPI header takes lines 1-8, its extra fields start at line 9;
the plan header takes lines 1-5, its extra fields start at line 6.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kpiframe.check import CheckResult
from kpiframe.status import kpi_statuses
from tests.conftest import check_tree

TODAY = date(2026, 6, 30)
GOAL = """\
kind: Goal
id: grow
title: Grow revenue
level: company
period: {start: 2026-01-01, end: 2026-12-31}
"""
BASELINE = "baseline: {value: 8, date: 2026-01-01}"
TARGET = "target: {value: 12, date: 2026-12-31}"


def kpi(*extra: str, kpi_id: str = "arr", direction: str = "increase", unit: str = "M USD") -> str:
    lines = ["kind: KPI", f"id: {kpi_id}", "name: ARR", "department: sales", "owner: Dana Kim",
             "supports: [grow]", f"unit: {unit}", f"direction: {direction}", *extra]
    return "\n".join(lines) + "\n"


def plan(*extra: str, plan_id: str = "push", addresses: str = "addresses: [arr]") -> str:
    lines = ["kind: ActionPlan", f"id: {plan_id}", "title: Outbound push", "owner: Dana Kim", addresses, *extra]
    return "\n".join(lines) + "\n"


def found(root: Path, slug: str, today: date = TODAY) -> list:
    return [f for f in check_tree(root, select=(slug,), today=today).findings if f.rule == slug]


def tree(framework, kpis: str = "", plans: str = "", config: str = "organization: Test Co\n",
         extra: dict[str, str] | None = None, folder: str = "fw") -> Path:
    """A framework with the company goal GOAL, ``kpis`` in kpis.yaml and ``plans`` in plans.yaml
    (``framework`` is the conftest fixture)."""
    files = {"goals.yaml": GOAL, **(extra or {})}
    if kpis:
        files["kpis.yaml"] = kpis
    if plans:
        files["plans.yaml"] = plans
    return framework(files, config, folder=folder)


def lines(findings: list) -> list[tuple[str, int, int]]:
    return [(f.file, f.line, f.column) for f in findings]


# --- KF301 missing-action-plan -------------------------------------------------------------


def test_missing_action_plan_fires_on_the_target(framework):
    root = tree(framework, kpi(BASELINE, TARGET))
    (finding,) = found(root, "missing-action-plan")
    assert (finding.file, finding.line, finding.column) == ("kpis.yaml", 10, 1)
    assert finding.code == "KF301" and finding.severity.value == "error"
    assert "12 M USD by 2026-12-31" in finding.message


def test_missing_action_plan_ignores_cancelled_plans_but_counts_done_ones(framework):
    cancelled = tree(framework, kpi(BASELINE, TARGET), plan("status: cancelled"), folder="a")
    (finding,) = found(cancelled, "missing-action-plan")
    assert "only cancelled ones: 'push'" in finding.message
    done = tree(framework, kpi(BASELINE, TARGET), plan("status: done", "due: 2026-03-31"), folder="b")
    assert found(done, "missing-action-plan") == []


def test_missing_action_plan_needs_a_target(framework):
    assert found(tree(framework, kpi(BASELINE)), "missing-action-plan") == []


# --- KF302 overdue-action-plan ------------------------------------------------------------


def test_overdue_action_plan_points_at_due(framework):
    root = tree(framework, kpi(), plan("status: in_progress", "due: 2026-06-29"))
    (finding,) = found(root, "overdue-action-plan")
    assert lines([finding]) == [("plans.yaml", 7, 6)]
    assert "was due 2026-06-29 (1 day ago) and is still in_progress" in finding.message


@pytest.mark.parametrize("fields", [("status: in_progress", "due: 2026-06-30"), ("status: done", "due: 2026-01-31"),
                                    ("status: cancelled", "due: 2026-01-31"), ("status: planned",)])
def test_overdue_action_plan_passes(fields, framework):
    assert found(tree(framework, kpi(), plan(*fields)), "overdue-action-plan") == []


def test_a_blocked_plan_can_be_overdue(framework):
    root = tree(framework, kpi(), plan("status: blocked", "due: 2026-05-01"))
    assert lines(found(root, "overdue-action-plan")) == [("plans.yaml", 7, 6)]


# --- KF303 overdue-milestone --------------------------------------------------------------

MILESTONES = ("due: 2026-12-31", "milestones:", "  - {title: Hire SDRs, due: 2026-04-30, done: true}",
              "  - {title: Launch campaign, due: 2026-05-31}", "  - {title: Close pilots, due: 2026-09-30}")


def test_overdue_milestone_points_at_the_milestone_due(framework):
    root = tree(framework, kpi(), plan("status: in_progress", *MILESTONES))
    (finding,) = found(root, "overdue-milestone")
    assert lines([finding]) == [("plans.yaml", 10, 35)]
    assert "'Launch campaign' was due 2026-05-31 (30 days ago)" in finding.message


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_overdue_milestone_ignores_finished_plans(status, framework):
    root = tree(framework, kpi(), plan(f"status: {status}", *MILESTONES))
    assert found(root, "overdue-milestone") == []


# --- KF304 blocked-action-plan / KF305 plan-without-kpi -----------------------------------


def test_blocked_action_plan(framework):
    root = tree(framework, kpi(), plan("status: blocked", "due: 2026-09-30"))
    (finding,) = found(root, "blocked-action-plan")
    assert lines([finding]) == [("plans.yaml", 6, 9)]
    assert "'arr' gets nothing from it" in finding.message
    unblocked = tree(framework, kpi(), plan("status: in_progress", "due: 2026-09-30"), folder="b")
    assert found(unblocked, "blocked-action-plan") == []


def test_plan_without_kpi(framework):
    empty = tree(framework, plans=plan("status: planned", addresses="addresses: []"), folder="a")
    assert lines(found(empty, "plan-without-kpi")) == [("plans.yaml", 5, 1)]
    absent = tree(framework, plans=plan("status: planned", addresses="due: 2026-09-30"), folder="b")
    assert lines(found(absent, "plan-without-kpi")) == [("plans.yaml", 1, 1)]
    addressed = tree(framework, kpi(), plan("status: planned"), folder="c")
    assert found(addressed, "plan-without-kpi") == []


# --- KF306 missing-baseline / KF307 target-contradicts-direction ---------------------------


def test_missing_baseline(framework):
    assert lines(found(tree(framework, kpi(TARGET), folder="a"), "missing-baseline")) == [("kpis.yaml", 9, 1)]
    assert found(tree(framework, kpi(BASELINE, TARGET), folder="b"), "missing-baseline") == []
    assert found(tree(framework, kpi(), folder="c"), "missing-baseline") == []


@pytest.mark.parametrize("direction, baseline, target, fires", [
    ("increase", 8, 6, True), ("increase", 8, 8, True), ("increase", 8, 12, False),
    ("decrease", 5, 6, True), ("decrease", 5, 4, False),
])
def test_target_contradicts_direction(direction, baseline, target, fires, framework):
    text = kpi(f"baseline: {{value: {baseline}, date: 2026-01-01}}", f"target: {{value: {target}, date: 2026-12-31}}",
               direction=direction)
    findings = found(tree(framework, text), "target-contradicts-direction")
    assert lines(findings) == ([("kpis.yaml", 10, 17)] if fires else [])
    if fires:
        assert findings[0].severity.value == "error" and f"direction is {direction}" in findings[0].message


# --- KF308 target-after-goal-period -------------------------------------------------------


def test_target_after_goal_period(framework):
    late = tree(framework, kpi(BASELINE, "target: {value: 12, date: 2027-03-31}"), folder="a")
    (finding,) = found(late, "target-after-goal-period")
    assert lines([finding]) == [("kpis.yaml", 10, 27)]
    assert "'grow' ends 2026-12-31" in finding.message
    assert found(tree(framework, kpi(BASELINE, TARGET), folder="b"), "target-after-goal-period") == []


def test_target_after_goal_period_needs_every_goal_to_have_ended(framework):
    later_goal = GOAL.replace("id: grow", "id: grow-2027").replace("2026-12-31", "2027-12-31")
    text = kpi(BASELINE, "target: {value: 12, date: 2027-03-31}").replace("[grow]", "[grow, grow-2027]")
    root = tree(framework, text, extra={"goals2.yaml": later_goal}, folder="a")
    assert found(root, "target-after-goal-period") == []
    open_ended = GOAL.replace("id: grow", "id: grow-always").replace("period: {start: 2026-01-01, end: 2026-12-31}\n", "")
    text = kpi(BASELINE, "target: {value: 12, date: 2027-03-31}").replace("[grow]", "[grow, grow-always]")
    root = tree(framework, text, extra={"goals2.yaml": open_ended}, folder="b")
    assert found(root, "target-after-goal-period") == []


# --- KF309 expired-target -----------------------------------------------------------------


def test_expired_target_says_whether_it_was_achieved(framework):
    target = "target: {value: 12, date: 2026-03-31}"
    reached = tree(framework, kpi(BASELINE, target, "actuals:", "  - {date: 2026-03-31, value: 12.5}"), folder="a")
    (finding,) = found(reached, "expired-target")
    assert lines([finding]) == [("kpis.yaml", 10, 27)]
    assert "has passed and it was achieved (latest 12.5 M USD on 2026-03-31)" in finding.message
    missed = tree(framework, kpi(BASELINE, target, "actuals:", "  - {date: 2026-03-31, value: 10}"), folder="b")
    (finding,) = found(missed, "expired-target")
    assert "it was not reached (latest 10 M USD on 2026-03-31)" in finding.message


def test_expired_target_not_before_its_date(framework):
    root = tree(framework, kpi(BASELINE, "target: {value: 12, date: 2026-06-30}"))
    assert found(root, "expired-target") == []


# --- KF310 stale-kpi ----------------------------------------------------------------------


def test_stale_kpi_says_when_the_last_number_came_and_the_next_was_due(framework):
    root = tree(framework, kpi(BASELINE, TARGET, "review: monthly", "actuals:", "  - {date: 2026-05-14, value: 9}"))
    (finding,) = found(root, "stale-kpi")
    assert lines([finding]) == [("kpis.yaml", 11, 9)]
    assert "the last number came in 2026-05-14" in finding.message
    assert "the next was due 2026-06-14" in finding.message


def test_stale_kpi_grace_is_half_a_cadence(framework):
    # Due 2026-06-15, grace 15 days: still current on 2026-06-30, stale the day after.
    root = tree(framework, kpi(BASELINE, TARGET, "review: monthly", "actuals:", "  - {date: 2026-05-15, value: 9}"))
    assert found(root, "stale-kpi") == []
    assert len(found(root, "stale-kpi", today=date(2026, 7, 1))) == 1


def test_stale_kpi_without_actuals_counts_from_the_baseline(framework):
    root = tree(framework, kpi("baseline: {value: 8, date: 2026-03-31}", TARGET, "review: quarterly"))
    assert found(root, "stale-kpi") == []  # first number due 2026-06-30: not late yet
    (finding,) = found(root, "stale-kpi", today=date(2026, 7, 1))
    assert "no number has come in since the baseline of 2026-03-31" in finding.message
    assert "the first was due 2026-06-30" in finding.message


def test_a_kpi_without_review_cadence_is_never_stale(framework):
    root = tree(framework, kpi("baseline: {value: 8, date: 2020-01-01}", TARGET))
    assert found(root, "stale-kpi") == []


# --- KF311 off-track-kpi ------------------------------------------------------------------

# Baseline 8 on 2026-01-01, target 12 on 2026-12-31: at 2026-06-30 (day 180 of 364) the
# expected value is 8 + 4 * 180/364 = 9.98.


def test_off_track_kpi_gives_latest_expected_and_gap(framework):
    root = tree(framework, kpi(BASELINE, TARGET, "actuals:", "  - {date: 2026-06-15, value: 8.4}"))
    (finding,) = found(root, "off-track-kpi")
    assert lines([finding]) == [("kpis.yaml", 10, 1)]
    assert finding.severity.value == "warning"
    # judged against what was expected on 2026-06-15, the reading's date, not at today
    assert finding.message == ("KPI 'arr' is off track at its last reading (2026-06-15): 10% of the way, 45.3% "
                               "expected then (latest 8.4 M USD, expected 9.81 M USD: 1.41 M USD behind)")


def test_off_track_kpi_for_a_decrease_kpi(framework):
    text = kpi("baseline: {value: 40, date: 2026-01-01}", "target: {value: 20, date: 2026-12-31}",
               "actuals:", "  - {date: 2026-06-30, value: 39}", direction="decrease", unit="days")
    (finding,) = found(tree(framework, text), "off-track-kpi")
    assert "(latest 39 days, expected 30.11 days: 8.89 days behind)" in finding.message


@pytest.mark.parametrize("value", [9.8, 9.2, 12])  # on track, at risk, achieved
def test_off_track_kpi_passes(value, framework):
    root = tree(framework, kpi(BASELINE, TARGET, "actuals:", f"  - {{date: 2026-06-15, value: {value}}}"))
    assert found(root, "off-track-kpi") == []


def test_tolerances_come_from_the_config(framework):
    # 9.2 is 30% of the way at 49.45% expected: at risk by default, off track with tight tolerances.
    text = kpi(BASELINE, TARGET, "actuals:", "  - {date: 2026-06-15, value: 9.2}")
    tight = tree(framework, text, config="tolerances: {on_track: 5, at_risk: 10}\n")
    assert len(found(tight, "off-track-kpi")) == 1


# --- KF312 uncorrected-off-track ----------------------------------------------------------

OFF_TRACK_KPI = kpi(BASELINE, TARGET, "actuals:", "  - {date: 2026-06-15, value: 8.4}")
AT_RISK_KPI = kpi(BASELINE, TARGET, "actuals:", "  - {date: 2026-06-15, value: 9.2}")


def test_uncorrected_off_track_without_plans(framework):
    (finding,) = found(tree(framework, OFF_TRACK_KPI), "uncorrected-off-track")
    assert lines([finding]) == [("kpis.yaml", 10, 1)]
    assert finding.severity.value == "error"
    assert "is off-track at its last reading (2026-06-15) and nobody is correcting course: no action plan addresses it" in finding.message


@pytest.mark.parametrize("fields, why", [
    (("status: in_progress", "due: 2026-06-29"), "'push' is in_progress but was due 2026-06-29"),
    (("status: planned",), "'push' is planned with no due date"),
    (("status: blocked", "due: 2026-09-30"), "'push' is blocked"),
    (("status: done", "due: 2026-03-31"), "'push' is done"),
])
def test_uncorrected_at_risk_says_why_each_plan_does_not_count(fields, why, framework):
    (finding,) = found(tree(framework, AT_RISK_KPI, plan(*fields)), "uncorrected-off-track")
    assert f"is at-risk at its last reading (2026-06-15) and nobody is correcting course: {why}" in finding.message


@pytest.mark.parametrize("fields", [("status: in_progress", "due: 2026-09-30"), ("status: planned", "due: 2026-06-30")])
def test_an_active_plan_not_yet_due_corrects_course(fields, framework):
    assert found(tree(framework, OFF_TRACK_KPI, plan(*fields)), "uncorrected-off-track") == []


def test_on_track_kpis_need_no_correction(framework):
    root = tree(framework, kpi(BASELINE, TARGET, "actuals:", "  - {date: 2026-06-15, value: 9.8}"))
    assert found(root, "uncorrected-off-track") == []


# --- actuals from CSV files ---------------------------------------------------------------

CSV_CONFIG = "organization: Test Co\nactuals:\n  - data/*.csv\n"


def csv_rows(result: CheckResult) -> dict[str, list[tuple]]:
    return {k: [(r.date, r.value, r.file, r.line) for r in rows] for k, rows in result.framework.csv_actuals.items()}


def test_csv_rows_count_with_inline_actuals(framework):
    text = kpi(BASELINE, TARGET, "actuals:", "  - {date: 2026-05-31, value: 9.8}")
    root = tree(framework, text, config=CSV_CONFIG, extra={"data/actuals.csv": "kpi,date,value\narr,2026-06-15,8.4\n"})
    result = check_tree(root, select=("off-track-kpi",))
    assert csv_rows(result) == {"arr": [(date(2026, 6, 15), 8.4, "data/actuals.csv", 2)]}
    assert [f.rule for f in result.findings] == ["off-track-kpi"]  # the CSV row is the latest


def test_csv_files_are_read_in_sorted_order_and_disagreeing_rows_are_not_used(framework):
    root = tree(framework, kpi(BASELINE, TARGET), config=CSV_CONFIG,
                     extra={"data/b.csv": "kpi,date,value\narr,2026-06-15,2\n",
                            "data/a.csv": "kpi,date,value\narr,2026-06-15,1\n"})
    result = check_tree(root, select=("off-track-kpi",))
    assert csv_rows(result) == {"arr": [(date(2026, 6, 15), 1.0, "data/a.csv", 2), (date(2026, 6, 15), 2.0, "data/b.csv", 2)]}
    assert kpi_statuses(result.framework, TODAY)["arr"].progress.latest_value is None


def test_a_bad_csv_row_is_a_finding_with_file_and_line(framework):
    csv = "kpi,date,value\narr,2026-05-31,9\narr,2026-06-31,9.5\narr,2026-06-15,12%\n"
    root = tree(framework, kpi(BASELINE, TARGET), config=CSV_CONFIG, extra={"data/actuals.csv": csv})
    result = check_tree(root, select=("invalid-value",))
    assert [(f.file, f.line, f.column, f.code) for f in result.findings] == [
        ("data/actuals.csv", 3, 5, "KF005"), ("data/actuals.csv", 4, 16, "KF005")]
    assert "not a real date" in result.findings[0].message
    assert csv_rows(result) == {"arr": [(date(2026, 5, 31), 9.0, "data/actuals.csv", 2)]}
    for f in result.findings:  # fragments, like every other finding: no capital, no full stop
        assert not f.message[0].isupper() and not f.message.endswith(".") and not f.hint.endswith("."), f


def test_a_csv_header_mistake_is_an_invalid_value(framework):
    root = tree(framework, kpi(), config=CSV_CONFIG, extra={"data/actuals.csv": "kpi;date;value\narr;2026-05-31;9\n"})
    (finding,) = check_tree(root, select=("invalid-value",)).findings
    assert (finding.file, finding.line, finding.column) == ("data/actuals.csv", 1, 1)
    assert "header" in finding.message


def test_a_csv_row_for_an_unknown_kpi_is_a_dangling_reference(framework):
    csv = "kpi,date,value\narr,2026-05-31,9\nARR,2026-06-01,9\n"
    root = tree(framework, kpi(), config=CSV_CONFIG, extra={"data/actuals.csv": csv})
    result = check_tree(root, select=("dangling-reference",))
    (finding,) = result.findings
    assert (finding.file, finding.line, finding.column, finding.code) == ("data/actuals.csv", 3, 1, "KF008")
    assert "`arr`" in finding.hint
    assert csv_rows(result) == {"arr": [(date(2026, 5, 31), 9.0, "data/actuals.csv", 2)]}


def test_an_actuals_glob_matching_nothing_is_a_finding_on_the_config(framework):
    config = "organization: Test Co\nactuals:\n  - data/*.csv\n  - exports/*.csv\n"
    root = tree(framework, kpi(), config=config, extra={"data/actuals.csv": "kpi,date,value\n"})
    (finding,) = check_tree(root, select=("invalid-value",)).findings
    assert (finding.file, finding.line, finding.column) == ("kpiframe.yaml", 4, 5)
    assert "'exports/*.csv' matches no file" in finding.message


def test_an_actuals_glob_outside_the_framework_is_refused(framework):
    root = tree(framework, kpi(), config="actuals: [../*.csv]\n")
    (finding,) = check_tree(root, select=("invalid-value",)).findings
    assert finding.file == "kpiframe.yaml" and "inside the framework folder" in finding.message


def test_csv_files_are_not_read_as_yaml(framework):
    root = tree(framework, kpi(), config=CSV_CONFIG, extra={"data/actuals.csv": "kpi,date,value\narr,2026-05-31,9\n"})
    result = check_tree(root)
    assert "data/actuals.csv" not in result.framework.files
    assert [f for f in result.findings if f.file == "data/actuals.csv"] == []
    assert "actuals" in result.timings


def test_statuses_are_a_summary_fact(framework):
    root = tree(framework, OFF_TRACK_KPI)
    summary = check_tree(root, select=("off-track-kpi",)).summary()
    assert summary["kpis_by_status"]["off-track"] == 1 and summary["kpis_by_status"]["on-track"] == 0
