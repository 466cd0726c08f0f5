"""Report wording a new user found wrong or confusing (trial 17, item 6): plans named by title and
owner wherever the report says why nobody is correcting course."""

from __future__ import annotations

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": None, "FORCE_COLOR": None}


def report_of(example: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["report", str(EXAMPLES / example), "--today", "2026-09-30", *args], env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


def test_nobody_correcting_course_names_the_plans_by_title_and_owner():
    text = report_of("silos")
    summary = text.split("**Behind, and nobody correcting course**")[1].split("**Due in the next")[0]
    line = next(line for line in summary.splitlines() if "Delivery operating cost per month" in line)
    assert line.endswith("🔴 off-track; Renegotiate the hosting and contractor agency contracts (Morgan Hale) is in progress but was due 2026-06-30; "
                         "Automate environment set-up for new projects (Morgan Hale) is blocked.")
    assert "'vendor-renegotiation'" not in text.split("## Appendix")[0]
    gaps = text.split("### Behind, and nobody correcting course")[1].split("###")[0]
    assert ("| Renegotiate the hosting and contractor agency contracts (Morgan Hale) is in progress but was due 2026-06-30; "
            "Automate environment set-up for new projects (Morgan Hale) is blocked |") in gaps


def test_the_header_says_why_it_counts_more_kpi_documents_than_the_verdict_counts_kpis(tmp_path):
    from tests.conftest import write_tree

    kpi = ("kind: KPI\nid: {id}\nname: N\ndepartment: ops\nowner: O\nunit: x\ndirection: increase\n"
           "supports: [grow]\n{extra}")
    docs = ["kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n",
            kpi.format(id="a", extra=""), kpi.format(id="a", extra=""), kpi.format(id="b", extra=""),
            kpi.format(id="old", extra="retired: {date: 2026-01-01, reason: replaced}\n")]
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": "organization: Co\ndepartments: [ops]\n",
                                        "fw.yaml": "---\n".join(docs)})
    result = CliRunner().invoke(app, ["report", str(root), "--today", "2026-06-30"], env=ENV)
    header = result.output.split("**Verdict:**")[0]
    assert "(1 goal, 4 KPIs)." in header
    assert ("The report counts 2 KPIs: 1 KPI document repeats an id already used (counted once; see the "
            "appendix) and 1 retired KPI is left out (`--all` includes them).") in header
    assert "cannot be judged: 2 (" in result.output.split("**Verdict:**")[1].splitlines()[0]
