"""`kpiframe status`: every KPI's standing as a table and as JSON, at a fixed today."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app

TODAY = "2026-06-30"
# Baseline 2026-01-01, target 2026-12-31: at 2026-06-30, 49% of the time has passed.
FILES = {
    "kpiframe.yaml": """
        organization: Test Co
        departments: [sales, operations]
        actuals: [data/*.csv]
    """,
    "goals.yaml": """
        kind: Goal
        id: grow
        title: Grow
        level: company
    """,
    "kpis.yaml": """
        kind: KPI
        id: arr
        name: ARR
        department: sales
        owner: Dana
        supports: [grow]
        unit: M USD
        direction: increase
        baseline: {value: 8, date: 2026-01-01}
        target: {value: 12, date: 2026-12-31}
        review: monthly
        actuals:
          - {date: 2026-06-15, value: 9.6}
        ---
        kind: KPI
        id: win-rate
        name: Win rate
        department: sales
        owner: Dana
        supports: [grow]
        unit: "%"
        direction: increase
        baseline: {value: 20, date: 2026-01-01}
        target: {value: 30, date: 2026-12-31}
        review: monthly
        ---
        kind: KPI
        id: cycle-days
        name: Sales cycle
        department: sales
        owner: Dana
        supports: [grow]
        unit: days
        direction: decrease
        baseline: {value: 90, date: 2026-01-01}
        target: {value: 70, date: 2026-12-31}
        review: monthly
        ---
        kind: KPI
        id: go-lives
        name: On-time go-lives
        department: operations
        owner: Omar
        supports: [grow]
        unit: "%"
        direction: increase
        baseline: {value: 70, date: 2026-01-01}
        target: {value: 90, date: 2026-12-31}
        review: monthly
        actuals:
          - {date: 2026-03-31, value: 71}
        ---
        kind: KPI
        id: uptime
        name: Uptime
        department: operations
        owner: Omar
        supports: [grow]
        unit: "%"
        direction: increase
        baseline: {value: 99.5, date: 2026-01-01}
        target: {value: 99.9, date: 2026-12-31}
        actuals:
          - {date: 2026-06-30, value: 99.95}
    """,
    # win-rate has no actuals at all; cycle-days is at risk from the CSV export (74% of the
    # way expected, 50% done is 90 - 0.35 * 20 = 83 days).
    "data/actuals.csv": "kpi,date,value\ncycle-days,2026-06-30,83\n",
    "plans.yaml": """
        kind: ActionPlan
        id: outbound
        title: Outbound push
        addresses: [arr, win-rate]
        status: in_progress
        due: 2026-09-30
        ---
        kind: ActionPlan
        id: onboarding
        title: Onboarding revamp
        addresses: [go-lives]
        status: done
        due: 2026-03-31
    """,
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for rel, text in FILES.items():
        path = tmp_path / "fw" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return tmp_path / "fw"


def run(*args: str):
    # No colour, no inherited width or date: the output must depend on the arguments alone.
    env = {"FORCE_COLOR": None, "COLUMNS": None, "KPIFRAME_TODAY": None, "NO_COLOR": "1"}
    return CliRunner().invoke(app, ["status", *args], env=env)


def table_rows(output: str) -> dict[str, list[str]]:
    """The table's cells by KPI id (cells are separated by runs of spaces)."""
    rows = {}
    for line in output.splitlines():
        cells = [c for c in line.strip().split("  ") if c.strip()]
        if cells and cells[0].strip() in {"arr", "win-rate", "cycle-days", "go-lives", "uptime"}:
            rows[cells[0].strip()] = [c.strip() for c in cells]
    return rows


def test_status_table_shows_every_kpi(root):
    result = run(str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "Test Co: KPI status at 2026-06-30" in result.output
    rows = table_rows(result.output)
    assert rows["arr"][:6] == ["arr", "sales", "M USD", "8", "9.6", "12"]
    assert rows["arr"][-2:] == ["on-track", "1"]
    assert rows["arr"][6:8] == ["████|·····", "40% / 45%"]  # 40% done on 2026-06-15, when 45% was expected
    assert rows["cycle-days"][-2:] == ["at-risk", "0"]
    # read on 2026-03-31, 5% of the way when 24% was expected then: at risk (and stale, said apart)
    assert rows["go-lives"][4] == "71 stale" and rows["go-lives"][-2:] == ["at-risk", "0"]
    assert rows["win-rate"][4] == "- stale" and rows["win-rate"][-2:] == ["no-data", "1"]
    assert rows["uptime"][-2:] == ["achieved", "0"]
    assert ("5 KPIs: 2 at-risk, 1 no-data, 1 on-track, 1 achieved; cannot be judged: 1 (no target 0, no baseline 0, "
            "no numbers 1); 2 stale") in result.output


def test_status_sorts_by_department_then_id_by_default(root):
    output = run(str(root), "--today", TODAY).output
    assert list(table_rows(output)) == ["go-lives", "uptime", "arr", "cycle-days", "win-rate"]


def test_status_sorts_worst_first(root):
    output = run(str(root), "--today", TODAY, "--sort", "status").output
    assert list(table_rows(output)) == ["go-lives", "cycle-days", "win-rate", "arr", "uptime"]


def test_status_filters_one_department(root):
    output = run(str(root), "--today", TODAY, "--department", "operations", "--sort", "id").output
    assert list(table_rows(output)) == ["go-lives", "uptime"]


def test_status_refuses_an_unknown_department(root):
    result = run(str(root), "--today", TODAY, "--department", "legal")
    assert result.exit_code == 2
    assert "no department 'legal'" in result.output


def test_status_json_shape(root):
    result = run(str(root), "--today", TODAY, "--format", "json", "--sort", "id")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["today"] == TODAY and payload["organization"] == "Test Co" and payload["sort"] == "id"
    assert payload["counts"] == {"off-track": 0, "at-risk": 2, "no-data": 1, "no-baseline": 0, "no-target": 0,
                                 "no-direction": 0, "on-track": 1, "achieved": 1}
    assert payload["unread"] == {"kpis": 0, "files": 0}
    assert [k["id"] for k in payload["kpis"]] == ["arr", "cycle-days", "go-lives", "uptime", "win-rate"]
    arr = payload["kpis"][0]
    assert arr == {
        "id": "arr", "name": "ARR", "department": "sales", "owner": "Dana", "unit": "M USD",
        "direction": "increase", "review": "monthly", "file": "kpis.yaml",
        "baseline": {"value": 8, "date": "2026-01-01"}, "key": False, "target": {"value": 12, "date": "2026-12-31"},
        "targets": [], "threshold": None, "health": None, "health_ahead": False, "health_disagrees": False,
        "latest": {"value": 9.6, "date": "2026-06-15"}, "status": "on-track", "judged_by": "target",
        "threshold_met": None, "target_status": None, "concern": "on-track", "judged_at": "2026-06-15",
        "progress_pct": 40.0, "expected_pct": 45.33, "expected_value": 9.81, "gap": 0.21,
        "stale": False, "next_due": "2026-07-15",
        "plans": ["outbound"], "active_plans": ["outbound"], "correcting_plans": ["outbound"],
    }
    cycle = payload["kpis"][1]
    assert cycle["latest"] == {"value": 83.0, "date": "2026-06-30"}  # from the CSV export
    go_lives = payload["kpis"][2]
    assert go_lives["stale"] is True and go_lives["plans"] == ["onboarding"] and go_lives["active_plans"] == []


def test_status_says_which_kpis_it_cannot_show(root):
    (root / "broken.yaml").write_text("kind: KPI\nid: churn\nname: Churn\n", encoding="utf-8")  # no unit, owner...
    (root / "unparsable.yaml").write_text("kind: [\n", encoding="utf-8")
    result = run(str(root), "--today", TODAY)
    assert "Not shown: 1 KPI and 1 file that could not be read; run `kpiframe check`" in result.output
    payload = json.loads(run(str(root), "--today", TODAY, "--format", "json").output)
    assert payload["unread"] == {"kpis": 1, "files": 1} and len(payload["kpis"]) == 5


def test_status_output_is_identical_from_run_to_run(root):
    for args in (("--format", "json"), ("--format", "text"), ("--sort", "status")):
        first = run(str(root), "--today", TODAY, *args)
        second = run(str(root), "--today", TODAY, *args)
        assert first.exit_code == 0 and first.output == second.output


def test_status_takes_today_from_the_environment(root):
    env = {"KPIFRAME_TODAY": TODAY, "FORCE_COLOR": None, "COLUMNS": None}
    result = CliRunner().invoke(app, ["status", str(root), "--format", "json"], env=env)
    assert json.loads(result.output)["today"] == TODAY


def test_status_on_a_missing_folder_is_a_usage_error(tmp_path):
    result = run(str(tmp_path / "nowhere"), "--today", TODAY)
    assert result.exit_code == 2


def test_status_laid_out_by_rich_keeps_emoji_codes_in_framework_text_literal(tmp_path):
    """A ':' in a cell hands the table to rich, which turned `:tada:` in an organization name into
    an emoji, even in a pipe (trial 17): framework text is inert in every output."""
    from tests.conftest import write_tree

    root = write_tree(tmp_path / "fw", {
        "kpiframe.yaml": "organization: 'Party :tada: Co'\ndepartments: [ops]\n",
        "fw.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n---\n"
                   "kind: KPI\nid: a\nname: ':rocket: launches'\ndepartment: ops\nowner: O\nunit: 'h:m'\n"
                   "direction: increase\nsupports: [grow]\n"})
    result = CliRunner().invoke(app, ["status", str(root), "--today", "2026-06-30"],
                                env={"NO_COLOR": "1", "COLUMNS": "200", "FORCE_COLOR": None, "KPIFRAME_TODAY": None})
    assert result.output.splitlines()[0].rstrip() == "Party :tada: Co: KPI status at 2026-06-30"
    assert "🎉" not in result.output and "h:m" in result.output
