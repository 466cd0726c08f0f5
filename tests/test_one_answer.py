"""One answer per question, read by every output: whether a KPI needs a plan, is behind, or is
behind with nobody correcting course (review 13, finding 1). Each test is a case where the
outputs disagreed before."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES, write_tree

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": "200", "FORCE_COLOR": None}


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def _acme_with_only_a_cancelled_plan(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    plans = root / "plans" / "sales.yaml"
    text = plans.read_text(encoding="utf-8")
    text = text.replace("addresses: [pipeline-coverage, new-arr-booked]", "addresses: [pipeline-coverage]")
    text = text.replace("addresses: [new-arr-booked, operating-margin]", "addresses: [operating-margin]")
    plans.write_text(text, encoding="utf-8")
    return root


def test_a_kpi_whose_only_plan_is_cancelled_needs_a_plan_in_check_report_and_tree(tmp_path):
    root = _acme_with_only_a_cancelled_plan(tmp_path)
    check = run("check", str(root), "--format", "json")
    assert '"missing-action-plan"' in check.output and "new-arr-booked" in check.output
    tree = run("tree", str(root))
    lines = tree.output.splitlines()
    kpi = next(i for i, line in enumerate(lines) if "  new-arr-booked  " in line)
    assert "q3-bookings-spiff  cancelled" in lines[kpi + 1]
    assert lines[kpi + 2].endswith("└── no action plan")


_GOAL = """
    kind: Goal
    id: grow
    title: Grow
    level: company
"""
_KPI = """
    kind: KPI
    id: arr
    name: New ARR
    department: sales
    owner: Dana Kim
    supports: [grow]
    unit: M USD
    direction: increase
    baseline: {value: 8, date: 2026-01-01}
    target: {value: 12, date: 2026-12-31}
    actuals:
      - {date: 2026-06-15, value: 8.1}
"""
_OVERDUE_PLAN = """
    kind: ActionPlan
    id: push
    title: Push
    owner: Dana Kim
    department: sales
    addresses: [arr]
    status: in_progress
    due: 2026-03-31
"""
_BROKEN_PLAN = """
    kind: ActionPlan
    id: broken
    title: Broken
    addresses: [arr]
    status: someday
"""


def test_status_does_not_call_a_kpi_uncorrected_while_a_plan_naming_it_has_errors(tmp_path):
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": "organization: Test Co\n", "goal.yaml": _GOAL,
                                        "kpi.yaml": _KPI, "push.yaml": _OVERDUE_PLAN, "broken.yaml": _BROKEN_PLAN})
    check = run("check", str(root), "--today", "2026-06-30", "--format", "json")
    assert "uncorrected-off-track" not in check.output  # whether it is corrected cannot be told yet
    status = run("status", str(root), "--today", "2026-06-30")
    assert "off-track" in status.output
    assert "none due ahead" not in status.output


def _kpi(n: int, *extra: str) -> str:
    return "\n".join(["kind: KPI", f"id: k{n:02}", f"name: Measure {n}", "department: sales", "owner: Dana Kim",
                      "supports: [sales-goal]", "direction: increase", *extra]) + "\n"


def test_a_kpi_behind_only_by_its_owners_health_counts_as_behind_in_the_diagram_and_the_markdown_tree(
        tmp_path, monkeypatch):
    from kpiframe.check import CheckOptions, run_check
    from kpiframe.render.report_markdown import render_markdown
    from kpiframe.report import diagram, model
    from kpiframe.report.model import build_report

    kpis = [_kpi(1, "health: {level: problem, date: 2026-06-01}"), *(_kpi(n) for n in range(2, 12))]
    root = write_tree(tmp_path / "fw", {
        "kpiframe.yaml": "organization: Test Co\n",
        "goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n---\n"
                      "kind: Goal\nid: sales-goal\ntitle: Sell more\nlevel: department\ndepartment: sales\n"
                      "parent: grow\n",
        "kpis.yaml": "---\n".join(kpis)})
    # Small limits, so the department is drawn with its goals only: each goal node counts its KPIs behind.
    build = diagram.build_diagrams
    monkeypatch.setattr(diagram, "MAX_PARTS", 0)
    monkeypatch.setattr(model, "build_diagrams", lambda data: build(data, limit=2))
    report = build_report(run_check(root, CheckOptions(today=date(2026, 6, 30))))
    markdown = render_markdown(report)
    assert "1 goals and 11 KPIs under it, 1 of them behind" in markdown
    node = next(n for d in report.diagrams for n in d.nodes if n.id == "sales-goal" and n.kpis is not None)
    assert (node.kpis, node.behind) == (11, 1)
    assert "11 KPIs, 1 behind" in markdown


def test_check_and_report_give_one_reason_why_no_plan_corrects_course():
    reason = "'vendor-renegotiation' is in_progress but was due 2026-06-30; 'delivery-automation-pilot' is blocked"
    check = run("check", str(EXAMPLES / "silos"), "--today", "2026-09-30")
    report = run("report", str(EXAMPLES / "silos"), "--today", "2026-09-30")
    assert f"nobody is correcting course: {reason}" in check.output.replace("\n", " ")
    # The report gives the same reason, each plan named by its title and owner as its tables name
    # plans (trial 17), its status in words.
    named = (reason.replace("'vendor-renegotiation'", "Renegotiate the hosting and contractor agency contracts "
                                                      "(Morgan Hale)")
             .replace("'delivery-automation-pilot'", "Automate environment set-up for new projects (Morgan Hale)")
             .replace("in_progress", "in progress"))
    assert f"| {named} |" in report.output
