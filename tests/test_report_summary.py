"""The report leads with what matters (issue 17, item 3): a summary a leadership team reads in two
minutes, the 7-column gaps table with plan titles and owners, long lists folded, one department's
report, trend charts, and counts that agree with each other (issue 16's leftovers)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import EXAMPLES, write_tree
from tests.test_report import (
    EXAMPLE_TODAY,
    assert_mermaid_plausible,
    assert_tables_well_formed,
    markdown_of,
    mermaid_blocks,
    report,
    split_cells,
    tables,
    xychart_blocks,
)

SUMMARY_LEADS = ["**Verdict:**", "**Key KPIs** (`key: true`)", "## Summary", "**Key KPIs behind**",
                 "**Behind, and nobody correcting course", "**Due in the next 30 days**", "**Stale numbers",
                 "**Without an owner", "### Framework health", "## Alignment"]


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = re.search(r"^## ", text[start + len(heading):], flags=re.M)
    return text[start:start + len(heading) + following.start()] if following else text[start:]


def behind_framework(count: int, *, owners: bool = True) -> dict[str, str]:
    """``count`` KPIs, each off track by a different amount, none with a plan."""
    docs = ["kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"]
    for i in range(count):
        owner = f"owner: Owner {i}\n" if owners or i % 2 else ""
        docs.append(f"kind: KPI\nid: k{i:02d}\nname: Metric {i:02d}\ndepartment: d{i % 3}\n{owner}unit: x\n"
                    "direction: increase\nsupports: [grow]\nreview: monthly\n"
                    "baseline: {value: 0, date: 2026-01-01}\ntarget: {value: 100, date: 2026-12-31}\n"
                    f"actuals: [{{date: 2026-06-01, value: {i}}}]\n")
    docs.append("kind: ActionPlan\nid: p-unowned\ntitle: Nobody's plan\naddresses: [k00]\nstatus: planned\n"
                "due: 2026-07-10\n")
    return {"kpiframe.yaml": "organization: Many Co\n", "fw.yaml": "---\n".join(docs)}


def test_the_report_opens_with_the_summary_in_the_order_leadership_reads_it():
    text = markdown_of(EXAMPLES / "acme")
    positions = [text.index(lead) for lead in SUMMARY_LEADS]
    assert positions == sorted(positions)
    summary = section(text, "## Summary")
    assert "**Key KPIs** (`key: true`): 4 of 32 KPIs, 1 behind." in text  # counted apart in the header
    assert "**Key KPIs behind** (1 of 4 key KPIs):" in summary
    assert ("- 🔴 ★ **Gross ARR churn, trailing twelve months** (Sofia Alvarez, customer-success): 7.3% on "
            "2026-09-30 where 6% was expected (1.3 percentage points behind); target 5.5% by 2026-12-31. Plan: "
            "Save desk for red and amber accounts (Sofia Alvarez), in progress.") in summary
    assert "**Behind, and nobody correcting course:** none." in summary
    assert "**Due in the next 30 days** (5); already overdue: 1 milestone (see the execution gaps):" in summary
    assert ("- 2026-10-20 (in 20 days): milestone **Q3 pulse survey fielded after the HRIS migration** of Manager "
            "enablement and published career ladders (Rachel Stein)") in summary
    assert ("- **Employee engagement, share of favourable answers** (Rachel Stein, people): last number 2026-03-31, "
            "the next was due 2026-06-30.") in summary
    assert "**Without an owner:** none: every KPI and plan names who answers for it." in summary


def test_each_summary_list_shows_its_first_ten_and_says_how_many_more(tmp_path: Path):
    text = markdown_of(write_tree(tmp_path / "fw", behind_framework(14, owners=False)), "2026-06-30")
    summary = section(text, "## Summary")
    largest = summary.split("**Largest gaps**")[1].split("\n\n**")[0]
    items = [line for line in largest.splitlines() if line.startswith("- ")]
    assert len(items) == 11 and items[-1] == "- … and 4 more (see the performance gaps)."
    # Worst first: the KPI with the lowest actual has the largest gap.
    assert items[0].startswith("- 🔴 **Metric 00** (no owner, d0): 0 x on 2026-06-01")
    uncorrected = summary.split("**Behind, and nobody correcting course** (13):")[1].split("\n\n**")[0]
    assert uncorrected.count("\n- ") == 11 and "- … and 3 more (see the execution gaps)." in uncorrected
    assert "**Without an owner** (7 KPIs, 1 plan):" in summary
    assert "- plan **Nobody's plan** (planned)" in summary
    # Listed nowhere else: the rest of the list is folded in the summary itself.
    many = markdown_of(write_tree(tmp_path / "many", behind_framework(24, owners=False)), "2026-06-30")
    owners = section(many, "## Summary").split("**Without an owner** (12 KPIs, 1 plan):")[1].split("\n\n**")[0]
    assert owners.count("\n- ") == 13 and "<details><summary>and 3 more</summary>" in owners
    # The full lists are folded below: the 14 KPIs behind in one table, opened on a click.
    gaps = section(text, "## Performance gaps")
    assert "<details><summary>All 14 KPIs behind</summary>" in gaps and gaps.rstrip().endswith("</details>")
    tree = section(text, "## Alignment")
    assert "<details><summary>0 goals and 14 KPIs under it, 14 of them behind</summary>" in tree


def test_the_gaps_table_has_seven_columns_with_plan_titles_and_owners_in_words():
    text = markdown_of(EXAMPLES / "silos")
    gaps = section(text, "## Performance gaps")
    (block,) = tables(gaps)
    header = [c.strip() for c in split_cells(block[0])]
    assert header == ["KPI", "Owner", "Status", "Latest", "Expected then", "Target", "Plans"]
    assert "Gap in progress" not in gaps and "*Of the way*: how much of the distance" in gaps
    row = next(r for r in block if "`operating-cost`" in r)
    cells = [c.strip() for c in split_cells(row)]
    assert cells == [
        "Delivery operating cost per month (`operating-cost`)", "Morgan Hale, operations",
        "🔴 off-track: -38% of the way, 75% expected by then", "866 USD k on 2026-09-30",
        "730.25 USD k: 135.75 USD k behind", "700 USD k by 2026-12-31, from 820 USD k on 2025-12-31",
        "Renegotiate the hosting and contractor agency contracts (Morgan Hale): in progress, 92 days overdue; "
        "Automate environment set-up for new projects (Morgan Hale): blocked, due 2026-12-31"]
    health = next(r for r in block if "`event-leads-cost`" in r)
    assert "🔴 off-track by its owner's health (problem); its numbers cannot judge it (no-direction)" in health
    assert_tables_well_formed(text)


def test_a_problem_the_numbers_cannot_judge_is_counted_once_and_the_report_says_how_the_counts_relate():
    text = markdown_of(EXAMPLES / "silos")
    assert ("**Verdict:** Fails the check with 16 errors and 11 warnings; 3 of 12 KPIs behind (3 off track) and 1 "
            "more behind by its owner's health, which the numbers cannot judge; none of these 4 has anyone "
            "correcting course; cannot be judged: 2 (no target 1, no baseline 0, no numbers 0, no direction 1), 1 of "
            "them counted above as behind by the owner's health; 2 cross-department conflicts without a "
            "trade-off.") in text
    assert ("**Cannot be judged:** 2 of 12 KPIs (no target 1, no baseline 0, no numbers 0, no direction 1): not "
            "counted as on track or as behind by their numbers; 1 of them is listed as behind by the owner's "
            "health.") in text
    assert ("- **Cost of a lead from events** (no owner, marketing): 🔴 off-track by its owner's health; no action "
            "plan addresses it.") in text


def test_each_kpi_behind_in_the_summary_gets_a_trend_chart_of_its_actuals_path_and_target():
    text = markdown_of(EXAMPLES / "acme")
    summary = section(text, "## Summary")
    assert "<details><summary>Trend chart of the KPI behind above</summary>" in summary
    (chart,) = xychart_blocks(summary)
    lines = chart.rstrip("\n").split("\n")
    assert lines[0].startswith("%%{init: ") and lines[1] == "xychart-beta"
    assert lines[2] == ('    x-axis ["2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", '
                        '"2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30"]')
    assert lines[3] == "    y-axis 5.3 --> 7.7"
    assert lines[4] == "    bar [7.5, 7.4, 7.3, 7.2, 7, 6.9, 6.8, 7.1, 7.2, 7.3]"  # baseline, then the actuals
    expected = [float(v) for v in lines[5].removeprefix("    line [").removesuffix("]").split(", ")]
    assert expected[0] == 7.5 and expected[-1] == 6.0041  # the straight path, 6% expected at the last reading
    assert lines[6] == "    line [" + ", ".join(["5.5"] * 10) + "]"  # the target


def test_a_threshold_kpi_charts_its_level_and_framework_text_never_reaches_a_chart(tmp_path: Path):
    files = {"kpiframe.yaml": "organization: X\n", "fw.yaml": """kind: KPI
