"""Signed-influence analysis: which KPIs work against which, and feedback loops.

Plain functions over a ``networkx`` directed graph, in the style of networkx
algorithms. Nodes are KPI and Driver ids; every edge carries ``sign`` (+1 when
the source rising makes the target rise, -1 when it makes it fall). KPIs are
the nodes named in ``kpis``; every other node is a driver.

Semantics. Improving KPI ``a`` moves it by ``better(a)``. Along a walk the
effects multiply, so ``b`` ends up moved by ``better(a) * product(signs)``;
when that is against ``better(b)``, ``a`` hurts ``b``. Walks may go round
feedback loops: a loop with a negative sign can turn help into harm, which is
why the search runs over (node, sign) states instead of simple paths.

How it stays near-linear (a 10,000-KPI framework must be searched in well
under the time it takes to parse it, and 100,000 KPIs in about ten times that):

1. Islands. No walk leaves its island (weakly connected component). An island
   is *balanced* when a potential ``tilt`` makes every link's sign
   ``tilt(u) * tilt(v)``; then every walk ``u -> v`` has that sign, and when
   all its KPIs agree on ``better * tilt`` none can hurt another. Such islands
   are dropped first (see _contested_part): influences mostly pull together,
   so in the generated 10,000- and 100,000-KPI frameworks 97% of the graph
   goes at once (in the dense one, where most islands are tangled, little).
2. Strongly connected components (SCCs). Inside a balanced SCC (no closed
   walk with a negative sign) there is a potential ``sigma(v)`` such that every
   walk ``u -> v`` inside it has sign ``sigma(u) * sigma(v)``. An *unbalanced*
   SCC reaches every node downstream of it with both signs.
3. Over the condensation DAG, sinks first, every SCC gets two Python-int
   bitsets of the KPIs of its island: reached with sign ``+`` and with sign
   ``-`` relative to the SCC's potential. One pass on the graph, one on its
   reverse. "Which KPIs does ``a`` hurt" and "which KPIs hurt ``b``" are then a
   few bit operations, and per-department-pair counts are popcounts. A bit
   stands for a KPI's position within its island (_KpiSpace), so a set is as
   wide as an island, not as the framework: sets over all KPIs made every
   operation O(KPIs) and took O(KPIs x SCCs) memory (2 GB at 100,000 KPIs).
4. With a per-department-pair cap, the conflicts of each crowded pair with
   the shortest harmful walk are chosen by one breadth-first search run for
   all KPIs at once (a bitset of sources per (node, sign) state), level by
   level. It stops as soon as every crowded pair has its quota, drops sources
   with nothing left to find, and lets a state keep only the first few sources
   per department, which bounds its work by links x departments x cap even
   when the quota is only met thousands of steps deep (see _ShortestFirst).
5. Only conflicts that are reported get their own BFS over (node, sign) states,
   for the shortest harmful path and so that it stops at that depth.

What is left is a few passes over the links, whose cost per link grows once
the graph no longer fits in the CPU caches (a bare loop over the adjacency
lists of 100,000 KPIs takes about 25 times as long as over 10,000).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import networkx as nx

__all__ = [
    "Conflict",
    "ConflictScan",
    "Effect",
    "KpiPole",
    "SignedGraph",
    "find_conflicts",
    "format_path",
    "impact",
    "influence_cycles",
    "path_signs",
]

Outcome = Literal["helped", "hurt", "mixed"]
DepartmentPair = tuple[str, str]


@dataclass(frozen=True)
class KpiPole:
    """What the conflict search needs to know about one KPI."""

    department: str
    better: int  # +1 when `direction: increase` is better, -1 when `decrease` is


@dataclass(frozen=True)
class Conflict:
    """Improving ``a`` worsens ``b`` through ``path`` (the shortest harmful walk)."""

    a: str  # the KPI that hurts; when both hurt each other, the one whose harm
    # takes fewer steps, then the id that sorts first
    b: str
    department_a: str
    department_b: str
    path: tuple[str, ...]  # node ids from a to b, the shortest harmful walk between
    # the two either way; it may go round a loop more than once
    signs: tuple[int, ...]  # sign of each step, len(path) - 1 of them
    mixed: bool  # some other walk from a to b helps b
    mutual: bool  # improving b also hurts a

    @property
    def same_department(self) -> bool:
        return self.department_a == self.department_b

    @property
    def departments(self) -> DepartmentPair:
        """The unordered department pair, sorted: the key caps and counts use."""
        return _department_pair(self.department_a, self.department_b)


@dataclass(frozen=True)
class ConflictScan:
    """Result of :func:`find_conflicts`.

    ``totals`` counts every conflicting pair per department pair (resolved ones
    included, so a summary can say how many are covered by trade-offs).
    ``conflicts`` holds the unresolved ones that are reported, at most the cap per
    department pair; ``omitted`` says how many unresolved ones were left out.
    ``resolved`` holds every pair given as resolved that does conflict;
    ``no_conflict`` the pairs given as resolved that do not (stale trade-offs).
    """

    conflicts: tuple[Conflict, ...]
    totals: Mapping[DepartmentPair, int]
    omitted: Mapping[DepartmentPair, int]
    resolved: tuple[Conflict, ...] = ()
    no_conflict: tuple[tuple[str, str], ...] = ()

    @property
    def omitted_total(self) -> int:
        return sum(self.omitted.values())


@dataclass(frozen=True)
class Effect:
    """What moving a KPI or driver does to one KPI it reaches."""

    kpi: str
    department: str
    outcome: Outcome
    path: tuple[str, ...]  # shortest walk with this outcome; for "mixed": the shortest harmful one
    signs: tuple[int, ...]


# --------------------------------------------------------------------------- public API


def format_path(path: Sequence[str], signs: Sequence[int]) -> str:
    """``new-deals-closed -(+)-> delivery-workload -(+)-> operating-cost``."""
    if len(signs) != max(len(path) - 1, 0):
        raise ValueError(f"{len(path)} nodes need {max(len(path) - 1, 0)} signs, got {len(signs)}")
    parts = [str(path[0])] if path else []
    for node, sign in zip(path[1:], signs):
        parts.append(f"-({'+' if sign > 0 else '-'})-> {node}")
    return " ".join(parts)


def path_signs(g: nx.DiGraph | SignedGraph, path: Sequence[str]) -> list[int]:
    """The sign of each step of ``path`` (for a cycle from :func:`influence_cycles`,
    close it first: ``path + [path[0]]``)."""
    if isinstance(g, SignedGraph):
        return [g.sign(u, v) for u, v in zip(path, path[1:])]
    return [_edge_sign(u, v, g[u][v]) for u, v in zip(path, path[1:])]


def influence_cycles(g: nx.DiGraph | SignedGraph) -> list[list[str]]:
    """One feedback loop per strongly connected component that has one.

    Each loop is the shortest cycle through the component's smallest id (ties
    broken by sorted ids), starts at that id and is not closed (the last node
    leads back to the first). Sorted by first id.
    """
    graph = _as_signed(g)
    cycles = []
    for comp, cyclic in zip(graph.components, graph.cyclic):
        if not cyclic:
            continue
        start = min(comp)  # node indices follow sorted ids
        cycles.append([graph.names[v] for v in graph.shortest_cycle(start, set(comp))])
    cycles.sort()
    return cycles


def impact(
    g: nx.DiGraph,
    kpis: Mapping[str, KpiPole],
    source: str,
    *,
    start: int | None = None,
) -> list[Effect]:
    """Every KPI reached when ``source`` moves: helped, hurt or mixed, and how.

    A KPI moves in its better direction, a driver up; ``start`` (+1 or -1)
    overrides that. The source itself is not listed. Nearest KPIs first.
    """
    if source not in g:
        if source in kpis:
            return []
        raise KeyError(source)
    if start is None:
        start = kpis[source].better if source in kpis else 1
    _check_sign(start, "start")
    graph = SignedGraph.from_networkx(g)
    origin = graph.index[source] << 1 | _bit(start)
    parents = graph.bfs(origin)
    effects = []
    for name, pole in kpis.items():
        node = graph.index.get(name)
        if node is None or name == source:
            continue
        good = node << 1 | _bit(pole.better)
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


def find_conflicts(
    g: nx.DiGraph | SignedGraph,
    kpis: Mapping[str, KpiPole],
    *,
    per_pair_cap: int | None = None,
    resolved: Collection[tuple[str, str]] = (),
) -> ConflictScan:
    """Every unordered pair of KPIs where improving one worsens the other.

    ``resolved`` lists KPI pairs (either order) covered by a trade-off: they are
    returned in ``resolved`` and never count against the cap. With
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
        _check_sign(pole.better, f"better of KPI {name}")
    graph = _contested_part(_as_signed(g), kpis)
    space = _KpiSpace(graph, kpis)
    harm = _HarmSets(graph, space)
    resolved_pairs, no_conflict = _split_resolved(space, harm, resolved)

    totals = harm.pair_counts()
    unresolved = dict(totals)
    for lo, hi in resolved_pairs:
        unresolved[(space.dept[lo], space.dept[hi])] -= 1

    crowded = {
        key
        for key, count in unresolved.items()
        if per_pair_cap is not None and count > per_pair_cap
    }
    chosen = list(_all_pairs_outside(space, harm, crowded, resolved_pairs))
    if crowded:
        assert per_pair_cap is not None
        search = _ShortestFirst(graph, space, harm, crowded, per_pair_cap, resolved_pairs)
        chosen.extend(search.run())

    conflicts = _describe(graph, space, harm, chosen)
    resolved_conflicts = _describe(graph, space, harm, sorted(resolved_pairs))

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


