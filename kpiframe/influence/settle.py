"""Which harms agreed trade-offs settle: a trade-off can settle a chain.

A trade-off ``between: [X, B]`` settles the harm KPI ``a`` does to KPI ``b`` when ``b`` is B
and *every* harmful walk from ``a`` to ``b`` passes through X (X = ``a`` is the plain case:
the two KPIs agreed between themselves). X may be a KPI or a driver. Between two KPIs the
agreement works both ways (X = P settles harm to Q, X = Q harm to P); with a driver, the KPI
is the one that is hurt.

"Every harmful walk passes through X" is "no harmful walk is left once X is taken out": the
state (b, worse) cannot be reached from (a, better) in the graph without X. Walks go round
loops, so this is reachability over (node, sign) states, as everywhere in the package.

Decisions:

* Per agreement, two searches backwards from (b, worse): one in the whole graph (which states
  lead to harm at all; shared by the agreements on the same b) and one without X. A source
  whose better-move state is in the first and not in the second has all its harm pass through
  X. Each search touches only what leads to b, so the cost is the links upstream of b, twice
  per agreement (measured: see the README's performance section).
* An agreement that settles no harm at all (no source's harm to b passes through X, and X
  does not hurt b itself) is *idle*: the trade-off is stale (rule tradeoff-without-conflict).
* Sources are KPIs for conflicts; ``covering`` answers for any source, a driver too (rising),
  for `kpiframe impact`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from kpiframe.influence.results import KpiPole
from kpiframe.influence.signed import SignedGraph, sign_bit


@dataclass(frozen=True)
class Agreement:
    """One way a trade-off works: harm to ``hurt`` that passes through ``through`` is accepted."""

    tradeoff: str
    through: str  # X: a KPI or a driver
    hurt: str  # B: a KPI


def agreements_of(tradeoff: str, between: tuple[str, str], kpis: Mapping[str, KpiPole]) -> list[Agreement]:
    """The ways a trade-off between two ids works (none when neither is a KPI)."""
    x, y = between
    found = []
    if y in kpis:
        found.append(Agreement(tradeoff, x, y))
    if x in kpis:
        found.append(Agreement(tradeoff, y, x))
    return found


class Settlement:
    """The harms a set of agreements settles, computed per agreement on first use."""

    def __init__(self, graph: SignedGraph, kpis: Mapping[str, KpiPole], agreements: Iterable[Agreement]):
        self.graph = graph
        self.kpis = kpis
        self.agreements = [a for a in agreements if a.hurt in graph.index and a.through in graph.index
                           and a.hurt in kpis and a.through != a.hurt]
        self._leading: dict[str, set[int]] = {}  # per hurt KPI: the states a harmful walk starts from

    @cached_property
    def settled(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """Each settled harm (source KPI, hurt KPI) and the trade-offs that settle it, in id order."""
        found: dict[tuple[str, str], set[str]] = {}
        for agreement in self.agreements:
            for source in self._settled_sources(agreement):
                found.setdefault((source, agreement.hurt), set()).add(agreement.tradeoff)
        return {pair: tuple(sorted(ids)) for pair, ids in sorted(found.items())}

    @cached_property
    def busy(self) -> frozenset[str]:
        """The trade-offs that settle at least one harm."""
        return frozenset(t for ids in self.settled.values() for t in ids)

    def covering(self, source: str, hurt: str, start: int | None = None) -> tuple[str, ...]:
        """The trade-offs that settle the harm ``source`` moving ``start`` (default: a KPI its
        better way, a driver up) does to ``hurt``; none when it does no harm or some escapes."""
        if start is None:
            start = self.kpis[source].better if source in self.kpis else 1
        if source not in self.graph.index:
            return ()
        state = self.graph.index[source] << 1 | sign_bit(start)
        return tuple(sorted({a.tradeoff for a in self.agreements
                             if a.hurt == hurt and state in self._leading_to(hurt) and
                             (source == a.through or state not in self._avoiding(a))}))

    def _settled_sources(self, agreement: Agreement) -> list[str]:
        leading = self._leading_to(agreement.hurt)
        avoiding = self._avoiding(agreement)
        graph, kpis = self.graph, self.kpis
        sources = []
        for state in leading:
            name = graph.names[state >> 1]
            pole = kpis.get(name)
            if pole is None or name == agreement.hurt or state & 1 != sign_bit(pole.better):
                continue
            if name == agreement.through or state not in avoiding:
                sources.append(name)
        return sorted(sources)

    def _leading_to(self, hurt: str) -> set[int]:
        if hurt not in self._leading:
            self._leading[hurt] = self._backwards(hurt, None)
        return self._leading[hurt]

    def _avoiding(self, agreement: Agreement) -> set[int]:
        cache = self.__dict__.setdefault("_avoiding_cache", {})
        key = (agreement.through, agreement.hurt)
        if key not in cache:
            cache[key] = self._backwards(agreement.hurt, agreement.through)
        return cache[key]

    def _backwards(self, hurt: str, without: str | None) -> set[int]:
        """The states from which a walk of length >= 1 reaches (hurt, worse), not passing ``without``."""
        graph = self.graph
        goal = graph.index[hurt] << 1 | (sign_bit(self.kpis[hurt].better) ^ 1)
        skip = graph.index[without] if without is not None else -1
        reverse = graph.reverse_adj
        seen: set[int] = set()
        queue = deque([goal])
        while queue:
            state = queue.popleft()
            node, sign = state >> 1, state & 1
            for u, s in reverse[node]:
                if u == skip:
                    continue
                before = u << 1 | (sign ^ s)
                if before not in seen:
                    seen.add(before)
                    queue.append(before)
        return seen
