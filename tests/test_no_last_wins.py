"""No silent "last one wins" (issue 14, item 4): influences and actuals said twice.

The KPI below lives alone in kpis.yaml: its header takes lines 1-8, extra lines start at 9.
"""

from __future__ import annotations

from datetime import date

from kpiframe.check import LoadOptions, load_framework
from tests.conftest import by_rule, check_tree

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"
CSV_CONFIG = "organization: T\nactuals: [data/*.csv]\n"


def kpi(kpi_id: str = "arr", *extra: str, department: str = "sales", owner: str = "Dana",
        direction: str = "increase") -> str:
    return "\n".join([f"kind: KPI\nid: {kpi_id}\nname: {kpi_id}\ndepartment: {department}\nowner: {owner}",
                      f"supports: [grow]\nunit: USD\ndirection: {direction}", *extra]) + "\n"


# --- influences ------------------------------------------------------------------------------


def test_two_influences_with_different_effects_are_an_error_at_the_second(framework):
    deals = kpi("deals", "influences:", "  - {target: cost, effect: increase}", "  - {target: cost, effect: decrease}")
    cost = kpi("cost", department="operations", owner="Priya", direction="decrease")
    result = check_tree(framework({"goals.yaml": GOAL, "kpis.yaml": deals, "cost.yaml": cost}))
    [finding] = by_rule(result, "contradictory-influence")
    assert (finding.file, finding.line, finding.column, finding.subject) == ("kpis.yaml", 11, 5, "deals")
    assert finding.code == "KF206" and finding.severity.value == "error"
    assert "'cost' twice with different effects: increase (line 10) and decrease" in finding.message
    assert by_rule(result, "duplicate-influence") == []


def test_a_contradiction_never_silently_erases_a_conflict(framework):
    # Today the last entry wins: `decrease` helps cost, and the conflict vanishes without a word.
    deals = kpi("deals", "influences:", "  - {target: cost, effect: increase}", "  - {target: cost, effect: decrease}")
    cost = kpi("cost", department="operations", owner="Priya", direction="decrease")
    tradeoff = "kind: Tradeoff\nid: t\nbetween: [deals, cost]\nresolution: R\nowners: [Dana, Priya]\n"
    result = check_tree(framework({"goals.yaml": GOAL, "kpis.yaml": deals, "cost.yaml": cost, "t.yaml": tradeoff}))
    assert [f.rule for f in result.findings] == ["contradictory-influence"]  # no stale trade-off claim either


def test_the_same_influence_twice_is_a_warning(framework):
    deals = kpi("deals", "influences:", "  - {target: cost, effect: increase}", "  - {target: cost, effect: increase}")
    cost = kpi("cost", department="sales", direction="increase")
    result = check_tree(framework({"goals.yaml": GOAL, "kpis.yaml": deals, "cost.yaml": cost}))
    [finding] = by_rule(result, "duplicate-influence")
    assert (finding.line, finding.column, finding.code, finding.severity.value) == (11, 5, "KF207", "warning")
    assert "'cost' is listed twice with the same effect (first at line 10)" in finding.message
    assert by_rule(result, "contradictory-influence") == []


def test_a_driver_contradicting_itself_is_reported_too(framework):
    driver = ("kind: Driver\nid: load\ntitle: Load\ninfluences:\n  - {target: cost, effect: increase}\n"
              "  - {target: other, effect: increase}\n  - {target: cost, effect: decrease}\n")
    files = {"goals.yaml": GOAL, "d.yaml": driver, "cost.yaml": kpi("cost"), "other.yaml": kpi("other")}
    [finding] = by_rule(check_tree(framework(files)), "contradictory-influence")
    assert (finding.file, finding.line, finding.subject) == ("d.yaml", 7, "load")


# --- actuals -----------------------------------------------------------------------------------

PLAN = ("kind: ActionPlan\nid: push\ntitle: Push\naddresses: [arr]\nstatus: in_progress\ndue: 2026-09-30\n")
TARGET = ["baseline: {value: 8, date: 2026-01-01}", "target: {value: 12, date: 2026-12-31}", "review: monthly"]