id: up
name: 'Up"time %%{init: {"theme": "dark"}}%% ]] `x` <b>'
department: 'ops'
owner: 'A "quoted" owner'
unit: '%"]'
direction: increase
key: true
threshold: {value: 99.9}
actuals: [{date: 2026-04-30, value: 99.95}, {date: 2026-05-31, value: 99.5}]
"""}
    text = markdown_of(write_tree(tmp_path / "fw", files), "2026-06-30")
    (chart,) = xychart_blocks(text)
    assert chart.split("\n")[2:] == ['    x-axis ["2026-04-30", "2026-05-31"]', "    y-axis 99.455 --> 99.995",
                                     "    bar [99.95, 99.5]", "    line [99.9, 99.9]", ""]
    assert "Up" not in chart and "quoted" not in chart
    assert ('**Up"time %%{init: {"theme": "dark"}}%% \\]\\] \\`x\\` \\<b\\>**: off-track; level to hold ≥ 99.9 %"\\].'
            in text)
    assert "below the level to hold (≥ 99.9 %\"\\])" in text


def test_one_departments_report():
    result = report(str(EXAMPLES / "acme"), "--today", EXAMPLE_TODAY, "--department", "sales")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("# Gap report: Acme Corp, sales only\n")
    assert "**Verdict:** Passes the check with no warnings; 1 of 5 KPIs behind (1 at risk)" in text
    gaps = section(text, "## Performance gaps")
    assert re.findall(r"\(`([a-z0-9-]+)`\) \|", gaps) == ["pipeline-coverage"]
    alignment = section(text, "## Alignment")
    kpis = set(re.findall(r"- KPI .*?\(`([a-z0-9-]+)`, ([a-z-]+),", alignment))
    assert {d for _, d in kpis} == {"sales"} and len(kpis) == 5
    assert "### Grow ARR from 48.0M to 60.0M USD" in alignment and "Keep customers live" not in alignment
    departments = section(text, "## Departments")
    assert [r for r in tables(departments)[0][2:]] == ["| sales | 5 | 5 | 5 | 5 | 4 | 0 | 0 |"]
    for block in mermaid_blocks(text):
        nodes, _ = assert_mermaid_plausible(block)
        assert "n_net_revenue_retention" not in nodes
    refused = report(str(EXAMPLES / "acme"), "--department", "nope")
    assert refused.exit_code == 2 and "no department 'nope'" in refused.output


def test_key_only_report_counts_key_kpis():
    result = report(str(EXAMPLES / "acme"), "--today", EXAMPLE_TODAY, "--key")
    assert result.exit_code == 0
    assert "**Key KPIs** (`key: true`): 4 of 4 KPIs, 1 behind." in result.output
    # The check's findings are the whole framework's; the KPIs counted are the key ones: each says so.
    assert ("**Verdict:** Passes the check with 5 warnings (the whole framework); 1 of 4 key KPIs behind"
            in result.output)


def test_a_sliced_report_names_both_owners_of_a_conflict_whose_other_side_it_leaves_out():
    # silos: sales' new-deals-closed works against operations' KPIs, unresolved. A report of one
    # department (or of the key KPIs) does not list the other side's KPI, but the conflict still
    # says whose trade-off would settle it (this crashed with a KeyError on the left-out KPI).
    for args in (("--department", "sales"), ("--department", "operations"), ("--key",)):
        result = report(str(EXAMPLES / "silos"), "--today", EXAMPLE_TODAY, *args)
        assert result.exit_code == 0, (args, result.output)
        assert ("works against `operating-cost` (operations).**" in result.output
                and "To settle it: a trade-off agreed by Jordan Pike and Morgan Hale." in result.output), args
