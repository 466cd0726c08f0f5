"""KF2 conflict rules and `kpiframe impact`, on small frameworks and on the examples."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES, by_rule, check_tree


def kpi(kpi_id: str, department: str, direction: str, owner: str = "Ann", influences: str = "") -> str:
    text = (f"kind: KPI\nid: {kpi_id}\nname: {kpi_id}\ndepartment: {department}\nowner: {owner}\n"
            f"unit: u\ndirection: {direction}\n")
    return text + (f"influences: {influences}\n" if influences else "")


def driver(driver_id: str, influences: str) -> str:
    return f"kind: Driver\nid: {driver_id}\ntitle: {driver_id}\ninfluences: {influences}\n"


SEED = {
    "sales.yaml": kpi("new-deals-closed", "sales", "increase", "Dana",
                      "[{target: delivery-workload, effect: increase}]"),
    "ops.yaml": kpi("operating-cost", "operations", "decrease", "Priya",
                    "[{target: delivery-capacity, effect: increase}]"),
    "drivers.yaml": driver("delivery-workload", "[{target: operating-cost, effect: increase}]") + "---\n"
                    + driver("delivery-capacity", "[{target: new-deals-closed, effect: increase}]"),
}
TRADEOFF = ("kind: Tradeoff\nid: deals-vs-cost\nbetween: [operating-cost, new-deals-closed]\n"
            "resolution: Agreed.\nowners: [{owners}]\n")


def test_seed_case_is_one_conflict_with_the_signed_path(framework):
    result = check_tree(framework(SEED))
    [finding] = by_rule(result, "department-conflict")
    assert (finding.file, finding.line, finding.subject) == ("sales.yaml", 8, "new-deals-closed")  # its influence
    assert ("new-deals-closed -(+)-> delivery-workload -(+)-> operating-cost: improving new-deals-closed raises "
            "operating-cost, which operations wants lower") in finding.message
    assert "improving operating-cost also hurts new-deals-closed" in finding.message
    assert finding.related == ("operating-cost", "delivery-workload")
    assert finding.severity.value == "error"


def test_two_decreases_make_an_increase(framework):
    files = {"a.yaml": kpi("a", "x", "increase", influences="[{target: d, effect: decrease}]"),
             "d.yaml": driver("d", "[{target: b, effect: decrease}]"),
             "b.yaml": kpi("b", "y", "decrease")}
    [finding] = by_rule(check_tree(framework(files)), "department-conflict")
    assert "a -(-)-> d -(-)-> b: improving a raises b, which y wants lower" in finding.message


def test_helping_paths_are_not_conflicts(framework):
    files = {"a.yaml": kpi("a", "x", "increase", influences="[{target: b, effect: increase}]"),
             "b.yaml": kpi("b", "y", "increase")}
    assert by_rule(check_tree(framework(files)), "department-conflict") == []


def test_mixed_influence_is_still_a_conflict(framework):
    files = {"a.yaml": kpi("a", "x", "increase", influences="[{target: b, effect: increase}, {target: d, effect: increase}]"),
             "d.yaml": driver("d", "[{target: b, effect: decrease}]"),
             "b.yaml": kpi("b", "y", "increase")}
    [finding] = by_rule(check_tree(framework(files)), "department-conflict")
    assert "mixed" in finding.message


def test_tradeoff_resolves_and_is_counted(framework):
    result = check_tree(framework({**SEED, "t.yaml": TRADEOFF.format(owners="Dana, Priya")}))
    assert by_rule(result, "department-conflict") == [] and by_rule(result, "tradeoff-missing-owner") == []
    assert result.summary()["resolved_conflicts"] == 1


def test_tradeoff_missing_an_owner(framework):
    result = check_tree(framework({**SEED, "t.yaml": TRADEOFF.format(owners="Dana")}))
    [finding] = by_rule(result, "tradeoff-missing-owner")
    assert (finding.file, finding.line) == ("t.yaml", 5) and "Priya (operating-cost, operations)" in finding.message


def test_stale_tradeoff(framework):
    files = {"a.yaml": kpi("new-deals-closed", "sales", "increase", "Dana"),
             "b.yaml": kpi("operating-cost", "operations", "decrease", "Priya"),
             "t.yaml": TRADEOFF.format(owners="Dana, Priya")}
    [finding] = by_rule(check_tree(framework(files)), "tradeoff-without-conflict")
    assert (finding.file, finding.line) == ("t.yaml", 3)


def test_same_department_is_tension_not_conflict(framework):
    files = {"a.yaml": kpi("speed", "ops", "increase", influences="[{target: defects, effect: increase}]"),
             "b.yaml": kpi("defects", "ops", "decrease")}
    result = check_tree(framework(files))
    assert by_rule(result, "department-conflict") == []
    [finding] = by_rule(result, "department-tension")
    assert finding.severity.value == "info" and (finding.file, finding.line, finding.subject) == ("a.yaml", 8, "speed")


def test_influence_cycle_named_once(framework):
    result = check_tree(framework(SEED))
    [finding] = by_rule(result, "influence-cycle")
    assert (finding.file, finding.line, finding.subject) == ("drivers.yaml", 9, "delivery-capacity")
    assert finding.message == ("feedback loop: delivery-capacity -(+)-> new-deals-closed -(+)-> delivery-workload "
                               "-(+)-> operating-cost -(+)-> delivery-capacity")


def test_silos_example_reports_the_seed_conflict():
    result = check_tree(EXAMPLES / "silos")
    pairs = {(f.subject, f.related[0]) for f in by_rule(result, "department-conflict")}
    assert ("new-deals-closed", "operating-cost") in pairs


def test_acme_conflicts_are_all_covered_by_tradeoffs():
    result = check_tree(EXAMPLES / "acme")
    assert by_rule(result, "department-conflict") == []
    assert by_rule(result, "tradeoff-without-conflict") == []
    assert result.summary()["resolved_conflicts"] >= 1


def test_impact_command(framework):
    root = str(framework(SEED))
    runner = CliRunner()
    out = runner.invoke(app, ["impact", "new-deals-closed", root, "-f", "json"])
    assert out.exit_code == 0, out.output
    [effect] = json.loads(out.stdout)["effects"]
    assert (effect["kpi"], effect["outcome"], effect["department"]) == ("operating-cost", "hurt", "operations")
    text = runner.invoke(app, ["impact", "delivery-workload", root], env={"NO_COLOR": "1"})
    assert "operating-cost" in text.output and "hurt" in text.output
    assert runner.invoke(app, ["impact", "new-deals-close", root]).exit_code == 2
