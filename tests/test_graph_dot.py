"""`kpiframe graph --format dot` tells the truth at a glance (issue 17, item 5): KPIs filled by
status, influences coloured by whether they help the KPI they point at (by its direction, not by
their sign), a cluster per department, top-down, a legend; framework text inert, rendered by
Graphviz itself where it is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.render.graph_export import EFFECT_LOOKS, NOT_JUDGED_FILL, STATUS_FILLS
from tests.conftest import EXAMPLES

TODAY = "2026-06-30"
ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": None, "FORCE_COLOR": None}
HOSTILE = 'Evil "quoted" \\ back \\N node {brace} </text><script>alert(1)</script> & <b>bold</b>\nsecond line'
QUOTED = json.dumps(HOSTILE)  # a YAML double-quoted scalar: JSON's escapes are YAML's
GREEN, RED, GREY = (EFFECT_LOOKS[effect][0] for effect in (1, -1, 0))


def kpi(kpi_id: str, department: str, direction: str | None, value: int | None, *, influences: str = "",
        health: str = "") -> str:
    return f"""
        kind: KPI
        id: {kpi_id}
        name: {QUOTED if kpi_id == 'churn' else kpi_id}
        department: {department}
        owner: Dana
        supports: [grow]
        unit: accounts
        {f"direction: {direction}" if direction else ""}
        review: monthly
        baseline: {{value: 100, date: 2026-01-01}}
        target: {{value: {200 if direction != "decrease" else 50}, date: 2026-12-31}}
        {f"actuals: [{{date: 2026-06-15, value: {value}}}]" if value is not None else ""}
        {influences}
        {health}
        """


FILES = {
    "kpiframe.yaml": f'organization: Test Co\ndepartments: [{{id: sales, name: {QUOTED}}}, {{id: support}}]\n',
    "goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n",
    # At 2026-06-30 half the year has passed: 150 of 100 -> 200 is on track, 101 off track, 130 at risk.
    "kpis.yaml": "---".join([
        # churn wants to fall; more churn means fewer renewals: a negative sign that helps when churn improves.
        kpi("churn", "support", "decrease", 75, influences="influences: [{target: renewals, effect: decrease}]"),
        kpi("renewals", "sales", "increase", 150),
        kpi("pipeline", "sales", "increase", 101),
        kpi("demos", "sales", "increase", 130),
        kpi("referrals", "sales", "increase", 200),
        kpi("tickets", "support", None, 3),
        kpi("escalations", "support", "increase", None, health="health: {level: problem, date: 2026-06-20}"),
    ]),
    "drivers.yaml": """
        kind: Driver
        id: discounting
        title: Discounts given
        influences:
          - {target: churn, effect: increase}
          - {target: renewals, effect: increase}
          - {target: tickets, effect: increase}
        """,
}


@pytest.fixture
def dot(framework) -> str:
    result = CliRunner().invoke(app, ["graph", str(framework(FILES)), "-f", "dot", "--today", TODAY], env=ENV)
    assert result.exit_code == 0, result.output
    return result.stdout


def node_attributes(dot: str, node: str) -> str:
    return re.search(rf'^ +"{re.escape(node)}" \[(.*)\];$', dot, flags=re.M).group(1)  # type: ignore[union-attr]


def edge_attributes(dot: str, source: str, target: str) -> str:
    """The influence ``source`` -> ``target``, written from the node drawn above (the target)."""
    return re.search(rf'^  "{target}" -> "{source}" \[(.*)\];$', dot, flags=re.M).group(1)  # type: ignore[union-attr]


def test_kpis_are_filled_by_status(dot: str):
    fills = {kpi_id: re.search(r'fillcolor="([^"]+)"', node_attributes(dot, kpi_id)).group(1)  # type: ignore[union-attr]
             for kpi_id in ("renewals", "pipeline", "demos", "referrals", "tickets", "escalations")}
    assert fills == {"renewals": STATUS_FILLS["on-track"][0], "pipeline": STATUS_FILLS["off-track"][0],
                     "demos": STATUS_FILLS["at-risk"][0], "referrals": STATUS_FILLS["achieved"][0],
                     "tickets": NOT_JUDGED_FILL[0], "escalations": STATUS_FILLS["off-track"][0]}
    # The status is in the label too, for a reader without colour, and says when the owner's health judged it.
    assert '\\n(pipeline)\\noff-track"' in node_attributes(dot, "pipeline")
    assert "\\noff-track (owner's health)\"" in node_attributes(dot, "escalations")


def test_an_influence_is_coloured_by_its_effect_on_the_target_not_by_its_sign(dot: str):
    # churn -(-)-> renewals: less churn (its direction) brings more renewals (theirs): it helps.
    assert f'sign="-1", effect="helps", color="{GREEN}"' in edge_attributes(dot, "churn", "renewals")
    # discounting -(+)-> churn: more discounting, more churn, which wants to fall: it works against it.
    assert f'sign="1", effect="works against", color="{RED}"' in edge_attributes(dot, "discounting", "churn")
    assert f'effect="helps", color="{GREEN}"' in edge_attributes(dot, "discounting", "renewals")
    # tickets has no direction: nothing to judge by, grey and dashed.
    attributes = edge_attributes(dot, "discounting", "tickets")
    assert f'color="{GREY}"' in attributes and 'style="dashed"' in attributes


def test_each_department_is_a_cluster_named_as_people_call_it(dot: str):
    clusters = re.findall(r'^  subgraph "(cluster_[^"]+)" \{\n    graph \[label="((?:[^"\\]|\\.)*)"', dot, flags=re.M)
    assert [name for name, _ in clusters] == ["cluster_department_sales", "cluster_department_support",
                                              "cluster_legend kpiframe"]
    assert clusters[1][1] == "support"
    assert clusters[0][1].startswith('Evil \\"quoted\\"')
    sales = dot.split('subgraph "cluster_department_sales" {')[1].split("\n  }")[0]
    assert {'"renewals"', '"pipeline"', '"demos"', '"referrals"'} <= set(re.findall(r'^    ("[^"]+") \[', sales, re.M))
    assert '"grow" [' in dot.split("subgraph")[0]  # a company goal belongs to no department


def test_laid_out_top_down_with_a_legend(dot: str):
    assert 'graph [rankdir="TB", label="Test Co", labelloc="t"];' in dot
    legend = dot.split('subgraph "cluster_legend kpiframe" {')[1]
    for words in ("KPI off-track", "KPI at-risk", "KPI on-track", "KPI achieved", "influence helps",
                  "influence works against", "influence no direction to judge by"):
        assert f'label="{words}' in legend


def test_framework_text_stays_inside_quoted_strings(dot: str):
    outside = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', dot)
    assert "Evil" not in outside and "script" not in outside and "{brace}" not in outside
    assert outside.count("{") == outside.count("}")
    # The KPI's name and the department's are quoted labels, backslashes, quotes and line breaks escaped.
    assert dot.count('label="Evil \\"quoted\\" \\\\ back \\\\N node {brace}') == 2
    assert "<b>bold</b>\\nsecond line" in dot


# --------------------------------------------------------------------------- rendered by Graphviz

DOT_PROGRAM = shutil.which("dot")
needs_dot = pytest.mark.skipif(DOT_PROGRAM is None, reason="Graphviz's `dot` is not installed: .ci/run installs "
                               "the Debian package graphviz (apt-get) where it can")


def render_svg(dot: str) -> ElementTree.Element:
    done = subprocess.run([DOT_PROGRAM or "dot", "-Tsvg"], input=dot.encode(), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert not done.stderr.strip(), done.stderr.decode()  # no warning either (a syntax slip is a warning)
    return ElementTree.fromstring(done.stdout)


def svg_texts(svg: ElementTree.Element) -> list[str]:
    return [text.text or "" for text in svg.iter("{http://www.w3.org/2000/svg}text")]


@needs_dot
def test_graphviz_renders_it_with_the_hostile_text_as_text(dot: str):
    svg = render_svg(dot)
    assert not [element for element in svg.iter() if element.tag.endswith("script")]
    texts = svg_texts(svg)
    assert 'Evil "quoted" \\ back \\N node {brace} </text><script>alert(1)</script> & <b>bold</b>' in texts
    assert "second line" in texts
    fills = {element.get("fill") for element in svg.iter() if element.get("fill")}
    assert {STATUS_FILLS["on-track"][0], STATUS_FILLS["off-track"][0], STATUS_FILLS["at-risk"][0]} <= fills
    strokes = {element.get("stroke") for element in svg.iter() if element.get("stroke")}
    assert {GREEN, RED, GREY} <= strokes


@needs_dot
@pytest.mark.parametrize("example", ["acme", "silos"])
def test_graphviz_renders_the_examples(example: str):
    result = CliRunner().invoke(app, ["graph", str(EXAMPLES / example), "-f", "dot"], env=ENV)
    svg = render_svg(result.stdout)
    titles = svg_texts(svg)
    assert "Legend" in titles and "sales" in titles
