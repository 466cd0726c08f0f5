"""Step 4: with a cap per department pair, the conflicts with the shortest harmful walks.

One breadth-first search for all KPIs at once picks, for each department pair
with more conflicts than the cap, the ``cap`` pairs that rank first; the pairs
of uncrowded department pairs are all reported and need no search.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kpiframe.influence.harm import HarmSets, KpiSpace
from kpiframe.influence.signed import SignedGraph


class ShortestFirst:
    """Per crowded department pair, the ``cap`` conflicts that rank first.

    Rank: the shortest harmful walk between the two KPIs in either direction,
    then the id of the KPI in the department that sorts first, then the other's
    (inside one department: smaller id, then larger). KPI indices follow that
    order, so ties break by (lo, hi).

    One breadth-first search over (node, sign) states for all KPIs at once: each
    state holds the bitset of sources that reached it, and each level adds the
    sources that first reach it then. Three things keep it near-linear:
    - a source drops out once it has no unfound conflict in an unfinished pair;
    - the search stops when every crowded pair has its quota;
    - a state that keeps being reached keeps, per department, only the ``keep``
      earliest sources (then by id). A later source ``x`` dropped there is
      beaten by ``keep`` sources of its department that reach everything ``x``
      would, at least as soon and with smaller ids, so at most ``cap`` ranked
      pairs through it are lost: ``keep`` covers ``cap``, the target itself and
      its resolved pairs.
    A state's sources all come from its own island, so they are island bits.
    """

    def __init__(
        self,
        graph: SignedGraph,
        space: KpiSpace,
        harm: HarmSets,
        crowded: set[tuple[int, int]],
        cap: int,
        resolved: set[tuple[int, int]],
    ):
        self.graph, self.space, self.harm = graph, space, harm
        self.cap = cap
        self.open = set(crowded)
        self.found: dict[tuple[int, int], list[tuple[int, int, int]]] = {key: [] for key in crowded}
        self.chosen: list[tuple[int, int]] = []
        # Partners already found or resolved, per KPI (resolved pairs that conflict
        # share an island, so island bits suffice).
        self.known = [0] * len(space)
        resolved_degree: dict[int, int] = defaultdict(int)
        for lo, hi in resolved:
            self.known[lo] |= space.bit[hi]
            self.known[hi] |= space.bit[lo]
            resolved_degree[lo] += 1
            resolved_degree[hi] += 1
        self.keep = cap + 1 + max(resolved_degree.values(), default=0)
        # Sources still needed, per island; only ever shrinks.
        self.active = [(1 << len(members)) - 1 for members in space.members]
        self.partners: dict[int, set[int]] = {}  # department -> departments of its open pairs
        self._wanted: dict[tuple[int, int], int] = {}

    def run(self) -> list[tuple[int, int]]:
        space, adj, island_of = self.space, self.graph.adj, self.graph.islands
        self._settle(self.open)
        self._refresh()
        frontier = {
            space.node[k] << 1 | space.better_bit[k]: space.bit[k]
            for k in range(len(space))
            if self._is_active(k)
        }
        seen = dict(frontier)
        arrivals: dict[int, int] = defaultdict(int)  # levels at which each state got sources
        level = 0
        while self.open and frontier:
            level += 1
            reached: dict[int, int] = {}
            active = self.active
            for state, sources in frontier.items():
                sources &= active[island_of[state >> 1]]
                if not sources:
                    continue
                sign = state & 1
                for w, s in adj[state >> 1]:
                    nxt = w << 1 | (sign ^ s)
                    before = reached.get(nxt)
                    reached[nxt] = sources if before is None else before | sources
            frontier = {}
            touched: set[tuple[int, int]] = set()
            paired: set[int] = set()
            for state, sources in reached.items():
                island = island_of[state >> 1]
                before = seen.get(state, 0)
                if before:
                    sources &= ~before
                if sources and arrivals[state] >= 2:  # cheap while states are reached once or twice
                    sources = self._earliest(before, sources, island)
                if not sources:
                    continue
                arrivals[state] += 1
                seen[state] = before | sources
                frontier[state] = sources
                b = space.kpi_of_node[state >> 1]
                if b >= 0 and (state & 1) != space.better_bit[b]:  # b moved the wrong way
                    hurting = sources & self._wanted_against(island, space.dept[b])
                    if hurting:
                        self._record(hurting, b, level, touched, paired)
            if self._settle(touched):
                self._refresh()
            else:  # only KPIs that gained a found pair can have run out of work
                for k in paired:
                    if self._is_active(k) and not self._still_needed(k):
                        self.active[space.island[k]] ^= space.bit[k]
        for key in sorted(self.open):  # unreachable when the bitsets are right; keep what we have
            self.chosen.extend((lo, hi) for _, lo, hi in sorted(self.found[key]))
        return self.chosen

    def _earliest(self, before: int, sources: int, island: int) -> int:
        """The new ``sources`` that are among the ``keep`` earliest of their
        department at this state (``before`` arrived earlier; ties by id = index)."""
        kept = 0
        for mask in self.space.dept_masks[island].values():
            part = sources & mask
            if not part:
                continue
            room = self.keep - (before & mask).bit_count()
            if room <= 0:
                continue
            if part.bit_count() > room:
                part = _lowest_bits(part, room)
            kept |= part
        return kept

    def _record(
        self, hurting: int, b: int, level: int, touched: set[tuple[int, int]], paired: set[int]
    ) -> None:
        space, known = self.space, self.known
        b_bit = space.local[b]
        for a in space.kpis_in(space.island[b], hurting):
            if a == b or known[a] >> b_bit & 1:
                continue  # itself, or a pair found earlier (perhaps the other way) or resolved
            lo, hi = (a, b) if a < b else (b, a)
            key = space.pair_key(lo, hi)
            if key not in self.open:
                continue
            self.found[key].append((level, lo, hi))
            touched.add(key)
            paired.update((a, b))
            known[a] |= space.bit[b]
            known[b] |= space.bit[a]

    def _settle(self, keys: Iterable[tuple[int, int]]) -> bool:
        """Close the pairs among ``keys`` that have their quota; True if any closed."""
        closed = False
        for key in sorted(keys):
            if key in self.open and len(self.found[key]) >= self.cap:
                best = sorted(self.found[key])[: self.cap]
                self.chosen.extend((lo, hi) for _, lo, hi in best)
                self.open.discard(key)
                closed = True
        return closed

    def _refresh(self) -> None:
        """Recompute, after pairs closed: per department, the departments it still
        has an open pair with; then drop the sources no longer needed."""
        self.partners = defaultdict(set)
        for x, y in self.open:
            self.partners[x].add(y)
            self.partners[y].add(x)
        self._wanted.clear()
        space = self.space
        for island, bits in enumerate(self.active):
            for k in space.kpis_in(island, bits):
                if not self._still_needed(k):
                    self.active[island] ^= space.bit[k]

    def _wanted_against(self, island: int, department: int) -> int:
        """The island's KPIs whose department has an open pair with ``department``."""
        key = (island, department)
        wanted = self._wanted.get(key)
        if wanted is None:
            masks = self.space.dept_masks[island]
            partners = self.partners.get(department, ())
            wanted = self._wanted[key] = sum(masks.get(y, 0) for y in partners)
        return wanted

    def _is_active(self, k: int) -> bool:
        return bool(self.active[self.space.island[k]] >> self.space.local[k] & 1)

    def _still_needed(self, k: int) -> bool:
        """Does ``k`` hurt a KPI it has no found pair with, in an open pair?"""
        mask = self._wanted_against(self.space.island[k], self.space.dept[k])
        return bool(mask and self.harm.hurt(k) & mask & ~self.known[k])


def _lowest_bits(x: int, count: int) -> int:
    kept = 0
    for _ in range(count):
        low = x & -x
        kept |= low
        x ^= low
    return kept