# --------------------------------------------------------------------------- graph core


def _as_signed(g: nx.DiGraph | SignedGraph) -> SignedGraph:
    return g if isinstance(g, SignedGraph) else SignedGraph.from_networkx(g)


def _bit(sign: int) -> int:
    """Signs travel as bits so that multiplying is xor: +1 -> 0, -1 -> 1."""
    return 0 if sign > 0 else 1


def _check_sign(sign: object, what: str) -> None:
    if sign not in (1, -1) or isinstance(sign, bool):
        raise ValueError(f"{what} must be +1 or -1, got {sign!r}")


def _edge_sign(u: str, v: str, data: Mapping) -> int:
    sign = data.get("sign")
    _check_sign(sign, f"sign of influence {u} -> {v}")
    return sign


def _department_pair(d1: str, d2: str) -> DepartmentPair:
    return (d1, d2) if d1 <= d2 else (d2, d1)


def _bits(x: int, offset: int = 0) -> Iterator[int]:
    """Indices of the set bits of ``x``, ascending (bin() is C speed; x & -x on
    10,000-bit ints is not)."""
    text = bin(x)[:1:-1]
    i = text.find("1")
    while i != -1:
        yield i + offset
        i = text.find("1", i + 1)


class SignedGraph:
    """The influence graph as integer adjacency lists, with its islands and SCCs.

    Node indices follow sorted ids, and each adjacency list is sorted, so every
    BFS below breaks ties by sorted ids. A state is ``node << 1 | sign bit``.
    The functions above accept one instead of a networkx graph, so that several
    analyses of one check share one conversion (and its SCCs).
    """

    def __init__(self, names: list[str], adj: list[list[tuple[int, int]]]):
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}
        self.adj = adj

    # The SCC structure is computed on first use: impact() only needs adjacency.
    @cached_property
    def components(self) -> list[list[int]]:
        return _tarjan(self.adj)  # sinks first

    @cached_property
    def comp_of(self) -> list[int]:
        comp_of = [0] * len(self.names)
        for c, members in enumerate(self.components):
            for v in members:
                comp_of[v] = c
        return comp_of

    @cached_property
    def reverse_adj(self) -> list[list[tuple[int, int]]]:
        """The links into each node, as (source, sign bit)."""
        reverse: list[list[tuple[int, int]]] = [[] for _ in self.names]
        for v, edges in enumerate(self.adj):
            for w, s in edges:
                reverse[w].append((v, s))
        return reverse

    @property
    def islands(self) -> list[int]:
        """Island (weakly connected component) of each node, numbered in order of
        their smallest node. No walk leaves its island."""
        return self._islands[0]

    @property
    def tilt(self) -> list[int]:
        """A sign potential per node over links taken either way (as a bit)."""
        return self._islands[1]

    @property
    def island_balanced(self) -> list[bool]:
        """Per island: does every link agree with the tilt, sign(u -> v) =
        tilt(u) xor tilt(v)? Then every walk u -> v has exactly that sign."""
        return self._islands[2]

    @cached_property
    def _islands(self) -> tuple[list[int], list[int], list[bool]]:
        island = [-1] * len(self.names)
        tilt = [0] * len(self.names)
        balanced: list[bool] = []
        for root in range(len(self.names)):
            if island[root] != -1:
                continue
            count = len(balanced)
            agrees = True
            island[root] = count
            stack = [root]
            while stack:
                v = stack.pop()
                for edges in (self.adj[v], self.reverse_adj[v]):
                    for w, s in edges:
                        if island[w] == -1:
                            island[w] = count
                            tilt[w] = tilt[v] ^ s
                            stack.append(w)
                        elif tilt[w] != tilt[v] ^ s:
                            agrees = False
            balanced.append(agrees)
        return island, tilt, balanced

    def subgraph(self, nodes: list[int]) -> SignedGraph:
        """The graph on ``nodes`` (ascending, and whole islands, so that no link
        leaves it). Indices keep their order, so ids stay sorted."""
        renumber = {v: i for i, v in enumerate(nodes)}
        return SignedGraph(
            [self.names[v] for v in nodes],
            [[(renumber[w], s) for w, s in self.adj[v]] for v in nodes],
        )

    @cached_property
    def cyclic(self) -> list[bool]:
        """Per SCC: does it hold a loop (two or more members, or a self-loop)?"""
        looped = {v for v, edges in enumerate(self.adj) for w, _ in edges if w == v}
        return [len(members) > 1 or members[0] in looped for members in self.components]

    @property
    def sigma(self) -> list[int]:
        return self._potentials[0]

    @property
    def balanced(self) -> list[bool]:
        return self._potentials[1]

    def sign(self, u: str, v: str) -> int:
        """The sign of the link ``u -> v`` (KeyError when there is none)."""
        w = self.index[v]
        for target, bit in self.adj[self.index[u]]:
            if target == w:
                return -1 if bit else 1
        raise KeyError((u, v))

    @classmethod
    def from_relation(cls, g: nx.DiGraph, relation: str = "influences",
                      kinds: Collection[str] = ("KPI", "Driver")) -> SignedGraph:
        """The signed graph inside a bigger one: its nodes of ``kinds`` and the
        links whose ``rel`` is ``relation``. Reading it straight out of the
        framework graph costs a fraction of copying it into a networkx graph
        first (2.2 s at 100,000 KPIs)."""
        names = sorted(n for n, kind in g.nodes(data="kind") if kind in kinds)
        index = {name: i for i, name in enumerate(names)}
        adj: list[list[tuple[int, int]]] = [[] for _ in names]
        for u, targets in g.adjacency():
            i = index.get(u)
            if i is None:
                continue
            edges = []
            for v, data in targets.items():
                if data.get("rel") != relation or v not in index:
                    continue
                sign = data.get("sign")
                _check_sign(sign, f"sign of influence {u} -> {v}")
                edges.append((index[v], 0 if sign == 1 else 1))
            adj[i] = sorted(edges)
        return cls(names, adj)

    @classmethod
    def from_networkx(cls, g: nx.DiGraph) -> SignedGraph:
        names = sorted(g.nodes)
        index = {name: i for i, name in enumerate(names)}
        adj: list[list[tuple[int, int]]] = [[] for _ in names]
        multi = g.is_multigraph()
        # adjacency() hands out networkx's own dicts: no view or tuple per edge.
        for u, targets in g.adjacency():
            edges = []
            for v, data in targets.items():
                w = index[v]
                for attrs in data.values() if multi else (data,):  # parallel edges by key
                    sign = attrs.get("sign")
                    if sign == 1:
                        edges.append((w, 0))
                    elif sign == -1:
                        edges.append((w, 1))
                    else:
                        _check_sign(sign, f"sign of influence {u} -> {v}")
            adj[index[u]] = sorted(set(edges) if multi else edges)
        return cls(names, adj)

    @cached_property
    def _potentials(self) -> tuple[list[int], list[bool]]:
        """Sign potential per node (as a bit) and whether each SCC is balanced.

        BFS inside the SCC sets sigma(w) = sigma(v) xor sign(v, w); the SCC is
        balanced exactly when every internal edge agrees with that.
        """
        sigma = [0] * len(self.names)
        balanced = []
        comp_of = self.comp_of
        for c, members in enumerate(self.components):
            seen = {members[0]}
            queue = deque([members[0]])
            while queue:
                v = queue.popleft()
                for w, s in self.adj[v]:
                    if comp_of[w] == c and w not in seen:
                        seen.add(w)
                        sigma[w] = sigma[v] ^ s
                        queue.append(w)
            balanced.append(
                all(
                    sigma[v] ^ s == sigma[w]
                    for v in members
                    for w, s in self.adj[v]
                    if comp_of[w] == c
                )
            )
        return sigma, balanced

    def bfs(self, origin: int, goals: set[int] | None = None) -> dict[int, int]:
        """Parents of every (node, sign) state reached from ``origin`` by a walk of
        length >= 1 (the origin is included only if a loop leads back to it).
        Stops early once every state in ``goals`` is reached."""
        parents: dict[int, int] = {}
        queue = deque([origin])
        remaining = set(goals) if goals is not None else None
        adj = self.adj
        while queue:
            state = queue.popleft()
            sign = state & 1
            for w, s in adj[state >> 1]:
                nxt = w << 1 | (sign ^ s)
                if nxt in parents:
                    continue
                parents[nxt] = state
                queue.append(nxt)
                if remaining is not None:
                    remaining.discard(nxt)
                    if not remaining:
                        return parents
        return parents

    def bfs_levels(self, origin: int) -> Iterator[dict[int, int]]:
        """The same search as :meth:`bfs`, one level at a time: yields the parents
        map after each level (the same dict, growing)."""
        parents: dict[int, int] = {}
        frontier = [origin]
        adj = self.adj
        while frontier:
            reached = []
            for state in frontier:
                sign = state & 1
                for w, s in adj[state >> 1]:
                    nxt = w << 1 | (sign ^ s)
                    if nxt not in parents:
                        parents[nxt] = state
                        reached.append(nxt)
            frontier = reached
            yield parents

    def walk(
        self, parents: dict[int, int], origin: int, state: int
    ) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The walk the BFS found from ``origin`` to ``state``, as names and step signs."""
        states = [state, parents[state]]
        while states[-1] != origin:
            states.append(parents[states[-1]])
        states.reverse()
        nodes = tuple(self.names[s >> 1] for s in states)
        signs = tuple(-1 if (a ^ b) & 1 else 1 for a, b in zip(states, states[1:]))
        return nodes, signs

    def shortest_cycle(self, start: int, members: set[int]) -> list[int]:
        """Shortest cycle through ``start`` inside one SCC, by BFS over nodes."""
        parents: dict[int, int] = {}
        queue = deque([start])
        while queue:
            v = queue.popleft()
            for w, _ in self.adj[v]:
                if w not in members or w in parents:
                    continue
                parents[w] = v
                if w == start:
                    cycle = [v]
                    while cycle[-1] != start:
                        cycle.append(parents[cycle[-1]])
                    cycle.reverse()
                    return cycle
                queue.append(w)
        raise AssertionError("a strongly connected component with a loop has a cycle")


def _tarjan(adj: list[list[tuple[int, int]]]) -> list[list[int]]:
    """Tarjan's SCC algorithm without recursion; components come out sinks first,
    each sorted. ``work`` holds the path being explored, each node with the
    iterator over the links it has yet to follow."""
    n = len(adj)
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, iter(adj[root]))]
        while work:
            v, links = work[-1]
            for w, _ in links:
                if index[w] == -1:  # descend; come back to v's remaining links later
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, iter(adj[w])))
                    break
                if on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
            else:  # every link of v followed
                work.pop()
                if work:
                    u = work[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v]:
                    members = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        members.append(w)
                        if w == v:
                            break
                    members.sort()
                    components.append(members)
    return components


# --------------------------------------------------------------------------- islands and KPI bitsets


def _contested_part(graph: SignedGraph, kpis: Mapping[str, KpiPole]) -> SignedGraph:
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
            orientations[island[v]].add(_bit(pole.better) ^ tilt[v])
            kpi_count[island[v]] += 1
    contested = {
        w
        for w, seen in orientations.items()
        if len(seen) == 2 or (not balanced[w] and kpi_count[w] >= 2)
    }
    if len(contested) == len(balanced):
        return graph
    return graph.subgraph([v for v, w in enumerate(island) if w in contested])


class _KpiSpace:
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
        self.better_bit = [_bit(kpis[n].better) for n in self.names]

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


class _HarmSets:
    """For every KPI: the KPIs it hurts, helps, and that hurt it, as bitsets.

    Kept per group, not per KPI: KPIs of one SCC whose better direction agrees
    (or disagrees) with the SCC's potential the same way reach the same KPIs
    with the same effect, so they share one set. Each set is over the KPIs of
    the group's island (see _KpiSpace).
    """

    def __init__(self, graph: SignedGraph, space: _KpiSpace):
        self.space = space
        self.group_of = [
            (graph.comp_of[v], space.better_bit[k] ^ graph.sigma[v]) for k, v in enumerate(space.node)
        ]
        self.groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for k, key in enumerate(self.group_of):
            self.groups[key].append(k)
        keys_of_comp: dict[int, list[int]] = defaultdict(list)
        for comp, key in self.groups:
            keys_of_comp[comp].append(key)

        self._hurt: dict[tuple[int, int], int] = {}
        self._help: dict[tuple[int, int], int] = {}
        self._hurt_by: dict[tuple[int, int], int] = {}
        order = range(len(graph.components))
        # Forward: successors before predecessors (Tarjan's order).
        island_of = graph.islands
        for comp, pos, neg in _propagate(graph, space, order, graph.adj, set(keys_of_comp)):
            island = island_of[graph.components[comp][0]]
            for key in keys_of_comp[comp]:
                self._hurt[(comp, key)] = self._harm(pos, neg, key, island)
                self._help[(comp, key)] = self._harm(neg, pos, key, island)  # swapped signs: help
        # Backward, on the reversed graph (same SCCs and potentials): who reaches us.
        for comp, pos, neg in _propagate(graph, space, reversed(order), graph.reverse_adj, set(keys_of_comp)):
            island = island_of[graph.components[comp][0]]
            for key in keys_of_comp[comp]:
                # Walks x -> b have the same sign read backwards, and x hurting b
                # is the same sign condition as b hurting x: the same formula.
                self._hurt_by[(comp, key)] = self._harm(pos, neg, key, island)

    def _harm(self, pos: int, neg: int, key: int, island: int) -> int:
        # key 0: KPIs in `pos` move up, those in `neg` move down (flipped for key 1).
        up, down = (pos, neg) if key == 0 else (neg, pos)
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
    space: _KpiSpace,
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


# --------------------------------------------------------------------------- selection


def _split_resolved(
    space: _KpiSpace, harm: _HarmSets, pairs: Collection[tuple[str, str]]
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


def _all_pairs_outside(
    space: _KpiSpace,
    harm: _HarmSets,
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


class _ShortestFirst:
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
        space: _KpiSpace,
        harm: _HarmSets,
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


def _describe(
    graph: SignedGraph,
    space: _KpiSpace,
    harm: _HarmSets,
    pairs: list[tuple[int, int]],
) -> list[Conflict]:
    """Conflict records for conflicting (lo, hi) index pairs, in rank order.

    One BFS per reporting KPI stops once all its targets are reached with the
    harmful sign. For a mutual pair, BFS from both ends advance level by level,
    the smaller id first, so the first to arrive (the shorter harm) reports.
    """
    targets: dict[int, list[int]] = defaultdict(list)
    conflicts = []
    for lo, hi in pairs:
        forward, backward = harm.hurts(lo, hi), harm.hurts(hi, lo)
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
            conflicts.append(_conflict(graph, space, harm, a, b, parents, origin, harmful[b]))
    conflicts.sort(key=_rank)
    return conflicts


def _harmed_state(space: _KpiSpace, k: int) -> int:
    """The (node, sign) state of KPI ``k`` moving against its better direction."""
    return space.node[k] << 1 | (space.better_bit[k] ^ 1)


def _mutual_conflict(
    graph: SignedGraph, space: _KpiSpace, harm: _HarmSets, lo: int, hi: int
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
    space: _KpiSpace,
    harm: _HarmSets,
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
