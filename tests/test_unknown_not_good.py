"""Nothing unknown is counted as good (issue 14, item 2).

A KPI with no actuals is not "current"; one with no target, baseline or actuals cannot be judged
and is counted as such in every summary: the report's verdict and health table, the `status`
footer and the JSON report. None says "no KPI is behind" or "all current" while some cannot be
judged.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"
PHRASE = "cannot be judged: 3 (no target 1, no baseline 1, no numbers 1)"


def kpi(kpi_id: str, *extra: str) -> str:
    return "\n".join([f"kind: KPI\nid: {kpi_id}\nname: {kpi_id}\ndepartment: sales\nowner: Dana\nsupports: [grow]",
                      "unit: USD\ndirection: increase", *extra]) + "\n"


PLAN = "kind: ActionPlan\nid: p\ntitle: P\naddresses: [{ids}]\nstatus: in_progress\ndue: 2026-12-31\n"
TARGET = "target: {value: 200, date: 2026-12-31}"
BASELINE = "baseline: {value: 100, date: 2026-01-01}"
ACTUAL = "actuals: [{date: 2026-06-15, value: 150}]"


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": "200"})


def register(framework, judged: bool = False):
    """Three KPIs that cannot be judged (one each way), and, if asked, one on track."""
    files = {"goals.yaml": GOAL,
             "a.yaml": kpi("no-target", ACTUAL),
             "b.yaml": kpi("no-baseline", TARGET, ACTUAL),
             "c.yaml": kpi("no-numbers", BASELINE, TARGET),
             "p.yaml": PLAN.format(ids="no-baseline, no-numbers" + (", fine" if judged else ""))}
    if judged:
        files["d.yaml"] = kpi("fine", BASELINE, TARGET, ACTUAL)
    return str(framework(files))


def test_a_register_with_nothing_to_judge_never_reads_as_healthy(framework):
    root = str(framework({"goals.yaml": GOAL, **{f"{i}.yaml": kpi(f"k{i}") for i in range(3)}}))
    text = cli("report", root, "--today", "2026-06-30").output
    assert "no KPI is behind" not in text
    assert "cannot be judged: 3 (no target 3, no baseline 0, no numbers 0)" in text
    assert "| KPIs with current numbers | 0% | 0 of 3 |" in text  # no actuals: not current


def test_the_report_verdict_and_health_table_count_what_cannot_be_judged(framework):
    text = cli("report", register(framework, judged=True), "--today", "2026-06-30").output
    verdict = next(line for line in text.splitlines() if line.startswith("**Verdict:**"))
    assert "none of the 1 KPI that can be judged is behind" in verdict and PHRASE in verdict
    assert "no KPI is behind" not in verdict
    assert f"| KPIs that {PHRASE.replace(': 3', '')} | 75% | 3 of 4 |" in text
    assert "| KPIs with current numbers | 75% | 3 of 4 |" in text  # the one without numbers is not current


def test_the_status_footer_counts_what_cannot_be_judged(framework):
    output = cli("status", register(framework), "--today", "2026-06-30").output
    assert PHRASE in output


def test_the_json_report_counts_what_cannot_be_judged(framework):
    payload = json.loads(cli("report", register(framework), "--today", "2026-06-30", "--format", "json").stdout)
    assert payload["header"]["cannot_be_judged"] == {"total": 3, "no_target": 1, "no_baseline": 1,
                                                     "no_numbers": 1, "no_direction": 0}
    assert PHRASE in payload["header"]["verdict_text"]


def test_the_status_json_counts_what_cannot_be_judged(framework):
    payload = json.loads(cli("status", register(framework), "--today", "2026-06-30", "--format", "json").stdout)
    assert payload["cannot_be_judged"] == {"total": 3, "no_target": 1, "no_baseline": 1, "no_numbers": 1,
                                           "no_direction": 0}


def test_when_everything_can_be_judged_nothing_is_said_about_it():
    text = cli("report", str(EXAMPLES / "acme")).output
    assert "cannot be judged" not in text.split("## Alignment")[0]
