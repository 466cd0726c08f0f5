"""Paths you can click: every output names a file so that it opens from where it is read.

Text (and JSON's `path`) names files from the working directory, absolute when the file is not
under it; the CI formats from the root of the git repository holding the framework.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.load.gitrepo import repository_root
from kpiframe.render.locations import FilePaths
from tests.conftest import write_tree

# A framework in a sub-folder (`fw`) of a repository, its KPI file one level further down.
FRAMEWORK = {
    "fw/kpiframe.yaml": "organization: T\ndepartments: [sales]\n",
    "fw/goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n",
    "fw/kpis/sales.yaml": "kind: KPI\nid: arr\nname: ARR\ndepartment: sales\nowner: D\nunit: USD\n"
                          "direction: increase\nsupports: [grow]\n---\n"
                          "kind: KPI\nid: lonely\nname: L\ndepartment: sales\nowner: D\nunit: USD\ndirection: increase\n",
}
ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", FRAMEWORK)
    (root / ".git").mkdir()
    return root


def check(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, ["check", *args], env=ENV)


@pytest.mark.parametrize(("where", "target", "shown"), [
    (".", "fw", "fw/kpis/sales.yaml:10:1"),                    # the repository root
    ("fw", ".", "kpis/sales.yaml:10:1"),                       # the framework root
    ("fw/kpis", ".", "sales.yaml:10:1"),                       # inside the framework
    ("fw/kpis", "..", "sales.yaml:10:1"),
])
def test_text_names_files_from_the_working_directory(repo: Path, monkeypatch, where: str, target: str, shown: str):
    result = check(repo / where, monkeypatch, target)
    assert result.exit_code == 1
    assert result.output.startswith(f"{shown}  error    KF101 orphan-kpi  KPI 'lonely' supports no goal\n")
    assert (repo / where / shown.split(":")[0]).is_file()


def test_text_names_a_file_outside_the_working_directory_by_its_absolute_path(repo: Path, tmp_path: Path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = check(elsewhere, monkeypatch, str(repo / "fw"))
    absolute = (repo / "fw" / "kpis" / "sales.yaml").as_posix()
    assert result.output.startswith(f"{absolute}:10:1  error    KF101")
    # from a sibling folder `../kpis/sales.yaml` would be right, but breaks when re-run elsewhere
    (repo / "fw" / "notes").mkdir()
    result = check(repo / "fw" / "notes", monkeypatch, "..")
    assert result.output.startswith(f"{absolute}:10:1  error    KF101")
    # an absolute argument still gives a relative path when the file is under the working directory
    result = check(repo / "fw" / "kpis", monkeypatch, str(repo / "fw"))
    assert result.output.startswith("sales.yaml:10:1  error")


def test_a_file_level_finding_is_named_without_line_and_column(repo: Path, tmp_path: Path, monkeypatch):
    (tmp_path / "outside.yaml").write_text("kind: Driver\nid: d\ntitle: D\n")
    (repo / "fw" / "kpis" / "linked.yaml").symlink_to(tmp_path / "outside.yaml")
    result = check(repo, monkeypatch, "fw")
    assert result.output.startswith("fw/kpis/linked.yaml  error    KF009 unreadable-file  symlink to a file outside")


def test_json_keeps_file_from_the_root_and_adds_path_as_printed(repo: Path, monkeypatch):
    payload = json.loads(check(repo / "fw" / "kpis", monkeypatch, "..", "-f", "json").stdout)
    [finding] = payload["findings"]
    assert (finding["file"], finding["path"]) == ("kpis/sales.yaml", "sales.yaml")
    assert list(finding)[list(finding).index("file") + 1] == "path"


@pytest.mark.parametrize("where", [".", "fw", "fw/kpis"])
def test_ci_formats_name_files_from_the_repository_root_wherever_they_run(repo: Path, monkeypatch, where: str):
    target = os.path.relpath(repo / "fw", repo / where)
    github = check(repo / where, monkeypatch, target, "-f", "github").stdout
    assert github.startswith("::error file=fw/kpis/sales.yaml,line=10,col=1,title=KF101 orphan-kpi::")
    sarif = json.loads(check(repo / where, monkeypatch, target, "-f", "sarif").stdout)["runs"][0]
    assert sarif["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    [location] = sarif["results"][0]["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": "fw/kpis/sales.yaml", "uriBaseId": "%SRCROOT%"}
    gitlab = json.loads(check(repo / where, monkeypatch, target, "-f", "gitlab").stdout)
    assert gitlab[0]["location"]["path"] == "fw/kpis/sales.yaml"
    junit = ET.fromstring(check(repo / where, monkeypatch, target, "-f", "junit").stdout)
    assert junit.find("testsuite/testcase").get("classname") == "fw/kpis/sales.yaml"


def test_a_worktree_or_submodule_git_file_marks_the_repository_too(repo: Path, monkeypatch):
    (repo / ".git").rmdir()
    (repo / ".git").write_text("gitdir: /somewhere/.git/worktrees/repo\n")
    assert repository_root(repo / "fw" / "kpis") == repo.resolve()
    github = check(repo / "fw" / "kpis", monkeypatch, "..", "-f", "github").stdout
    assert github.startswith("::error file=fw/kpis/sales.yaml,")


def test_outside_a_repository_ci_formats_name_files_from_the_working_directory(repo: Path, monkeypatch):
    (repo / ".git").rmdir()
    if repository_root(repo) is not None:
        pytest.skip("the temporary folder is itself inside a git repository")
    github = check(repo / "fw", monkeypatch, ".", "-f", "github").stdout
    assert github.startswith("::error file=kpis/sales.yaml,line=10,")


def test_a_framework_outside_the_base_gets_an_absolute_sarif_uri(tmp_path: Path, monkeypatch):
    root = write_tree(tmp_path / "plain", FRAMEWORK)
    if repository_root(root) is not None:
        pytest.skip("the temporary folder is itself inside a git repository")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sarif = json.loads(check(elsewhere, monkeypatch, str(root / "fw"), "-f", "sarif").stdout)["runs"][0]
    location = sarif["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (root / "fw" / "kpis" / "sales.yaml").resolve().as_uri()}


def test_a_working_directory_reached_through_a_link_still_gives_relative_paths(repo: Path, tmp_path: Path):
    link = tmp_path / "link"
    link.symlink_to(repo, target_is_directory=True)
    paths = FilePaths.for_people(link / "fw", cwd=repo)  # framework named through the link, cwd real
    assert paths("kpis/sales.yaml") == "fw/kpis/sales.yaml"
    assert FilePaths.for_people(repo / "fw", cwd=link)("kpis/sales.yaml") == "fw/kpis/sales.yaml"
    assert paths("") == ""


def test_the_installed_command_from_three_working_directories(repo: Path, tmp_path: Path):
    """What a user types, in a real process: each printed path opens from where it was typed."""
    for cwd, target in ((repo, "fw"), (repo / "fw" / "kpis", "."), (tmp_path, str(repo / "fw"))):
        done = subprocess.run([sys.executable, "-m", "kpiframe", "check", target], check=False, cwd=cwd,
                              capture_output=True, text=True, env={**os.environ, **ENV})
        token = done.stdout.split()[0]
        path, line, column = token.rsplit(":", 2)
        assert (cwd / path).is_file() and (line, column) == ("10", "1"), done.stdout


def test_files_written_plainly_are_named_as_the_careful_way_names_them(tmp_path: Path, monkeypatch):
    """A plainly written file is named from where the root stands to the base, worked out once
    (speed); that gives what joining, resolving and comparing each file gives, links included."""
    from kpiframe.render import locations

    (tmp_path / "a/b/c").mkdir(parents=True)
    (tmp_path / "x").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "a/b")
    (tmp_path / "x/la").symlink_to(tmp_path / "a")
    folders = [tmp_path, tmp_path / "a", tmp_path / "a/b", tmp_path / "link", tmp_path / "x", tmp_path / "x/la",
               tmp_path / "a/b/c", tmp_path / "a/b/c/d", Path("/")]
    files = ["k.yaml", "b/k.yaml", "c/d/k.yaml", "b/c", "é/ü.yaml", "./k.yaml", "../k.yaml", "b/../k.yaml", "..k"]

    def names(fast: bool) -> list[str]:
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(locations, "_plain", lambda file: False)
            return [FilePaths(root, base)(file) for root in folders for base in folders for file in files]

    assert names(fast=True) == names(fast=False)
