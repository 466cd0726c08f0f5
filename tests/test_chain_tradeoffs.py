"""A trade-off settles a chain, and can name a driver (issue 14, item 6).

`between: [X, B]` settles every conflict in which improving some KPI A hurts B and every
harmful path from A to B passes through X (X = A is the plain case). X may be a KPI or a Driver.

The framework below is the README's example: marketing's leads feed sales' bookings; every
booking adds delivery workload, which costs operations its on-time go-lives. Sales and operations
agreed a trade-off; marketing's harm to operations passes through sales' bookings, so it is
settled by the same agreement.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import by_rule, check_tree

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"


def kpi(kpi_id: str, department: str, owner: str, direction: str = "increase", influences: str = "") -> str:
    text = (f"kind: KPI\nid: {kpi_id}\nname: {kpi_id}\ndepartment: {department}\nowner: {owner}\n"
            f"supports: [grow]\nunit: u\ndirection: {direction}\n")
    return text + (f"influences: {influences}\n" if influences else "")


def tradeoff(tradeoff_id: str, between: str, owners: str) -> str:
    return (f"kind: Tradeoff\nid: {tradeoff_id}\nbetween: [{between}]\nresolution: Agreed.\n"
            f"owners: [{owners}]\n")


FRAMEWORK = {
    "goals.yaml": GOAL,
    "marketing.yaml": kpi("leads", "marketing", "Riley", influences="[{target: bookings, effect: increase}]"),
    "sales.yaml": kpi("bookings", "sales", "Dana", influences="[{target: workload, effect: increase}]"),
    "drivers.yaml": "kind: Driver\nid: workload\ntitle: Delivery workload\n"
                    "influences: [{target: on-time, effect: decrease}]\n",
    "operations.yaml": kpi("on-time", "operations", "Priya"),
}
SALES_OPS = tradeoff("bookings-vs-on-time", "bookings, on-time", "Dana, Priya")


def conflicts(result) -> set[tuple[str, str]]:
    return {(f.subject, f.related[0]) for f in by_rule(result, "department-conflict")}


def test_without_a_tradeoff_both_sales_and_marketing_conflict_with_operations(framework):
    assert conflicts(check_tree(framework(FRAMEWORK))) == {("bookings", "on-time"), ("leads", "on-time")}


def test_a_tradeoff_settles_every_conflict_whose_harmful_paths_all_pass_through_it(framework):
    result = check_tree(framework({**FRAMEWORK, "t.yaml": SALES_OPS}))
    assert conflicts(result) == set()
    assert result.findings == []
    assert result.summary()["resolved_conflicts"] == 2


def test_a_harmful_path_that_avoids_the_tradeoff_still_conflicts(framework):
    files = {**FRAMEWORK, "t.yaml": SALES_OPS,
             "marketing.yaml": kpi("leads", "marketing", "Riley",
                                   influences="[{target: bookings, effect: increase}, {target: workload, effect: increase}]")}
    result = check_tree(framework(files))
    [finding] = by_rule(result, "department-conflict")
    assert (finding.subject, finding.related[0]) == ("leads", "on-time")
    assert "leads -(+)-> workload -(-)-> on-time" in finding.message


def test_a_tradeoff_can_name_a_driver(framework):
    files = {**FRAMEWORK, "t.yaml": tradeoff("workload-vs-on-time", "workload, on-time", "Priya")}
    result = check_tree(framework(files))
    assert conflicts(result) == set() and result.findings == []
    assert result.summary()["resolved_conflicts"] == 2


def test_for_a_driver_the_hurt_kpis_owner_must_sign(framework):
    files = {**FRAMEWORK, "t.yaml": tradeoff("workload-vs-on-time", "workload, on-time", "Dana")}
    [finding] = by_rule(check_tree(framework(files)), "tradeoff-missing-owner")
    assert (finding.file, finding.line) == ("t.yaml", 5)
    assert "owners do not include Priya (on-time, operations)" in finding.message


def test_a_driver_tradeoff_that_settles_nothing_is_stale(framework):
    files = {**FRAMEWORK, "t.yaml": SALES_OPS,
             "t2.yaml": tradeoff("workload-vs-bookings", "workload, bookings", "Dana")}
    result = check_tree(framework(files))
    [finding] = by_rule(result, "tradeoff-without-conflict")
    assert (finding.file, finding.subject) == ("t2.yaml", "workload-vs-bookings")
    assert "no harm to bookings passes through workload" in finding.message


def test_a_kpi_tradeoff_that_settles_nothing_is_still_stale(framework):
    files = {**FRAMEWORK, "t.yaml": SALES_OPS, "t2.yaml": tradeoff("leads-vs-bookings", "leads, bookings", "Dana, Riley")}
    [finding] = by_rule(check_tree(framework(files)), "tradeoff-without-conflict")
    assert finding.subject == "leads-vs-bookings"


def test_a_tradeoff_naming_a_goal_is_a_dangling_reference_that_asks_for_a_kpi_or_driver(framework):
    files = {**FRAMEWORK, "t.yaml": tradeoff("t", "grow, on-time", "Priya")}
    [finding] = by_rule(check_tree(framework(files)), "dangling-reference")
    assert "takes a KPI or Driver" in finding.message


def test_impact_shows_which_tradeoff_settles_each_path(framework):
    root = str(framework({**FRAMEWORK, "t.yaml": SALES_OPS}))
    out = CliRunner().invoke(app, ["impact", "leads", root, "-f", "json"])
    effects = {e["kpi"]: e for e in json.loads(out.stdout)["effects"]}
    assert effects["on-time"]["outcome"] == "hurt" and effects["on-time"]["tradeoffs"] == ["bookings-vs-on-time"]
    text = CliRunner().invoke(app, ["impact", "leads", root], env={"NO_COLOR": "1", "COLUMNS": "200"}).output
    [row] = [line for line in text.splitlines() if line.startswith("on-time")]
    assert row.rstrip().endswith("bookings-vs-on-time")


def test_the_report_lists_a_driver_tradeoff_as_settling_conflicts(framework):
    root = str(framework({**FRAMEWORK, "t.yaml": tradeoff("workload-vs-on-time", "workload, on-time", "Priya")}))
    text = CliRunner().invoke(app, ["report", root, "--today", "2026-06-30"]).output
    assert "`workload-vs-on-time`" in text and "may be stale" not in text
    assert "| Cross-department conflicts without a trade-off | 0% | 0 of 2 |" in text
