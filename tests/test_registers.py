"""Issue 16: real registers. Standing thresholds, target paths, key KPIs, the owner's health, and
direction, owner and unit left out rather than guessed. Today is 2026-06-30 throughout."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.progress import Measure, assess
from tests.conftest import by_rule, check_tree

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"


def kpi(kpi_id: str, *lines: str, head: str = "owner: Dana\nunit: '%'\ndirection: increase\n") -> str:
    return (f"kind: KPI\nid: {kpi_id}\nname: {kpi_id}\ndepartment: sales\nsupports: [grow]\n{head}"
            + "".join(line + "\n" for line in lines))


PLAN = "kind: ActionPlan\nid: fix\ntitle: Fix\naddresses: [{kpi}]\nstatus: in_progress\ndue: 2026-09-30\n"


def docs(*parts: str) -> str:
    return "---\n".join(parts)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line of ``text`` that contains ``needle``."""
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[nth - 1]


def status_json(root) -> dict:
    result = CliRunner().invoke(app, ["status", str(root), "--today", "2026-06-30", "-f", "json"])
    assert result.exit_code == 0, result.output
    return {k["id"]: k for k in json.loads(result.output)["kpis"]}


# --- thresholds -------------------------------------------------------------------------------


def test_a_threshold_is_on_track_when_met_off_track_when_not_and_no_data_without_actuals(framework):
    root = framework({"a.yaml": docs(
        GOAL,
        kpi("held", "threshold: {value: 95}", "actuals:", "  - {date: 2026-06-01, value: 96}"),
        kpi("breached", "threshold: {value: 95}", "actuals:", "  - {date: 2026-06-01, value: 91}"),
        kpi("lower", "threshold: {value: 2500}", "actuals:", "  - {date: 2026-06-01, value: 2400}",
            head="owner: Dana\nunit: ms\ndirection: decrease\n"),
        kpi("unmeasured", "threshold: {value: 95}"))})
    rows = status_json(root)
    assert {k: rows[k]["status"] for k in rows} == {
        "held": "on-track", "breached": "off-track", "lower": "on-track", "unmeasured": "no-data"}
    assert rows["held"]["judged_by"] == "threshold" and rows["held"]["expected_pct"] is None


def test_missing_action_plan_applies_to_a_threshold_only_when_it_is_breached(framework):
    text = docs(GOAL, kpi("held", "threshold: {value: 95}", "actuals:", "  - {date: 2026-06-01, value: 96}"),
                kpi("breached", "threshold: {value: 95}", "actuals:", "  - {date: 2026-06-01, value: 91}"))
    result = check_tree(framework({"a.yaml": text}))
    [missing] = by_rule(result, "missing-action-plan")
    assert missing.subject == "breached" and missing.line == line_of(text, "threshold:", 2)
    assert "does not hold its threshold (≥ 95%; latest 91% on 2026-06-01)" in missing.message
    [uncorrected] = by_rule(result, "uncorrected-off-track")
    assert uncorrected.subject == "breached"
    [off] = by_rule(result, "off-track-kpi")
    assert "does not hold its threshold (≥ 95%): 4 percentage points behind" in off.message


def test_status_table_shows_a_threshold_as_a_level(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("held", "key: true", "threshold: {value: 95}",
                                                "actuals:", "  - {date: 2026-06-01, value: 96}"))})
    out = CliRunner().invoke(app, ["status", str(root), "--today", "2026-06-30"], env={"COLUMNS": "200"}).output
    assert "≥ 95%" in out and "★ held" in out


# --- target paths -------------------------------------------------------------------------------


def test_expected_progress_follows_a_target_path_piecewise():
    # baseline 0 on 01-01, 10 by 03-31 (a slow quarter), 100 by 12-31: at 06-30 the expected value
    # is on the second leg, 10 + 90 * (91 / 275 days), not the straight line's 49.6.
    measure = Measure("increase", 0, date(2026, 1, 1), 100, date(2026, 12, 31),
                      actuals=[(date(2026, 6, 30), 40)], steps=[(date(2026, 3, 31), 10)])
    progress = assess(measure, date(2026, 6, 30))
    assert round(progress.expected_value, 2) == round(10 + 90 * 91 / 275, 2)
    assert round(progress.expected_pct, 2) == round(progress.expected_value, 2)  # baseline 0, target 100
    assert progress.status == "on-track"  # 40 against 39.8 expected; the straight line would say at-risk


def test_target_and_targets_together_are_an_error_at_targets(framework):
    text = docs(GOAL, kpi("both", "target: {value: 12, date: 2026-12-31}", "targets:",
                          "  - {value: 12, date: 2026-12-31}"))
    [finding] = by_rule(check_tree(framework({"a.yaml": text})), "invalid-value")
    assert finding.line == line_of(text, "targets:") and "both `target` and `targets`" in finding.message


def test_target_path_steps_out_of_order_are_an_error(framework):
    text = docs(GOAL, kpi("path", "targets:", "  - {value: 10, date: 2026-09-30}", "  - {value: 12, date: 2026-03-31}"))
    [finding] = by_rule(check_tree(framework({"a.yaml": text})), "invalid-value")
    assert finding.line == line_of(text, "2026-03-31")
    assert "`targets[1].date` 2026-03-31 is not after" in finding.message


