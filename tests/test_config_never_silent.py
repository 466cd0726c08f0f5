"""The configuration never fails silently (issue 14, item 5)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.check import CheckOptions, run_check
from kpiframe.cli import app
from tests.conftest import by_rule, check_tree, write_tree

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"
KPI = ("kind: KPI\nid: arr\nname: ARR\ndepartment: sales\nowner: Dana\nsupports: [grow]\nunit: USD\n"
       "direction: increase\n")


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", **(env or {})})


# --- pyproject.toml -------------------------------------------------------------------------------


def test_a_pyproject_table_that_does_not_parse_is_an_error_at_its_line(tmp_path: Path):
    write_tree(tmp_path, {
        "kpiframe.yaml": "organization: Outer\n",  # the search must not go on up to this one
        "inner/pyproject.toml": '[project]\nname = "x"\n\n[tool.kpiframe]\norganization = "Acme\n',
        "inner/goals.yaml": GOAL,
    })
    result = check_tree(tmp_path / "inner")
    assert result.root == tmp_path / "inner" and result.framework.config_file == "pyproject.toml"
    [finding] = [f for f in result.findings if f.file == "pyproject.toml"]
    assert (finding.rule, finding.line, finding.column) == ("invalid-value", 5, 21)
    assert "pyproject.toml is not valid TOML" in finding.message
    assert result.exit_code() == 1


def test_a_broken_pyproject_without_our_table_is_someone_elses(tmp_path: Path):
    write_tree(tmp_path, {"kpiframe.yaml": "organization: Outer\n",
                          "inner/pyproject.toml": '[project\nname = "x"\n', "inner/goals.yaml": GOAL})
    assert check_tree(tmp_path / "inner").root == tmp_path


def test_a_pyproject_value_is_reported_at_its_own_line(tmp_path: Path):
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.kpiframe]\norganization = "A"\n'
                                            'as_of = "30.06.2026"\n\n[tool.kpiframe.limits]\nmax_nodes = 0\n',
                          "goals.yaml": GOAL})
    found = [(f.line, f.message.split(":")[1].strip()) for f in check_tree(tmp_path).findings
             if f.file == "pyproject.toml"]
    assert [line for line, _ in found] == [6, 9]
    assert found[0][1].startswith("`as_of` must be a date written YYYY-MM-DD, got")
    assert found[1][1].startswith("`limits.max_nodes` must be a whole number")


def test_a_pyproject_that_is_not_utf8_is_a_finding_not_a_crash(tmp_path: Path):
    write_tree(tmp_path, {"goals.yaml": GOAL})
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.kpiframe]\norganization = "Caf\xe9"\n')
    result = cli("check", str(tmp_path), "--today", "2026-06-30")
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "pyproject.toml" in result.output and "UTF-8" in result.output


# --- as_of -----------------------------------------------------------------------------------------


def test_an_invalid_as_of_is_an_error_and_the_summary_says_which_date_was_used_and_why(tmp_path: Path):
    write_tree(tmp_path, {"kpiframe.yaml": "organization: O\nas_of: 30.06.2026\n", "goals.yaml": GOAL,
                          "k.yaml": KPI})
    result = run_check(tmp_path, CheckOptions())
    [finding] = [f for f in result.findings if f.file == "kpiframe.yaml"]
    assert (finding.rule, finding.line, finding.column) == ("invalid-value", 2, 8)
    assert result.today == date.today()
    assert result.summary()["today_from"] == "the system date, since `as_of` in kpiframe.yaml is not a valid date"
    output = cli("check", str(tmp_path)).output
    assert f"(today {date.today()}: the system date, since `as_of` in kpiframe.yaml is not a valid date, " in output


def test_the_summary_says_where_today_came_from(tmp_path: Path):
    write_tree(tmp_path, {"kpiframe.yaml": "organization: O\nas_of: 2026-06-30\n", "goals.yaml": GOAL, "k.yaml": KPI})
    assert run_check(tmp_path, CheckOptions()).summary()["today_from"] == "as_of in kpiframe.yaml"
    assert run_check(tmp_path, CheckOptions(today=date(2026, 5, 1))).summary()["today_from"] == "--today"
    payload = json.loads(cli("check", str(tmp_path), "-f", "json").stdout)
    assert payload["summary"]["today"] == "2026-06-30" and payload["summary"]["today_from"] == "as_of in kpiframe.yaml"
    assert "(today 2026-06-30, " in cli("check", str(tmp_path)).output  # the usual case needs no words


def test_an_invalid_as_of_does_not_matter_when_today_is_given(tmp_path: Path):
    write_tree(tmp_path, {"kpiframe.yaml": "as_of: 30.06.2026\n", "goals.yaml": GOAL, "k.yaml": KPI})
    result = run_check(tmp_path, CheckOptions(today=date(2026, 6, 30)))
    assert result.summary()["today_from"] == "--today"
    assert [f.rule for f in result.findings if f.file == "kpiframe.yaml"] == ["invalid-value"]


# --- actuals after today -------------------------------------------------------------------------

TARGET = "baseline: {value: 8, date: 2026-01-01}\ntarget: {value: 12, date: 2026-12-31}\n"
PLAN = "kind: ActionPlan\nid: p\ntitle: P\naddresses: [arr]\nstatus: in_progress\ndue: 2026-09-30\n"


def test_an_inline_actual_dated_after_today_is_a_warning_at_its_line(framework):
    text = KPI + TARGET + "actuals:\n  - {date: 2026-05-31, value: 9.5}\n  - {date: 2026-07-31, value: 10}\n"
    result = check_tree(framework({"goals.yaml": GOAL, "k.yaml": text, "p.yaml": PLAN}))
    [finding] = by_rule(result, "future-actual")
    assert (finding.file, finding.line, finding.column, finding.subject) == ("k.yaml", 13, 5, "arr")
    assert (finding.code, finding.severity.value) == ("KF313", "warning")
    assert finding.message == ("KPI 'arr' has an actual dated 2026-07-31, after today (2026-06-30); "
                               "it is not used until that date")
    assert result.analysis.kpi_statuses["arr"].progress.latest_date == date(2026, 5, 31)


def test_an_actual_dated_today_is_no_future_actual(framework):
    text = KPI + TARGET + "actuals:\n  - {date: 2026-06-30, value: 10}\n"
    assert by_rule(check_tree(framework({"goals.yaml": GOAL, "k.yaml": text, "p.yaml": PLAN})), "future-actual") == []


def test_a_csv_row_dated_after_today_is_a_warning_at_its_row(framework):
    root = framework({"goals.yaml": GOAL, "k.yaml": KPI + TARGET, "p.yaml": PLAN,
                      "data/a.csv": "kpi,date,value\narr,2026-05-31,9.5\narr,2027-01-31,13\n"},
                     config="organization: T\nactuals: [data/*.csv]\n")
    [finding] = by_rule(check_tree(root), "future-actual")
    assert (finding.file, finding.line, finding.column, finding.subject) == ("data/a.csv", 3, 1, "arr")


# --- limits --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e23", "100000000000000000000000", "99999999999999999999"])
def test_a_limit_too_large_is_an_invalid_value_not_an_internal_error(tmp_path: Path, value: str):
    write_tree(tmp_path, {"kpiframe.yaml": f"limits:\n  max_file_bytes: {value}\n  max_nodes: {value}\n",
                          "goals.yaml": GOAL})
    result = cli("check", str(tmp_path), "--today", "2026-06-30", "-f", "json")
    assert result.exit_code == 1, result.output
    found = [f for f in json.loads(result.stdout)["findings"] if f["file"] == "kpiframe.yaml"]
    assert [(f["rule"], f["line"]) for f in found] == [("invalid-value", 2), ("invalid-value", 3)]
    assert "at most 9,007,199,254,740,992" in found[0]["message"]


def test_a_limit_written_with_an_exponent_is_a_whole_number(tmp_path: Path):
    write_tree(tmp_path, {"kpiframe.yaml": "limits:\n  max_file_bytes: 1e7\n", "goals.yaml": GOAL})
    result = check_tree(tmp_path)
    assert result.framework.config.limits.max_file_bytes == 10_000_000
    assert [f for f in result.findings if f.file == "kpiframe.yaml"] == []
