"""What the report's pictures show: goals, KPIs, and the edges between them, as plain data.

One diagram of the whole framework while it stays readable (at most ``NODE_LIMIT`` goals and
KPIs); above that, one diagram per company goal, plus one of what traces to none. In a diagram
per company goal, a conflict or trade-off with a KPI from another tree brings that KPI in as an
``external`` node, so no conflict edge is lost by splitting.

Edges point the way a reader follows the picture: from a goal down to its sub-goals and KPIs,
from the KPI that hurts to the KPI it hurts (``conflict``); ``tradeoff`` joins the two KPIs of
an agreed trade-off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

NODE_LIMIT = 60  # goals + KPIs; about what one Mermaid flowchart can show legibly
# Mermaid (and so GitHub) refuses a diagram with more than 500 edges or 50,000 characters; a
# company goal's diagram above this many nodes + edges is drawn with its goals only, each
# labelled with how many KPIs it has and how many are behind.
DRAWABLE_LIMIT = 400


@dataclass(frozen=True)
class DiagramNode:
    id: str  # the document id
    kind: str  # company | department | team (goals) or kpi
    external: bool = False  # a KPI from another diagram, shown for its conflict or trade-off edge
    kpis: int | None = None  # in a goals-only diagram: the KPIs supporting this goal directly
    behind: int | None = None  # ... and how many of them are off track or at risk


@dataclass(frozen=True)
class DiagramEdge:
    source: str
    target: str
    kind: str  # parent | supports | conflict | tradeoff


@dataclass(frozen=True)
class Diagram:
    title: str | None  # None for the one diagram of the whole framework
    goal: str | None  # the company goal a split diagram is drawn for
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]
    goals_only: bool = False  # too big to draw its KPIs: goals with KPI counts instead


@dataclass(frozen=True)
class DiagramInput:
    """What the diagrams are drawn from (ids in the order to draw them)."""

    goal_parents: Mapping[str, str | None]  # every goal -> its parent id
    goal_levels: Mapping[str, str]
    kpi_supports: Mapping[str, Sequence[str]]  # every KPI -> the goals it supports
    trees: Sequence[tuple[str, str, Sequence[str]]]  # (company goal, title, goal ids in the tree, pre-order)
    behind: frozenset[str]  # KPIs that are off track or at risk
    conflicts: Sequence[tuple[str, str]]  # unresolved (a hurts b)
    tradeoffs: Sequence[tuple[str, str]]  # KPI pairs joined by a trade-off


def build_diagrams(data: DiagramInput, limit: int = NODE_LIMIT) -> tuple[Diagram, ...]:
    in_trees = [goal for _, _, goals in data.trees for goal in goals]
    all_goals = list(dict.fromkeys([*in_trees, *data.goal_parents]))
    if len(all_goals) + len(data.kpi_supports) <= limit:
        return (_diagram(data, None, None, all_goals, list(data.kpi_supports)),)
    diagrams = []
    drawn: set[str] = set()
    for goal, title, goals in data.trees:
        kpis = _kpis_under(data, goals)
        drawn.update(kpis)
        diagrams.append(_drawable(data, _diagram(data, title, goal, goals, kpis), goals, kpis))
    rest_goals = [g for g in data.goal_parents if g not in set(in_trees)]
    rest_kpis = [k for k in data.kpi_supports if k not in drawn]
    if rest_goals or rest_kpis:
        title = "Not traced to a company goal"
        diagrams.append(_drawable(data, _diagram(data, title, None, rest_goals, rest_kpis), rest_goals, rest_kpis))
    return tuple(diagrams)


def _drawable(data: DiagramInput, diagram: Diagram, goal_ids: Sequence[str], kpi_ids: Sequence[str]) -> Diagram:
    """``diagram`` if Mermaid can draw it, else its goals only, with their KPIs counted."""
    if len(diagram.nodes) + len(diagram.edges) <= DRAWABLE_LIMIT:
        return diagram
    counts: dict[str, list[int]] = {g: [0, 0] for g in goal_ids}
    for kpi_id in kpi_ids:
        for supported in dict.fromkeys(data.kpi_supports[kpi_id]):
            if supported in counts:
                counts[supported][0] += 1
                counts[supported][1] += kpi_id in data.behind
    nodes = tuple(DiagramNode(g, data.goal_levels[g], kpis=counts[g][0], behind=counts[g][1]) for g in goal_ids)
    edges = tuple(e for e in diagram.edges if e.kind == "parent")
    return Diagram(diagram.title, diagram.goal, nodes, edges, goals_only=True)


def _kpis_under(data: DiagramInput, goals: Iterable[str]) -> list[str]:
    wanted = set(goals)
    return [k for k, supports in data.kpi_supports.items() if wanted.intersection(supports)]


def _diagram(data: DiagramInput, title: str | None, goal: str | None,
             goal_ids: Sequence[str], kpi_ids: Sequence[str]) -> Diagram:
    nodes: dict[str, DiagramNode] = {}
    edges: list[DiagramEdge] = []
    goal_set = set(goal_ids)
    for goal_id in goal_ids:
        nodes[goal_id] = DiagramNode(goal_id, data.goal_levels[goal_id])
        parent = data.goal_parents[goal_id]
        if parent in goal_set and parent != goal_id:
            edges.append(DiagramEdge(parent, goal_id, "parent"))
    for kpi_id in kpi_ids:
        nodes[kpi_id] = DiagramNode(kpi_id, "kpi")
        for supported in dict.fromkeys(data.kpi_supports[kpi_id]):
            if supported in goal_set:
                edges.append(DiagramEdge(supported, kpi_id, "supports"))
    own_kpis = set(kpi_ids)
    for kind, pairs in (("conflict", data.conflicts), ("tradeoff", data.tradeoffs)):
        for a, b in pairs:
            if a not in own_kpis and b not in own_kpis:
                continue
            for kpi_id in (a, b):
                nodes.setdefault(kpi_id, DiagramNode(kpi_id, "kpi", external=True))
            edges.append(DiagramEdge(a, b, kind))
    return Diagram(title, goal, tuple(nodes.values()), tuple(edges))
