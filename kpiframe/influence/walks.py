"""Walks from one place: what moving a KPI or driver does (impact), feedback loops
(influence_cycles) and the signs along a path."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kpiframe.influence.results import Effect, KpiPole, Outcome
from kpiframe.influence.signed import SignedGraph, check_sign, sign_bit


def path_signs(graph: SignedGraph, path: Sequence[str]) -> list[int]:
    """The sign of each step of ``path`` (for a cycle from :func:`influence_cycles`,
    close it first: ``path + [path[0]]``). KeyError when a step is not a link."""
    return [graph.sign(u, v) for u, v in zip(path, path[1:])]


def influence_cycles(graph: SignedGraph) -> list[list[str]]:
    """One feedback loop per strongly connected component that has one.

    Each loop is the shortest cycle through the component's smallest id (ties
    broken by sorted ids), starts at that id and is not closed (the last node
    leads back to the first). Sorted by first id.
    """
    cycles = []
    for comp, cyclic in zip(graph.components, graph.cyclic):
        if not cyclic:
            continue
        start = min(comp)  # node indices follow sorted ids
        cycles.append([graph.names[v] for v in graph.shortest_cycle(start, set(comp))])
    cycles.sort()
    return cycles


def impact(
    graph: SignedGraph,
    kpis: Mapping[str, KpiPole],
    source: str,
    *,
    start: int | None = None,
) -> list[Effect]:
    """Every KPI reached when ``source`` moves: helped, hurt or mixed, and how.

    A KPI moves in its better direction, a driver up; ``start`` (+1 or -1)
    overrides that. The source itself is not listed. Nearest KPIs first.
    """
    if source not in graph.index:
        if source in kpis:
            return []
        raise KeyError(source)
    if start is None:
        start = kpis[source].better if source in kpis else 1
    check_sign(start, "start")
    origin = graph.index[source] << 1 | sign_bit(start)
    parents = graph.bfs(origin)
    effects = []
    for name, pole in kpis.items():
        node = graph.index.get(name)
        if node is None or name == source:
            continue
        good = node << 1 | sign_bit(pole.better)
        bad = good ^ 1
        if good in parents and bad in parents:
            outcome: Outcome = "mixed"
            chosen = bad
        elif bad in parents:
            outcome, chosen = "hurt", bad
        elif good in parents:
            outcome, chosen = "helped", good
        else:
            continue
        path, signs = graph.walk(parents, origin, chosen)
        effects.append(Effect(name, pole.department, outcome, path, signs))
    effects.sort(key=lambda e: (len(e.path), e.kpi))
    return effects


