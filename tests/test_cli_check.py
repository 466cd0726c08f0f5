"""`kpiframe check` end to end: exit codes, text and JSON output, broken trees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES, write_tree

runner = CliRunner()
GOOD = {
    "kpiframe.yaml": "organization: Test Co\ndepartments: [sales]\n",
    "goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n",
    "kpis.yaml": "kind: KPI\nid: arr\nname: ARR\ndepartment: sales\nowner: Dana\nunit: USD\n"
                 "direction: increase\nsupports: [grow]\n",
}


def run(*args: str):
    return runner.invoke(app, [*args], env={"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30"})


def test_clean_framework_exits_0_with_a_summary(tmp_path: Path):
    result = run("check", str(write_tree(tmp_path, GOOD)))
    assert result.exit_code == 0, result.output
    assert "2 files, 1 goal, 1 KPI. 0 errors, 0 warnings, 0 info" in result.output


def test_errors_exit_1_and_text_names_each_place_with_its_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    files = dict(GOOD, **{"kpis.yaml": GOOD["kpis.yaml"].replace("increase", "sideways")})
    monkeypatch.chdir(write_tree(tmp_path, files))
    result = run("check")
    assert result.exit_code == 1
    assert ("kpis.yaml:7:12  error    KF005 invalid-value  KPI 'arr': `direction` must be increase or decrease, "
            "got 'sideways'\n    hint: use one of: increase, decrease\n") in result.output


def test_json_output_has_the_documented_shape(tmp_path: Path):
    files = dict(GOOD, **{"extra.yaml": "kind: KPI\nid: lonely\nname: L\ndepartment: sales\nowner: A\n"
                                        "unit: USD\ndirection: increase\n"})
    result = run("check", str(write_tree(tmp_path, files)), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["version"] == 1
    [finding] = payload["findings"]
    assert set(finding) >= {"code", "rule", "severity", "message", "file", "line", "column", "subject", "related", "hint"}
    assert (finding["code"], finding["rule"], finding["file"], finding["line"]) == ("KF101", "orphan-kpi", "extra.yaml", 1)
    assert payload["summary"]["findings"] == {"error": 1, "warning": 0, "info": 0}
    assert payload["summary"]["documents"]["KPI"] == 2


def test_warnings_do_not_fail_by_default_but_do_with_fail_on(tmp_path: Path):
    files = dict(GOOD, **{"idle.yaml": "kind: Goal\nid: idle\ntitle: Idle\nlevel: company\n"})
    root = str(write_tree(tmp_path, files))
    assert run("check", root).exit_code == 0
    assert run("check", root, "--fail-on", "warning").exit_code == 1


def test_select_and_ignore_by_code_slug_and_prefix(tmp_path: Path):
    files = dict(GOOD, **{"idle.yaml": "kind: Goal\nid: idle\ntitle: Idle\nlevel: company\n",
                          "x.yaml": "kind: Driver\nid: d\ntitle: D\ninfluences: [{target: nope, effect: increase}]\n"})
    root = str(write_tree(tmp_path, files))

    def rules(*a):
        return {f["rule"] for f in json.loads(run("check", root, "-f", "json", *a).stdout)["findings"]}

    assert rules() == {"unmeasured-goal", "dangling-reference"}
    assert rules("--select", "KF1") == {"unmeasured-goal"}
    assert rules("--ignore", "unmeasured-goal,KF008") == set()
    assert run("check", root, "--select", "KF999").exit_code == 2


def test_config_severity_override_and_off(tmp_path: Path):
    files = dict(GOOD, **{"kpiframe.yaml": "rules:\n  orphan-kpi: warning\n  KF105: 'off'\n",
                          "idle.yaml": "kind: Goal\nid: idle\ntitle: Idle\nlevel: company\n---\n"
                                       "kind: KPI\nid: o\nname: O\ndepartment: x\nowner: A\nunit: u\ndirection: increase\n"})
    payload = json.loads(run("check", str(write_tree(tmp_path, files)), "-f", "json").stdout)
    assert [(f["rule"], f["severity"]) for f in payload["findings"]] == [("orphan-kpi", "warning")]


def test_invalid_config_is_reported_with_its_line(tmp_path: Path):
    files = dict(GOOD, **{"kpiframe.yaml": "organization: X\nrules:\n  orphan-kpis: warning\nexclud: []\n"})
    payload = json.loads(run("check", str(write_tree(tmp_path, files)), "-f", "json").stdout)
    found = {(f["rule"], f["file"], f["line"]) for f in payload["findings"]}
    assert ("unknown-field", "kpiframe.yaml", 4) in found
    assert ("invalid-value", "kpiframe.yaml", 3) in found


def test_suppression_with_reason_is_counted_not_dropped(tmp_path: Path):
    files = dict(GOOD, **{"x.yaml": "kind: KPI\nid: o\nname: O\ndepartment: sales\nowner: A\nunit: u\n"
                                    "direction: increase\nignore:\n  - {rule: KF101, reason: tracked elsewhere}\n"})
    payload = json.loads(run("check", str(write_tree(tmp_path, files)), "-f", "json").stdout)
    assert payload["findings"] == []
    assert payload["summary"]["suppressed"] == 1
    assert payload["suppressed"][0]["suppressed_by"] == "ignore: tracked elsewhere"


def test_broken_files_never_hide_the_others(tmp_path: Path):
    files = dict(GOOD, **{
        "a-not-yaml.yaml": "kind: [unclosed\n",
        "b-empty.yaml": "",
        "c-list.yaml": "- 1\n- 2\n",
        "d-scalar.yaml": "just text\n",
        "e-orphan.yaml": "kind: KPI\nid: o\nname: O\ndepartment: sales\nowner: A\nunit: u\ndirection: increase\n",
    })
    root = write_tree(tmp_path, files)
    (root / "f-utf16.yaml").write_bytes("kind: Driver\n".encode("utf-16"))
    payload = json.loads(run("check", str(root), "-f", "json").stdout)
    files_with_findings = {f["file"] for f in payload["findings"]}
    assert files_with_findings == {"a-not-yaml.yaml", "b-empty.yaml", "c-list.yaml", "d-scalar.yaml",
                                   "e-orphan.yaml", "f-utf16.yaml"}


def test_usage_errors_exit_2(tmp_path: Path):
    assert run("check", str(tmp_path / "missing")).exit_code == 2
    (tmp_path / "file.yaml").write_text("a: 1\n")
    assert run("check", str(tmp_path / "file.yaml")).exit_code == 2
    assert run("check", str(tmp_path), "--today", "2026-02-30").exit_code == 2


def test_config_is_found_by_searching_upward(tmp_path: Path):
    root = write_tree(tmp_path, dict(GOOD, **{"sub/more.yaml": "kind: Driver\nid: d\ntitle: D\n"}))
    payload = json.loads(run("check", str(root / "sub"), "-f", "json").stdout)
    assert payload["summary"]["files"] == 3 and payload["summary"]["organization"] == "Test Co"


def test_output_is_identical_across_runs(tmp_path: Path):
    root = str(write_tree(tmp_path, dict(GOOD, **{"x.yaml": "kind: Goal\nid: idle\ntitle: I\nlevel: company\n"})))
    assert run("check", root, "-f", "json").stdout == run("check", root, "-f", "json").stdout


def test_python_dash_m_and_version():
    out = subprocess.run([sys.executable, "-m", "kpiframe", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("kpiframe ")


def test_check_never_writes_into_the_framework(tmp_path: Path):
    root = write_tree(tmp_path, GOOD)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    run("check", str(root), "-f", "json")
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


@pytest.mark.skipif(not (EXAMPLES / "acme" / "kpiframe.yaml").exists(), reason="examples not written yet")
def test_acme_example_has_no_errors():
    result = runner.invoke(app, ["check", str(EXAMPLES / "acme"), "-f", "json"])
    payload = json.loads(result.stdout)
    assert [f for f in payload["findings"] if f["severity"] == "error"] == []
    assert result.exit_code == 0
    assert payload["summary"]["documents"]["KPI"] >= 30


@pytest.mark.skipif(not (EXAMPLES / "silos" / "kpiframe.yaml").exists(), reason="examples not written yet")
def test_silos_example_fails_with_the_expected_findings():
    result = runner.invoke(app, ["check", str(EXAMPLES / "silos"), "-f", "json"])
    assert result.exit_code == 1
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert {"orphan-kpi", "untraced-kpi", "unmeasured-goal"} <= rules
    # every rule issue 14 added has a failing case there
    assert {"conflicting-actuals", "contradictory-influence", "duplicate-influence", "future-actual"} <= rules


def test_unused_suppression_points_at_its_rule_entry(tmp_path: Path):
    files = dict(GOOD, **{"kpis.yaml": GOOD["kpis.yaml"] + "ignore:\n  - {rule: orphan-kpi, reason: old}\n"})
    payload = json.loads(run("check", str(write_tree(tmp_path, files)), "-f", "json").stdout)
    [finding] = payload["findings"]
    assert (finding["rule"], finding["file"], finding["line"], finding["column"]) == ("unused-suppression", "kpis.yaml", 10, 12)


def test_the_executable_delivers_its_whole_output_and_exit_code(tmp_path: Path):
    """The executable leaves without tearing the interpreter down; its output must still be whole."""
    out = subprocess.run([sys.executable, "-m", "kpiframe", "check", str(EXAMPLES / "silos"), "-f", "json"],
                         capture_output=True, text=True)
    assert out.returncode == 1 and out.stderr == ""
    assert json.loads(out.stdout)["summary"]["findings"]["error"] == 16
    report = tmp_path / "report.md"
    made = subprocess.run([sys.executable, "-m", "kpiframe", "report", str(EXAMPLES / "acme"), "-o", str(report)],
                          capture_output=True, text=True)
    in_process = tmp_path / "in-process.md"
    assert runner.invoke(app, ["report", str(EXAMPLES / "acme"), "-o", str(in_process)]).exit_code == 0
    assert made.returncode == 0 and report.read_bytes() == in_process.read_bytes()


@pytest.mark.parametrize("args", [("check",), ("check", "-f", "json"), ("status",), ("tree",)])
def test_a_reader_that_goes_away_changes_neither_the_exit_code_nor_stderr(args):
    """`kpiframe check | head -1` in CI with pipefail: exit 0 still means a clean framework."""
    process = subprocess.Popen([sys.executable, "-m", "kpiframe", *args, str(EXAMPLES / "acme")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # gone before the first line is written: every write meets a broken pipe
    err = process.stderr.read().decode()
    assert process.wait() == 0 and "Traceback" not in err, err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_check_started_with_stdout_closed_still_exits_with_its_code(fmt):
    import os

    out = subprocess.run([sys.executable, "-m", "kpiframe", "check", str(EXAMPLES / "acme"), "-f", fmt],
                         stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1))
    assert out.returncode == 0 and out.stderr == ""


def test_timings_with_a_machine_format_go_to_stderr():
    out = subprocess.run([sys.executable, "-m", "kpiframe", "check", str(EXAMPLES / "acme"), "-f", "sarif", "--timings"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)["version"] == "2.1.0"
    assert out.stderr.startswith("timings: discover ") and " rules " in out.stderr


def test_timings_to_a_closed_stderr_do_not_change_the_exit_code():
    import os

    out = subprocess.run([sys.executable, "-m", "kpiframe", "check", str(EXAMPLES / "acme"), "-f", "sarif", "--timings"],
                         stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(2))
    assert out.returncode == 0
