"""The gap report's pictures as Mermaid: the diagrams of :mod:`kpiframe.report.diagram` as
flowcharts, and each summary KPI's trend as an ``xychart-beta`` (GitHub draws both)."""

from __future__ import annotations

import textwrap

from kpiframe.progress import ACHIEVED, AT_RISK, OFF_TRACK, ON_TRACK
from kpiframe.render.mermaid import Flowchart
from kpiframe.render.report_text import md, none, percent
from kpiframe.report.diagram import Diagram
from kpiframe.report.views import Report, Trend

# Mermaid styles: goals in blues, KPIs by status, conflicts red, trade-offs grey.
CLASS_DEFS = {
    "company": "fill:#1f3b73,stroke:#1f3b73,color:#ffffff",
    "department": "fill:#dbe4f3,stroke:#1f3b73,color:#000000",
    "team": "fill:#eef2f9,stroke:#5b7bb5,color:#000000",
    "off_track": "fill:#f8d7da,stroke:#d62728,color:#000000",
    "at_risk": "fill:#fff3cd,stroke:#e0a800,color:#000000",
    "on_track": "fill:#d4edda,stroke:#28a745,color:#000000",
    "achieved": "fill:#c3e6cb,stroke:#1e7e34,color:#000000",
    "no_status": "fill:#f0f0f0,stroke:#999999,color:#000000",
    "driver": "fill:#ffffff,stroke:#777777,color:#000000,stroke-dasharray:4 3",
    "external": "stroke-dasharray:4 3",
}
LINK_STYLES = {"conflict": "stroke:#d62728,stroke-width:2px", "tradeoff": "stroke:#888888,stroke-width:1px"}
LABEL_WIDTH = 24  # characters per line of a diagram's label (report/diagram.py's layout assumes it)
_STATUS_CLASS = {OFF_TRACK: "off_track", AT_RISK: "at_risk", ON_TRACK: "on_track", ACHIEVED: "achieved"}

def diagrams_section(report: Report) -> list[str]:
    lines = ["## Picture", ""]
    if not any(d.nodes for d in report.diagrams):
        return lines + none("Nothing to draw yet.")
    split = len(report.diagrams) > 1
    lines.append("Goals at the top, the KPIs that measure them below, coloured by status. A red dotted arrow is "
                 "an unresolved conflict (it points at the KPI that is hurt); a grey dotted line is an agreed "
                 "trade-off. KPIs stacked in a column under a goal all measure it (the line goes to the first)." + (" One diagram per company goal, and per department where a goal has more than "
                                 "a diagram can show; the last, *Exceptions*, holds only the KPIs behind (with their department) "
                                 "and the unresolved conflicts, with every KPI or driver on their paths (+ raises, "
                                 "- lowers)."
                                 if split else ""))
    for diagram in report.diagrams:
        if diagram.title is not None:
            lines += ["", f"### {_diagram_heading(report, diagram)}"]
        if diagram.goals_only:
            lines += ["", "Too many KPIs to draw here: its goals only, each with the number of KPIs that "
                          "measure it directly and how many of them are behind (the sections above list them)."]
        if diagram.kind == "exceptions" and diagram.left_out and diagram.part == diagram.parts:
            more = "KPI" if diagram.left_out == 1 else "KPIs"
            lines += ["", f"{diagram.left_out} more {more} behind not drawn: the performance gaps above list every one."]
        lines += ["", "```mermaid", mermaid_diagram(report, diagram).rstrip("\n"), "```"]
    return lines


def _diagram_heading(report: Report, diagram: Diagram) -> str:
    text = md(diagram.title)
    if diagram.department is not None:
        text += f": {md(report.department_name(diagram.department)) if diagram.department else 'no department'}"
    if diagram.parts > 1:
        text += f" (part {diagram.part} of {diagram.parts})"
    return text


def _wrapped(text: str, width: int = LABEL_WIDTH, lines: int = 3) -> list[str]:
    """A label in lines of about ``width`` characters, at most ``lines`` of them (the rest cut, with an
    ellipsis): a node's width stays what the diagrams' layout expects (report/diagram.py)."""
    wrapped = textwrap.wrap(" ".join(str(text).split()), width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][:width - 1].rstrip() + "…"
    return wrapped


