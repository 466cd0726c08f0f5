"""`kpiframe graph`'s view: the framework graph as other tools get it (sorted, each node labelled
for people) and the facts the DOT picture draws on it (statuses, influence effects, department
names), built from the framework and its analysis so that render/graph_export.py only formats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kpiframe.analysis import Analysis
from kpiframe.model import ActionPlan, Document, Framework


def export_graph(framework: Framework, graph: nx.DiGraph) -> nx.DiGraph:
    """A sorted copy of the framework graph, each node labelled for people."""
    out: nx.DiGraph = nx.DiGraph()
    if framework.config.organization:
        out.graph["organization"] = framework.config.organization
    for node in sorted(graph.nodes):
        out.add_node(node, **_node_attributes(framework.by_id[node], graph.nodes[node]))
    for source, target in sorted(graph.edges):
        data = graph.edges[source, target]
        attributes = {"rel": data["rel"]}
        if "sign" in data:
            attributes["sign"] = data["sign"]
        out.add_edge(source, target, **attributes)
    return out


def _node_attributes(document: Document, data: dict[str, Any]) -> dict[str, Any]:
    kind = data["kind"]
    label = getattr(document, "title", None) or getattr(document, "name", None) or document.id
    attributes = {"kind": kind, "label": label}
    extra = {
        "department": data.get("department"),
        "level": getattr(document, "level", None),
        "unit": getattr(document, "unit", None),
        "direction": getattr(document, "direction", None),
        "status": getattr(document, "status", None) if kind == "ActionPlan" else None,
        "due": document.due.isoformat() if isinstance(document, ActionPlan) and document.due else None,
    }
    attributes.update({key: value for key, value in extra.items() if value is not None})
    return attributes


@dataclass(frozen=True)
class GraphFacts:
    """What the DOT picture shows beyond the graph, read from the analysis."""

    statuses: Mapping[str, tuple[str, bool]]  # KPI id -> (the status it is judged by, judged by its owner's health)
    effects: Mapping[tuple[str, str], int]  # influence (source, target) -> +1 helps, -1 works against, 0 unknown
    department_names: Mapping[str, str]


def graph_facts(analysis: Analysis) -> GraphFacts:
    """Each KPI's status, each influence's effect and each department's name, from the analysis."""
    config = analysis.framework.config
    return GraphFacts(
        statuses={kpi_id: (row.concern, row.from_health) for kpi_id, row in analysis.kpi_statuses.items()},
        effects=analysis.influence_effects,
        department_names={d: config.department_name(d) for d in sorted(analysis.departments)},
    )
