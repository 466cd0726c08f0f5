"""Step 5: describing a conflict. Only conflicts that are reported get a search
of their own, for the shortest harmful walk, and stop at its depth."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace

from kpiframe.influence.harm import HarmSets, KpiSpace
from kpiframe.influence.results import Conflict
from kpiframe.influence.signed import SignedGraph


def format_path(path: Sequence[str], signs: Sequence[int]) -> str:
    """``new-deals-closed -(+)-> delivery-workload -(+)-> operating-cost``."""
    if len(signs) != max(len(path) - 1, 0):
        raise ValueError(f"{len(path)} nodes need {max(len(path) - 1, 0)} signs, got {len(signs)}")
    parts = [str(path[0])] if path else []
    for node, sign in zip(path[1:], signs):
        parts.append(f"-({'+' if sign > 0 else '-'})-> {node}")
    return " ".join(parts)


def describe(
    graph: SignedGraph,
    space: KpiSpace,
    harm: HarmSets,
    pairs: list[tuple[int, int]],
    settled: Collection[tuple[int, int]] = (),
) -> list[Conflict]:
    """Conflict records for conflicting (lo, hi) index pairs, in rank order.

    One BFS per reporting KPI stops once all its targets are reached with the
    harmful sign. For a mutual pair, BFS from both ends advance level by level,
    the smaller id first, so the first to arrive (the shorter harm) reports.
    A harm in ``settled`` (a trade-off covers it) is left out: the pair is
    reported the way it still hurts.
    """
    targets: dict[int, list[int]] = defaultdict(list)
    conflicts = []
    for lo, hi in pairs:
        forward = harm.hurts(lo, hi) and (lo, hi) not in settled
        backward = harm.hurts(hi, lo) and (hi, lo) not in settled
        if forward and backward:
            conflicts.append(_mutual_conflict(graph, space, harm, lo, hi))
        else:
            a, b = (lo, hi) if forward else (hi, lo)
            targets[a].append(b)
    for a, bs in targets.items():
        origin = space.node[a] << 1 | space.better_bit[a]
        harmful = {b: _harmed_state(space, b) for b in bs}
        parents = graph.bfs(origin, set(harmful.values()))
        for b in bs:
            conflict = _conflict(graph, space, harm, a, b, parents, origin, harmful[b])
            if conflict.mutual and (b, a) in settled:
                conflict = replace(conflict, mutual=False)
            conflicts.append(conflict)
    conflicts.sort(key=_rank)
    return conflicts


def _harmed_state(space: KpiSpace, k: int) -> int:
    """The (node, sign) state of KPI ``k`` moving against its better direction."""
    return space.node[k] << 1 | (space.better_bit[k] ^ 1)


def _mutual_conflict(
    graph: SignedGraph, space: KpiSpace, harm: HarmSets, lo: int, hi: int
) -> Conflict:
    x, y = sorted((lo, hi), key=lambda k: space.names[k])
    racers = []
    for a, b in ((x, y), (y, x)):
        origin = space.node[a] << 1 | space.better_bit[a]
        racers.append((a, b, origin, _harmed_state(space, b), graph.bfs_levels(origin)))
    while True:
        for a, b, origin, goal, levels in racers:
            parents = next(levels, None)  # both reach: a mutual pair hurts both ways
            if parents is not None and goal in parents:
                return _conflict(graph, space, harm, a, b, parents, origin, goal)


def _conflict(
    graph: SignedGraph,
    space: KpiSpace,
    harm: HarmSets,
    a: int,
    b: int,
    parents: dict[int, int],
    origin: int,
    goal: int,
) -> Conflict:
    path, signs = graph.walk(parents, origin, goal)
    return Conflict(
        a=space.names[a],
        b=space.names[b],
        department_a=space.departments[space.dept[a]],
        department_b=space.departments[space.dept[b]],
        path=path,
        signs=signs,
        mixed=harm.helps(a, b),
        mutual=harm.hurts(b, a),
    )


def _rank(c: Conflict) -> tuple:
    """Department pair, path length, then the id in the department that sorts
    first and the other's (inside one department: smaller id first)."""
    first, second = sorted(((c.department_a, c.a), (c.department_b, c.b)))
    return (c.departments, len(c.path), first[1], second[1])

