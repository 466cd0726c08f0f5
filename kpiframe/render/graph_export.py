"""`kpiframe graph`: the whole framework graph for other tools, as Mermaid, Graphviz DOT or JSON.

Every goal, KPI, driver, action plan and trade-off is a node; every link is an edge with its
``rel`` (parent, supports, addresses, influences, between, arbitrates; see kpiframe.graph),
influence edges with their ``sign`` (+1 or -1). Edges point the way the documents refer:
a sub-goal to its parent, a KPI to the goal it supports, a plan to its KPI.

Output is deterministic: nodes sorted by id, edges by (source, target). The graph and the facts
drawn on it are built in kpiframe.graph_view.
"""

from __future__ import annotations

import json

import networkx as nx

from kpiframe.graph_view import GraphFacts
from kpiframe.progress import ACHIEVED, AT_RISK, OFF_TRACK, ON_TRACK
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


# (fill, font) per status a KPI is judged by; the statuses that are no judgement share grey.
STATUS_FILLS = {ACHIEVED: ("#1b7837", "#ffffff"), ON_TRACK: ("#a6dba0", "#000000"),
                AT_RISK: ("#fdb863", "#000000"), OFF_TRACK: ("#d6604d", "#ffffff")}
NOT_JUDGED_FILL = ("#e0e0e0", "#000000")
DOT_DRIVER_FILL = ("#ffffff", "#000000")  # white: a pale yellow driver read as a KPI at risk
# (colour, style, words) of an influence by its effect on the KPI it points at.
EFFECT_LOOKS = {1: ("#1a9850", "solid", "helps"), -1: ("#d73027", "solid", "works against"),
                0: ("#999999", "dashed", "no direction to judge by")}
LEGEND = "legend "  # legend nodes' ids start with a space-holding prefix no framework id can have


def graph_dot(g: nx.DiGraph, facts: GraphFacts | None = None) -> str:
    """Graphviz DOT, laid out top-down: company goals at the top, then department and team goals,
    their KPIs, and the drivers and plans under the KPIs. Every edge is written from the node
    drawn above to the one below with ``dir="back"``, so its arrow still points the way the
    documents refer (a KPI to its goal, a driver to the KPI it influences).

    With ``facts``: KPIs are filled by status, influences coloured by whether they help the KPI
    they point at (by its `direction`, not by their sign), nodes grouped in a cluster per
    department, and a legend. Framework text only ever appears inside quoted strings.
    """
    lines = ["digraph kpiframe {"]
    title = g.graph.get("organization")
    graph_attributes = {"rankdir": "TB"} | ({"label": title, "labelloc": "t"} if title else {})
    lines.append(f"  graph [{_dot_attributes(graph_attributes)}];")
    lines.append('  node [style="filled", fontname="Helvetica"];')
    lines.append('  edge [fontname="Helvetica"];')
    clusters: dict[str, list[str]] = {}
    for node, data in g.nodes(data=True):
        statement = f"{dot_quote(node)} [{_dot_attributes(_dot_node(node, data, facts))}];"
        department = data.get("department") if facts is not None else None
        if department:
            clusters.setdefault(department, []).append(statement)
        else:
            lines.append("  " + statement)
    for department, statements in sorted(clusters.items()):
        name = facts.department_names.get(department, department) if facts is not None else department
        lines.append(f"  subgraph {dot_quote('cluster_department_' + department)} {{")
        lines.append(f"    graph [{_dot_attributes({'label': name, 'style': 'rounded', 'color': '#888888'})}];")
        lines += ["    " + statement for statement in statements]
        lines.append("  }")
    for source, target, data in g.edges(data=True):
        attributes = {"rel": data["rel"], "label": data["rel"], "dir": "back"}
        if data["rel"] == "influences":
            attributes.update(label="+" if data["sign"] > 0 else "-", sign=data["sign"])
            if facts is None:
                attributes["color"] = _SIGN_COLOURS[data["sign"]]
            else:
                colour, style, words = EFFECT_LOOKS[facts.effects.get((source, target), 0)]
                attributes.update(effect=words, color=colour, fontcolor=colour, style=style)
        elif data["rel"] in _DOTTED_RELS:
            attributes["style"] = "dashed"
        lines.append(f"  {dot_quote(target)} -> {dot_quote(source)} [{_dot_attributes(attributes)}];")
    if facts is not None:
        lines += _dot_legend()
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node(node: str, data: dict, facts: GraphFacts | None) -> dict:
    kind = data["kind"]
    fill, font = KIND_COLOURS.get(kind, ("#ffffff", "#000000"))
    label = f"{data['label']}\n({node})"
    if facts is not None and kind == "Driver":
        fill, font = DOT_DRIVER_FILL
    if facts is not None and kind == "KPI" and node in facts.statuses:
        status, by_health = facts.statuses[node]
        fill, font = STATUS_FILLS.get(status, NOT_JUDGED_FILL)
        label += f"\n{status}" + (" (owner's health)" if by_health else "")
    attributes = {"label": label, "shape": DOT_SHAPES.get(kind, "box"), "fillcolor": fill, "fontcolor": font}
    attributes.update({key: value for key, value in data.items() if key != "label"})
    if facts is not None and kind == "KPI" and node in facts.statuses:
        attributes["kpi_status"] = facts.statuses[node][0]
    return attributes


def _dot_legend() -> list[str]:
    """A cluster that says what the fills and the influence colours mean."""
    lines = [f"  subgraph {dot_quote('cluster_' + LEGEND + 'kpiframe')} {{",
             f"    graph [{_dot_attributes({'label': 'Legend', 'style': 'rounded', 'color': '#888888'})}];"]
    entries = [*((status, STATUS_FILLS[status]) for status in (OFF_TRACK, AT_RISK, ON_TRACK, ACHIEVED)),
               ("no data, target, baseline or direction to judge", NOT_JUDGED_FILL)]
    for status, (fill, font) in entries:
        attributes = {"label": f"KPI {status}", "shape": "ellipse", "fillcolor": fill, "fontcolor": font}
        lines.append(f"    {dot_quote(LEGEND + status)} [{_dot_attributes(attributes)}];")
    for effect in (1, -1, 0):
        colour, style, words = EFFECT_LOOKS[effect]
        ends = [dot_quote(f"{LEGEND}{words} {end}") for end in ("from", "to")]
        for end in ends:
            lines.append(f'    {end} [{_dot_attributes({"label": "", "shape": "point", "width": "0.05"})}];')
        attributes = {"label": f"influence {words}", "color": colour, "fontcolor": colour, "style": style}
        lines.append(f"    {ends[0]} -> {ends[1]} [{_dot_attributes(attributes)}];")
    lines.append("  }")
    return lines


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
