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
