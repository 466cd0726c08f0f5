"""`kpiframe tree` (goals, KPIs and plans in the terminal) and `kpiframe graph` (the graph for other tools)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES, write_tree

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": None, "FORCE_COLOR": None}


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


# --------------------------------------------------------------------------- tree


def test_tree_shows_goals_kpis_with_status_and_progress_and_their_plans():
    result = run("tree", str(EXAMPLES / "silos"), "--today", "2026-09-30")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Northgate Systems: goals and KPIs at 2026-09-30"
    assert "├── Break even by the end of 2026  become-profitable (company)" in lines
    assert ("│   └── Deliver projects for 15% less  ops-run-delivery-lean (operations, department)") in lines
    kpi = lines.index("│       ├── KPI Delivery operating cost per month  operating-cost  off-track  -38% / 75% expected "
                      "at its last reading (2026-09-30)")
    assert lines[kpi + 1] == ("│       │   ├── plan Renegotiate the hosting and contractor agency contracts  "
                              "vendor-renegotiation  in progress, due 2026-06-30 (92 days overdue)")
    assert lines[kpi + 2].endswith("delivery-automation-pilot  blocked, due 2026-12-31")
    assert "│       │   └── no action plan" in lines  # projects-on-time: behind, and nobody acting
    assert "├── Customers who recommend us  delight-customers (company)  not measured by any KPI" in lines
    assert "\x1b[" not in result.output  # NO_COLOR


def test_tree_ends_with_what_is_not_traced_to_a_company_goal():
    result = run("tree", str(EXAMPLES / "silos"), "--today", "2026-09-30")
    tail = result.output.split("└── Not traced to a company goal\n")[1]
    assert "    ├── Be seen as the category leader  marketing-brand-leader (marketing, department)" in tail
    assert "KPI Outbound calls per rep per week  sales-calls-per-week  no-target  supports no goal" in tail
    assert "KPI Aided brand awareness among target buyers  brand-awareness  on-track" in tail


def test_tree_for_one_department_keeps_the_company_goals_it_rolls_up_to():
    result = run("tree", str(EXAMPLES / "acme"), "--department", "sales")
    assert result.exit_code == 0, result.output
    output = result.output
    assert output.splitlines()[0] == "Acme Corp: goals and KPIs at 2026-09-30 (department sales)"
    assert "└── Grow ARR from 48.0M to 60.0M USD  grow-arr (company)" in output
    assert "sales-mid-market-pod-h2 (sales, team)" in output
    assert "KPI ★ New-logo ARR booked, year to date  new-arr-booked  on-track  72% / 75% expected" in output
    assert "marketing-fill-pipeline" not in output  # another department's goal, with no sales KPI under it
    assert "retain-and-expand" not in output  # a company goal with nothing of sales under it
    assert "Not traced" not in output


def test_tree_for_a_department_shows_goals_of_other_departments_on_the_way_up(framework):
    root = framework({
        "goals.yaml": """
            kind: Goal
            id: grow
            title: Grow
            level: company
            ---
            kind: Goal
            id: ops-capacity
            title: Capacity
            level: department
            department: operations
            parent: grow
        """,
        "kpis.yaml": """
            kind: KPI
            id: hires
            name: Hires
            department: people
            owner: Pat
            supports: [ops-capacity]
            unit: people
            direction: increase
        """,
    })
    result = run("tree", str(root), "--department", "people", "--today", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert "└── Grow  grow (company)\n    └── Capacity  ops-capacity (operations, department)\n" \
           "        └── KPI Hires  hires  no-target" in result.output


def test_tree_with_an_unknown_department_is_a_usage_error():
    result = run("tree", str(EXAMPLES / "acme"), "--department", "salse")
    assert result.exit_code == 2
    assert "no department 'salse'; known: customer-success, finance" in result.output


def test_tree_of_an_empty_folder(tmp_path: Path):
    result = run("tree", str(tmp_path), "--today", "2026-06-30")
    assert result.exit_code == 0
    assert "└── no company goals" in result.output


# --------------------------------------------------------------------------- graph


def graph_output(fmt: str, path: Path = EXAMPLES / "silos") -> str:
    result = run("graph", str(path), "--format", fmt)
    assert result.exit_code == 0, result.output
    return result.stdout


def _outside_quotes(dot: str) -> str:
    """DOT text with every double-quoted string removed (escaped quotes inside them honoured)."""
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)


def test_dot_is_plausible_every_edge_names_declared_nodes():
    dot = graph_output("dot")
    bare = _outside_quotes(dot)
    assert bare.count("{") == bare.count("}") == 1 + 4 + 1  # the graph, a cluster per department, the legend
    assert dot.startswith("digraph kpiframe {\n") and dot.endswith("}\n")
    declared = {node for node in re.findall(r'^ +"([^"]+)" \[', dot, flags=re.M) if not node.startswith("legend ")}
    # Written from the node drawn above to the one below, the arrow turned back to point as the documents refer.
    edges = re.findall(r'^  "([^"]+)" -> "([^"]+)" \[(.*)\];$', dot, flags=re.M)
    assert len(declared) == 29 and len(edges) == 29  # silos: 12 KPIs
    assert all(a in declared and b in declared and 'dir="back"' in attrs for a, b, attrs in edges)
    influences = {(b, a): attrs for a, b, attrs in edges if 'rel="influences"' in attrs}
    assert 'label="-", dir="back", sign="-1"' in influences[("delivery-workload", "projects-on-time")]
    assert 'label="+", dir="back", sign="1"' in influences[("new-deals-closed", "delivery-workload")]


def test_dot_quotes_labels_with_quotes_backslashes_and_newlines(framework):
    root = framework({"goals.yaml": 'kind: Goal\nid: g\ntitle: "Say \\"hi\\" \\\\ {now}\\nand then"\nlevel: company\n'})
    dot = graph_output("dot", root)
    assert '"g" [label="Say \\"hi\\" \\\\ {now}\\nand then\\n(g)"' in dot
    bare = _outside_quotes(dot)
    assert bare.count("{") == bare.count("}") == 2  # the graph and its legend


def test_json_is_node_link_data_that_round_trips_through_networkx():
    data = json.loads(graph_output("json"))
    g = nx.node_link_graph(data)
    assert g.is_directed() and g.number_of_nodes() == 29 and g.number_of_edges() == 29
    assert g.graph == {"organization": "Northgate Systems"}
    assert g.nodes["operating-cost"] == {"kind": "KPI", "label": "Delivery operating cost per month",
                                         "department": "operations", "unit": "USD k", "direction": "decrease"}
    assert g.edges["delivery-workload", "projects-on-time"] == {"rel": "influences", "sign": -1}
    assert g.edges["sales-hit-the-number", "grow-revenue"] == {"rel": "parent"}
    assert g.edges["vendor-renegotiation", "operating-cost"] == {"rel": "addresses"}
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])
    rels = {d["rel"] for _, _, d in g.edges(data=True)}
    assert rels == {"parent", "supports", "addresses", "influences"}


def test_json_loads_with_networkx_defaults_and_no_warning():
    # networkx 3.6 reads node-link data from the key "edges" by default; "links" raised KeyError
    data = json.loads(graph_output("json"))
    assert set(data) == {"directed", "multigraph", "graph", "nodes", "edges"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a FutureWarning about the key would fail here
        g = nx.node_link_graph(data)
    assert isinstance(g, nx.DiGraph) and not g.is_multigraph()
    assert g.edges["delivery-workload", "projects-on-time"] == {"rel": "influences", "sign": -1}


def test_json_has_tradeoff_edges_between_and_arbitrates():
    g = nx.node_link_graph(json.loads(graph_output("json", EXAMPLES / "acme")))
    assert g.edges["bookings-vs-delivery", "new-arr-booked"] == {"rel": "between"}
    assert g.edges["bookings-vs-delivery", "deliver-what-we-sell"] == {"rel": "arbitrates"}
    assert g.nodes["bookings-vs-delivery"]["kind"] == "Tradeoff"


def test_mermaid_shows_influence_signs_and_declares_every_node():
    text = graph_output("mermaid")
    lines = text.splitlines()
    assert lines[0] == "flowchart BT"
    nodes = set(re.findall(r'^    (n_[A-Za-z0-9_]+)\["', text, flags=re.M))
    edges = re.findall(r'^    (n_[A-Za-z0-9_]+) (\S+(?: "[^"]*" \S+)?) (n_[A-Za-z0-9_]+)$', text, flags=re.M)
    assert len(nodes) == 29 and len(edges) == 29
    assert all(a in nodes and b in nodes for a, _, b in edges)
    assert "    n_new_deals_closed -->|\"+\"| n_delivery_workload" in lines
    assert "    n_delivery_workload -->|\"-\"| n_projects_on_time" in lines
    assert '    n_marketing_analyst_recognition -->|"parent"| n_marketing_brand_leader' in lines
    assert any(line.startswith("    linkStyle ") and "#d62728" in line for line in lines)  # negative: red


@pytest.mark.parametrize("fmt", ["mermaid", "dot", "json"])
def test_graph_output_is_identical_across_runs(fmt: str):
    assert graph_output(fmt, EXAMPLES / "acme") == graph_output(fmt, EXAMPLES / "acme")


def test_graph_of_an_unreadable_framework_still_shows_what_was_read(tmp_path: Path):
    root = write_tree(tmp_path, {"a.yaml": "kind: Goal\nid: g\ntitle: G\nlevel: company\n", "b.yaml": "kind: [\n"})
    g = nx.node_link_graph(json.loads(graph_output("json", root)))
    assert list(g.nodes) == ["g"]
