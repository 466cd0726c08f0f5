"""Time the signed-influence conflict search on large generated graphs.

Standalone (does not need benchmarks.generate): builds the influence graph in
memory and times ``find_conflicts(..., per_pair_cap=5)`` (with the SignedGraph it runs on), which is what
``kpiframe check`` runs. Usage::

    python benchmarks/bench_influence.py [--seed N]

Cases:
- sparse: 10,000 KPIs, 2,000 drivers, 30,000 links, mostly flowing "downstream"
  (a layered framework) with 2% of links pointing back, which closes loops;
- sparse-random: the same sizes with links placed uniformly at random, which
  knits most of the graph into one large strongly connected component;
- via-drivers: the same sizes, but KPIs only link to and from drivers, so even
  the nearest conflicts are two steps apart;
- dense: 10,000 KPIs, 2,000 drivers, 100,000 links, threaded through ten large
  rings (every node on one) plus random chords: large, tangled cycles.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpiframe.influence import KpiPole, SignedGraph, find_conflicts  # noqa: E402

DEPARTMENTS = ["customer-success", "engineering", "finance", "hr", "legal",
               "marketing", "operations", "product", "sales", "supply-chain"]


def make_poles(rng: random.Random, kpis: int) -> dict[str, KpiPole]:
    return {
        f"kpi-{i:05d}": KpiPole(rng.choice(DEPARTMENTS), rng.choice((1, -1)))
        for i in range(kpis)
    }


def node_names(kpis: int, drivers: int) -> list[str]:
    return [f"kpi-{i:05d}" for i in range(kpis)] + [f"driver-{i:05d}" for i in range(drivers)]


def add_links(g: nx.DiGraph, rng: random.Random, pairs, links: int) -> None:
    count = g.number_of_edges()  # counted by hand: number_of_edges() is O(nodes)
    while count < links:
        u, v = pairs()
        if u != v and not g.has_edge(u, v):
            g.add_edge(u, v, sign=rng.choice((1, -1)))
            count += 1


def sparse_layered(rng: random.Random, kpis: int, drivers: int, links: int) -> nx.DiGraph:
    names = node_names(kpis, drivers)
    rng.shuffle(names)  # position in this list is the node's "layer"
    g = nx.DiGraph()
    g.add_nodes_from(names)

    def pair():
        i = rng.randrange(len(names) - 1)
        j = min(len(names) - 1, i + 1 + int(rng.expovariate(1 / 200)))
        return (names[j], names[i]) if rng.random() < 0.02 else (names[i], names[j])

    add_links(g, rng, pair, links)
    return g


def sparse_random(rng: random.Random, kpis: int, drivers: int, links: int) -> nx.DiGraph:
    names = node_names(kpis, drivers)
    g = nx.DiGraph()
    g.add_nodes_from(names)
    add_links(g, rng, lambda: (rng.choice(names), rng.choice(names)), links)
    return g


def through_drivers(rng: random.Random, kpis: int, drivers: int, links: int) -> nx.DiGraph:
    """KPIs never touch each other directly: every link is KPI -> driver or driver -> KPI."""
    kpi_names = node_names(kpis, 0)
    driver_names = node_names(0, drivers)
    g = nx.DiGraph()
    g.add_nodes_from(kpi_names + driver_names)

    def pair():
        k, d = rng.choice(kpi_names), rng.choice(driver_names)
        return (k, d) if rng.random() < 0.5 else (d, k)

    add_links(g, rng, pair, links)
    return g


def dense_rings(rng: random.Random, kpis: int, drivers: int, links: int, rings: int = 10) -> nx.DiGraph:
    names = node_names(kpis, drivers)
    rng.shuffle(names)
    g = nx.DiGraph()
    size = len(names) // rings
    for r in range(rings):
        ring = names[r * size:(r + 1) * size] if r < rings - 1 else names[r * size:]
        for u, v in zip(ring, ring[1:] + ring[:1]):
            g.add_edge(u, v, sign=rng.choice((1, -1)))
    add_links(g, rng, lambda: (rng.choice(names), rng.choice(names)), links)
    return g


def signed(g: nx.DiGraph) -> SignedGraph:
    return SignedGraph.from_links(g.nodes, ((u, v, d["sign"]) for u, v, d in g.edges(data=True)))


def measure(label: str, g: nx.DiGraph, poles: dict[str, KpiPole], repeat: int) -> None:
    """Best of ``repeat`` runs: on a shared machine the minimum is the honest figure."""
    wall, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        # Building the signed graph is timed too, as the check does it once per run.
        scan = find_conflicts(signed(g), poles, per_pair_cap=5)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    total = sum(scan.totals.values())
    print(
        f"{label:14s} nodes={g.number_of_nodes():6d} links={g.number_of_edges():6d} "
        f"build + find_conflicts(cap=5) best {min(wall):5.2f} s (cpu {min(cpu):5.2f} s)  "
        f"conflicting pairs={total:,} "
        f"reported={len(scan.conflicts)} omitted={scan.omitted_total:,} "
        f"longest reported path={max((len(c.path) - 1 for c in scan.conflicts), default=0)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kpis", type=int, default=10_000)
    parser.add_argument("--drivers", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    poles = make_poles(rng, args.kpis)
    cases = [
        ("sparse", sparse_layered(rng, args.kpis, args.drivers, 3 * args.kpis)),
        ("sparse-random", sparse_random(rng, args.kpis, args.drivers, 3 * args.kpis)),
        ("via-drivers", through_drivers(rng, args.kpis, args.drivers, 3 * args.kpis)),
        ("dense", dense_rings(rng, args.kpis, args.drivers, 10 * args.kpis)),
    ]
    for label, g in cases:
        measure(label, g, poles, args.repeat)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (graphs included): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
