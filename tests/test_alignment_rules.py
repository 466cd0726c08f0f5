"""Identity, reference and alignment rules, each with the line it reports."""

from __future__ import annotations

from tests.conftest import by_rule, check_tree

COMPANY = """\
kind: Goal
id: grow-revenue
title: Grow revenue
level: company
"""


def kpi(kpi_id: str, supports: str = "[grow-revenue]", department: str = "sales") -> str:
    return (f"kind: KPI\nid: {kpi_id}\nname: {kpi_id}\ndepartment: {department}\nowner: Dana\n"
            f"unit: USD\ndirection: increase\nsupports: {supports}\n")


def goal(goal_id: str, parent: str, level: str = "department") -> str:
    return f"kind: Goal\nid: {goal_id}\ntitle: {goal_id}\nlevel: {level}\ndepartment: sales\nparent: {parent}\n"


def test_clean_framework_has_no_findings(framework):
    root = framework({"goals.yaml": COMPANY + "---\n" + goal("win", "grow-revenue"),
                      "kpis.yaml": kpi("arr", "[win]")})
    assert check_tree(root).findings == []


def test_duplicate_id_across_files_and_kinds_reports_the_second(framework):
    root = framework({"a.yaml": COMPANY + "---\n" + kpi("arr"),
                      "b.yaml": "kind: Driver\nid: arr\ntitle: dup\n"})
    [finding] = by_rule(check_tree(root), "duplicate-id")
    assert (finding.file, finding.line, finding.column) == ("b.yaml", 2, 5)
    assert "a.yaml:6" in finding.message


def test_unknown_department_with_closed_list(framework):
    root = framework({"a.yaml": COMPANY + "---\n" + kpi("arr", department="sales-team")},
                     config="departments: [sales, operations]\n")
    [finding] = by_rule(check_tree(root), "unknown-department")
    assert (finding.line, finding.column) == (9, 13) and finding.hint == "did you mean 'sales'?"
    assert by_rule(check_tree(framework({"a.yaml": COMPANY + "---\n" + kpi("arr")},
                                        config="departments: [sales]\n")), "unknown-department") == []


def test_dangling_reference_and_wrong_kind(framework):
    root = framework({"a.yaml": COMPANY + "---\n" + kpi("arr", "[grow-revenu, other]") + "---\n" + kpi("other")})
    findings = by_rule(check_tree(root), "dangling-reference")
    assert [(f.line, f.column) for f in findings] == [(13, 12), (13, 25)]
    assert findings[0].hint == "did you mean 'grow-revenue'?"
    assert "refers to KPI 'other', but it takes a Goal" in findings[1].message


def test_orphan_kpi_points_at_the_document_when_supports_is_missing(framework):
    root = framework({"a.yaml": COMPANY + "---\n" + kpi("arr").replace("supports: [grow-revenue]\n", "")})
    [finding] = by_rule(check_tree(root), "orphan-kpi")
    assert (finding.line, finding.subject) == (6, "arr")


def test_orphan_kpi_with_empty_supports_points_at_the_key(framework):
    root = framework({"a.yaml": COMPANY + "---\n" + kpi("arr", "[]")})
    [finding] = by_rule(check_tree(root), "orphan-kpi")
    assert (finding.line, finding.column) == (13, 1)


def test_untraced_kpi_and_goal(framework):
    root = framework({"a.yaml": COMPANY + "---\n" + goal("win", "team-x") + "---\n"
                      + goal("team-x", "missing", level="team") + "---\n" + kpi("arr", "[grow-revenue, win]")})
    [kpi_finding] = by_rule(check_tree(root), "untraced-kpi")
    assert (kpi_finding.line, kpi_finding.column) == (27, 26) and kpi_finding.related == ("win",)
    [goal_finding] = by_rule(check_tree(root), "untraced-goal")
    assert (goal_finding.subject, goal_finding.line) == ("win", 11)  # team-x's own parent is dangling


def test_goal_cycle_is_reported_once_naming_the_loop(framework):
    root = framework({"a.yaml": COMPANY + "---\n" + goal("b-goal", "c-goal") + "---\n" + goal("c-goal", "b-goal")
                      + "---\n" + goal("under", "b-goal", level="team")})
    result = check_tree(root)
    [finding] = by_rule(result, "goal-cycle")
    assert finding.message == "goals form a loop of parents: b-goal -> c-goal -> b-goal"
    assert finding.line == 11  # b-goal's `parent`
    assert [f.subject for f in by_rule(result, "untraced-goal")] == ["under"]


def test_unmeasured_goal_counts_kpis_of_sub_goals(framework):
    root = framework({"a.yaml": COMPANY + "---\n" + goal("win", "grow-revenue") + "---\n"
                      + "kind: Goal\nid: idle\ntitle: Idle\nlevel: company\n" + "---\n" + kpi("arr", "[win]")})
    [finding] = by_rule(check_tree(root), "unmeasured-goal")
    assert (finding.subject, finding.line) == ("idle", 14)


def test_reference_to_a_document_with_errors_is_no_second_finding_and_spares_its_goal(framework):
    broken_kpi = kpi("arr").replace("name: arr\n", "")
    root = framework({"a.yaml": COMPANY + "---\n" + broken_kpi,
                      "p.yaml": "kind: ActionPlan\nid: p\ntitle: P\naddresses: [arr]\n"})
    result = check_tree(root)
    assert by_rule(result, "dangling-reference") == []  # the KPI exists; its own error says what is wrong
    assert [f.rule for f in result.findings] == ["invalid-value"]
    assert by_rule(result, "unmeasured-goal") == []  # the broken KPI names grow-revenue