def mermaid_diagram(report: Report, diagram: Diagram) -> str:
    chart = Flowchart(direction="TD")
    for node in diagram.nodes:
        if node.kind == "kpi":
            kpi = report.kpis[node.id]
            state = kpi.status + (f" {percent(kpi.progress_pct)}" if kpi.progress_pct is not None else "")
            if kpi.health is not None and kpi.concern != kpi.status:
                state += f", owner says {kpi.health.level}"  # coloured by what course correction acts on
            where = [report.department_name(kpi.department)] if diagram.kind == "exceptions" else []
            chart.node(node.id, [*_wrapped(("★ " if kpi.key else "") + kpi.name), *where, state],
                       _STATUS_CLASS.get(kpi.concern, "no_status"))
            if node.external:
                chart.node_class(node.id, "external")
        elif node.kind == "driver":
            chart.node(node.id, [*_wrapped(report.names.get(node.id, node.id)), "driver"], "driver")
        else:
            goal = report.goals[node.id]
            lines = [*_wrapped(goal.title), f"{goal.level} goal"
                     + (f" · {report.department_name(goal.department)}" if goal.department else "")]
            if node.kpis is not None:
                lines.append(f"{node.kpis} KPIs, {node.behind} behind")
            chart.node(node.id, lines, node.kind)
    below_the_top = {(column[0], node) for column in diagram.columns for node in column[2:]}
    for edge in diagram.edges:
        if (edge.source, edge.target) in below_the_top:
            continue  # the column's first node carries the edge (report/diagram.py, Diagram.columns)
        if edge.kind == "conflict":
            chart.edge(edge.source, edge.target, arrow="-.->", label="conflict", style="conflict")
        elif edge.kind == "influence":
            chart.edge(edge.source, edge.target, arrow="-.->", label="+" if (edge.sign or 0) > 0 else "-",
                       style="conflict")
        elif edge.kind == "tradeoff":
            chart.edge(edge.source, edge.target, arrow="-.-", label="trade-off", style="tradeoff")
        else:
            chart.edge(edge.source, edge.target)
    for column in diagram.columns:
        chart.stack(column[1:])
    return chart.text(CLASS_DEFS, LINK_STYLES)


# --------------------------------------------------------------------------- trend charts

# Bars for the readings, then the expected path, then the target (xychart-beta draws no legend: the
# report says which is which). Only numbers and dates reach the chart: no framework text at all.
_TREND_INIT = ('%%{init: {"xyChart": {"width": 560, "height": 260}, "themeVariables": {"xyChart": '
               '{"plotColorPalette": "#8fb3d9, #e07b39, #2e7d32"}}}}%%')


CHART_LIMIT = 1e15  # beyond this a number would be written out in 16+ digits: no chart, the report says why


def chartable(trend: Trend) -> bool:
    values = [*trend.actuals, *(v for v in trend.expected if v is not None)]
    values += [trend.target] if trend.target is not None else []
    return all(abs(v) < CHART_LIMIT for v in values)


def trend_chart(trend: Trend) -> str:
    lines = [_TREND_INIT, "xychart-beta"]
    values = [*trend.actuals, *(v for v in trend.expected if v is not None)]
    values += [trend.target] if trend.target is not None else []
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    lines.append("    x-axis [" + ", ".join(f'"{d.isoformat()}"' for d in trend.dates) + "]")
    lines.append(f"    y-axis {_number(low - pad)} --> {_number(high + pad)}")
    lines.append("    bar [" + ", ".join(_number(v) for v in trend.actuals) + "]")
    if all(v is not None for v in trend.expected):
        lines.append("    line [" + ", ".join(_number(v) for v in trend.expected if v is not None) + "]")
    if trend.target is not None:
        lines.append("    line [" + ", ".join(_number(trend.target) for _ in trend.dates) + "]")
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    """A plain decimal, as Mermaid reads it (no exponent, no thousands separator)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
