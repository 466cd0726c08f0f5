"""`kpiframe graph`: the whole framework graph for other tools, as Mermaid, Graphviz DOT or JSON.

Every goal, KPI, driver, action plan and trade-off is a node; every link is an edge with its
``rel`` (parent, supports, addresses, influences, between, arbitrates; see kpiframe.graph),
influence edges with their ``sign`` (+1 or -1). Edges point the way the documents refer:
a sub-goal to its parent, a KPI to the goal it supports, a plan to its KPI.

Output is deterministic: nodes sorted by id, edges by (source, target).
"""

from __future__ import annotations

import json

import networkx as nx

from kpiframe.model import ActionPlan, Document, Framework
from kpiframe.render.mermaid import Flowchart

# Node colours per kind, shared by DOT and Mermaid.
KIND_COLOURS = {
    "Goal": ("#1f3b73", "#ffffff"),
    "KPI": ("#d4edda", "#000000"),
    "Driver": ("#fff3cd", "#000000"),
    "ActionPlan": ("#dbe4f3", "#000000"),
    "Tradeoff": ("#eeeeee", "#000000"),
}
DOT_SHAPES = {"Goal": "box", "KPI": "ellipse", "Driver": "hexagon", "ActionPlan": "note", "Tradeoff": "diamond"}
_DOTTED_RELS = ("between", "arbitrates")
_SIGN_COLOURS = {1: "#2ca02c", -1: "#d62728"}


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


def _node_attributes(document: Document, data: dict) -> dict:
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


# --------------------------------------------------------------------------- JSON


def graph_json(g: nx.DiGraph) -> str:
    """networkx's node-link format with the edges under ``edges``, networkx's default since 3.4
    (``links`` before), so that ``nx.node_link_graph(data)`` reads it back with no argument.
    Named explicitly so that the output does not depend on the installed networkx's default."""
    return json.dumps(nx.node_link_data(g, edges="edges"), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- DOT


def dot_quote(text: object) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as ``\\n``."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_attributes(attributes: dict) -> str:
    return ", ".join(f"{key}={dot_quote(value)}" for key, value in attributes.items())


def graph_dot(g: nx.DiGraph) -> str:
    lines = ["digraph kpiframe {"]
    title = g.graph.get("organization")
    graph_attributes = {"rankdir": "BT"} | ({"label": title, "labelloc": "t"} if title else {})
    lines.append(f"  graph [{_dot_attributes(graph_attributes)}];")
    lines.append('  node [style="filled", fontname="Helvetica"];')
    for node, data in g.nodes(data=True):
        kind = data["kind"]
        fill, font = KIND_COLOURS.get(kind, ("#ffffff", "#000000"))
        attributes = {"label": f"{data['label']}\n({node})", "shape": DOT_SHAPES.get(kind, "box"),
                      "fillcolor": fill, "fontcolor": font}
        attributes.update({key: value for key, value in data.items() if key != "label"})
        lines.append(f"  {dot_quote(node)} [{_dot_attributes(attributes)}];")
    for source, target, data in g.edges(data=True):
        attributes = {"rel": data["rel"], "label": data["rel"]}
        if data["rel"] == "influences":
            attributes.update(label="+" if data["sign"] > 0 else "-", sign=data["sign"], color=_SIGN_COLOURS[data["sign"]])
        elif data["rel"] in _DOTTED_RELS:
            attributes["style"] = "dashed"
        lines.append(f"  {dot_quote(source)} -> {dot_quote(target)} [{_dot_attributes(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- Mermaid


def graph_mermaid(g: nx.DiGraph) -> str:
    chart = Flowchart(direction="BT")
    for node, data in g.nodes(data=True):
        chart.node(node, [data["label"], f"{data['kind']} {node}"], data["kind"])
    for source, target, data in g.edges(data=True):
        rel = data["rel"]
        if rel == "influences":
            sign = data["sign"]
            chart.edge(source, target, label="+" if sign > 0 else "-", style="positive" if sign > 0 else "negative")
        else:
            chart.edge(source, target, arrow="-.->" if rel in _DOTTED_RELS else "-->", label=rel)
    classes = {kind: f"fill:{fill},stroke:#333333,color:{font}" for kind, (fill, font) in KIND_COLOURS.items()}
    links = {"positive": f"stroke:{_SIGN_COLOURS[1]},stroke-width:2px",
             "negative": f"stroke:{_SIGN_COLOURS[-1]},stroke-width:2px"}
    return chart.text(classes, links)


RENDERERS = {"json": graph_json, "dot": graph_dot, "mermaid": graph_mermaid}
