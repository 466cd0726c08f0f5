"""Issue 16 trial, the small items: each says what a user saw and now sees. Today is 2026-06-30."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import by_rule, check_tree
from tests.test_registers import GOAL, docs, kpi, line_of

TODAY = "2026-06-30"


def test_a_one_step_target_path_reads_1_step(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("one", "baseline: {value: 50, date: 2026-01-01}", "targets:",
                                               "  - {value: 60, date: 2026-12-31}"))})
    out = CliRunner().invoke(app, ["status", str(root), "--today", TODAY], env={"COLUMNS": "220"}).output
    assert "60 (1 step)" in out and "1 steps" not in out


def test_an_empty_owner_is_not_called_a_list(framework):
    text = docs(GOAL, kpi("empty", head="owner: ''\nunit: '%'\ndirection: increase\n"))
    [finding] = by_rule(check_tree(framework({"a.yaml": text})), "invalid-value")
    assert finding.line == line_of(text, "owner:")
    assert "`owner` must not be empty" in finding.message and "list" not in finding.message
    assert "leave the field out" in finding.hint


def test_a_blank_unit_or_name_is_an_invalid_value(framework):
    text = docs(GOAL, kpi("blank", head="owner: Dana\nunit: '  '\ndirection: increase\n"))
    [finding] = by_rule(check_tree(framework({"a.yaml": text})), "invalid-value")
    assert finding.line == line_of(text, "unit:")
    assert "`unit` must not be blank (only spaces)" in finding.message


def test_a_quoted_yes_is_a_yes_as_the_schema_says(framework):
    result = check_tree(framework({"a.yaml": docs(GOAL, kpi("keyed", "key: 'yes'"))}))
    assert not by_rule(result, "invalid-value") and result.framework.kpis["keyed"].key is True


def test_an_empty_target_path_is_reported(framework):
    text = docs(GOAL, kpi("pathless", "targets: []"))
    [finding] = by_rule(check_tree(framework({"a.yaml": text})), "invalid-value")
    assert finding.line == line_of(text, "targets:")
    assert "`targets` must list at least 1, got 0" in finding.message


def test_json_prints_a_whole_number_as_written(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("n", "baseline: {value: 50, date: 2026-01-01}",
                                             "target: {value: 200, date: 2026-12-31}",
                                             "actuals:", "  - {date: 2026-06-01, value: 160}"))})
    status = CliRunner().invoke(app, ["status", str(root), "--today", TODAY, "-f", "json"]).output
    assert '"value": 160,' in status and "160.0" not in status
    [row] = json.loads(status)["kpis"]
    assert row["latest"] == {"value": 160, "date": "2026-06-01"} and isinstance(row["latest"]["value"], int)
    report = CliRunner().invoke(app, ["report", str(root), "--today", TODAY, "-f", "json"]).output
    assert "160.0" not in report and '"value": 160' in report
