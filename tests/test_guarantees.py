"""Guarantees 1, 8 and 9 of issue 7, end to end.

1. An internal error prints one paragraph that says it is a bug and names the file being
   processed, and exits 2 (not 1), never with a traceback.
8. kpiframe writes nothing inside the framework folder unless an output file is named there,
   and writes every output file atomically: a failing or interrupted write leaves the old file
   whole and no temporary file behind.
9. The same input gives byte-identical JSON and Markdown, whatever order the file system lists files in.
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kpiframe.check
from kpiframe import cli, fsutil
from kpiframe.cli import app
from kpiframe.rules.registry import RULES, find_rule
from tests.conftest import write_tree
from tests.test_fuzz import shuffled_scandir
from tests.test_hostile import BASE, TODAY

runner = CliRunner()
BROKEN = {"broken.yaml": "kind: [unclosed\n", "typo.yaml": "kind: Driver\nid: d\ntitel: x\n"}


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` with its bytes and modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """The real entry point (`kpiframe ...`), in this process."""
    monkeypatch.setattr(sys, "argv", ["kpiframe", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


# --- guarantee 1 ---------------------------------------------------------------------------------

def assert_bug_report(code: int, err: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    paragraph = err.strip()
    assert paragraph and "\n\n" not in paragraph, err
    assert "internal error" in paragraph and "bug in kpiframe" in paragraph


def test_an_internal_error_while_validating_names_the_file_and_exits_2(tmp_path, monkeypatch, capsys):
    root = write_tree(tmp_path / "fw", BASE)

    def broken_validator(raw):
        if raw.file == "kpis.yaml":
            raise RuntimeError("simulated bug")
        return real_validate(raw)

    real_validate = kpiframe.check.validate_document
    monkeypatch.setattr(kpiframe.check, "validate_document", broken_validator)
    code, out, err = run_main(monkeypatch, capsys, "check", str(root), "--today", TODAY)
    assert_bug_report(code, err)
    assert "kpis.yaml" in err and "RuntimeError: simulated bug" in err
    assert out == ""  # no half-printed report before the error


def test_an_internal_error_in_a_rule_exits_2_with_one_paragraph(tmp_path, monkeypatch, capsys):
    root = write_tree(tmp_path / "fw", BASE)

    def broken_rule(ctx):
        raise KeyError("simulated bug in a rule")

    orphan = find_rule("orphan-kpi")
    monkeypatch.setitem(RULES, orphan.slug, dataclasses.replace(orphan, check=broken_rule))
    code, out, err = run_main(monkeypatch, capsys, "check", str(root), "-f", "json", "--today", TODAY)
    assert_bug_report(code, err)
    assert "KeyError" in err


def test_a_broken_framework_exits_1_not_2(tmp_path, monkeypatch, capsys):
    root = write_tree(tmp_path / "fw", {**BASE, **BROKEN})
    code, out, err = run_main(monkeypatch, capsys, "check", str(root), "--today", TODAY)
    assert code == 1 and err == "" and "broken.yaml" in out


# --- guarantee 8 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("check",), ("check", "-f", "json"), ("report",), ("report", "-f", "json")])
def test_reading_commands_never_write_into_the_framework(tmp_path: Path, args: tuple[str, ...]):
    root = write_tree(tmp_path / "fw", {**BASE, **BROKEN})
    before = snapshot(root)
    result = runner.invoke(app, [*args, str(root), "--today", TODAY])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert snapshot(root) == before


def test_an_output_file_named_in_the_framework_is_the_only_file_written(tmp_path: Path):
    root = write_tree(tmp_path / "fw", BASE)
    before = snapshot(root)
    result = runner.invoke(app, ["report", str(root), "-o", str(root / "gap-report.md"), "--today", TODAY])
    assert result.exit_code == 0, result.output
    after = snapshot(root)
    assert set(after) - set(before) == {"gap-report.md"}
    assert {rel: after[rel] for rel in before} == before


def failing(exc: BaseException):
    def fail(*args, **kwargs):
        raise exc

    return fail


@pytest.mark.parametrize("step, exc", [
    ("fsync", OSError(28, "No space left on device")),   # the disk fills while writing
    ("replace", OSError(5, "Input/output error")),       # the rename fails
    ("fsync", KeyboardInterrupt()),                      # the user presses Ctrl-C mid-write
])
def test_a_failing_write_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch, step, exc):
    target = tmp_path / "out" / "report.md"
    target.parent.mkdir()
    target.write_text("the previous report\n")
    monkeypatch.setattr(fsutil.os, step, failing(exc))
    with pytest.raises(type(exc)):
        fsutil.write_atomic(target, "the new report\n" * 100_000)
    assert target.read_text() == "the previous report\n"
    assert os.listdir(target.parent) == ["report.md"]


def test_a_failing_first_write_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "new.md"
    monkeypatch.setattr(fsutil.os, "replace", failing(OSError(5, "Input/output error")))
    with pytest.raises(OSError):
        fsutil.write_atomic(target, "text")
    assert os.listdir(tmp_path) == []


def test_a_report_interrupted_while_writing_keeps_the_old_report(tmp_path, monkeypatch, capsys):
    root = write_tree(tmp_path / "fw", BASE)
    target = tmp_path / "gap-report.md"
    target.write_text("last week's report\n")
    monkeypatch.setattr(fsutil.os, "fsync", failing(OSError(28, "No space left on device")))
    code, out, err = run_main(monkeypatch, capsys, "report", str(root), "-o", str(target), "--today", TODAY)
    assert code == 2 and "No space left on device" in err and "Traceback" not in err
    assert target.read_text() == "last week's report\n"
    assert sorted(os.listdir(tmp_path)) == ["fw", "gap-report.md"]


def test_a_successful_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old\n")
    fsutil.write_atomic(target, "new\n")
    assert target.read_text() == "new\n" and os.listdir(tmp_path) == ["report.md"]


# --- guarantee 9 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("check", "-f", "json"), ("report",), ("report", "-f", "json")])
def test_output_is_byte_identical_whatever_the_listing_order(tmp_path, monkeypatch, args):
    root = write_tree(tmp_path / "fw", {**BASE, **BROKEN, "more/goals.yaml": "kind: Goal\nid: g2\ntitle: G\nlevel: company\n"})
    expected = runner.invoke(app, [*args, str(root), "--today", TODAY]).stdout
    for seed in range(3):
        monkeypatch.setattr(os, "scandir", shuffled_scandir(random.Random(seed)))
        assert runner.invoke(app, [*args, str(root), "--today", TODAY]).stdout == expected
        monkeypatch.undo()
