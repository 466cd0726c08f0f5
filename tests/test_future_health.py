"""Issue 16 trial, item 2: an owner's health dated after today is like a future actual: a warning
(future-health) at its date, and it is not used to judge the KPI until that date. An import that
would date every health in the future is refused. Today is 2026-06-30 throughout."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import by_rule, check_tree
from tests.test_registers import GOAL, docs, kpi, line_of, status_json

FIXTURES = Path(__file__).parent / "data" / "import" / "gitlab"


def test_a_future_health_is_a_warning_at_its_date_and_is_not_used(framework):
    text = docs(GOAL, kpi("later", "health: {level: problem, date: 2027-06-01}"),
                kpi("now", "health:", "  level: problem", "  date: 2026-06-01"))
    result = check_tree(framework({"a.yaml": text}))
    [ahead] = by_rule(result, "future-health")
    assert ahead.subject == "later" and ahead.severity == "warning"
    assert ahead.line == line_of(text, "2027-06-01")
    assert "health dated 2027-06-01, after today (2026-06-30); it is not used until that date" in ahead.message
    # Only today's problem is acted on: the future one does not count yet.
    assert [f.subject for f in by_rule(result, "uncorrected-off-track")] == ["now"]


def test_a_future_health_does_not_disagree_with_the_numbers(framework):
    text = docs(GOAL, kpi("later", "threshold: {value: 95}", "health: {level: okay, date: 2026-12-01}",
                          "actuals:", "  - {date: 2026-06-15, value: 91}"))
    result = check_tree(framework({"a.yaml": text}))
    assert not by_rule(result, "health-disagrees")
    assert [f.subject for f in by_rule(result, "future-health")] == ["later"]


def test_status_shows_a_future_health_as_not_yet_used(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("later", "health: {level: problem, date: 2027-06-01}"))})
    row = status_json(root)["later"]
    assert row["health_ahead"] is True and row["concern"] == row["status"] == "no-target"
    out = CliRunner().invoke(app, ["status", str(root), "--today", "2026-06-30"], env={"COLUMNS": "220"}).output
    assert "problem 2027-06-01 after today" in out


def test_import_as_of_after_today_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["import", "gitlab-pi", str(FIXTURES), "--out", str(tmp_path / "out"),
                                      "--as-of", "2030-01-01", "--today", "2026-06-30"])
    assert result.exit_code == 2, result.output
    assert "--as-of 2030-01-01 is after today (2026-06-30, --today)" in result.output
    assert not (tmp_path / "out").exists()
    later = CliRunner().invoke(app, ["import", "gitlab-pi", str(FIXTURES), "--out", str(tmp_path / "ok"),
                                     "--as-of", "2026-06-30", "--today", "2026-06-30"])
    assert later.exit_code == 0, later.output


def test_import_as_of_is_compared_with_the_system_date_without_today(tmp_path):
    result = CliRunner().invoke(app, ["import", "gitlab-pi", str(FIXTURES), "--out", str(tmp_path / "out"),
                                      "--as-of", "9999-01-01"])
    assert result.exit_code == 2 and "is after today" in result.output