def test_target_path_reverses_points_at_the_step(framework):
    good = kpi("up", "baseline: {value: 5, date: 2026-01-01}", "targets:", "  - {value: 8, date: 2026-06-30}",
               "  - {value: 12, date: 2026-12-31}")
    bad = kpi("dip", "baseline: {value: 5, date: 2026-01-01}", "targets:", "  - {value: 4, date: 2026-06-30}",
              "  - {value: 12, date: 2026-12-31}")
    text = docs(GOAL, good, bad)
    [finding] = by_rule(check_tree(framework({"a.yaml": text})), "target-path-reverses")
    assert (finding.subject, finding.line) == ("dip", line_of(text, "value: 4,"))
    assert "step 1 (4% by 2026-06-30) is lower than the baseline (5%)" in finding.message


# --- health -------------------------------------------------------------------------------------


def test_health_problem_without_numbers_and_without_a_plan_is_uncorrected(framework):
    text = docs(GOAL, kpi("flagged", "health: {level: problem, date: 2026-06-01}"),
                kpi("watched", "health: {level: attention}"),
                kpi("planned", "health: {level: problem}"), PLAN.format(kpi="planned"))
    findings = by_rule(check_tree(framework({"a.yaml": text})), "uncorrected-off-track")
    assert [(f.subject, f.line) for f in findings] == [("flagged", line_of(text, "health:")),
                                                         ("watched", line_of(text, "health:", 2))]
    assert "off-track by its owner's health (problem on 2026-06-01)" in findings[0].message
    assert "at-risk by its owner's health (attention)" in findings[1].message


def test_health_does_not_override_numbers_that_judge(framework):
    text = docs(GOAL, kpi("fine", "threshold: {value: 95}", "health: {level: problem}",
                          "actuals:", "  - {date: 2026-06-01, value: 97}"))
    result = check_tree(framework({"a.yaml": text}))
    assert by_rule(result, "uncorrected-off-track") == []
    [disagrees] = by_rule(result, "health-disagrees")
    assert disagrees.line == line_of(text, "health:")
    assert "its owner says problem but the numbers say on-track" in disagrees.message


def test_health_that_agrees_is_no_finding(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("fine", "threshold: {value: 95}", "health: {level: okay}",
                                                "actuals:", "  - {date: 2026-06-01, value: 97}"))})
    assert by_rule(check_tree(root), "health-disagrees") == []


# --- key KPIs -----------------------------------------------------------------------------------


def test_key_kpis_come_first_and_key_filters(framework):
    root = framework({"a.yaml": docs(GOAL, kpi("a-plain", "threshold: {value: 1}"),
                                     kpi("z-key", "key: true", "threshold: {value: 1}"))})
    assert list(status_json(root)) == ["z-key", "a-plain"]
    result = CliRunner().invoke(app, ["status", str(root), "--today", "2026-06-30", "-f", "json", "--key"])
    assert [k["id"] for k in json.loads(result.output)["kpis"]] == ["z-key"]
    tree = CliRunner().invoke(app, ["tree", str(root), "--today", "2026-06-30", "--key"], env={"COLUMNS": "200"})
    assert "z-key" in tree.output and "a-plain" not in tree.output
    report = CliRunner().invoke(app, ["report", str(root), "--today", "2026-06-30", "--key"])
    assert "`z-key`" in report.output and "`a-plain`" not in report.output


# --- direction, owner, unit left out ------------------------------------------------------------


def test_missing_direction_owner_and_unit_are_reported_at_the_kpi(framework):
    text = docs(GOAL, kpi("bare", head=""), kpi("tilde", head="owner: ~\n"))
    result = check_tree(framework({"a.yaml": text}))
    bare, tilde = line_of(text, "name: bare"), line_of(text, "name: tilde")
    assert [(f.subject, f.line) for f in by_rule(result, "missing-direction")] == [("bare", bare), ("tilde", tilde)]
    # written empty (`owner: ~`): the finding points at the field
    assert [(f.subject, f.line) for f in by_rule(result, "missing-owner")] == [("bare", bare),
                                                                              ("tilde", line_of(text, "owner: ~"))]
    assert [(f.subject, f.line) for f in by_rule(result, "missing-unit")] == [("bare", bare), ("tilde", tilde)]


def test_a_kpi_without_direction_is_not_judged_and_is_left_out_of_the_conflict_search(framework):
    root = framework({"a.yaml": docs(
        GOAL, kpi("undirected", "threshold: {value: 95}", "actuals:", "  - {date: 2026-06-01, value: 91}",
                  "influences:", "  - {target: cost, effect: increase}", head="owner: Dana\nunit: '%'\n"),
        kpi("cost", head="owner: Priya\nunit: USD\ndirection: decrease\n").replace("sales", "ops"))})
    result = check_tree(root)
    assert by_rule(result, "department-conflict") == []  # improving 'undirected' has no meaning
    assert result.summary()["kpis_without_direction"] == 1
    assert status_json(root)["undirected"]["status"] == "no-direction"
    assert by_rule(result, "uncorrected-off-track") == []
