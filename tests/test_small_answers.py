"""Small wrong answers (issue 14, item 8): impact on a goal, did-you-mean for rule names.

(JUnit's failures at --fail-on are tested in tests/test_formats.py.)
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES

SILOS = str(EXAMPLES / "silos")


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30"})


@pytest.mark.parametrize("doc_id, kind", [("grow-revenue", "a Goal"), ("sales-hit-the-number", "a Goal"),
                                          ("vendor-renegotiation", "an ActionPlan")])
def test_impact_on_a_document_that_is_no_kpi_or_driver_says_what_it_is(doc_id: str, kind: str):
    result = cli("impact", doc_id, SILOS)
    assert result.exit_code == 2
    assert (f"'{doc_id}' is {kind}, not a KPI or a driver: `kpiframe impact` follows influences, which only "
            "KPIs and drivers have") in result.output
    assert "did you mean" not in result.output


def test_impact_on_an_unknown_id_suggests_a_kpi_or_driver():
    result = cli("impact", "new-deals-close", SILOS)
    assert result.exit_code == 2 and "no KPI or driver 'new-deals-close'; did you mean 'new-deals-closed'?" in result.output


def test_impact_on_a_kpi_with_errors_says_so(framework):
    root = framework({"k.yaml": "kind: KPI\nid: cost\nname: Cost\n"})
    result = cli("impact", "cost", str(root))
    assert result.exit_code == 2 and "'cost' is a KPI with errors (k.yaml:1)" in result.output


def test_explain_suggests_the_rule_meant():
    result = cli("explain", "off-track")
    assert result.exit_code == 2 and "no rule 'off-track'; did you mean 'off-track-kpi'?" in result.output


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_select_and_ignore_suggest_the_rule_meant(option: str):
    result = cli("check", SILOS, option, "off-track,KF1")
    assert result.exit_code == 2
    shown = re.sub(r"[│╭╮╰╯─\s]+", " ", result.output)  # unwrap typer's error panel
    assert "no rule matches 'off-track' (did you mean 'off-track-kpi'?)" in shown


def test_config_rules_suggest_the_rule_meant(framework):
    root = framework({"g.yaml": "kind: Goal\nid: g\ntitle: G\nlevel: company\n"},
                     config="rules:\n  off-track: warning\n")
    result = cli("check", str(root))
    assert "configuration: 'off-track' is not a rule code, slug or code prefix" in result.output
    assert "did you mean 'off-track-kpi'?" in result.output
