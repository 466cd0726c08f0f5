"""`--key` when no KPI is marked `key: true`, and `--department` for a department with nothing in
it: the report and status say so, in those words, instead of "there are no KPIs", "No company
goals are defined" or an empty table (trial 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": "200", "FORCE_COLOR": None}
TODAY = "2026-09-30"


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


@pytest.fixture
def no_key(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    for path in (root / "kpis").glob("*.yaml"):
        path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                                if line.strip() != "key: true"), encoding="utf-8")
    return root


@pytest.fixture
def empty_department(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    config = root / "kpiframe.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("departments: [sales,", "departments: [legal, sales,", 1), encoding="utf-8")
    return root


def test_report_key_without_key_kpis_says_none_is_marked(no_key: Path):
    result = run("report", str(no_key), "--key", "--today", TODAY)
    assert result.exit_code == 0, result.output
    verdict = next(line for line in result.output.splitlines() if line.startswith("**Verdict:**"))
    assert verdict.endswith("no KPI is marked \\`key: true\\`.")
    assert "there are no KPIs" not in result.output and "there are no key KPIs" not in result.output
    assert "**Key KPIs behind:** no KPI is marked `key: true`." in result.output


def test_report_key_lists_only_the_key_kpis_plans_as_due(tmp_path: Path):
    result = run("report", str(EXAMPLES / "acme"), "--key", "--today", TODAY)
    assert result.exit_code == 0, result.output
    summary = result.output.split("## Summary")[1].split("### Framework health")[0]
    due = [line for line in summary.split("**Due in the next 30 days**")[1].split("**Stale numbers")[0].splitlines()
           if line.startswith("- ")]
    everything = run("report", str(EXAMPLES / "acme"), "--today", TODAY).output
    all_due = [line for line in everything.split("**Due in the next 30 days**")[1].split("**Stale numbers")[0]
               .splitlines() if line.startswith("- ")]
    assert len(due) < len(all_due)
    # Save desk is the plan for the key KPI gross-logo-churn; manager enablement is for KPIs that are not key.
    assert any("Save desk for red and amber accounts" in line for line in due)
    assert not any("Manager enablement" in line for line in due)


def test_status_key_without_key_kpis_says_none_is_marked(no_key: Path):
    result = run("status", str(no_key), "--key", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "No KPI is marked `key: true`: status --key has nothing to show."


def test_report_of_a_department_with_nothing_in_it_says_so(empty_department: Path):
    result = run("report", str(empty_department), "--department", "legal", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "No company goals are defined." not in result.output
    alignment = result.output.split("## Alignment")[1].split("## Performance gaps")[0]
    assert "The department legal has no goals or KPIs." in alignment
    assert "**Largest gaps:** the department legal has no KPIs." in result.output
    verdict = next(line for line in result.output.splitlines() if line.startswith("**Verdict:**"))
    assert verdict.endswith("; the department legal has no KPIs.")


def test_status_of_a_department_with_no_kpis_says_so(empty_department: Path):
    result = run("status", str(empty_department), "--department", "legal", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "The department legal has no KPIs."
