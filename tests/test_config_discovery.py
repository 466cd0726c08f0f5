"""Which configuration applies: kpiframe.yaml, else [tool.kpiframe] in pyproject.toml, nearest first."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kpiframe.load.config import find_config_file
from tests.conftest import check_tree, write_tree

KPI = "kind: KPI\nid: arr\nname: ARR\ndepartment: sales\nowner: Dana\nunit: USD\ndirection: increase\n"
PYPROJECT = '[project]\nname = "x"\n\n[tool.kpiframe]\norganization = "From Pyproject"\ndepartments = ["finance"]\n'


def test_kpiframe_yaml_beats_pyproject_in_the_same_folder(tmp_path: Path):
    write_tree(tmp_path, {"kpiframe.yaml": "organization: From Yaml\n", "pyproject.toml": PYPROJECT, "kpis.yaml": KPI})
    assert find_config_file(tmp_path) == tmp_path / "kpiframe.yaml"
    result = check_tree(tmp_path)
    assert result.framework.config.organization == "From Yaml"
    assert "unknown-department" not in {f.rule for f in result.findings}  # pyproject's departments not applied


def test_pyproject_tool_table_is_used_when_alone(tmp_path: Path):
    write_tree(tmp_path, {"pyproject.toml": PYPROJECT, "kpis.yaml": KPI})
    result = check_tree(tmp_path)
    assert result.framework.config.organization == "From Pyproject"
    assert result.framework.config_file == "pyproject.toml"
    [finding] = [f for f in result.findings if f.rule == "unknown-department"]  # departments = ["finance"]
    assert finding.file == "kpis.yaml"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path):
    write_tree(tmp_path, {"kpiframe.yaml": "organization: Outer\n",
                          "inner/pyproject.toml": '[project]\nname = "x"\n', "inner/kpis.yaml": KPI})
    assert find_config_file(tmp_path / "inner") == tmp_path / "kpiframe.yaml"
    assert check_tree(tmp_path / "inner").root == tmp_path


def test_the_nearest_configuration_wins(tmp_path: Path):
    write_tree(tmp_path, {"kpiframe.yaml": "organization: Outer\n", "inner/pyproject.toml": PYPROJECT,
                          "inner/deeper/kpis.yaml": KPI})
    assert find_config_file(tmp_path / "inner" / "deeper") == tmp_path / "inner" / "pyproject.toml"


def test_a_broken_pyproject_table_is_reported_with_its_line(tmp_path: Path):
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.kpiframe]\nas_of = "someday"\n'})
    [finding] = check_tree(tmp_path).findings
    assert (finding.file, finding.rule) == ("pyproject.toml", "invalid-value")
    assert finding.line >= 4


def test_the_upward_search_ends_at_the_file_system_root(tmp_path: Path):
    ancestors = [tmp_path, *tmp_path.parents]
    if any((a / n).exists() for a in ancestors for n in ("kpiframe.yaml", "kpiframe.yml", "pyproject.toml")):
        pytest.skip("a folder above the test's temporary folder has a configuration file")
    assert find_config_file(tmp_path) is None
    assert find_config_file(Path(tmp_path.anchor)) is None


@pytest.mark.parametrize("tolerances, problems", [("{on_track: 10, at_risk: 25}", 0), ("{on_track: 10, at_risk: 10}", 0),
                                                  ("{on_track: 30, at_risk: 10}", 1)])
def test_tolerances_in_the_wrong_order_are_reported_and_the_defaults_kept(tmp_path: Path, tolerances, problems):
    write_tree(tmp_path, {"kpiframe.yaml": f"organization: O\ntolerances: {tolerances}\n"})
    result = check_tree(tmp_path)
    found = [f for f in result.findings if f.file == "kpiframe.yaml"]
    assert len(found) == problems
    if problems:
        assert found[0].rule == "invalid-value" and found[0].line == 2 and "at_risk" in found[0].message
        assert (result.framework.config.tolerances.on_track, result.framework.config.tolerances.at_risk) == (10, 25)


def test_no_configuration_is_said_once_on_stderr_naming_the_path_and_the_date(tmp_path: Path):
    """pre-commit without `args:` must not quietly judge the wrong folder at the wrong date."""
    from typer.testing import CliRunner

    from kpiframe.cli import app

    (tmp_path / "fw").mkdir()
    (tmp_path / "fw" / "x.yaml").write_text("kind: Goal\nid: g\ntitle: G\nlevel: company\n")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "fw"), "-f", "json"], env={"KPIFRAME_TODAY": ""})
    today = date.today().isoformat()
    assert result.stderr == f"kpiframe: no kpiframe.yaml found above {tmp_path / 'fw'}: using defaults and the system date ({today})\n"
    assert json.loads(result.stdout)["summary"]["today"] == today  # stdout stays a clean report
    given = CliRunner().invoke(app, ["check", str(tmp_path / "fw"), "--today", "2026-06-30"])
    assert given.stderr.endswith(": using defaults and --today (2026-06-30)\n")
    (tmp_path / "fw" / "kpiframe.yaml").write_text("organization: T\n")
    assert CliRunner().invoke(app, ["check", str(tmp_path / "fw")]).stderr == ""
