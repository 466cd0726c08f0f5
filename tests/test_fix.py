"""`kpiframe check --fix` and `--diff`: only fixes that cannot change meaning, every other byte kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.check import CheckOptions, run_check
from kpiframe.cli import app
from kpiframe.fixes import plan_fixes
from tests.conftest import write_tree

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30"}
CONFIG = "organization: Test Co\ndepartments: [sales, operations]\n"
GOAL = "kind: Goal\nid: grow-revenue\ntitle: Grow revenue\nlevel: company\n"
PLAN = ("kind: ActionPlan\nid: push\ntitle: Push\naddresses: [new-arr]\nowner: Dana\n"
        "status: in_progress\ndue: 2026-12-31\n")


def kpi(**fields: str) -> str:
    base = {"kind": "KPI", "id": "new-arr", "name": "New ARR", "department": "sales", "owner": "Dana",
            "unit": "USD", "direction": "increase", "supports": "[grow-revenue]", "review": "monthly"}
    base.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in base.items())


# name -> (the broken kpis.yaml, what --fix makes of it, the line --fix prints)
CASES = {
    "bare percent unit": (kpi(unit="%   # share of pipeline"), kpi(unit='"%"   # share of pipeline'),
                          "fixed: kpis.yaml:6:7 unit '%' quoted"),
    "enum in capitals": (kpi(review="Quarterly"), kpi(review="quarterly"),
                         "fixed: kpis.yaml:9:9 review 'Quarterly' -> 'quarterly'"),
    "quoted enum keeps its quotes": (kpi(review='"Monthly"  # from the BI tool'),
                                     kpi(review='"monthly"  # from the BI tool'),
                                     "fixed: kpis.yaml:9:9 review 'Monthly' -> 'monthly'"),
    "synonym the hint names": (kpi(direction="higher"), kpi(direction="increase"),
                               "fixed: kpis.yaml:7:12 direction 'higher' -> 'increase'"),
    "separator in a status": (kpi() + "---\n" + PLAN.replace("in_progress", "in-progress"), kpi() + "---\n" + PLAN,
                              "fixed: kpis.yaml:16:9 status 'in-progress' -> 'in_progress'"),
    "id one edit away": (kpi(supports="[grow-revenu]"), kpi(supports="[grow-revenue]"),
                         "fixed: kpis.yaml:8:12 supports[0] 'grow-revenu' -> 'grow-revenue'"),
    "department one edit away": (kpi(department="sale"), kpi(department="sales"),
                                 "fixed: kpis.yaml:4:13 department 'sale' -> 'sales'"),
    "documents run together": (kpi() + "# the plan\n" + PLAN, kpi() + "# the plan\n---\n" + PLAN,
                               "fixed: kpis.yaml:11:1 `---` added: two documents ran together"),
}


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def make(tmp_path: Path, monkeypatch, kpis: str) -> Path:
    plan = "" if "kind: ActionPlan" in kpis else PLAN
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG, "goals.yaml": GOAL, "kpis.yaml": kpis,
                                         **({"plans.yaml": plan} if plan else {})})
    monkeypatch.chdir(root)
    return root


def count_findings(root: Path) -> int:
    return len(json.loads(run("check", str(root), "-f", "json").stdout)["findings"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_fix_is_exact_idempotent_and_leaves_fewer_findings(tmp_path: Path, monkeypatch, name: str):
    broken, fixed, said = CASES[name]
    root = make(tmp_path, monkeypatch, broken)
    before = count_findings(root)
    result = run("check", "--fix")
    assert said in result.stdout.splitlines()
    assert (root / "kpis.yaml").read_text() == fixed
    assert count_findings(root) < before
    again = run("check", "--fix")
    assert "fixed:" not in again.output
    assert (root / "kpis.yaml").read_text() == fixed


def test_diff_shows_without_writing_and_exits_1(tmp_path: Path, monkeypatch):
    root = make(tmp_path, monkeypatch, kpi(review="Quarterly"))
    result = run("check", "--diff")
    assert result.exit_code == 1
    assert result.stdout == ("--- a/kpis.yaml\n+++ b/kpis.yaml\n@@ -6,4 +6,4 @@\n unit: USD\n direction: increase\n"
                             " supports: [grow-revenue]\n-review: Quarterly\n+review: quarterly\n")
    assert "would fix: kpis.yaml:9:9 review 'Quarterly' -> 'quarterly'" in result.stderr
    assert (root / "kpis.yaml").read_text() == kpi(review="Quarterly")
    run("check", "--fix")
    clean = run("check", "--diff")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_every_fix_at_once_and_every_other_byte_kept(tmp_path: Path, monkeypatch):
    """CRLF line breaks, a byte-order mark and comments survive; fixes that need a second pass
    (after the `%` no longer hides the document) are made in the same run."""
    broken = ("\ufeff# Sales KPIs\r\n" + kpi(unit="%", review="Quarterly", supports="[grow-revenu]  # the goal")
              + "# plan\n" + PLAN.replace("in_progress", "In Progress")).replace("\n", "\r\n").replace("\r\r", "\r")
    root = make(tmp_path, monkeypatch, "")
    (root / "plans.yaml").unlink()
    (root / "kpis.yaml").write_bytes(broken.encode())
    before = count_findings(root)
    result = run("check", "--fix")
    assert result.exit_code == 0, result.output
    expected = ("\ufeff# Sales KPIs\r\n" + kpi(unit='"%"', review="quarterly", supports="[grow-revenue]  # the goal")
                + "# plan\n---\n" + PLAN).replace("\n", "\r\n").replace("\r\r", "\r")
    assert (root / "kpis.yaml").read_bytes() == expected.encode()
    assert [line.split(" ", 2)[2] for line in result.stdout.splitlines() if line.startswith("fixed:")] == [
        "unit '%' quoted",  # pass 1: the syntax error hid everything after it
        "review 'Quarterly' -> 'quarterly'", "`---` added: two documents ran together",  # pass 2
        "supports[0] 'grow-revenu' -> 'grow-revenue'", "status 'In Progress' -> 'in_progress'"]  # pass 3
    assert count_findings(root) == 0 < before


@pytest.mark.parametrize(("kpis", "why"), [
    (kpi(supports="[grow-revenue-]") + "---\n" + GOAL.replace("grow-revenue", "grow-revenue-y"),
     "two ids one edit away"),
    (kpi(supports="[grow]"), "the only near id is farther than one edit"),
    (kpi(direction="more"), "not a synonym kpiframe knows"),
    (kpi() + "kind: KPI\nowner: Ola\n", "a repeated kind without a repeated id is a typo, not two documents"),
    (kpi(unit="%\"x"), "a value a quote would change"),
])
def test_what_could_change_meaning_is_left_for_a_person(tmp_path: Path, monkeypatch, kpis: str, why: str):
    root = make(tmp_path, monkeypatch, kpis)
    result = run("check", "--fix")
    assert "fixed:" not in result.output, why
    assert (root / "kpis.yaml").read_text() == kpis, why


def test_a_file_changed_since_the_check_is_not_fixed(tmp_path: Path, monkeypatch):
    root = make(tmp_path, monkeypatch, kpi(review="Quarterly"))
    result = run_check(root, CheckOptions())
    (root / "kpis.yaml").write_text(kpi(review="Yearly-ish"))
    [plan] = plan_fixes(result)
    assert plan.applied == [] and plan.skipped[0][1] == "the text there is no longer what the check read"


def test_the_summary_says_how_many_findings_are_fixable(tmp_path: Path, monkeypatch):
    make(tmp_path, monkeypatch, kpi(review="Quarterly", direction="higher"))
    assert ", 2 fixable with --fix (" in run("check").stdout


def test_the_fixed_file_is_replaced_atomically_keeping_its_mode(tmp_path: Path, monkeypatch):
    root = make(tmp_path, monkeypatch, kpi(review="Quarterly"))
    (root / "kpis.yaml").chmod(0o640)
    inode = (root / "kpis.yaml").stat().st_ino
    run("check", "--fix")
    assert (root / "kpis.yaml").stat().st_ino != inode and (root / "kpis.yaml").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in root.iterdir()) == ["goals.yaml", "kpiframe.yaml", "kpis.yaml", "plans.yaml"]


def test_fix_with_a_machine_format_keeps_stdout_for_the_report(tmp_path: Path, monkeypatch):
    make(tmp_path, monkeypatch, kpi(review="Quarterly"))
    result = run("check", "--fix", "-f", "json")
    assert json.loads(result.stdout)["findings"] == []
    assert "fixed: kpis.yaml:9:9 review 'Quarterly' -> 'quarterly'" in result.stderr
