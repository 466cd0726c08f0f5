"""The revision log and retired KPIs: rules that judge the framework alone (no base revision)."""

from __future__ import annotations

from tests.conftest import by_rule, check_tree

CONFIG = "organization: Test Co\ndepartments: [sales]\n"
GOAL = """\
kind: Goal
id: grow-revenue
title: Grow revenue
level: company
---
"""


def kpi(*extra: str, kpi_id: str = "new-arr", supports: str = "[grow-revenue]") -> str:
    lines = ["kind: KPI", f"id: {kpi_id}", "name: New ARR", "department: sales", "owner: Dana Kim",
             f"supports: {supports}", "unit: M USD", "direction: increase",
             "baseline: {value: 8, date: 2026-01-01}", *extra]
    return "\n".join(lines) + "\n"


def test_latest_revision_agreeing_with_the_target_passes(framework):
    root = framework({"kpis.yaml": GOAL + kpi("target: {value: 10, date: 2026-12-31}", "revisions:",
                      "  - {date: 2026-03-31, field: target, from: 12, to: 11, reason: Slip, approved_by: Maya Chen}",
                      "  - {date: 2026-06-30, field: target, from: 11, to: 10, reason: Slip, approved_by: Maya Chen}")},
                     CONFIG)
    assert by_rule(check_tree(root), "revision-mismatch") == []


def test_latest_revision_disagreeing_with_the_target_is_reported_at_its_to(framework):
    root = framework({"kpis.yaml": GOAL + kpi("target: {value: 9, date: 2026-12-31}", "revisions:",
                      "  - {date: 2026-06-30, field: target, from: 12, to: 10, reason: Slip, approved_by: Maya Chen}",
                      "  - {date: 2026-03-31, field: target, from: 12, to: 9, reason: Older, approved_by: Maya Chen}")},
                     CONFIG)
    [finding] = by_rule(check_tree(root), "revision-mismatch")
    assert (finding.file, finding.line, finding.code, finding.severity.value) == ("kpis.yaml", 17, "KF405", "error")
    assert "the latest revision of `target` (2026-06-30) says it became 10 M USD, but it is 9 M USD by 2026-12-31" \
        in finding.message


def test_a_revision_needs_a_reason_and_an_approver(framework):
    root = framework({"kpis.yaml": GOAL + kpi("target: {value: 10, date: 2026-12-31}", "revisions:",
                      "  - date: 2026-06-30", "    field: target", "    to: 10")}, CONFIG)
    messages = {(f.line, f.message) for f in by_rule(check_tree(root), "invalid-value")}
    assert (17, "KPI 'new-arr': `revisions[0].reason` is required") in messages
    assert (17, "KPI 'new-arr': `revisions[0].approved_by` is required") in messages


def test_a_direction_revision_takes_a_direction_word(framework):
    root = framework({"kpis.yaml": GOAL + kpi("revisions:",
                      "  - {date: 2026-06-30, field: direction, to: 12, reason: x, approved_by: y}")}, CONFIG)
    [finding] = by_rule(check_tree(root), "invalid-value")
    assert finding.line == 16 and "`revisions[0].to` of a `direction` revision must be increase or decrease" \
        in finding.message


def test_a_retired_kpi_is_not_judged_by_execution_and_alignment_rules(framework):
    # No goal, a target without a plan, off track, stale: every one of those would fire on a live KPI.
    retired = kpi("target: {value: 12, date: 2026-12-31}", "review: monthly",
                  "actuals: [{date: 2026-01-31, value: 2}]", "retired: {date: 2026-05-31, reason: Replaced by NRR}",
                  supports="[]")
    root = framework({"kpis.yaml": GOAL + retired}, CONFIG)
    rules = {f.rule for f in check_tree(root).findings}
    assert rules == {"unmeasured-goal"}  # the goal is measured by nothing now: the retired KPI does not count


def test_an_open_plan_addressing_a_retired_kpi_is_a_warning_at_the_reference(framework):
    retired = kpi("retired: {date: 2026-05-31, reason: Replaced by NRR}")
    plan = "---\nkind: ActionPlan\nid: push\ntitle: Push\nstatus: in_progress\naddresses: [other, new-arr]\n"
    root = framework({"kpis.yaml": GOAL + retired + plan}, CONFIG)
    [finding] = by_rule(check_tree(root), "retired-reference")
    assert (finding.line, finding.column, finding.severity.value) == (21, 20, "warning")
    assert finding.message == "ActionPlan 'push' addresses 'new-arr', which was retired on 2026-05-31"
    # the reference still resolves: no dangling-reference for it
    assert [f.message for f in by_rule(check_tree(root), "dangling-reference")] == [
        "ActionPlan 'push': `addresses[0]` refers to 'other', which does not exist"]


def test_a_tradeoff_with_a_retired_kpi_gets_one_finding(framework):
    retired = kpi("retired: {date: 2026-05-31, reason: Replaced by NRR}")
    other = "---\n" + kpi(kpi_id="cost").replace("direction: increase", "direction: decrease")
    tradeoff = "---\nkind: Tradeoff\nid: t\nbetween: [new-arr, cost]\nresolution: agreed\nowners: [Dana Kim]\n"
    root = framework({"kpis.yaml": GOAL + retired + other + tradeoff}, CONFIG)
    rules = [f.rule for f in check_tree(root).findings if f.subject == "t"]
    assert rules == ["retired-reference"]
