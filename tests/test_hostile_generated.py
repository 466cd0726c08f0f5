"""Hostile inputs too big or too strange to commit, generated in tmp_path.

Bounded work (guarantee 4): each big case runs `python -m kpiframe check` in a subprocess under
a small wrapper that reports the child's exit code, output and peak memory (ru_maxrss of
RUSAGE_CHILDREN, so only that one run is measured). Limits are generous (60 s, 1.5 GB) so the
tests are stable on a slow CI machine; what they assert is that the run finished, failed
honestly and said why.

The file system (guarantee 7): links, loops, pipes, permissions and odd names never crash or
hang the check, and each is reported where it is a problem.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.check import CheckOptions, run_check
from kpiframe.cli import app
from tests.conftest import REPO, write_tree
from tests.test_hostile import BASE, CONFIG, TODAY

TIMEOUT_SECONDS = 60
PEAK_MEMORY_MB = 1536

# Runs the command in argv[2:] with the timeout in argv[1], then reports on it as JSON. The
# wrapper's only child is the check, so RUSAGE_CHILDREN's ru_maxrss (kilobytes on Linux) is the
# peak memory of that one run, whatever ran before in the test process.
MEASURE = """
import json, resource, subprocess, sys
try:
    done = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]))
    report = {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
except subprocess.TimeoutExpired:
    report = {"code": "timeout", "stdout": "", "stderr": ""}
report["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(report))
"""


def measured_check(root: Path, *args: str) -> dict:
    command = [sys.executable, "-c", MEASURE, str(TIMEOUT_SECONDS), sys.executable, "-m", "kpiframe", "check",
               str(root), "--today", TODAY, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS + 30,
                          env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"})
    report = json.loads(done.stdout)
    assert report["code"] != "timeout", f"the check did not finish within {TIMEOUT_SECONDS} s"
    output = report["stdout"] + report["stderr"]
    assert "Traceback" not in output and "internal error" not in output, output
    assert report["peak_mb"] < PEAK_MEMORY_MB, f"peak memory {report['peak_mb']:.0f} MB"
    return report


def json_check(root: Path, *args: str) -> tuple[int, dict]:
    report = measured_check(root, "-f", "json", *args)
    return report["code"], json.loads(report["stdout"])


def in_process(root: Path) -> tuple[int, dict]:
    """The typer app in this process: for cases that cannot hang and need no memory figure."""
    result = CliRunner().invoke(app, ["check", str(root), "-f", "json", "--today", TODAY])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, json.loads(result.stdout)


def framework(tmp_path: Path, extra_config: str = "") -> Path:
    return write_tree(tmp_path / "fw", {**BASE, "kpiframe.yaml": CONFIG + extra_config})


def found(payload: dict, rule: str, file: str) -> list[dict]:
    return [f for f in payload["findings"] if (f["rule"], f["file"]) == (rule, file)]


def assert_base_intact(payload: dict) -> None:
    """The good files next to the hostile one are still read and checked."""
    assert payload["summary"]["documents"]["KPI"] == 1 and payload["summary"]["documents"]["Goal"] == 3
    assert [f["rule"] for f in payload["findings"] if f["file"] == "goals.yaml"] == ["unmeasured-goal"]


# --- bounded work -------------------------------------------------------------------------------

def test_a_50_mb_file_is_refused_by_its_size_before_it_is_read(tmp_path: Path):
    root = framework(tmp_path)
    line = "- " + "x" * 60 + "\n"
    (root / "big.yaml").write_text("kind: Driver\nid: big\ntitle: Big\ndescription:\n" + line * (50_000_000 // len(line)))
    code, payload = json_check(root)
    assert code == 1
    [finding] = found(payload, "limit-exceeded", "big.yaml")
    assert "over the limit of 5,000,000" in finding["message"]
    assert_base_intact(payload)


def test_a_50_mb_file_under_a_raised_size_limit_stops_at_the_value_budget(tmp_path: Path):
    root = framework(tmp_path, "limits: {max_file_bytes: 60000000}\n")
    line = "- " + "x" * 60 + "\n"
    (root / "big.yaml").write_text("kind: Driver\nid: big\ntitle: Big\ndescription:\n" + line * (50_000_000 // len(line)))
    code, payload = json_check(root)
    assert code == 1
    [finding] = found(payload, "limit-exceeded", "big.yaml")
    assert "more than 200,000 values" in finding["message"]
    assert_base_intact(payload)


@pytest.mark.parametrize("nesting, line", [
    ("title: " + "[" * 10_000 + "]" * 10_000, 3),
    ("title: " + "{a: " * 10_000 + "x" + "}" * 10_000, 3),
    ("title:\n  " + "- " * 10_000 + "x", 4),  # block lists, all on one line
], ids=["flow-lists", "flow-mappings", "block-lists"])
def test_a_document_nested_10000_levels_deep_is_reported(tmp_path: Path, nesting: str, line: int):
    root = framework(tmp_path)
    (root / "deep.yaml").write_text("kind: Driver\nid: deep\n" + nesting + "\n")
    code, payload = json_check(root)
    assert code == 1
    [finding] = found(payload, "limit-exceeded", "deep.yaml")
    assert "deeper than 64 levels" in finding["message"] and finding["line"] == line
    assert_base_intact(payload)


@pytest.mark.parametrize("values", [
    "actuals:\n" + "- 1\n" * 1_000_000,
    "actuals: [" + "1," * 999_999 + "1]\n",
], ids=["block", "flow"])
def test_a_million_element_list_stops_at_the_value_budget(tmp_path: Path, values: str):
    root = framework(tmp_path)
    (root / "list.yaml").write_text("kind: KPI\nid: list\n" + values)
    code, payload = json_check(root)
    assert code == 1
    [finding] = found(payload, "limit-exceeded", "list.yaml")
    assert "more than 200,000 values" in finding["message"]
    assert_base_intact(payload)


def test_a_flood_of_duplicate_keys_is_bounded(tmp_path: Path):
    # Each repeated key was once a finding of its own and free of the value budget:
    # 2.4 million of them took 76 s and 6.5 GB.
    root = framework(tmp_path)
    (root / "keys.yaml").write_text("{" + "a," * 2_400_000 + "a}\n")
    code, payload = json_check(root)
    assert code == 1
    [finding] = found(payload, "limit-exceeded", "keys.yaml")
    assert "values" in finding["message"]


def test_duplicate_keys_under_the_budget_give_a_bounded_number_of_findings(tmp_path: Path):
    root = framework(tmp_path)
    (root / "keys.yaml").write_text("kind: Driver\nid: keys\ntitle: Keys\n" + "title: again\n" * 5_000)
    code, payload = json_check(root)
    assert code == 1
    duplicates = found(payload, "duplicate-key", "keys.yaml")
    assert len(duplicates) == 51 and "only the first 50" in duplicates[-1]["message"]


def test_many_documents_share_one_value_budget_per_file(tmp_path: Path):
    # Twelve documents of 190,000 values each passed a per-document budget: 8 s and 615 MB.
    root = framework(tmp_path)
    (root / "docs.yaml").write_text(("---\n[" + "1," * 190_000 + "1]\n") * 12)
    code, payload = json_check(root)
    assert code == 1
    [finding] = found(payload, "limit-exceeded", "docs.yaml")
    assert "file has more than 200,000 values" in finding["message"]


def test_the_same_mistake_ten_thousand_times_gives_fifty_findings_and_a_count(tmp_path: Path):
    root = framework(tmp_path)
    rows = "".join(f"  - {{date: 2026-01-{1 + i % 28:02d}, value: n/a}}\n" for i in range(10_000))
    (root / "many.yaml").write_text("kind: KPI\nid: many\nname: Many\ndepartment: sales\nowner: A\nunit: u\n"
                                    "direction: increase\nsupports: [win-deals]\nactuals:\n" + rows)
    code, payload = json_check(root)
    assert code == 1
    problems = found(payload, "invalid-value", "many.yaml")
    assert len(problems) == 51
    assert any("9,950 more problems in this document are not listed" in f["message"] for f in problems)


def test_a_folder_with_50000_non_yaml_files(tmp_path: Path):
    root = framework(tmp_path)
    clutter = root / "exports"
    clutter.mkdir()
    for i in range(50_000):
        (clutter / f"row-{i:05d}.csv").touch()
    code, payload = json_check(root)
    assert code == 0
    assert payload["summary"]["files"] == 3
    assert_base_intact(payload)


# --- the file system ----------------------------------------------------------------------------

def test_symlink_loops_neither_hang_nor_crash(tmp_path: Path):
    root = framework(tmp_path)
    (root / "loop").symlink_to(root, target_is_directory=True)       # a folder that contains itself
    (root / "nested").mkdir()
    (root / "nested" / "up").symlink_to(root, target_is_directory=True)
    (root / "a.yaml").symlink_to(root / "b.yaml")                    # two links pointing at each other
    (root / "b.yaml").symlink_to(root / "a.yaml")
    (root / "self.yaml").symlink_to(root / "self.yaml")
    code, payload = in_process(root)
    assert code == 1
    for name in ("a.yaml", "b.yaml", "self.yaml"):
        [finding] = found(payload, "unreadable-file", name)
        assert "cannot read file" in finding["message"]
    assert_base_intact(payload)


def test_a_symlink_to_a_file_outside_the_root_is_reported_and_not_read(tmp_path: Path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("kind: Driver\nid: outside-secret\ntitle: Not yours\n")
    root = framework(tmp_path)
    (root / "borrowed.yaml").symlink_to(secret)
    (root / "elsewhere").symlink_to(tmp_path, target_is_directory=True)  # a folder outside: not entered
    code, payload = in_process(root)
    assert code == 1 and "outside-secret" not in json.dumps(payload)
    [finding] = found(payload, "unreadable-file", "borrowed.yaml")
    assert "outside the framework folder" in finding["message"]


def test_a_broken_symlink_is_reported(tmp_path: Path):
    root = framework(tmp_path)
    (root / "gone.yaml").symlink_to(root / "deleted.yaml")
    code, payload = in_process(root)
    assert code == 1
    [finding] = found(payload, "unreadable-file", "gone.yaml")
    assert "No such file" in finding["message"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_called_yaml_does_not_hang_the_check(tmp_path: Path):
    root = framework(tmp_path)
    os.mkfifo(root / "pipe.yaml")
    code, payload = json_check(root)
    assert code == 1
    [finding] = found(payload, "unreadable-file", "pipe.yaml")
    assert "not a regular file" in finding["message"]
    assert_base_intact(payload)


def test_an_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = framework(tmp_path)
    locked = root / "locked.yaml"
    locked.write_text("kind: Driver\nid: locked\ntitle: Locked\n")
    if os.geteuid() == 0:  # root reads anything: simulate the permission error where files are opened
        real_open = os.open

        def denying_open(path, flags, *args, **kwargs):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", denying_open)
    else:
        locked.chmod(0)
    try:
        result = run_check(root, CheckOptions())
    finally:
        locked.chmod(0o644)
    [finding] = [f for f in result.findings if f.file == "locked.yaml"]
    assert finding.rule == "unreadable-file" and "Permission denied" in finding.message
    assert result.exit_code() == 1 and len(result.framework.kpis) == 1


def test_an_unreadable_folder_is_reported_not_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = framework(tmp_path)
    locked = root / "locked"
    locked.mkdir()
    (locked / "hidden-kpis.yaml").write_text("kind: Driver\nid: locked\ntitle: Locked\n")
    if os.geteuid() == 0:  # os.walk lists folders with os.scandir: deny that one
        real_scandir = os.scandir

        def denying_scandir(path="."):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", denying_scandir)
    else:
        locked.chmod(0)
    try:
        result = run_check(root, CheckOptions())
    finally:
        locked.chmod(0o755)
    [finding] = [f for f in result.findings if f.file == "locked"]
    assert finding.rule == "unreadable-file" and "cannot read folder" in finding.message
    assert result.exit_code() == 1


def test_names_with_spaces_non_ascii_and_invalid_utf8_bytes(tmp_path: Path):
    root = framework(tmp_path)
    broken = "kind: Driver\nid: {id}\ntitle: [unclosed\n"
    write_tree(root, {"team goals/ünïcödé kpis.yaml": broken.format(id="u"), "日本語.yaml": broken.format(id="j")})
    (root / os.fsdecode(b"caf\xe9 latin-1 name.yaml")).write_text(broken.format(id="l"))
    names = {"team goals/ünïcödé kpis.yaml", "日本語.yaml", "caf\\xe9 latin-1 name.yaml"}
    text = measured_check(root)  # the real console output, which must be able to encode every name
    assert text["code"] == 1 and all(name in text["stdout"] for name in names), text["stdout"]
    code, payload = in_process(root)
    assert code == 1 and {f["file"] for f in payload["findings"] if f["rule"] == "yaml-syntax"} == names


def test_an_empty_folder_is_an_empty_framework(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    code, payload = in_process(tmp_path / "empty")
    assert code == 0
    assert payload["findings"] == [] and payload["summary"]["files"] == 0


def test_a_path_that_is_a_file_or_missing_is_a_usage_error(tmp_path: Path):
    root = framework(tmp_path)
    report = measured_check(root / "goals.yaml")  # the real command line, for its stderr and exit code
    assert report["code"] == 2 and "is a file" in report["stderr"] and report["stderr"].count("\n") == 1
    missing = CliRunner().invoke(app, ["check", str(root / "missing")])
    assert missing.exit_code == 2 and "no such folder" in missing.stderr

