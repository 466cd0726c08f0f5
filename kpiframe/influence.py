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
under the time it takes to parse it):

1. Strongly connected components (SCCs). Inside a *balanced* SCC (no closed
   walk with a negative sign) there is a potential ``sigma(v)`` such that every
   walk ``u -> v`` inside it has sign ``sigma(u) * sigma(v)``. An *unbalanced*
   SCC reaches every node downstream of it with both signs.
2. Over the condensation DAG, sinks first, every SCC gets two Python-int
   bitsets over KPI indices: KPIs reached with sign ``+`` and with sign ``-``
   relative to the SCC's potential. One pass on the graph, one on its reverse.
   "Which KPIs does ``a`` hurt" and "which KPIs hurt ``b``" are then a few bit
   operations, and per-department-pair counts are popcounts.
3. With a per-department-pair cap, the conflicts of each crowded pair with
   the shortest harmful walk are chosen by one breadth-first search run for
   all KPIs at once (a bitset of sources per (node, sign) state), level by
   level. It stops as soon as every crowded pair has its quota, drops sources
   with nothing left to find, and lets a state keep only the first few sources
   per department, which bounds its work by links x departments x cap even
   when the quota is only met thousands of steps deep (see _ShortestFirst).
4. Only conflicts that are reported get their own BFS over (node, sign) states,
   for the shortest harmful path and so that it stops at that depth.
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


def path_signs(g: nx.DiGraph, path: Sequence[str]) -> list[int]:
    """The sign of each step of ``path`` in a DiGraph (for a cycle from
    :func:`influence_cycles`, close it first: ``path + [path[0]]``)."""
    return [_edge_sign(u, v, g[u][v]) for u, v in zip(path, path[1:])]


def influence_cycles(g: nx.DiGraph) -> list[list[str]]:
    """One feedback loop per strongly connected component that has one.

    Each loop is the shortest cycle through the component's smallest id (ties
    broken by sorted ids), starts at that id and is not closed (the last node
    leads back to the first). Sorted by first id.
    """
    graph = _SignedGraph.from_networkx(g)
    cycles = []
    for comp in graph.components:
        if not graph.is_cyclic(comp):
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
    graph = _SignedGraph.from_networkx(g)
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
    g: nx.DiGraph,
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
    graph = _SignedGraph.from_networkx(g)
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


class _SignedGraph:
    """The influence graph as integer adjacency lists, with its SCCs.

    Node indices follow sorted ids, and each adjacency list is sorted, so every
    BFS below breaks ties by sorted ids. A state is ``node << 1 | sign bit``.
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

    @property
    def sigma(self) -> list[int]:
        return self._potentials[0]

    @property
    def balanced(self) -> list[bool]:
        return self._potentials[1]

    @classmethod
    def from_networkx(cls, g: nx.DiGraph) -> _SignedGraph:
        names = sorted(g.nodes)
        index = {name: i for i, name in enumerate(names)}
        out: list[set[tuple[int, int]]] = [set() for _ in names]
        # edges(data=...) also yields every parallel edge of a MultiDiGraph.
        for u, v, sign in g.edges(data="sign"):
            if sign == 1:
                out[index[u]].add((index[v], 0))
            elif sign == -1:
                out[index[u]].add((index[v], 1))
            else:
                _check_sign(sign, f"sign of influence {u} -> {v}")
        return cls(names, [sorted(edges) for edges in out])

    def is_cyclic(self, comp: list[int]) -> bool:
        if len(comp) > 1:
            return True
        v = comp[0]
        return any(w == v for w, _ in self.adj[v])

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
    """Tarjan's SCC algorithm without recursion; components come out sinks first."""
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
        work = [(root, 0)]
        while work:
            v, i = work[-1]
            edges = adj[v]
            if i < len(edges):
                work[-1] = (v, i + 1)
                w = edges[i][0]
                if index[w] == -1:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
                continue
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
                components.append(sorted(members))
    return components


# --------------------------------------------------------------------------- KPI bitsets


