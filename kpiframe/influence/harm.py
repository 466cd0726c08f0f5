"""Steps 2 and 3: which KPIs each KPI hurts, helps, and is hurt by, as bitsets.

Islands where no KPI can hurt another are dropped first (contested_part). The
rest get island-local KPI bits (KpiSpace) and, propagated once over the
condensation DAG each way (sinks first, then sources first), per-SCC sets of
the KPIs reached with each sign (HarmSets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from kpiframe.influence.results import KpiPole
from kpiframe.influence.signed import SignedGraph, sign_bit


def _bits(x: int, offset: int = 0) -> Iterator[int]:
    """Indices of the set bits of ``x``, ascending (bin() is C speed; x & -x on
    10,000-bit ints is not)."""
    text = bin(x)[:1:-1]
    i = text.find("1")
    while i != -1:
        yield i + offset
        i = text.find("1", i + 1)


def contested_part(graph: SignedGraph, kpis: Mapping[str, KpiPole]) -> SignedGraph:
    """The islands where one KPI can hurt another; the others are dropped first.

    In a balanced island every walk u -> v has sign tilt(u) xor tilt(v), so KPI
    ``a`` hurts ``b`` only if better(a) xor tilt(a) differs from better(b) xor
    tilt(b): when all KPIs of the island agree on that, none hurts another.
    Influences mostly pull together, so usually only a small share is left.
    """
    island, tilt, balanced = graph.islands, graph.tilt, graph.island_balanced
    orientations: dict[int, set[int]] = defaultdict(set)
    kpi_count: dict[int, int] = defaultdict(int)
    for name, pole in kpis.items():
        v = graph.index.get(name)
        if v is not None:
            orientations[island[v]].add(sign_bit(pole.better) ^ tilt[v])
            kpi_count[island[v]] += 1
    contested = {
        w
        for w, seen in orientations.items()
        if len(seen) == 2 or (not balanced[w] and kpi_count[w] >= 2)
    }
    if len(contested) == len(balanced):
        return graph
    return graph.subgraph([v for v, w in enumerate(island) if w in contested])


class KpiSpace:
    """KPI indices, ordered by (department, id) so that ranking ties break by
    index, and the island-local bits that stand for them in bitsets.

    No walk leaves its island (weakly connected component), so a bitset never
    needs more than the KPIs of one island: bit ``local[k]`` of an island's
    bitset stands for KPI ``k``, and local positions follow index order. With
    thousands of small islands the bitsets stay a few dozen bits wide instead
    of costing O(KPIs) per operation and per set.
    """

    def __init__(self, graph: SignedGraph, kpis: Mapping[str, KpiPole]):
        present = sorted((kpis[n].department, n) for n in graph.names if n in kpis)
        self.departments = sorted({d for d, _ in present})
        dept_index = {d: i for i, d in enumerate(self.departments)}
        self.names = [n for _, n in present]
        self.dept = [dept_index[d] for d, _ in present]
        self.node = [graph.index[n] for n in self.names]
        self.better_bit = [sign_bit(kpis[n].better) for n in self.names]

        island_count = max(graph.islands, default=-1) + 1
        self.island = [graph.islands[v] for v in self.node]
        self.members: list[list[int]] = [[] for _ in range(island_count)]  # KPIs per island
        self.local = [0] * len(self.names)
        for k, w in enumerate(self.island):
            self.local[k] = len(self.members[w])
            self.members[w].append(k)
        self.bit = [1 << i for i in self.local]

        self.kpi_of_node = [-1] * len(graph.names)
        self.node_bit = [0] * len(graph.names)
        for k, v in enumerate(self.node):
            self.kpi_of_node[v] = k
            self.node_bit[v] = self.bit[k]
        # Per island: the bitset of each department present, and of each better direction.
        self.dept_masks: list[dict[int, int]] = [{} for _ in range(island_count)]
        self.increase = [0] * island_count
        self.decrease = [0] * island_count
        for k, w in enumerate(self.island):
            masks = self.dept_masks[w]
            masks[self.dept[k]] = masks.get(self.dept[k], 0) | self.bit[k]
            if self.better_bit[k]:
                self.decrease[w] |= self.bit[k]
            else:
                self.increase[w] |= self.bit[k]

    def __len__(self) -> int:
        return len(self.names)

    def pair_key(self, lo: int, hi: int) -> tuple[int, int]:
        return (self.dept[lo], self.dept[hi])  # lo < hi, so departments come sorted

    def kpis_in(self, island: int, bits: int, offset: int = 0) -> Iterator[int]:
        """The KPI indices of the set bits of an island's bitset, ascending
        (``offset``: ``bits`` was shifted right by that much)."""
        members = self.members[island]
        for i in _bits(bits, offset):
            yield members[i]


class HarmSets:
    """For every KPI: the KPIs it hurts, helps, and that hurt it, as bitsets.

    Kept per group, not per KPI: KPIs of one SCC whose better direction agrees
    (or disagrees) with the SCC's potential the same way reach the same KPIs
    with the same effect, so they share one set. Each set is over the KPIs of
    the group's island (see KpiSpace).
    """

    def __init__(self, graph: SignedGraph, space: KpiSpace):
        self.space = space
        self.group_of = [
            (graph.comp_of[v], space.better_bit[k] ^ graph.sigma[v]) for k, v in enumerate(space.node)
        ]
        self.groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for k, key in enumerate(self.group_of):
            self.groups[key].append(k)
        flips_of_comp: dict[int, list[int]] = defaultdict(list)
        for comp, flip in self.groups:
            flips_of_comp[comp].append(flip)

        self._hurt: dict[tuple[int, int], int] = {}
        self._help: dict[tuple[int, int], int] = {}
        self._hurt_by: dict[tuple[int, int], int] = {}
        order = range(len(graph.components))
        # Forward: successors before predecessors (Tarjan's order).
        island_of = graph.islands
        for comp, pos, neg in _propagate(graph, space, order, graph.adj, set(flips_of_comp)):
            island = island_of[graph.components[comp][0]]
            for flip in flips_of_comp[comp]:
                self._hurt[(comp, flip)] = self._harm(pos, neg, flip, island)
                self._help[(comp, flip)] = self._harm(neg, pos, flip, island)  # swapped signs: help
        # Backward, on the reversed graph (same SCCs and potentials): who reaches us.
        for comp, pos, neg in _propagate(graph, space, reversed(order), graph.reverse_adj, set(flips_of_comp)):
            island = island_of[graph.components[comp][0]]
            for flip in flips_of_comp[comp]:
                # Walks x -> b have the same sign read backwards, and x hurting b
                # is the same sign condition as b hurting x: the same formula.
                self._hurt_by[(comp, flip)] = self._harm(pos, neg, flip, island)

    def _harm(self, pos: int, neg: int, flip: int, island: int) -> int:
        # flip 0: KPIs in `pos` move up, those in `neg` move down (the other way round for flip 1).
        up, down = (pos, neg) if flip == 0 else (neg, pos)
        return (up & self.space.decrease[island]) | (down & self.space.increase[island])

    def hurt(self, k: int) -> int:
        return self._hurt[self.group_of[k]]

    def conflicting_with(self, k: int) -> int:
        key = self.group_of[k]
        return self._hurt[key] | self._hurt_by[key]

    def hurts(self, a: int, b: int) -> bool:
        space = self.space
        return space.island[a] == space.island[b] and bool(
            self._hurt[self.group_of[a]] >> space.local[b] & 1
        )

    def helps(self, a: int, b: int) -> bool:
        space = self.space
        return space.island[a] == space.island[b] and bool(
            self._help[self.group_of[a]] >> space.local[b] & 1
        )

    def pair_counts(self) -> dict[tuple[int, int], int]:
        """Exact number of conflicting unordered pairs per department pair."""
        space = self.space
        ordered: dict[tuple[int, int], int] = defaultdict(int)
        for key, members in self.groups.items():
            conflicting = self._hurt[key] | self._hurt_by[key]
            if not conflicting:
                continue
            # Within a group either every member conflicts with itself (an unbalanced
            # SCC) or none does; self-pairs are not pairs.
            self_in = bool(conflicting >> space.local[members[0]] & 1)
            per_dept: dict[int, int] = defaultdict(int)
            for k in members:
                per_dept[space.dept[k]] += 1
            popcounts = [
                (y, (conflicting & mask).bit_count())
                for y, mask in space.dept_masks[space.island[members[0]]].items()
            ]
            for x, m in per_dept.items():
                for y, popcount in popcounts:
                    count = m * popcount - (m if self_in and x == y else 0)
                    if y >= x and count:
                        ordered[(x, y)] += count
        # Pairs across departments were counted from the lower department only;
        # pairs inside one department were counted from both ends.
        return {
            key: count // 2 if key[0] == key[1] else count
            for key, count in ordered.items()
            if count
        }


def _propagate(
    graph: SignedGraph,
    space: KpiSpace,
    order: Iterable[int],
    adj: list[list[tuple[int, int]]],
    wanted: set[int],
) -> Iterator[tuple[int, int, int]]:
    """Yield (scc, pos, neg) for each SCC in ``wanted``: the KPIs reached with sign
    + and with sign - by walks of length >= 1 from any member, relative to the
    SCC's potential (from member u the actual sign is sigma(u) times it).

    ``order`` must visit every SCC after all SCCs its ``adj`` edges lead to. An
    SCC's sets are dropped as soon as its last predecessor has used them.
    """
    comp_of, sigma, node_bit = graph.comp_of, graph.sigma, space.node_bit
    uses: dict[int, int] = defaultdict(int)
    for v, edges in enumerate(adj):
        for w, _ in edges:
            if comp_of[w] != comp_of[v]:
                uses[comp_of[w]] += 1
    reach: dict[int, tuple[int, int]] = {}
    for c in order:
        members = graph.components[c]
        pos = neg = 0
        if graph.cyclic[c]:  # every member reaches every member
            for v in members:
                if node_bit[v]:
                    if sigma[v]:
                        neg |= node_bit[v]
                    else:
                        pos |= node_bit[v]
        for v in members:
            for w, s in adj[v]:
                cw = comp_of[w]
                if cw == c:
                    continue
                step = sigma[v] ^ s  # sign of reaching w, relative to c's potential
                w_pos, w_neg = reach[cw]
                if step ^ sigma[w]:
                    pos |= w_neg
                    neg |= w_pos
                else:
                    pos |= w_pos
                    neg |= w_neg
                if node_bit[w]:
                    if step:
                        neg |= node_bit[w]
                    else:
                        pos |= node_bit[w]
                uses[cw] -= 1
                if uses[cw] == 0:
                    del reach[cw]
        if not graph.balanced[c]:  # a negative loop: everything reached both ways
            pos = neg = pos | neg
        if c in wanted:
            yield c, pos, neg
        if uses[c]:
            reach[c] = (pos, neg)


