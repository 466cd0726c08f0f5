"""Issue 16 trial, item 5: a file reached twice (a symlink to a file or folder inside the framework,
or a second hard link) is read once, at its real place, and a `linked-file` note at the link says
so, instead of every id in it being reported as a duplicate of itself. Links out of the framework
and link loops stay unfollowed."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.load import discover_files
from tests.conftest import by_rule, check_tree, write_tree

CONFIG = "organization: Acme\ndepartments: [sales]\n"
KPI = ("kind: KPI\nid: {id}\nname: {id}\ndepartment: sales\nowner: Dana\nunit: USD\ndirection: increase\n"
       "supports: [grow]\n")
GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"


def framework_with_real_folder(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG, "goals.yaml": GOAL,
                                        "real/kpis.yaml": KPI.format(id="won") + "---\n" + KPI.format(id="lost")})


def test_a_symlinked_file_is_read_once_and_the_link_is_noted(tmp_path: Path):
    root = framework_with_real_folder(tmp_path)
    (root / "kpis.yaml").symlink_to("real/kpis.yaml")
    result = check_tree(root)
    assert by_rule(result, "duplicate-id") == []
    [note] = by_rule(result, "linked-file")
    assert (note.file, note.severity.value) == ("kpis.yaml", "info")
    assert "a link to real/kpis.yaml, which is read there: read once" in note.message
    assert sorted(result.framework.kpis) == ["lost", "won"]
    # The KPIs' findings name the real file, not the link.
    assert {f.file for f in result.findings if f.subject in ("won", "lost")} <= {"real/kpis.yaml"}


def test_the_real_file_is_read_even_when_the_link_sorts_first(tmp_path: Path):
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG, "goals.yaml": GOAL, "z/kpis.yaml": KPI.format(id="won")})
    (root / "a.yaml").symlink_to("z/kpis.yaml")
    files, findings = discover_files(root)
    assert [rel for _, rel in files] == ["goals.yaml", "z/kpis.yaml"]
    assert [(f.rule, f.file) for f in findings] == [("linked-file", "a.yaml")]


def test_a_symlinked_folder_is_noted_and_its_files_read_once(tmp_path: Path):
    root = framework_with_real_folder(tmp_path)
    (root / "kpis").symlink_to("real")
    result = check_tree(root)
    assert by_rule(result, "duplicate-id") == []
    [note] = by_rule(result, "linked-file")
    assert note.file == "kpis" and "a link to the folder real, whose files are read there" in note.message
    assert sorted(result.framework.kpis) == ["lost", "won"]


def test_a_hard_link_is_read_once(tmp_path: Path):
    root = framework_with_real_folder(tmp_path)
    os.link(root / "real/kpis.yaml", root / "copy.yaml")
    result = check_tree(root)
    assert by_rule(result, "duplicate-id") == []
    [note] = by_rule(result, "linked-file")
    assert note.file == "real/kpis.yaml" and "the same file as copy.yaml (a hard link)" in note.message


def test_links_out_of_the_framework_and_loops_are_still_not_followed(tmp_path: Path):
    outside = write_tree(tmp_path / "outside", {"more.yaml": KPI.format(id="secret")})
    root = framework_with_real_folder(tmp_path)
    (root / "elsewhere").symlink_to(outside)
    (root / "loop").symlink_to(".")
    (root / "a").symlink_to("b")
    (root / "b").symlink_to("a")
    files, findings = discover_files(root)
    assert [rel for _, rel in files] == ["goals.yaml", "real/kpis.yaml"]
    # a and b point at each other: neither is a folder, nor a YAML file, so neither is read.
    assert [(f.rule, f.file) for f in findings] == [("unreadable-file", "elsewhere"), ("linked-file", "loop")]
    assert "symlink to a folder outside the framework folder; not followed" in findings[0].message
    assert "a link to the framework folder itself" in findings[1].message


def test_check_exit_code_is_clean_with_a_linked_file(tmp_path: Path):
    root = framework_with_real_folder(tmp_path)
    (root / "kpis.yaml").symlink_to("real/kpis.yaml")
    result = CliRunner().invoke(app, ["check", str(root), "--today", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert "KF019 linked-file" in result.output and "KF006" not in result.output
