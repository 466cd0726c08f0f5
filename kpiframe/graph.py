"""Stage 3: one networkx graph of the framework, built once and shared by rules and views.

Nodes are document ids with a ``kind`` attribute (and ``department`` where one is set). Edges
carry ``rel``:

- ``parent``: sub-goal -> parent goal
- ``supports``: KPI -> goal it measures progress toward
- ``addresses``: action plan -> KPI it is meant to move
- ``influences``: KPI/driver -> KPI/driver, with ``sign`` +1 (increase) or -1 (decrease)
- ``between``: trade-off -> each of its two ends (KPIs, or a KPI and a driver)
- ``arbitrates``: trade-off -> the goal that arbitrates it

References to ids that do not exist (or to the wrong kind) are left out; the
``dangling-reference`` rule reports them. So is an influence listed twice with different
effects: which one is meant cannot be told (``contradictory-influence`` says so).

The conflict search reads its signed graph of KPIs, drivers and ``influences`` links out of this
one (kpiframe.influence.SignedGraph.from_framework).
"""

from __future__ import annotations

import networkx as nx

from kpiframe.model import KPI, Driver, Framework


def build_graph(framework: Framework) -> nx.DiGraph:
    graph: nx.DiGraph = nx.DiGraph()
    for doc_id, document in framework.by_id.items():
        graph.add_node(doc_id, kind=document.kind_name, department=getattr(document, "department", None))
    goals, kpis = framework.goals, framework.kpis
    for goal in goals.values():
        if goal.parent in goals:
            graph.add_edge(goal.id, goal.parent, rel="parent")
    for kpi in kpis.values():
        for goal_id in kpi.supports:
            if goal_id in goals:
                graph.add_edge(kpi.id, goal_id, rel="supports")
    sources: tuple[KPI | Driver, ...] = (*kpis.values(), *framework.drivers.values())
    for source in sources:
        for target_id, sign in influence_signs(source).items():
            if sign is not None and isinstance(framework.by_id.get(target_id), (KPI, Driver)):
                graph.add_edge(source.id, target_id, rel="influences", sign=sign)
    for plan in framework.plans.values():
        for kpi_id in plan.addresses:
            if kpi_id in kpis:
                graph.add_edge(plan.id, kpi_id, rel="addresses")
    for tradeoff in framework.tradeoffs.values():
        for end in tradeoff.between:
            if end in kpis or end in framework.drivers:
                graph.add_edge(tradeoff.id, end, rel="between")
        if tradeoff.goal in goals:
            graph.add_edge(tradeoff.id, tradeoff.goal, rel="arbitrates")
    return graph


def influence_signs(source: KPI | Driver) -> dict[str, int | None]:
    """Each target of ``source``'s influences and its sign (+1 or -1); None when the entries
    for a target contradict each other (an increase and a decrease)."""
    signs: dict[str, int | None] = {}
    for link in source.influences:
        sign = 1 if link.effect == "increase" else -1
        signs[link.target] = sign if signs.get(link.target, sign) == sign else None
    return signs
