"""A KPI is judged at its last reading, not at today (issue 14, item 1).

Status compares the latest actual with the expectation at that actual's date; how long ago the
reading was is stale-kpi's business alone. `check`, `status`, `tree` and `report` agree.
"""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.progress import Measure, assess
from kpiframe.status import kpi_statuses
from tests.conftest import by_rule, check_tree

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"
# Quarterly, read on 2026-03-31 at 20% of the way (120 of 100 -> 200); 24.45% of the time had
# passed then (89 of 364 days). On 2026-06-30 49.45% has passed, but the next reading is not
# even due: the quarter's number comes in July, with grace to mid-August.
QUARTERLY = ("kind: KPI\nid: bookings\nname: Bookings\ndepartment: sales\nowner: Dana\nsupports: [grow]\n"
             "unit: USD\ndirection: increase\nbaseline: {value: 100, date: 2026-01-01}\n"
             "target: {value: 200, date: 2026-12-31}\nreview: quarterly\n"
             "actuals:\n  - {date: 2026-03-31, value: 120}\n")


PLAN = "kind: ActionPlan\nid: push\ntitle: Push\naddresses: [bookings]\nstatus: in_progress\ndue: 2026-12-31\n"


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": "200"})


def test_assess_compares_the_latest_actual_with_the_expectation_at_its_date():
    measure = Measure(direction="increase", baseline_value=100, baseline_date=date(2026, 1, 1), target_value=200,
                      target_date=date(2026, 12, 31), actuals=[(date(2026, 3, 31), 120)])
    progress = assess(measure, date(2026, 6, 30))
    assert progress.status == "on-track"
    assert progress.judged_at == date(2026, 3, 31)
    assert round(progress.expected_pct, 2) == 24.45 and round(progress.progress_pct, 2) == 20


def test_a_quarterly_kpi_between_readings_is_not_off_track(framework):
    result = check_tree(framework({"goals.yaml": GOAL, "kpis.yaml": QUARTERLY, "p.yaml": PLAN}),
                        today=date(2026, 6, 30))
    assert result.findings == []  # no off-track-kpi, no uncorrected-off-track, not stale yet
    assert kpi_statuses(result.framework, date(2026, 6, 30))["bookings"].status == "on-track"


def test_time_since_the_reading_is_stale_kpis_alone(framework):
    result = check_tree(framework({"goals.yaml": GOAL, "kpis.yaml": QUARTERLY, "p.yaml": PLAN}),
                        today=date(2026, 9, 30))
    assert [f.rule for f in result.findings] == ["stale-kpi"]
    assert kpi_statuses(result.framework, date(2026, 9, 30))["bookings"].status == "on-track"


def test_the_off_track_message_says_where_it_stood_at_its_last_reading(framework):
    text = QUARTERLY.replace("2026-03-31, value: 120", "2026-06-30, value: 120")  # 20% when 49.45% was due
    result = check_tree(framework({"goals.yaml": GOAL, "kpis.yaml": text}), today=date(2026, 8, 15))
    [finding] = by_rule(result, "off-track-kpi")
    assert finding.message == ("KPI 'bookings' is off track at its last reading (2026-06-30): 20% of the way, "
                               "49.5% expected then (latest 120 USD, expected 149.45 USD: 29.45 USD behind)")
    [uncorrected] = by_rule(result, "uncorrected-off-track")
    assert uncorrected.message.startswith("KPI 'bookings' is off-track at its last reading (2026-06-30) and nobody "
                                          "is correcting course: no action plan addresses it")


def test_the_issue_example_reads_as_the_issue_says(framework):
    text = QUARTERLY.replace("value: 120}", "value: 120}\n  - {date: 2026-03-31, value: 120}")  # a repeat is fine
    root = framework({"goals.yaml": GOAL, "kpis.yaml": text})
    payload = json.loads(cli("status", str(root), "--today", "2026-06-30", "--format", "json").stdout)
    [row] = payload["kpis"]
    assert (row["status"], row["judged_at"], row["progress_pct"], row["expected_pct"]) == (
        "on-track", "2026-03-31", 20.0, 24.45)


def test_status_tree_and_report_agree(framework):
    text = QUARTERLY.replace("2026-03-31, value: 120", "2026-06-30, value: 120")
    root = str(framework({"goals.yaml": GOAL, "kpis.yaml": text}))
    status = cli("status", root, "--today", "2026-08-15").output
    tree = cli("tree", root, "--today", "2026-08-15").output
    report = cli("report", root, "--today", "2026-08-15").output
    assert "off-track" in status and "off-track" in tree
    assert "at its last reading (2026-06-30): 20% of the way, 49.5% expected then" in report
    quiet = QUARTERLY
    root2 = str(framework({"goals.yaml": GOAL, "kpis.yaml": quiet}))
    for command in ("status", "tree"):
        assert "on-track" in cli(command, root2, "--today", "2026-06-30").output
    assert "## Performance gaps\n\nNo KPI is off track or at risk." in cli("report", root2, "--today", "2026-06-30").output


def test_a_kpi_without_actuals_is_judged_at_today_for_what_is_expected(framework):
    text = QUARTERLY.split("actuals:")[0]
    result = check_tree(framework({"goals.yaml": GOAL, "kpis.yaml": text}), today=date(2026, 6, 30))
    progress = kpi_statuses(result.framework, date(2026, 6, 30))["bookings"].progress
    assert progress.status == "no-data" and progress.judged_at == date(2026, 6, 30)