class _KpiSpace:
    """KPI indices for the bitsets, ordered by (department, id) so that each
    department is one contiguous run of bits."""

    def __init__(self, graph: _SignedGraph, kpis: Mapping[str, KpiPole]):
        for name, pole in kpis.items():
            _check_sign(pole.better, f"better of KPI {name}")
        present = sorted((kpis[n].department, n) for n in graph.names if n in kpis)
        self.departments = sorted({d for d, _ in present})
        dept_index = {d: i for i, d in enumerate(self.departments)}
        self.names = [n for _, n in present]
        self.dept = [dept_index[d] for d, _ in present]
        self.node = [graph.index[n] for n in self.names]
        self.better_bit = [_bit(kpis[n].better) for n in self.names]
        self.bit = [1 << k for k in range(len(self.names))]
        self.kpi_of_node = [-1] * len(graph.names)
        self.node_bit = [0] * len(graph.names)
        for k, v in enumerate(self.node):
            self.kpi_of_node[v] = k
            self.node_bit[v] = self.bit[k]
        self.dept_mask = [0] * len(self.departments)
        for k, d in enumerate(self.dept):
            self.dept_mask[d] |= self.bit[k]
        self.increase = sum(b for b, bb in zip(self.bit, self.better_bit) if bb == 0)
        self.decrease = sum(b for b, bb in zip(self.bit, self.better_bit) if bb == 1)

    def __len__(self) -> int:
        return len(self.names)

    def pair_key(self, lo: int, hi: int) -> tuple[int, int]:
        return (self.dept[lo], self.dept[hi])  # lo < hi, so departments come sorted


class _HarmSets:
    """For every KPI: the KPIs it hurts, helps, and that hurt it, as bitsets.

    Kept per group, not per KPI: KPIs of one SCC whose better direction agrees
    (or disagrees) with the SCC's potential the same way reach the same KPIs
    with the same effect, so they share one set.
    """

    def __init__(self, graph: _SignedGraph, space: _KpiSpace):
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
        for comp, pos, neg in _propagate(graph, space, order, graph.adj, set(keys_of_comp)):
            for key in keys_of_comp[comp]:
                self._hurt[(comp, key)] = self._harm(pos, neg, key)
                self._help[(comp, key)] = self._harm(neg, pos, key)  # swapped signs: help
        # Backward, on the reversed graph (same SCCs and potentials): who reaches us.
        reverse_adj: list[list[tuple[int, int]]] = [[] for _ in graph.names]
        for v, edges in enumerate(graph.adj):
            for w, s in edges:
                reverse_adj[w].append((v, s))
        for comp, pos, neg in _propagate(graph, space, reversed(order), reverse_adj, set(keys_of_comp)):
            for key in keys_of_comp[comp]:
                # Walks x -> b have the same sign read backwards, and x hurting b
                # is the same sign condition as b hurting x: the same formula.
                self._hurt_by[(comp, key)] = self._harm(pos, neg, key)

    def _harm(self, pos: int, neg: int, key: int) -> int:
        # key 0: KPIs in `pos` move up, those in `neg` move down (flipped for key 1).
        up, down = (pos, neg) if key == 0 else (neg, pos)
        return (up & self.space.decrease) | (down & self.space.increase)

    def hurt(self, k: int) -> int:
        return self._hurt[self.group_of[k]]

    def conflicting_with(self, k: int) -> int:
        key = self.group_of[k]
        return self._hurt[key] | self._hurt_by[key]

    def hurts(self, a: int, b: int) -> bool:
        return bool(self._hurt[self.group_of[a]] >> b & 1)

    def helps(self, a: int, b: int) -> bool:
        return bool(self._help[self.group_of[a]] >> b & 1)

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
            self_in = bool(conflicting >> members[0] & 1)
            per_dept: dict[int, int] = defaultdict(int)
            for k in members:
                per_dept[space.dept[k]] += 1
            lowest = min(per_dept)
            popcounts = [
                (conflicting & space.dept_mask[y]).bit_count() if y >= lowest else 0
                for y in range(len(space.departments))
            ]
            for x, m in per_dept.items():
                for y in range(x, len(space.departments)):
                    count = m * popcounts[y] - (m if self_in and x == y else 0)
                    if count:
                        ordered[(x, y)] += count
        # Pairs across departments were counted from the lower department only;
        # pairs inside one department were counted from both ends.
        return {
            key: count // 2 if key[0] == key[1] else count
            for key, count in ordered.items()
            if count
        }


