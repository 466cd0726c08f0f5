"""Step 1: the signed graph, its islands and its strongly connected components.

The influence graph as integer adjacency lists (node indices follow sorted ids),
with what the later steps need computed on first use: islands and their
tilt, SCCs (Tarjan, without recursion) and their sign potentials, and
breadth-first searches over (node, sign) states.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from functools import cached_property

import networkx as nx


def sign_bit(sign: int) -> int:
    """Signs travel as bits so that multiplying is xor: +1 -> 0, -1 -> 1."""
    return 0 if sign > 0 else 1


def check_sign(sign: object, what: str) -> None:
    if sign not in (1, -1) or isinstance(sign, bool):
        raise ValueError(f"{what} must be +1 or -1, got {sign!r}")


class SignedGraph:
    """The influence graph as integer adjacency lists, with its islands and SCCs.

    Node indices follow sorted ids, and each adjacency list is sorted, so every
    BFS below breaks ties by sorted ids. A state is ``node << 1 | sign bit``.
    Every public function of the package takes one: a check builds it once
    (:meth:`from_framework`) and its analyses share it, and its SCCs.
    """

    def __init__(self, names: list[str], adj: list[list[tuple[int, int]]]):
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}
        self.adj = adj

    # The SCC structure is computed on first use: impact() only needs adjacency.
    @cached_property
    def components(self) -> list[list[int]]:
        return tarjan(self.adj)  # sinks first

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
    def from_framework(cls, graph: nx.DiGraph) -> SignedGraph:
        """The influence graph of a framework: its KPIs and drivers, and the links
        whose ``rel`` is ``influences`` in the framework graph (kpiframe.graph).
        The one way the framework's signed graph is built. Read straight out of
        the framework graph: copying it into a networkx graph first cost 2.2 s
        at 100,000 KPIs."""
        names = [n for n, kind in graph.nodes(data="kind") if kind in ("KPI", "Driver")]
        wanted = set(names)
        # adjacency() hands out networkx's own dicts: no view or tuple per edge.
        links = (
            (u, v, data.get("sign"))
            for u, targets in graph.adjacency()
            if u in wanted
            for v, data in targets.items()
            if data.get("rel") == "influences"
        )
        return cls.from_links(names, links)

    @classmethod
    def from_links(cls, names: Iterable[str], links: Iterable[tuple[str, str, object]]) -> SignedGraph:
        """The graph on ``names`` (linked or not) with ``links`` as (source, target,
        sign), each sign +1 or -1 (a bool is refused: ``True`` is not a sign).
        A link to or from a name not in ``names`` is a KeyError."""
        ordered = sorted(set(names))
        index = {name: i for i, name in enumerate(ordered)}
        adj: list[list[tuple[int, int]]] = [[] for _ in ordered]
        for u, v, sign in links:
            if sign == 1 and sign is not True:
                bit = 0
            elif sign == -1:
                bit = 1
            else:
                raise ValueError(f"sign of influence {u} -> {v} must be +1 or -1, got {sign!r}")
            adj[index[u]].append((index[v], bit))
        for edges in adj:
            edges.sort()
        return cls(ordered, adj)

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


def tarjan(adj: list[list[tuple[int, int]]]) -> list[list[int]]:
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



