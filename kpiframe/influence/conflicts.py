"""The conflict search: every pair of KPIs where improving one worsens the other.

Ties the steps together: the contested islands and harm sets (harm), exact
counts per department pair, every conflict of an uncrowded department pair,
the shortest-first pick of the crowded ones (shortest), and their descriptions
(describe).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from kpiframe.influence.describe import describe
from kpiframe.influence.harm import HarmSets, KpiSpace, contested_part
from kpiframe.influence.results import ConflictScan, DepartmentPair, KpiPole
from kpiframe.influence.shortest import ShortestFirst
from kpiframe.influence.signed import SignedGraph, check_sign


def find_conflicts(
    graph: SignedGraph,
    kpis: Mapping[str, KpiPole],
    *,
    per_pair_cap: int | None = None,
    resolved: Collection[tuple[str, str]] = (),
    settled: Collection[tuple[str, str]] = (),
) -> ConflictScan:
    """Every unordered pair of KPIs where improving one worsens the other.

    ``resolved`` lists KPI pairs (either order) covered by a trade-off: they are
    returned in ``resolved`` and never count against the cap. ``settled`` lists
    harms (a hurts b, in that order) that a trade-off covers (see settle.py): a
    pair is resolved when every way it hurts is settled, and a pair that is
    settled one way only is reported the other way. With
    ``per_pair_cap=N`` at most N unresolved conflicts are reported per
    (unordered) department pair: those with the shortest harmful walk between
    the two KPIs in either direction, then by the id of the KPI in the
    department that sorts first, then the other's (inside one department:
    smaller id first). ``omitted`` counts the rest exactly.

    Conflicts come in that order too (department pair first).
    """
    if per_pair_cap is not None and per_pair_cap < 0:
        raise ValueError("per_pair_cap must be >= 0")
    for name, pole in kpis.items():
        check_sign(pole.better, f"better of KPI {name}")
    graph = contested_part(graph, kpis)
    space = KpiSpace(graph, kpis)
    harm = HarmSets(graph, space)
    resolved_pairs, no_conflict = split_resolved(space, harm, resolved)
    one_way = settled_harms(space, settled, resolved_pairs)
    resolved_pairs |= {(lo, hi) for lo, hi in {tuple(sorted(h)) for h in one_way}
                       if (not harm.hurts(lo, hi) or (lo, hi) in one_way)
                       and (not harm.hurts(hi, lo) or (hi, lo) in one_way)
                       and (harm.hurts(lo, hi) or harm.hurts(hi, lo))}

    totals = harm.pair_counts()
    unresolved = dict(totals)
    for lo, hi in resolved_pairs:
        unresolved[(space.dept[lo], space.dept[hi])] -= 1

    crowded = {
        key
        for key, count in unresolved.items()
        if per_pair_cap is not None and count > per_pair_cap
    }
    chosen = list(all_pairs_outside(space, harm, crowded, resolved_pairs))
    if crowded:
        assert per_pair_cap is not None
        search = ShortestFirst(graph, space, harm, crowded, per_pair_cap, resolved_pairs)
        chosen.extend(search.run())

    conflicts = describe(graph, space, harm, chosen, one_way)
    resolved_conflicts = describe(graph, space, harm, sorted(resolved_pairs))

    def names(key: tuple[int, int]) -> DepartmentPair:
        return (space.departments[key[0]], space.departments[key[1]])

    omitted = {
        names(key): unresolved[key] - (per_pair_cap or 0) for key in sorted(crowded)
    }
    return ConflictScan(
        conflicts=tuple(conflicts),
        totals={names(key): count for key, count in sorted(totals.items())},
        omitted=omitted,
        resolved=tuple(resolved_conflicts),
        no_conflict=tuple(no_conflict),
    )


def split_resolved(
    space: KpiSpace, harm: HarmSets, pairs: Collection[tuple[str, str]]
) -> tuple[set[tuple[int, int]], list[tuple[str, str]]]:
    """Pairs given as resolved that conflict (as (lo, hi) indices) and those that don't."""
    index = {name: k for k, name in enumerate(space.names)}
    conflicting: set[tuple[int, int]] = set()
    stale: list[tuple[str, str]] = []
    for x, y in pairs:
        i, j = index.get(x), index.get(y)
        if i is not None and j is not None and i != j:
            lo, hi = min(i, j), max(i, j)
            if harm.hurts(lo, hi) or harm.hurts(hi, lo):
                conflicting.add((lo, hi))
                continue
        if (x, y) not in stale:
            stale.append((x, y))
    return conflicting, stale


def settled_harms(
    space: KpiSpace, settled: Collection[tuple[str, str]], resolved: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The settled harms (a, b) as KPI indices, leaving out the pairs already resolved."""
    index = {name: k for k, name in enumerate(space.names)}
    found = set()
    for a, b in settled:
        i, j = index.get(a), index.get(b)
        if i is not None and j is not None and i != j and (min(i, j), max(i, j)) not in resolved:
            found.add((i, j))
    return found


def all_pairs_outside(
    space: KpiSpace,
    harm: HarmSets,
    crowded: set[tuple[int, int]],
    resolved: set[tuple[int, int]],
) -> Iterator[tuple[int, int]]:
    """Every unresolved conflicting pair (lo, hi) whose department pair is not crowded."""
    # Per (island, department x): the island's KPIs of departments y >= x with (x, y) not crowded.
    wanted_above: dict[tuple[int, int], int] = {}
    for lo in range(len(space)):
        island, x = space.island[lo], space.dept[lo]
        wanted = wanted_above.get((island, x))
        if wanted is None:
            wanted = wanted_above[(island, x)] = sum(
                mask
                for y, mask in space.dept_masks[island].items()
                if y >= x and (x, y) not in crowded
            )
        start = space.local[lo] + 1  # local positions follow index order: these are hi > lo
        above = (harm.conflicting_with(lo) & wanted) >> start
        for hi in space.kpis_in(island, above, start):
            if (lo, hi) not in resolved:
                yield lo, hi