def _propagate(
    graph: _SignedGraph,
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
        if graph.is_cyclic(members):  # every member reaches every member
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
    departments = range(len(space.departments))
    wanted_above = [
        sum(space.dept_mask[y] for y in departments if y >= x and (x, y) not in crowded)
        for x in departments
    ]
    for lo in range(len(space)):
        above = (harm.conflicting_with(lo) & wanted_above[space.dept[lo]]) >> (lo + 1)
        for hi in _bits(above, lo + 1):
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
    """

    def __init__(
        self,
        graph: _SignedGraph,
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
        self.known = [0] * len(space)  # partners already found or resolved, per KPI
        resolved_degree: dict[int, int] = defaultdict(int)
        for lo, hi in resolved:
            self.known[lo] |= space.bit[hi]
            self.known[hi] |= space.bit[lo]
            resolved_degree[lo] += 1
            resolved_degree[hi] += 1
        self.keep = cap + 1 + max(resolved_degree.values(), default=0)

    def run(self) -> list[tuple[int, int]]:
        space, adj = self.space, self.graph.adj
        self._settle(self.open)
        self._refresh()
        frontier = {
            space.node[k] << 1 | space.better_bit[k]: space.bit[k] for k in _bits(self.active)
        }
        seen = dict(frontier)
        arrivals: dict[int, int] = defaultdict(int)  # levels at which each state got sources
        level = 0
        while self.open and frontier:
            level += 1
            reached: dict[int, int] = {}
            active = self.active
            for state, sources in frontier.items():
                sources &= active
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
                before = seen.get(state, 0)
                if before:
                    sources &= ~before
                if sources and arrivals[state] >= 2:  # cheap while states are reached once or twice
                    sources = self._earliest(before, sources)
                if not sources:
                    continue
                arrivals[state] += 1
                seen[state] = before | sources
                frontier[state] = sources
                b = space.kpi_of_node[state >> 1]
                if b >= 0 and (state & 1) != space.better_bit[b]:  # b moved the wrong way
                    hurting = sources & self.want[space.dept[b]]
                    if hurting:
                        self._record(hurting, b, level, touched, paired)
            if self._settle(touched):
                self._refresh()
            else:  # only KPIs that gained a found pair can have run out of work
                for k in paired:
                    if self.active >> k & 1 and not self._still_needed(k):
                        self.active ^= space.bit[k]
        for key in sorted(self.open):  # unreachable when the bitsets are right; keep what we have
            self.chosen.extend((lo, hi) for _, lo, hi in sorted(self.found[key]))
        return self.chosen

    def _earliest(self, before: int, sources: int) -> int:
        """The new ``sources`` that are among the ``keep`` earliest of their
        department at this state (``before`` arrived earlier; ties by id = index)."""
        kept = 0
        for mask in self.space.dept_mask:
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
        for a in _bits(hurting):
            if a == b or known[a] >> b & 1:
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
        has an open pair with; and the sources still needed."""
        space = self.space
        self.want = [0] * len(space.departments)
        for x, y in self.open:
            self.want[x] |= space.dept_mask[y]
            self.want[y] |= space.dept_mask[x]
        self.active = sum(space.bit[k] for k in range(len(space)) if self._still_needed(k))

    def _still_needed(self, k: int) -> bool:
        """Does ``k`` hurt a KPI it has no found pair with, in an open pair?"""
        mask = self.want[self.space.dept[k]]
        return bool(mask and self.harm.hurt(k) & mask & ~self.known[k])


def _lowest_bits(x: int, count: int) -> int:
    kept = 0
    for _ in range(count):
        low = x & -x
        kept |= low
        x ^= low
    return kept


def _describe(
    graph: _SignedGraph,
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
    graph: _SignedGraph, space: _KpiSpace, harm: _HarmSets, lo: int, hi: int
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
    graph: _SignedGraph,
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
