"""Which harms trade-offs settle (kpiframe.influence.settle): a trade-off can settle a chain.

A brute-force reference (every walk, with and without the trade-off's node) checks the two
backward searches on many random small graphs, and the conflict search that takes the settled
harms is checked against the same reference.
"""

from __future__ import annotations

import itertools
from collections import deque

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpiframe.influence import Agreement, KpiPole, Settlement, SignedGraph, agreements_of, find_conflicts

UP, DOWN = 1, -1
NAMES = ["a", "b", "c", "d", "e", "f", "g"]


def signed(g: nx.DiGraph) -> SignedGraph:
    return SignedGraph.from_links(g.nodes, ((u, v, d["sign"]) for u, v, d in g.edges(data=True)))


def chain() -> tuple[nx.DiGraph, dict[str, KpiPole]]:
    """The README's example: leads -> bookings -> workload -> on-time (decrease)."""
    g = nx.DiGraph()
    g.add_edge("leads", "bookings", sign=UP)
    g.add_edge("bookings", "workload", sign=UP)
    g.add_edge("workload", "on-time", sign=DOWN)
    kpis = {"leads": KpiPole("marketing", UP), "bookings": KpiPole("sales", UP), "on-time": KpiPole("operations", UP)}
    return g, kpis


def test_a_kpi_tradeoff_settles_the_harm_of_every_kpi_upstream_of_it():
    g, kpis = chain()
    settlement = Settlement(signed(g), kpis, agreements_of("t", ("bookings", "on-time"), kpis))
    assert settlement.settled == {("bookings", "on-time"): ("t",), ("leads", "on-time"): ("t",)}
    assert settlement.busy == {"t"}


def test_a_driver_tradeoff_settles_the_harm_that_passes_through_the_driver():
    g, kpis = chain()
    settlement = Settlement(signed(g), kpis, agreements_of("t", ("workload", "on-time"), kpis))
    assert set(settlement.settled) == {("bookings", "on-time"), ("leads", "on-time")}
    assert settlement.covering("workload", "on-time") == ("t",)  # what `impact workload` shows


def test_a_path_around_the_tradeoff_leaves_the_harm_unsettled():
    g, kpis = chain()
    g.add_edge("leads", "workload", sign=UP)
    settlement = Settlement(signed(g), kpis, agreements_of("t", ("bookings", "on-time"), kpis))
    assert set(settlement.settled) == {("bookings", "on-time")}
    scan = find_conflicts(signed(g), kpis, settled=settlement.settled)
    assert [(c.a, c.b) for c in scan.conflicts] == [("leads", "on-time")]
    assert [(c.a, c.b) for c in scan.resolved] == [("bookings", "on-time")]


def test_an_agreement_that_settles_nothing_is_idle():
    g, kpis = chain()
    settlement = Settlement(signed(g), kpis, agreements_of("t", ("workload", "bookings"), kpis))
    assert settlement.settled == {} and settlement.busy == frozenset()


def test_a_pair_settled_one_way_only_is_reported_the_other_way():
    g = nx.DiGraph()
    g.add_edge("p", "x", sign=UP)
    g.add_edge("x", "q", sign=DOWN)
    g.add_edge("q", "p", sign=DOWN)  # q hurts p directly
    kpis = {"p": KpiPole("sales", UP), "q": KpiPole("ops", UP)}
    settlement = Settlement(signed(g), kpis, [Agreement("t", "x", "q")])
    assert set(settlement.settled) == {("p", "q")}
    scan = find_conflicts(signed(g), kpis, settled=settlement.settled)
    [conflict] = scan.conflicts
    assert (conflict.a, conflict.b, conflict.mutual) == ("q", "p", False)


# --------------------------------------------------------------------------- brute force


def harmful(g: nx.DiGraph, kpis, source: str, target: str, without: str | None) -> bool:
    """Whether a walk of length >= 1 from ``source`` improving reaches ``target`` worsening, avoiding ``without``."""
    start = (source, kpis[source].better)
    seen, queue = set(), deque([start])
    while queue:
        node, sign = queue.popleft()
        for nxt, data in g.adj[node].items():
            if nxt == without:
                continue
            state = (nxt, sign * data["sign"])
            if state == (target, -kpis[target].better):
                return True
            if state not in seen:
                seen.add(state)
                queue.append(state)
    return False


@st.composite
def cases(draw):
    names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=7, unique=True))
    kpi_names = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
    kpis = {n: KpiPole(draw(st.sampled_from(["ops", "sales"])), draw(st.sampled_from([UP, DOWN]))) for n in kpi_names}
    g = nx.DiGraph()
    g.add_nodes_from(names)
    for u, v, sign in draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names),
                                              st.sampled_from([UP, DOWN])), max_size=14)):
        g.add_edge(u, v, sign=sign)
    tradeoffs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=3))
    return g, kpis, [(f"t{i}", pair) for i, pair in enumerate(tradeoffs) if pair[0] != pair[1]]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_settled_harms_match_brute_force(case):
    g, kpis, tradeoffs = case
    agreements = [a for t, pair in tradeoffs for a in agreements_of(t, pair, kpis)]
    settlement = Settlement(signed(g), kpis, agreements)
    expected: dict[tuple[str, str], set[str]] = {}
    for agreement in agreements:
        for source in kpis:
            if source == agreement.hurt or not harmful(g, kpis, source, agreement.hurt, None):
                continue
            if source == agreement.through or not harmful(g, kpis, source, agreement.hurt, agreement.through):
                expected.setdefault((source, agreement.hurt), set()).add(agreement.tradeoff)
    assert settlement.settled == {pair: tuple(sorted(ids)) for pair, ids in sorted(expected.items())}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_conflicts_with_settled_harms_match_brute_force(case):
    g, kpis, tradeoffs = case
    settlement = Settlement(signed(g), kpis, [a for t, pair in tradeoffs for a in agreements_of(t, pair, kpis)])
    scan = find_conflicts(signed(g), kpis, settled=settlement.settled)
    settled = set(settlement.settled)
    expected_open, expected_resolved = set(), set()
    for x, y in itertools.combinations(sorted(kpis), 2):
        ways = [(a, b) for a, b in ((x, y), (y, x)) if harmful(g, kpis, a, b, None)]
        if not ways:
            continue
        open_ways = [w for w in ways if w not in settled]
        (expected_open if open_ways else expected_resolved).add(frozenset((x, y)))
        if open_ways and len(open_ways) == 1:
            [conflict] = [c for c in scan.conflicts if {c.a, c.b} == {x, y}]
            assert (conflict.a, conflict.b) == open_ways[0]
    assert {frozenset((c.a, c.b)) for c in scan.conflicts} == expected_open
    assert {frozenset((c.a, c.b)) for c in scan.resolved} == expected_resolved