def test_two_inline_actuals_for_one_date_with_different_values_are_an_error(framework):
    text = kpi("arr", *TARGET, "actuals:", "  - {date: 2026-06-15, value: 12}", "  - {date: 2026-06-15, value: 8.4}")
    result = check_tree(framework({"goals.yaml": GOAL, "kpis.yaml": text, "p.yaml": PLAN}))
    [finding] = by_rule(result, "conflicting-actuals")
    assert (finding.file, finding.line, finding.column, finding.subject) == ("kpis.yaml", 14, 31, "arr")
    assert finding.code == "KF011" and finding.severity.value == "error"
    assert finding.message == ("KPI 'arr' has two different actuals for 2026-06-15: 12 (kpis.yaml:13) and 8.4 "
                               "(kpis.yaml:14); neither is used until one is removed")
    assert by_rule(result, "off-track-kpi") == []  # neither value is taken for the truth


def test_an_inline_actual_and_a_csv_row_that_disagree_name_both_places(framework):
    text = kpi("arr", *TARGET, "actuals:", "  - {date: 2026-06-15, value: 12}")
    root = framework({"goals.yaml": GOAL, "kpis.yaml": text, "p.yaml": PLAN,
                      "data/a.csv": "kpi,date,value\narr,2026-06-15,8.4\n"}, config=CSV_CONFIG)
    result = check_tree(root)
    [finding] = by_rule(result, "conflicting-actuals")
    assert (finding.file, finding.line, finding.column, finding.subject) == ("data/a.csv", 2, 1, "arr")
    assert "12 (kpis.yaml:13) and 8.4 (data/a.csv:2)" in finding.message
    status = result.analysis.kpi_statuses["arr"]
    assert status.progress.latest_value is None


def test_two_csv_files_that_disagree_do_not_depend_on_file_order(framework):
    files = {"goals.yaml": GOAL, "kpis.yaml": kpi("arr", *TARGET, "actuals:", "  - {date: 2026-05-31, value: 9.6}"),
             "p.yaml": PLAN, "data/a.csv": "kpi,date,value\narr,2026-06-15,12\n",
             "data/b.csv": "kpi,date,value\narr,2026-06-15,8.4\n"}
    result = check_tree(framework(files, config=CSV_CONFIG))
    [finding] = by_rule(result, "conflicting-actuals")
    assert (finding.file, finding.line) == ("data/b.csv", 2)
    assert "12 (data/a.csv:2) and 8.4 (data/b.csv:2)" in finding.message
    # Judged at the last reading nobody disputes, and the message said the disputed one is not used.
    assert result.analysis.kpi_statuses["arr"].progress.latest_date == date(2026, 5, 31)


def test_the_disputed_actuals_are_the_same_read_alone_or_from_the_statuses(framework):
    """conflicting-actuals reads them without the statuses (its process may not compute them)."""
    files = {"goals.yaml": GOAL, "kpis.yaml": kpi("arr", *TARGET, "actuals:", "  - {date: 2026-06-15, value: 12}"),
             "p.yaml": PLAN, "o.yaml": kpi("other", "actuals:", "  - {date: 2026-06-15, value: 1}"),
             "data/a.csv": "kpi,date,value\narr,2026-06-15,8.4\nother,2026-06-15,1\n"}
    root = framework(files, config=CSV_CONFIG)
    alone = load_framework(root, LoadOptions(today=date(2026, 9, 30))).analysis
    after = load_framework(root, LoadOptions(today=date(2026, 9, 30))).analysis
    after.kpi_statuses  # noqa: B018 - computed first, so the disputes are taken from them
    assert list(alone.disputed_actuals) == ["arr"], "an identical repeat is no dispute"
    assert alone.disputed_actuals == after.disputed_actuals


def test_two_rows_of_one_csv_file_that_disagree(framework):
    files = {"goals.yaml": GOAL, "kpis.yaml": kpi("arr", *TARGET), "p.yaml": PLAN,
             "data/a.csv": "kpi,date,value\narr,2026-06-15,12\nother,2026-06-15,1\narr,2026-06-15,8.4\n",
             "o.yaml": kpi("other")}
    [finding] = by_rule(check_tree(framework(files, config=CSV_CONFIG)), "conflicting-actuals")
    assert (finding.file, finding.line) == ("data/a.csv", 4)


def test_identical_duplicates_are_fine(framework):
    text = kpi("arr", *TARGET, "actuals:", "  - {date: 2026-06-15, value: 12}")
    root = framework({"goals.yaml": GOAL, "kpis.yaml": text, "p.yaml": PLAN,
                      "data/a.csv": "kpi,date,value\narr,2026-06-15,12\narr,2026-06-15,12.0\n"}, config=CSV_CONFIG)
    result = check_tree(root)
    assert result.findings == []
    assert result.analysis.kpi_statuses["arr"].status == "achieved"
