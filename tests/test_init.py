"""`kpiframe init`: a starter framework that passes `check`, written without clobbering anything."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.check import CheckOptions, run_check
from kpiframe.cli import app
from kpiframe.influence import KpiPole, SignedGraph, find_conflicts
from kpiframe.init_template import TEMPLATES, init_as_of
from kpiframe.scaffold import init_framework

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"NO_COLOR": "1"})


def config_as_of(folder: Path) -> str:
    [line] = [x for x in (folder / "kpiframe.yaml").read_text(encoding="utf-8").splitlines() if x.startswith("as_of:")]
    return line.split(":", 1)[1].strip()


def test_init_then_check_is_clean(tmp_path: Path):
    folder = tmp_path / "performance"
    created = invoke("init", str(folder))
    assert created.exit_code == 0, created.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(TEMPLATES)
    assert f"kpiframe check {folder}" in created.stdout
    today = config_as_of(folder)
    checked = invoke("check", str(folder), "--today", today, "--format", "json", "--fail-on", "warning")
    assert checked.exit_code == 0, checked.stdout
    payload = json.loads(checked.stdout)
    assert payload["findings"] == [] and payload["suppressed"] == []
    assert payload["summary"]["findings"] == {"error": 0, "warning": 0, "info": 0}
    assert payload["summary"]["documents"] == {"Goal": 2, "KPI": 2, "Driver": 1, "ActionPlan": 1, "Tradeoff": 1}


@pytest.mark.parametrize("year", [2026, 2028, 2031])  # 2028: a leap year
def test_the_framework_is_clean_in_any_year_at_its_as_of(tmp_path: Path, year: int):
    init_framework(tmp_path, year=year)
    result = run_check(tmp_path, CheckOptions(today=init_as_of(year)))
    assert result.today == date(year, 6, 30)  # as_of from kpiframe.yaml
    assert result.findings == [] and result.suppressed == []


def test_the_framework_shows_a_conflict_settled_by_its_trade_off(tmp_path: Path):
    init_framework(tmp_path, year=2026)
    result = run_check(tmp_path, CheckOptions(today=init_as_of(2026)))
    framework = result.framework
    poles = {k.id: KpiPole(k.department, k.better) for k in framework.kpis.values()}
    [conflict] = find_conflicts(SignedGraph.from_framework(result.context.graph), poles).conflicts
    assert {conflict.department_a, conflict.department_b} == {"sales", "operations"}
    [tradeoff] = framework.tradeoffs.values()
    assert set(tradeoff.between) == {conflict.a, conflict.b}
    assert set(tradeoff.owners) == {framework.kpis[conflict.a].owner, framework.kpis[conflict.b].owner}
    assert result.summary().get("resolved_conflicts") == 1


def test_init_refuses_to_overwrite_and_changes_nothing(tmp_path: Path):
    (tmp_path / "kpiframe.yaml").write_text("organization: Ours\n", encoding="utf-8")
    refused = invoke("init", str(tmp_path))
    assert refused.exit_code == 2
    assert "kpiframe.yaml" in refused.stderr and "--force" in refused.stderr
    assert (tmp_path / "kpiframe.yaml").read_text(encoding="utf-8") == "organization: Ours\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kpiframe.yaml"]


def test_init_force_overwrites_and_says_so(tmp_path: Path):
    (tmp_path / "goals.yaml").write_text("kind: Goal\n", encoding="utf-8")
    forced = invoke("init", str(tmp_path), "--force")
    assert forced.exit_code == 0
    assert "goals.yaml" in forced.stdout and "(overwritten)" in forced.stdout
    assert "grow-revenue" in (tmp_path / "goals.yaml").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TEMPLATES)  # no temporary files left


def test_init_into_a_file_is_a_usage_error(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("x\n", encoding="utf-8")
    refused = invoke("init", str(tmp_path / "notes.txt"))
    assert refused.exit_code == 2 and "is a file" in refused.stderr


def test_init_mentions_yaml_files_check_would_also_read(tmp_path: Path):
    (tmp_path / "compose.yaml").write_text("services: {}\n", encoding="utf-8")
    created = invoke("init", str(tmp_path))
    assert created.exit_code == 0
    assert "compose.yaml" in created.stdout and "exclude:" in created.stdout


def test_init_defaults_to_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    created = invoke("init")
    assert created.exit_code == 0
    assert (tmp_path / "kpiframe.yaml").is_file()
    assert "  1. kpiframe check\n" in created.stdout
