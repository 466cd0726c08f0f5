"""A file that is read-only (no write bit for its owner) or not writable by this user is never
replaced: every command that edits a framework file, and every -o output, refuses with exit 2 and
says how to make it writable (issue 16 trial, item 8). The atomic rename would otherwise replace
it, since only the folder's permission counts for a rename. These tests run as root too: root's
os.access says yes, so the mode bits decide."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe import fsutil
from kpiframe.cli import app
from tests.conftest import write_tree
from tests.test_import_update import SOURCE_V1, SOURCE_V2

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30"}
CONFIG = "organization: Test Co\ndepartments: [sales]\nactuals: [data/actuals.csv]\n"
GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"
KPI = ("kind: KPI\nid: new-arr\nname: New ARR\ndepartment: sales\nowner: Dana\nunit: USD k\n"
       "direction: increase\nsupports: [grow]\n")


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


@pytest.fixture
def fw(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG, "goals.yaml": GOAL, "kpis.yaml": KPI,
                                         "data/actuals.csv": "kpi,date,value\n"})


def read_only(path: Path) -> bytes:
    path.chmod(0o444)
    return path.read_bytes()


def assert_refused(result, path: Path, before: bytes) -> None:
    assert result.exit_code == 2, result.output
    assert f"will not write {path}" in result.output or f"will not write {path.name}" in result.output
    assert "read-only (mode 0444)" in result.output and "chmod u+w" in result.output
    assert path.read_bytes() == before and (path.stat().st_mode & 0o777) == 0o444
    assert not [name for name in os.listdir(path.parent) if name.endswith(".tmp")]


def test_record_health_refuses_a_read_only_kpi_file(fw: Path):
    before = read_only(fw / "kpis.yaml")
    assert_refused(run("record", "new-arr", str(fw), "--health", "problem"), fw / "kpis.yaml", before)


def test_record_refuses_a_read_only_actuals_file(fw: Path):
    before = read_only(fw / "data" / "actuals.csv")
    assert_refused(run("record", "new-arr", "12", str(fw)), fw / "data" / "actuals.csv", before)


def test_check_fix_refuses_a_read_only_file(fw: Path):
    (fw / "kpis.yaml").write_text(KPI.replace("unit: USD k", "unit: Usd k\nreview: Monthly"), encoding="utf-8")
    before = read_only(fw / "kpis.yaml")
    assert_refused(run("check", str(fw), "--fix"), fw / "kpis.yaml", before)


def test_import_update_refuses_a_read_only_file_and_writes_nothing(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    out = tmp_path / "framework"
    assert run("import", "gitlab-pi", str(source), "--out", str(out)).exit_code == 0
    record_before = (out / ".kpiframe-import.json").read_bytes()
    before = read_only(out / "kpis" / "platform.yaml")
    source.write_text(SOURCE_V2, encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert_refused(result, out / "kpis" / "platform.yaml", before)
    assert (out / ".kpiframe-import.json").read_bytes() == record_before


def test_an_output_file_that_is_read_only_is_refused_as_cp_refuses_it(fw: Path, tmp_path: Path):
    report = tmp_path / "report.md"
    report.write_text("kept\n")
    before = read_only(report)
    assert_refused(run("report", str(fw), "-o", str(report)), report, before)


def test_a_file_another_user_owns_is_refused_naming_its_owner(fw: Path, monkeypatch: pytest.MonkeyPatch):
    # os.access is what tells a user they may not write a file they do not own (0644, root's):
    # as root that cannot happen for real, so it is told here; the subprocess test below runs it.
    target = fw / "kpis.yaml"
    before = target.read_bytes()
    real_access = os.access
    monkeypatch.setattr(fsutil.os, "access",
                        lambda path, mode, **kw: False if Path(path) == target and mode == os.W_OK
                        else real_access(path, mode, **kw))
    result = run("record", "new-arr", str(fw), "--health", "problem")
    assert result.exit_code == 2, result.output
    assert "you may not write it (owner" in result.output and "ask its owner" in result.output
    assert target.read_bytes() == before


def test_a_writable_file_is_still_written(fw: Path):
    result = run("record", "new-arr", str(fw), "--health", "problem")
    assert result.exit_code == 0, result.output
    assert "health: {level: problem" in (fw / "kpis.yaml").read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "fork") or os.geteuid() != 0, reason="needs root to become another user")
def test_another_user_cannot_take_over_a_root_owned_file_in_a_folder_anyone_may_write():
    # The trial's case for real: a 0644 file of root's in a world-writable folder, and kpiframe run
    # as nobody. A forked child drops to nobody (no new interpreter to start, so nothing else
    # about the machine matters) and runs `record --health` through the command line.
    folder = Path(tempfile.mkdtemp(prefix="kpiframe-ro-"))
    try:
        folder.chmod(0o777)
        root = write_tree(folder / "fw", {"kpiframe.yaml": CONFIG, "goals.yaml": GOAL, "kpis.yaml": KPI,
                                           "data/actuals.csv": "kpi,date,value\n"})
        for path in [root, *root.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o644)
        before = (root / "kpis.yaml").read_bytes()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 70
            try:
                os.close(read_end)
                os.setgid(65534)
                os.setuid(65534)
                result = run("record", "new-arr", str(root), "--health", "okay")
                os.write(write_end, result.output.encode())
                code = result.exit_code
            finally:
                os._exit(code)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            output = pipe.read().decode()
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 2, output
        assert "you may not write it (owner root, mode 0644)" in output
        assert (root / "kpis.yaml").read_bytes() == before and (root / "kpis.yaml").stat().st_uid == 0
    finally:
        shutil.rmtree(folder)
