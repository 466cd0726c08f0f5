"""`kpiframe record KPI VALUE`: a check-in appended to the actuals CSV, or refused with the reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.record_config import ConfigEditRefused, add_actuals_entry
from tests.conftest import write_tree

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30"}
KPI = ("kind: KPI\nid: new-arr\nname: New ARR\ndepartment: sales\nowner: Dana\nunit: USD k\n"
       "direction: increase\nsupports: [grow]\nbaseline: {value: 100, date: 2026-01-01}\n"
       "target: {value: 200, date: 2026-12-31}\nreview: monthly\n"
       "actuals:\n  - {date: 2026-03-31, value: 120}\n")
FILES = {
    "goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n",
    "plans.yaml": "kind: ActionPlan\nid: push\ntitle: Push\naddresses: [new-arr]\nowner: Dana\n"
                  "status: in_progress\ndue: 2026-12-31\n",
    "kpis.yaml": KPI,
}
CONFIG = "# Test Co's framework\norganization: Test Co   # who we are\ndepartments: [sales]\n"


def run(*args: str, today: str = "2026-06-30"):
    return CliRunner().invoke(app, list(args), env={**ENV, "KPIFRAME_TODAY": today})


@pytest.fixture
def fw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG + "actuals: [data/actuals.csv]\n", **FILES,
                                         "data/actuals.csv": "kpi,date,value\nnew-arr,2026-04-30,130\n"})
    monkeypatch.chdir(root)
    return root


def test_a_check_in_is_appended_and_the_new_status_printed_in_one_line(fw: Path):
    result = run("record", "new-arr", "150", "--date", "2026-05-31")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("new-arr: recorded 150 USD k on 2026-05-31 in data/actuals.csv; "
                                    "now on-track, 50% of the way to the target (")
    assert result.stdout.endswith("% expected)\n") and result.stdout.count("\n") == 1
    assert (fw / "data/actuals.csv").read_text() == "kpi,date,value\nnew-arr,2026-04-30,130\nnew-arr,2026-05-31,150\n"
    assert run("check").exit_code == 0


def test_the_date_defaults_to_today_as_the_check_judges_it(fw: Path):
    assert run("record", "new-arr", "160", today="2026-06-15").exit_code == 0
    assert (fw / "data/actuals.csv").read_text().endswith("new-arr,2026-06-15,160\n")


def test_a_note_goes_to_a_note_column_added_to_the_header(fw: Path):
    assert run("record", "new-arr", "150", "--note", "May close, from CRM").exit_code == 0
    assert (fw / "data/actuals.csv").read_text() == (
        'kpi,date,value,note\nnew-arr,2026-04-30,130\nnew-arr,2026-06-30,150,"May close, from CRM"\n')
    assert run("check").exit_code == 0


def test_the_file_keeps_its_column_order_and_line_breaks(fw: Path):
    (fw / "data/actuals.csv").write_bytes(b"Date,Value,KPI,source\r\n2026-04-30,130,new-arr,bi\r\n")
    assert run("record", "new-arr", "150").exit_code == 0
    assert (fw / "data/actuals.csv").read_bytes() == (
        b"Date,Value,KPI,source\r\n2026-04-30,130,new-arr,bi\r\n2026-06-30,150,new-arr,\r\n")


@pytest.mark.parametrize(("args", "said"), [
    (("new-ar", "150"), "no KPI 'new-ar'; did you mean 'new-arr'?"),
    (("grow", "150"), "'grow' is a Goal, not a KPI"),
    (("new-arr", "12%"), "`12%` is not a plain number: leave out the % sign"),
    (("new-arr", "1,200"), "`1,200` is not a plain number"),
    (("new-arr", "150", "--date", "2026-07-01"), "--date 2026-07-01 is after today (2026-06-30)"),
    (("new-arr", "150", "--date", "30/06/2026"), "--date: `30/06/2026` is not a date in the form YYYY-MM-DD"),
    (("new-arr", "131", "--date", "2026-04-30"), "KPI 'new-arr' already has 130 on 2026-04-30 (data/actuals.csv:2)"),
    (("new-arr", "121", "--date", "2026-03-31"), "KPI 'new-arr' already has 120 on 2026-03-31 (kpis.yaml:13)"),
])
def test_refusals_say_why_and_write_nothing(fw: Path, args, said):
    before = {p: p.read_bytes() for p in fw.rglob("*") if p.is_file()}
    result = run("record", *args)
    assert result.exit_code == 2
    assert said in result.stderr
    assert {p: p.read_bytes() for p in fw.rglob("*") if p.is_file()} == before


def test_the_same_value_again_is_not_an_error_and_writes_nothing(fw: Path):
    before = (fw / "data/actuals.csv").read_bytes()
    result = run("record", "new-arr", "130.0", "--date", "2026-04-30")
    assert result.exit_code == 0
    assert "130 USD k on 2026-04-30 is already recorded (data/actuals.csv:2); nothing written" in result.stdout
    assert (fw / "data/actuals.csv").read_bytes() == before


def test_a_negative_value_needs_no_double_dash(fw: Path):
    assert run("record", "new-arr", "-5").exit_code == 0
    assert (fw / "data/actuals.csv").read_text().endswith("new-arr,2026-06-30,-5\n")


def test_without_a_file_a_plain_actuals_entry_is_created(fw: Path):
    (fw / "data/actuals.csv").unlink()
    config = (fw / "kpiframe.yaml").read_bytes()
    result = run("record", "new-arr", "150")
    assert result.exit_code == 0, result.output
    assert (fw / "data/actuals.csv").read_text() == "kpi,date,value\nnew-arr,2026-06-30,150\n"
    assert (fw / "kpiframe.yaml").read_bytes() == config
    assert "kpiframe: created data/actuals.csv" in result.stderr


@pytest.mark.parametrize(("config", "expected"), [
    (CONFIG, CONFIG + "actuals: [actuals.csv]\n"),
    (CONFIG + "actuals: [data/*.csv]   # exports\n", CONFIG + "actuals: [data/*.csv, actuals.csv]   # exports\n"),
    (CONFIG + "actuals:\n  - data/*.csv     # exports\n# the end\n",
     CONFIG + "actuals:\n  - data/*.csv     # exports\n  - actuals.csv\n# the end\n"),
])
def test_a_new_file_is_added_to_actuals_keeping_every_comment(tmp_path: Path, monkeypatch, config: str, expected: str):
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": config, **FILES})
    monkeypatch.chdir(root)
    result = run("record", "new-arr", "150")
    assert result.exit_code == 0, result.output
    assert (root / "kpiframe.yaml").read_text() == expected
    assert (root / "actuals.csv").read_text() == "kpi,date,value\nnew-arr,2026-06-30,150\n"
    assert "kpiframe: added actuals.csv to `actuals:` in kpiframe.yaml" in result.stderr
    payload = json.loads(run("check", "-f", "json").stdout)
    assert [f["message"] for f in payload["findings"]] in ([], ["configuration: actuals glob 'data/*.csv' matches no file"])
    assert payload["summary"]["kpis_by_status"]["on-track"] == 1


def test_without_a_configuration_one_is_created_naming_the_file(tmp_path: Path, monkeypatch):
    root = write_tree(tmp_path / "fw", FILES)
    monkeypatch.chdir(root)
    result = run("record", "new-arr", "150")
    assert result.exit_code == 0, result.output
    assert (root / "kpiframe.yaml").read_text() == "actuals: [actuals.csv]\n"
    assert "kpiframe: created kpiframe.yaml" in result.stderr


def test_pyproject_gets_one_line_under_its_table(tmp_path: Path, monkeypatch):
    pyproject = '[project]\nname = "x"\n\n[tool.kpiframe]\norganization = "Test Co"\n'
    root = write_tree(tmp_path / "fw", {"pyproject.toml": pyproject, **FILES})
    monkeypatch.chdir(root)
    assert run("record", "new-arr", "150").exit_code == 0
    assert (root / "pyproject.toml").read_text() == pyproject.replace(
        "[tool.kpiframe]\n", '[tool.kpiframe]\nactuals = ["actuals.csv"]\n')


def test_several_files_and_no_way_to_choose_is_refused_until_file_is_given(fw: Path):
    (fw / "kpiframe.yaml").write_text(CONFIG + "actuals: [data/*.csv]\n")
    (fw / "data/other.csv").write_text("kpi,date,value\n")
    (fw / "data/actuals.csv").write_text("kpi,date,value\n")
    refused = run("record", "new-arr", "150")
    assert refused.exit_code == 2
    assert "`actuals:` matches 2 files (data/actuals.csv, data/other.csv) and none holds rows of 'new-arr'" \
        in refused.stderr
    assert run("record", "new-arr", "150", "--file", "data/other.csv").exit_code == 0
    assert (fw / "data/other.csv").read_text().endswith("new-arr,2026-06-30,150\n")
    assert run("record", "new-arr", "151", "--date", "2026-06-29").exit_code == 0  # the file holding its rows
    assert (fw / "data/other.csv").read_text().endswith("new-arr,2026-06-29,151\n")


def test_a_file_with_a_broken_header_takes_no_row(fw: Path):
    (fw / "data/actuals.csv").write_text("kpi;date;value\n")
    result = run("record", "new-arr", "150")
    assert result.exit_code == 2 and "its header is not kpi,date,value" in result.stderr


def test_the_write_is_atomic_and_keeps_the_file_mode(fw: Path):
    csv = fw / "data/actuals.csv"
    csv.chmod(0o640)
    inode = csv.stat().st_ino
    assert run("record", "new-arr", "150").exit_code == 0
    assert csv.stat().st_mode & 0o777 == 0o640
    assert csv.stat().st_ino != inode  # replaced by rename, never rewritten in place
    assert not [p for p in csv.parent.iterdir() if p.name.startswith(".")]


def test_a_failed_config_write_removes_the_csv_it_created(tmp_path: Path, monkeypatch):
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG, **FILES})
    monkeypatch.chdir(root)
    from kpiframe import record

    real = record.write_output

    def failing(path, text, **kwargs):
        if Path(path).name == "kpiframe.yaml":
            raise OSError(28, "No space left on device")
        real(path, text, **kwargs)

    monkeypatch.setattr(record, "write_output", failing)
    result = run("record", "new-arr", "150")
    assert result.exit_code != 0
    assert not (root / "actuals.csv").exists()
    assert (root / "kpiframe.yaml").read_text() == CONFIG


@pytest.mark.parametrize("text", ["actuals: data.csv\n", "{organization: X}\n", "organization: [unclosed\n"])
def test_a_configuration_that_cannot_be_edited_safely_is_left_to_a_person(text: str):
    with pytest.raises(ConfigEditRefused):
        add_actuals_entry(text, "actuals.csv", expected=[])


def test_the_installed_command_records_from_another_folder(fw: Path, tmp_path: Path):
    import subprocess
    import sys

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, "-m", "kpiframe", "record", "new-arr", "150", str(fw)], cwd=elsewhere,
                          capture_output=True, text=True, check=False, env={**os.environ, **ENV})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"new-arr: recorded 150 USD k on 2026-06-30 in {fw / 'data/actuals.csv'}; now ")
