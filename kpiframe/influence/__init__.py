"""Signed-influence analysis: which KPIs work against which, and feedback loops.

Plain functions over one type, :class:`SignedGraph`, built from the framework
graph by ``SignedGraph.from_framework`` (or from a list of links by
``SignedGraph.from_links``). Nodes are KPI and Driver ids; every link has a
sign (+1 when the source rising makes the target rise, -1 when it makes it
fall). KPIs are the nodes named in ``kpis``; every other node is a driver.

Semantics. Improving KPI ``a`` moves it by ``better(a)``. Along a walk the
effects multiply, so ``b`` ends up moved by ``better(a) * product(signs)``;
when that is against ``better(b)``, ``a`` hurts ``b``. Walks may go round
feedback loops: a loop with a negative sign can turn help into harm, which is
why the search runs over (node, sign) states instead of simple paths.

How it stays near-linear (a 10,000-KPI framework must be searched in well
under the time it takes to parse it, and 100,000 KPIs in about ten times that):

1. Islands (signed.py; dropped in harm.py). No walk leaves its island
   (weakly connected component). An island is *balanced* when a potential ``tilt`` makes every link's sign
   ``tilt(u) * tilt(v)``; then every walk ``u -> v`` has that sign, and when
   all its KPIs agree on ``better * tilt`` none can hurt another. Such islands
   are dropped first (see contested_part): influences mostly pull together,
   so in the generated 10,000- and 100,000-KPI frameworks 97% of the graph
   goes at once (in the dense one, where most islands are tangled, little).
2. Strongly connected components (SCCs; signed.py). Inside a balanced SCC
   (no closed walk with a negative sign) there is a potential ``sigma(v)`` such that every
   walk ``u -> v`` inside it has sign ``sigma(u) * sigma(v)``. An *unbalanced*
   SCC reaches every node downstream of it with both signs.
3. Harm sets (harm.py). Over the condensation DAG, sinks first, every SCC
   gets two Python-int bitsets of the KPIs of its island: reached with sign ``+`` and with sign
   ``-`` relative to the SCC's potential. One pass on the graph, one on its
   reverse. "Which KPIs does ``a`` hurt" and "which KPIs hurt ``b``" are then a
   few bit operations, and per-department-pair counts are popcounts. A bit
   stands for a KPI's position within its island (KpiSpace), so a set is as
   wide as an island, not as the framework: sets over all KPIs made every
   operation O(KPIs) and took O(KPIs x SCCs) memory (2 GB at 100,000 KPIs).
4. Shortest harmful walks (shortest.py). With a per-department-pair cap, the
   conflicts of each crowded pair with the shortest harmful walk are chosen by one breadth-first search run for
   all KPIs at once (a bitset of sources per (node, sign) state), level by
   level. It stops as soon as every crowded pair has its quota, drops sources
   with nothing left to find, and lets a state keep only the first few sources
   per department, which bounds its work by links x departments x cap even
   when the quota is only met thousands of steps deep (see ShortestFirst).
5. Describing a conflict (describe.py). Only conflicts that are reported get
   their own BFS over (node, sign) states, for the shortest harmful path and so that it stops at that depth.

settle.py says which harms agreed trade-offs settle (a trade-off can settle a
chain); find_conflicts takes those as settled. conflicts.py runs the steps in order (find_conflicts); walks.py holds the
single-source walks (impact, influence_cycles, path_signs); results.py the
answers' types.

What is left is a few passes over the links, whose cost per link grows once
the graph no longer fits in the CPU caches (a bare loop over the adjacency
lists of 100,000 KPIs takes about 25 times as long as over 10,000).
"""

from kpiframe.influence.conflicts import find_conflicts
from kpiframe.influence.describe import format_path
from kpiframe.influence.results import Conflict, ConflictScan, DepartmentPair, Effect, KpiPole, Outcome
from kpiframe.influence.settle import Agreement, Settlement, agreements_of
from kpiframe.influence.signed import SignedGraph
from kpiframe.influence.walks import impact, influence_cycles, path_signs

__all__ = [
    "Agreement",
    "Conflict",
    "ConflictScan",
    "DepartmentPair",
    "Effect",
    "KpiPole",
    "Outcome",
    "Settlement",
    "SignedGraph",
    "agreements_of",
    "find_conflicts",
    "format_path",
    "impact",
    "influence_cycles",
    "path_signs",
]
