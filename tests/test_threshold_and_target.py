"""Issue 16 trial, item 1: a KPI with both a dated target (or path) and a threshold is judged by
both. A breached threshold is a floor: the KPI is off-track whatever the path says, and every
output says which of the two decided. Today is 2026-06-30 throughout."""

from __future__ import annotations

from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.progress import Measure, assess
from tests.conftest import by_rule, check_tree
from tests.test_registers import GOAL, PLAN, docs, kpi, line_of, status_json

TODAY = "2026-06-30"
BOTH = ("baseline: {value: 50, date: 2026-01-01}", "target: {value: 60, date: 2026-12-31}",
        "threshold: {value: 99}", "actuals:", "  - {date: 2026-06-30, value: 56}")
PATH_BOTH = ("baseline: {value: 50, date: 2026-01-01}", "targets:", "  - {value: 55, date: 2026-06-30}",
             "  - {value: 60, date: 2026-12-31}", "threshold: {value: 99}",
             "actuals:", "  - {date: 2026-06-30, value: 56}")


def test_a_breached_threshold_makes_a_kpi_on_its_path_off_track():
    from datetime import date
    measure = Measure("increase", 50, date(2026, 1, 1), 60, date(2026, 12, 31),
                      [(date(2026, 6, 30), 56)], threshold=99)
    progress = assess(measure, date(2026, 6, 30))
    assert (progress.status, progress.basis, progress.target_status) == ("off-track", "threshold", "on-track")
    assert progress.expected_value == 99 and progress.gap_units == 43


def test_a_met_threshold_leaves_the_target_to_judge():
    from datetime import date
    measure = Measure("increase", 50, date(2026, 1, 1), 60, date(2026, 12, 31),
                      [(date(2026, 6, 30), 56)], threshold=52)
    progress = assess(measure, date(2026, 6, 30))
    assert (progress.status, progress.basis, progress.threshold_met) == ("on-track", "target", True)
    assert progress.progress_pct == 60


def test_a_threshold_judges_when_the_target_cannot():
    from datetime import date
    # No baseline: the target alone cannot judge progress, the threshold still can.
    measure = Measure("increase", None, None, 60, date(2026, 12, 31), [(date(2026, 6, 30), 56)], threshold=52)
    progress = assess(measure, date(2026, 6, 30))
    assert (progress.status, progress.basis, progress.target_status) == ("on-track", "threshold", "no-baseline")


def test_check_reports_the_breach_at_the_threshold_beside_a_target(framework):
    text = docs(GOAL, kpi("both", *BOTH))
    result = check_tree(framework({"a.yaml": text}))
    [off] = by_rule(result, "off-track-kpi")
    assert off.line == line_of(text, "threshold:")
    assert "does not hold its threshold (≥ 99%): 43 percentage points behind" in off.message
    assert "its target alone says on-track" in off.message
    [uncorrected] = by_rule(result, "uncorrected-off-track")
    assert uncorrected.line == line_of(text, "threshold:")
    assert "against its threshold (≥ 99%)" in uncorrected.message
    [missing] = by_rule(result, "missing-action-plan")
    assert "and does not hold its threshold (≥ 99%" in missing.message


def test_a_plan_corrects_a_breach_beside_a_target_path(framework):
    text = docs(GOAL, kpi("both", *PATH_BOTH), PLAN.format(kpi="both"))
    result = check_tree(framework({"a.yaml": text}))
    assert not by_rule(result, "uncorrected-off-track") and not by_rule(result, "missing-action-plan")
    [off] = by_rule(result, "off-track-kpi")
    assert off.line == line_of(text, "threshold:")


def test_status_says_which_one_decided(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("both", *BOTH), kpi("held", *BOTH[:2], "threshold: {value: 52}",
                                                                   *BOTH[3:]))})
    rows = status_json(root)
    assert (rows["both"]["status"], rows["both"]["judged_by"], rows["both"]["target_status"]) == (
        "off-track", "threshold", "on-track")
    assert rows["both"]["threshold_met"] is False and rows["held"]["threshold_met"] is True
    assert (rows["held"]["status"], rows["held"]["judged_by"]) == ("on-track", "target")
    out = CliRunner().invoke(app, ["status", str(root), "--today", TODAY], env={"COLUMNS": "220"}).output
    [line] = [line for line in out.splitlines() if "both" in line]
    assert "60 · ≥ 99%" in line and "off-track (threshold)" in line
    [line] = [line for line in out.splitlines() if " held" in line]
    assert "60 · ≥ 52%" in line and "on-track" in line and "(threshold)" not in line


def test_record_says_the_threshold_decided_and_what_the_target_alone_says(tmp_path, monkeypatch):
    from tests.conftest import write_tree
    root = write_tree(tmp_path / "fw", {
        "kpiframe.yaml": "organization: T\ndepartments: [sales]\nactuals: [data/actuals.csv]\n",
        "a.yaml": docs(GOAL, kpi("both", *BOTH[:3])), "data/actuals.csv": "kpi,date,value\n"})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["record", "both", "56", "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "now off-track (does not hold its threshold ≥ 99%; its target alone says on-track)" in result.stdout


def test_tree_and_report_show_the_threshold_beside_a_target_and_which_decided(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("both", *BOTH))})
    tree = CliRunner().invoke(app, ["tree", str(root), "--today", TODAY], env={"COLUMNS": "220"}).output
    [line] = [line for line in tree.splitlines() if " both " in line]
    assert "off-track" in line and "≥ 99% to hold, breached" in line
    report = CliRunner().invoke(app, ["report", str(root), "--today", TODAY]).output
    assert "against the threshold ≥ 99% (its target alone says on-track)" in report
    assert "60% by 2026-12-31, from 50% on 2026-01-01; hold ≥ 99%" in report


def test_tree_and_report_say_a_health_dated_after_today_is_not_used_yet(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("later", "health: {level: problem, date: 2027-06-01}"))})
    tree = CliRunner().invoke(app, ["tree", str(root), "--today", TODAY], env={"COLUMNS": "220"}).output
    assert "health problem dated 2027-06-01, after today: not used yet" in tree
    report = CliRunner().invoke(app, ["report", str(root), "--today", TODAY]).output
    assert "owner's health: problem (2027-06-01), dated after today: not used until then" in report
