"""`departments:` lists plain ids or entries {id, name, owner}; views and the report show the name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import write_tree

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30", "COLUMNS": "200"}
CONFIG = """\
organization: Test Co
departments:
  - {id: sales, name: Sales & Partnerships, owner: Dana Kim}
  - id: ops
    name: Delivery Operations
  - finance                      # a plain id, as before
"""
DOCUMENTS = {
    "goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n---\n"
                  "kind: Goal\nid: win\ntitle: Win deals\nlevel: department\ndepartment: sales\nparent: grow\n",
    "kpis.yaml": "kind: KPI\nid: deals\nname: Deals\ndepartment: sales\nowner: Dana\nunit: deals\n"
                 "direction: increase\nsupports: [win]\ninfluences: [{target: cost, effect: increase}]\n---\n"
                 "kind: KPI\nid: cost\nname: Cost\ndepartment: ops\nowner: Ola\nunit: USD\n"
                 "direction: decrease\nsupports: [grow]\n---\n"
                 "kind: KPI\nid: margin\nname: Margin\ndepartment: finance\nowner: Fay\nunit: '%'\n"
                 "direction: increase\nsupports: [grow]\n",
}


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_tree(tmp_path, {"kpiframe.yaml": CONFIG, **DOCUMENTS})


def findings(root: Path) -> list[tuple[str, str, int]]:
    payload = json.loads(run("check", str(root), "-f", "json").stdout)
    return [(f["rule"], f["file"], f["line"]) for f in payload["findings"]]


def test_entries_and_plain_ids_both_define_departments(root: Path):
    assert [f for f in findings(root) if f[0] in ("unknown-department", "invalid-value", "unknown-field")] == []


def test_documents_still_name_the_department_by_id(root: Path):
    (root / "more.yaml").write_text("kind: Goal\nid: sell\ntitle: S\nlevel: department\n"
                                    "department: Sales & Partnerships\nparent: grow\n")
    assert ("invalid-value", "more.yaml", 5) in findings(root)  # a name is not an id


@pytest.mark.parametrize(("entries", "expected"), [
    ("  - {id: sales, nmae: Sales}\n", ("unknown-field", "kpiframe.yaml", 3)),
    ("  - {name: Sales}\n", ("invalid-value", "kpiframe.yaml", 3)),
    ("  - [sales, ops]\n", ("invalid-value", "kpiframe.yaml", 3)),
    ("  - sales\n  - {id: sales, name: Sales}\n", ("invalid-value", "kpiframe.yaml", 3)),
])
def test_a_broken_entry_is_a_finding_at_its_line(tmp_path: Path, entries: str, expected: tuple):
    root = write_tree(tmp_path, {"kpiframe.yaml": "organization: T\ndepartments:\n" + entries, **DOCUMENTS})
    assert expected in findings(root)


def test_a_department_listed_twice_is_refused_not_last_one_wins(tmp_path: Path):
    root = write_tree(tmp_path, {"kpiframe.yaml": "departments:\n  - sales\n  - {id: sales, name: Sales}\n"})
    payload = json.loads(run("check", str(root), "-f", "json").stdout)
    [finding] = payload["findings"]
    assert "must list each department once, got 'sales' twice" in finding["message"]


def test_status_tree_and_impact_show_the_name(root: Path):
    status = run("status", str(root)).stdout
    assert "Sales & Partnerships" in status and "Delivery Operations" in status and " finance " in status
    tree = run("tree", str(root), "--department", "sales").stdout
    assert "(department Sales & Partnerships)" in tree and "win (Sales & Partnerships, department)" in tree
    impact = run("impact", "deals", str(root)).stdout
    assert impact.startswith("When KPI deals (Sales & Partnerships) improves") and "Delivery Operations" in impact


def test_the_report_shows_the_name_and_the_owner(root: Path):
    report = run("report", str(root)).stdout
    assert "| Department | Owner | KPIs |" in report
    assert "| Sales & Partnerships (`sales`) | Dana Kim |" in report
    assert "| finance |   |" in report
    assert "Deals (`deals`, Sales & Partnerships, Dana)" in report
    rows = json.loads(run("report", str(root), "-f", "json").stdout)["departments"]
    assert {r["department"]: (r["name"], r["owner"]) for r in rows} == {
        "sales": ("Sales & Partnerships", "Dana Kim"), "ops": ("Delivery Operations", None), "finance": (None, None)}


def test_without_names_the_report_has_no_owner_column(tmp_path: Path):
    root = write_tree(tmp_path, {"kpiframe.yaml": "departments: [sales, ops, finance]\n", **DOCUMENTS})
    report = run("report", str(root)).stdout
    assert "| Department | KPIs |" in report and "| sales |" in report
