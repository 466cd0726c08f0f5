"""One mistake, one finding (issue 14, item 3).

A document that fails the schema still defines its kind and id: references to it, CSV rows
for it and claims about trade-offs that involve it say nothing, and the summary counts it as
invalid. A YAML syntax error in one document of a file loses only that document.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import by_rule, check_tree

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"


def kpi(kpi_id: str, department: str = "sales", owner: str = "Dana", extra: str = "") -> str:
    return (f"kind: KPI\nid: {kpi_id}\nname: {kpi_id}\ndepartment: {department}\nowner: {owner}\n"
            f"supports: [grow]\nunit: USD\ndirection: increase\n{extra}")


def rules_of(result) -> list[tuple[str, str, int]]:
    return [(f.rule, f.file, f.line) for f in result.findings]


def test_a_typo_in_one_kpi_gives_one_finding_and_no_knock_on(framework):
    broken = kpi("cost", "operations", "Priya", "tagret: {value: 5, date: 2026-12-31}\n")
    root = framework({
        "goals.yaml": GOAL,
        "ops.yaml": broken,
        "sales.yaml": kpi("deals", extra="influences: [{target: cost, effect: increase}]\n"),
        "plans.yaml": "kind: ActionPlan\nid: trim\ntitle: Trim\naddresses: [cost]\n",
        "tradeoffs.yaml": "kind: Tradeoff\nid: deals-vs-cost\nbetween: [deals, cost]\nresolution: R\n"
                          "owners: [Dana, Priya]\n",
        "data/actuals.csv": "kpi,date,value\ncost,2026-03-31,7\ncost,2026-06-30,6\n",
    }, config="organization: T\nactuals: [data/*.csv]\n")
    result = check_tree(root)
    assert rules_of(result) == [("unknown-field", "ops.yaml", 9)]


def test_the_summary_counts_a_broken_document_as_invalid_not_as_checked(framework):
    root = framework({"goals.yaml": GOAL, "a.yaml": kpi("ok"), "b.yaml": kpi("cost", extra="tagret: 1\n")})
    result = check_tree(root)
    summary = result.summary()
    assert summary["documents"]["KPI"] == 1
    assert summary["invalid_documents"] == {"Goal": 0, "KPI": 1, "Driver": 0, "ActionPlan": 0, "Tradeoff": 0}
    output = CliRunner().invoke(app, ["check", str(root), "--today", "2026-06-30"], env={"NO_COLOR": "1"}).output
    assert "3 files, 1 goal, 1 KPI, 1 invalid KPI. 1 error" in output


def test_a_broken_driver_on_the_path_does_not_make_a_tradeoff_stale(framework):
    root = framework({
        "goals.yaml": GOAL,
        "kpis.yaml": kpi("deals", extra="influences: [{target: workload, effect: increase}]\n") + "---\n"
                     + kpi("on-time", "operations", "Priya"),
        "drivers.yaml": "kind: Driver\nid: workload\ntitel: Workload\n"
                        "influences: [{target: on-time, effect: decrease}]\n",
        "tradeoffs.yaml": "kind: Tradeoff\nid: t\nbetween: [deals, on-time]\nresolution: R\nowners: [Dana, Priya]\n",
    })
    result = check_tree(root)
    assert [f.rule for f in result.findings] == ["unknown-field"]


def test_a_broken_tradeoff_does_not_turn_its_conflict_into_an_error(framework):
    root = framework({
        "goals.yaml": GOAL,
        "kpis.yaml": kpi("deals", extra="influences: [{target: on-time, effect: decrease}]\n") + "---\n"
                     + kpi("on-time", "operations", "Priya"),
        "tradeoffs.yaml": "kind: Tradeoff\nid: t\nbetween: [deals, on-time]\nresolution: R\n"
                          "owners: [Dana, Priya]\nreview: quartely\n",
    })
    result = check_tree(root)
    assert [(f.rule, f.line) for f in result.findings] == [("invalid-value", 6)]


def test_a_broken_plan_does_not_leave_its_kpi_without_a_plan(framework):
    target = "baseline: {value: 1, date: 2026-01-01}\ntarget: {value: 2, date: 2026-12-31}\n" \
             "actuals: [{date: 2026-06-15, value: 1}]\n"
    root = framework({
        "goals.yaml": GOAL,
        "kpis.yaml": kpi("deals", extra=target),
        "plans.yaml": "kind: ActionPlan\nid: push\ntitle: Push\naddresses: [deals]\nstatus: in_progres\n"
                      "due: 2026-09-30\n",
    })
    result = check_tree(root)
    assert [f.rule for f in result.findings if f.severity.value == "error"] == ["invalid-value"]
    assert by_rule(result, "missing-action-plan") == [] and by_rule(result, "uncorrected-off-track") == []
    assert [f.rule for f in by_rule(result, "off-track-kpi")] == ["off-track-kpi"]  # its own verdict stands


def test_a_goal_with_errors_breaks_no_chain_below_it(framework):
    root = framework({
        "goals.yaml": GOAL + "---\nkind: Goal\nid: win\ntitle: Win\nlevel: department\ndepartment: sales\n"
                      "parent: grow\nowner: [Dana]\n---\n"
                      "kind: Goal\nid: team\ntitle: Team\nlevel: team\ndepartment: sales\nparent: win\n",
        "kpis.yaml": kpi("deals").replace("[grow]", "[team]") + "---\n" + kpi("calls").replace("[grow]", "[win]"),
    })
    result = check_tree(root)
    assert [(f.rule, f.file, f.line) for f in result.findings] == [("invalid-value", "goals.yaml", 12)]


def test_a_reference_of_the_wrong_kind_to_a_broken_document_is_still_reported(framework):
    root = framework({"goals.yaml": GOAL, "a.yaml": kpi("cost", extra="tagret: 1\n"),
                      "b.yaml": kpi("deals").replace("[grow]", "[grow, cost]")})
    [finding] = by_rule(check_tree(root), "dangling-reference")
    assert finding.file == "b.yaml" and "KPI 'cost'" in finding.message and "takes a Goal" in finding.message


def test_a_typo_in_a_required_field_is_one_finding_not_two(framework):
    root = framework({"goals.yaml": GOAL, "a.yaml": kpi("cost").replace("department: sales", "deprtment: sales")})
    result = check_tree(root)
    [finding] = result.findings
    assert (finding.rule, finding.line) == ("unknown-field", 4)
    assert finding.hint == "did you mean `department`? (it is required)"


# --- a syntax error in one document of a multi-document file -------------------------------------


def test_a_syntax_error_loses_only_its_own_document(framework):
    text = (GOAL + "---\n"              # 1-4, 5
            + kpi("first")              # 6-13
            + "---\n"                   # 14
            + "kind: KPI\nid: broken\nname: [unclosed\n"  # 15-17
            + "---\n"                   # 18
            + kpi("after") + "ownr: Dana\n")  # 19-26, ownr at 27
    root = framework({"all.yaml": text})
    result = check_tree(root)
    assert sorted(result.framework.kpis) == ["first"]
    assert [(f.rule, f.line, f.subject) for f in result.findings] == [
        ("yaml-syntax", 18, "broken"), ("unknown-field", 27, "after")]
    assert result.framework.invalid["after"].line == 19


def test_a_syntax_error_in_the_first_document_keeps_the_rest(framework):
    root = framework({"all.yaml": "kind: Goal\nid: grow\ntitle: 'never closed\n---\n" + GOAL.replace("grow", "g2")
                      + "---\n" + kpi("k").replace("[grow]", "[g2]") + "owner: again\n"})
    result = check_tree(root)
    assert sorted(result.framework.by_id) == ["g2", "k"]
    lines = [(f.rule, f.line) for f in result.findings]
    assert lines[0][0] == "yaml-syntax" and lines[0][1] in (3, 4)
    assert lines[1:] == [("duplicate-key", 18)]


def test_a_syntax_error_on_a_document_marker_line_skips_to_the_next_marker(framework):
    text = "kind: Driver\nid: grow\ntitle: Grow\n" + "--- [a, b\n" + "kind: Driver\nid: lost\ntitle: Lost\n" + "---\n" \
        + "kind: Driver\nid: kept\ntitle: Kept\n"
    result = check_tree(framework({"all.yaml": text}))
    assert sorted(result.framework.by_id) == ["grow", "kept"]
    assert [f.rule for f in result.findings if f.file == "all.yaml"] == ["yaml-syntax"]


def test_many_broken_documents_in_one_file_each_give_one_finding(framework):
    text = "---\n".join(f"kind: Driver\nid: d{i}\ntitle: [x\n" if i % 2 else f"kind: Driver\nid: d{i}\ntitle: D\n"
                        for i in range(10))
    result = check_tree(framework({"all.yaml": text}))
    assert sorted(result.framework.drivers) == [f"d{i}" for i in range(0, 10, 2)]
    assert len(by_rule(result, "yaml-syntax")) == 5


def test_the_json_summary_names_invalid_documents(framework, tmp_path: Path):
    root = framework({"goals.yaml": GOAL, "b.yaml": kpi("cost", extra="tagret: 1\n")})
    result = CliRunner().invoke(app, ["check", str(root), "-f", "json", "--today", "2026-06-30"])
    summary = json.loads(result.stdout)["summary"]
    assert summary["documents"]["KPI"] == 0 and summary["invalid_documents"]["KPI"] == 1
