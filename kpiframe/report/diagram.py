"""What the report's pictures show: goals, KPIs, and the edges between them, as plain data, cut into
diagrams a reader can take in at a glance.

A picture stays readable when it is small and about as tall as it is wide. So:

* At most ``NODE_LIMIT`` nodes per diagram, every diagram laid out top-down.
* One diagram of the whole framework while it fits; above that, one per company goal; a company
  goal too big for one gets one per department under it, and a department too big for one is cut
  into parts (its goals kept with the goals above them, so every part still shows what it rolls
  up to). Goals and KPIs that trace to no company goal get their own diagrams, per department.
* A department that would need more than ``MAX_PARTS`` parts is drawn with its goals only, each
  labelled with how many KPIs it has and how many are behind (the report lists the KPIs).
* When the framework is split, an "exceptions" diagram holds only the unresolved conflicts with
  every node on their influence paths (all of them, drawn first) and the KPIs behind.
* A tree fans out sideways: a goal with 20 KPIs drawn as one row is 20 boxes wide and one tall.
  The KPIs (and childless goals) under a goal are therefore stacked in columns (``Diagram.columns``,
  drawn with Mermaid's invisible links, the goal's edge to the top of each column), as few rows as
  it takes to keep the estimated width within ``TARGET_RATIO`` times the height; a diagram that
  cannot be made that narrow is split. (Drawing the goal's edge to every KPI of a column made
  dagre route each edge down beside the column: measured, 3,835 x 1,174 px for 40 nodes.)

Decisions: the sizes are estimates of Mermaid's default layout (dagre) with labels wrapped at
about 24 characters (render/report_markdown.py): a column is ~``COLUMN_PX`` wide, a row ~``ROW_PX``
tall. tests/test_report_render.py renders every diagram of the examples and of a 300-KPI
framework with mermaid-cli and checks that none is wider than 3:1; the target here is 2:1, for
the margin the estimate needs.

Edges point the way a reader follows the picture: from a goal down to its sub-goals and KPIs,
from the KPI that hurts to the KPI it hurts (``conflict``), along an influence path
(``influence``, with its sign); ``tradeoff`` joins the two KPIs of an agreed trade-off.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

NODE_LIMIT = 40  # goals + KPIs (+ drivers) in one diagram
MAX_PARTS = 3  # a department needing more parts than this is drawn with its goals only
MAX_EXCEPTION_PARTS = 3  # parts of KPIs behind drawn at most (every conflict is drawn; the report lists all)
TARGET_RATIO = 2.0  # estimated width / height aimed at (the rendered limit is 3:1)
COLUMN_PX = 260  # a node wrapped at ~24 characters, and the space beside it
ROW_PX = 150  # a node of 2-4 lines, and the space below it


@dataclass(frozen=True)
class DiagramNode:
    id: str  # the document id
    kind: str  # company | department | team (goals), kpi, or driver
    external: bool = False  # kept for the JSON shape: no diagram draws another diagram's KPIs any more
    kpis: int | None = None  # in a goals-only diagram: the KPIs supporting this goal directly
    behind: int | None = None  # ... and how many of them are off track or at risk


@dataclass(frozen=True)
class DiagramEdge:
    source: str
    target: str
    kind: str  # parent | supports | conflict | influence | tradeoff
    sign: int | None = None  # an influence edge's sign (+1 raises, -1 lowers)


@dataclass(frozen=True)
class Diagram:
    title: str | None  # the company goal's title, "Not traced to a company goal", "Exceptions"; None: everything
    goal: str | None  # the company goal a split diagram is drawn for
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]
    goals_only: bool = False  # too big to draw its KPIs: goals with KPI counts instead
    kind: str = "all"  # all | goal | untraced | exceptions
    department: str | None = None  # the department a diagram is drawn for (id)
    part: int = 1  # a department's or the exceptions' part ...
    parts: int = 1  # ... of this many
    # Layout: each column is a parent ("" for none) and the nodes stacked one below another under it.
    # The parent's edge is drawn to the first of them only: edges to the others would each run
    # down beside the column and widen the picture (they are still in ``edges``).
    columns: tuple[tuple[str, ...], ...] = ()
    left_out: int = 0  # KPIs behind that no exceptions part draws (beyond MAX_EXCEPTION_PARTS)


@dataclass(frozen=True)
class DiagramInput:
    """What the diagrams are drawn from (ids in the order to draw them)."""

    goal_parents: Mapping[str, str | None]  # every goal -> its parent id
    goal_levels: Mapping[str, str]
    kpi_supports: Mapping[str, Sequence[str]]  # every KPI -> the goals it supports
    trees: Sequence[tuple[str, str, Sequence[str]]]  # (company goal, title, goal ids in the tree, pre-order)
    behind: frozenset[str]  # KPIs that are off track or at risk
    conflicts: Sequence[tuple[str, str]]  # unresolved (a hurts b)
    tradeoffs: Sequence[tuple[str, str]]  # KPI pairs joined by a trade-off
    goal_departments: Mapping[str, str | None] = field(default_factory=dict)
    kpi_departments: Mapping[str, str] = field(default_factory=dict)
    behind_order: Sequence[str] = ()  # the KPIs behind, worst first (the exceptions drawn first)
    conflict_paths: Sequence[tuple[tuple[str, ...], tuple[int, ...]]] = ()  # each conflict's path and signs
    drivers: frozenset[str] = frozenset()  # ids on conflict paths that are drivers

    @cached_property
    def goal_rank(self) -> dict[str, int]:
        """Each goal's place in drawing order: the trees' pre-order, then the rest."""
        order = [g for _, _, tree in self.trees for g in tree]
        return {g: i for i, g in enumerate(dict.fromkeys([*order, *self.goal_parents]))}

    @cached_property
    def kpis_by_goal(self) -> dict[str, list[str]]:
        """The KPIs supporting each goal, in the KPIs' order."""
        index: dict[str, list[str]] = {}
        for kpi, supports in self.kpi_supports.items():
            for goal in dict.fromkeys(supports):
                index.setdefault(goal, []).append(kpi)
        return index


def build_diagrams(data: DiagramInput, limit: int = NODE_LIMIT) -> tuple[Diagram, ...]:
    in_trees = [goal for _, _, goals in data.trees for goal in goals]
    all_goals = list(dict.fromkeys([*in_trees, *data.goal_parents]))
    whole = _diagram(data, None, None, all_goals, list(data.kpi_supports))
    if len(whole.nodes) <= limit and _fits(whole):
        return (whole,)
    diagrams: list[Diagram] = []
    drawn: set[str] = set()
    for goal, title, goals in data.trees:
        kpis = _kpis_under(data, goals)
        drawn.update(kpis)
        one = _diagram(data, title, goal, goals, kpis, kind="goal")
        if len(one.nodes) <= limit and _fits(one):
            diagrams.append(one)
        else:
            diagrams += _per_department(data, title, goal, list(goals), kpis, "goal", limit)
    tree_goals = set(in_trees)
    rest_goals = [g for g in data.goal_parents if g not in tree_goals]
    rest_kpis = [k for k in data.kpi_supports if k not in drawn]
    if rest_goals or rest_kpis:
        diagrams += _per_department(data, "Not traced to a company goal", None, rest_goals, rest_kpis,
                                    "untraced", limit)
    diagrams += _exceptions(data, limit)
    return tuple(diagrams)


# --------------------------------------------------------------------------- splitting


def _per_department(data: DiagramInput, title: str, goal: str | None, goals: list[str], kpis: list[str],
                    kind: str, limit: int) -> list[Diagram]:
    departments = list(dict.fromkeys(
        [d for d in (data.goal_departments.get(g) for g in goals) if d] + [data.kpi_departments.get(k, "") for k in kpis]))
    out: list[Diagram] = []
    goal_set = set(goals)
    for department in departments:
        own_kpis = [k for k in kpis if data.kpi_departments.get(k, "") == department]
        # The department's goals, the goals its KPIs support, and every goal above them.
        wanted = {g for g in goals if data.goal_departments.get(g) == department}
        wanted |= {g for k in own_kpis for g in data.kpi_supports[k] if g in goal_set}
        own_goals = [g for g in goals if g in _with_ancestors(data, wanted, goal_set)]
        out += _parts(data, title, goal, own_goals, own_kpis, kind, department, limit)
    return out


def _parts(data: DiagramInput, title: str, goal: str | None, goals: list[str], kpis: list[str], kind: str,
           department: str, limit: int) -> list[Diagram]:
    """One department's diagram, cut into parts of at most ``limit`` nodes that fit the shape."""
    goal_set = set(goals)
    home = {k: next((g for g in data.kpi_supports[k] if g in goal_set), None) for k in kpis}
    groups: list[tuple[list[str], list[str]]] = [([g], [k for k in kpis if home[k] == g]) for g in goals]
    groups += [([], [k for k in kpis if home[k] is None])] if any(home[k] is None for k in kpis) else []
    chunks = _pack(data, groups, goal_set, limit)
    if len(chunks) > MAX_PARTS:
        return _goals_only(data, title, goal, goals, kpis, kind, department, limit)
    return [_diagram(data, title, goal, g, k, kind=kind, department=department, part=i, parts=len(chunks))
            for i, (g, k) in enumerate(chunks, 1)]


def _pack(data: DiagramInput, groups: list[tuple[list[str], list[str]]], universe: set[str], limit: int
          ) -> list[tuple[list[str], list[str]]]:
    """Groups (goals with the KPIs at home under them) packed in order into chunks that fit, each
    with the goals above its own; a group too big for one chunk is cut."""
    chunks: list[tuple[list[str], list[str]]] = []
    goals: list[str] = []
    kpis: list[str] = []
    for group_goals, group_kpis in groups:
        if goals or kpis:  # the whole group joins the chunk, or the chunk is closed
            together_goals, together_kpis = goals + group_goals, kpis + group_kpis
            if (len(_with_ancestors(data, set(together_goals), universe)) + len(together_kpis) <= limit
                    and _fits_chunk(data, together_goals, together_kpis, universe)):
                goals, kpis = together_goals, together_kpis
                continue
            if kpis:
                chunks.append((goals, kpis))
            else:  # goals alone make no part of their own: they go along with the group
                group_goals = goals + group_goals
            goals, kpis = [], []
        pending = list(group_kpis)
        room = max(limit - len(_with_ancestors(data, set(group_goals), universe)), 1)
        while len(pending) > room:  # a group too big for one chunk: its goals repeated in each
            chunks.append((list(group_goals), pending[:room]))
            pending = pending[room:]
        goals, kpis = list(group_goals), pending
    if goals or kpis:
        chunks.append((goals, kpis))
    return [(_ordered(data, _with_ancestors(data, set(g), universe)), k) for g, k in chunks]


def _fits_chunk(data: DiagramInput, goals: list[str], kpis: list[str], universe: set[str]) -> bool:
    return _fits(_diagram(data, None, None, _ordered(data, _with_ancestors(data, set(goals), universe)), kpis))


def _goals_only(data: DiagramInput, title: str, goal: str | None, goals: list[str], kpis: list[str], kind: str,
                department: str, limit: int) -> list[Diagram]:
    counts: dict[str, list[int]] = {g: [0, 0] for g in goals}
    for kpi_id in kpis:
        for supported in dict.fromkeys(data.kpi_supports[kpi_id]):
            if supported in counts:
                counts[supported][0] += 1
                counts[supported][1] += kpi_id in data.behind
    goal_set = set(goals)
    chunks = _pack(data, [([g], []) for g in goals], goal_set, limit)
    out = []
    for i, (chunk_goals, _) in enumerate(chunks, 1):
        plain = _diagram(data, title, goal, chunk_goals, [])
        nodes = tuple(DiagramNode(n.id, n.kind, kpis=counts[n.id][0], behind=counts[n.id][1]) for n in plain.nodes)
        out.append(Diagram(title, goal, nodes, plain.edges, goals_only=True, kind=kind, department=department,
                           part=i, parts=len(chunks), columns=plain.columns))
    return out


def _exceptions(data: DiagramInput, limit: int) -> list[Diagram]:
    """Each unresolved conflict along its path first, then the KPIs behind (worst first) not on one.

    Decisions: the conflicts are few and are what leadership must settle, so every one is drawn, in
    as many parts as they need; the KPIs behind fill the rest, up to ``MAX_EXCEPTION_PARTS`` parts
    in all. ``left_out`` counts the KPIs behind that no part draws (drawing the KPIs first lost the
    conflicts of a framework with 120 KPIs behind: trial 17)."""
    items: list[tuple[list[str], list[DiagramEdge]]] = []
    for path, signs in data.conflict_paths:
        items.append((list(dict.fromkeys(path)),
                      [DiagramEdge(a, b, "influence", sign) for a, b, sign in zip(path, path[1:], signs)]))
    on_paths = {n for nodes, _ in items for n in nodes}
    conflict_items = len(items)
    items += [([k], []) for k in data.behind_order if k not in on_paths]
    if not items:
        return []
    parts: list[list[tuple[list[str], list[DiagramEdge]]]] = [[]]
    seen: set[str] = set()
    last_conflict_part = 0
    for index, (nodes, edges) in enumerate(items):
        new = [n for n in nodes if n not in seen]
        if parts[-1] and len(seen) + len(new) > limit:
            parts.append([])
            seen = set()
            new = list(nodes)
        seen.update(new)
        parts[-1].append((new, edges))
        if index < conflict_items:
            last_conflict_part = len(parts)
    drawn = parts[:max(MAX_EXCEPTION_PARTS, last_conflict_part)]
    left_out = sum(len(part) for part in parts[len(drawn):])  # KPIs behind only: every conflict is drawn
    return [_exception_diagram(data, part, i, len(drawn), left_out) for i, part in enumerate(drawn, 1)]


def _exception_diagram(data: DiagramInput, items: list[tuple[list[str], list[DiagramEdge]]], part: int, parts: int,
                       left_out: int) -> Diagram:
    """Each item (a KPI, or a conflict's path drawn downwards) placed in one of a few columns, one
    below another (invisible links from an item's last node to the first of the next)."""
    nodes = [DiagramNode(n, "driver" if n in data.drivers else "kpi") for nodes, _ in items for n in nodes]
    edges = list(dict.fromkeys(e for _, item_edges in items for e in item_edges))
    drawn = [item_nodes for item_nodes, _ in items if item_nodes]
    height = sum(len(n) for n in drawn)
    count = max(1, min(len(drawn), int(math.sqrt(TARGET_RATIO * height * ROW_PX / COLUMN_PX))))
    columns: list[list[list[str]]] = [[] for _ in range(count)]
    for item_nodes in drawn:  # the shortest column takes the next item
        min(columns, key=lambda c: sum(len(n) for n in c)).append(item_nodes)
    links = tuple(("", above[-1], below[0]) for column in columns for above, below in zip(column, column[1:]))
    return Diagram("Exceptions", None, tuple(nodes), tuple(edges), kind="exceptions", part=part, parts=parts,
                   columns=links, left_out=left_out)


# --------------------------------------------------------------------------- one diagram


def _with_ancestors(data: DiagramInput, goals: Iterable[str], universe: set[str]) -> set[str]:
    out: set[str] = set()
    for goal in goals:
        current: str | None = goal
        while current is not None and current in universe and current not in out:
            out.add(current)
            current = data.goal_parents.get(current)
    return out


def _ordered(data: DiagramInput, goals: set[str]) -> list[str]:
    ranked = data.goal_rank
    return sorted(goals, key=lambda g: ranked.get(g, len(ranked)))


def _kpis_under(data: DiagramInput, goals: Iterable[str]) -> list[str]:
    found = {k for g in goals for k in data.kpis_by_goal.get(g, ())}
    return [k for k in data.kpi_supports if k in found]


def _diagram(data: DiagramInput, title: str | None, goal: str | None, goal_ids: Sequence[str],
             kpi_ids: Sequence[str], *, kind: str = "all", department: str | None = None, part: int = 1,
             parts: int = 1, cross_edges: bool = True) -> Diagram:
    nodes: dict[str, DiagramNode] = {}
    edges: list[DiagramEdge] = []
    goal_set = set(goal_ids)
    for goal_id in goal_ids:
        nodes[goal_id] = DiagramNode(goal_id, data.goal_levels[goal_id])
        parent = data.goal_parents[goal_id]
        if parent in goal_set and parent != goal_id:
            edges.append(DiagramEdge(parent, goal_id, "parent"))
    for kpi_id in kpi_ids:
        nodes[kpi_id] = DiagramNode(kpi_id, "kpi")
        for supported in dict.fromkeys(data.kpi_supports[kpi_id]):
            if supported in goal_set:
                edges.append(DiagramEdge(supported, kpi_id, "supports"))
    if cross_edges:  # conflicts and trade-offs between KPIs both drawn here (the exceptions hold every conflict)
        for edge_kind, pairs in (("conflict", data.conflicts), ("tradeoff", data.tradeoffs)):
            edges += [DiagramEdge(a, b, edge_kind) for a, b in pairs if a in nodes and b in nodes and a != b]
    return _laid_out(Diagram(title, goal, tuple(nodes.values()), tuple(edges), kind=kind, department=department,
                             part=part, parts=parts))


# --------------------------------------------------------------------------- layout


def _laid_out(diagram: Diagram) -> Diagram:
    """``diagram`` with the leaves under each node stacked in as few rows as keep it within
    ``TARGET_RATIO`` (estimated), or, when nothing does, as narrow as it gets."""
    columns, _ = _best_stacking(diagram)
    return Diagram(diagram.title, diagram.goal, diagram.nodes, diagram.edges, diagram.goals_only, diagram.kind,
                   diagram.department, diagram.part, diagram.parts, columns, diagram.left_out)


def _fits(diagram: Diagram) -> bool:
    return _best_stacking(diagram)[1] <= TARGET_RATIO


def _best_stacking(diagram: Diagram) -> tuple[tuple[tuple[str, ...], ...], float]:
    ids = [n.id for n in diagram.nodes]
    parent: dict[str, str] = {}
    for edge in diagram.edges:
        if edge.kind in ("parent", "supports", "influence") and edge.target not in parent and edge.source != edge.target:
            parent[edge.target] = edge.source
    children: dict[str | None, list[str]] = {}
    for node in ids:
        children.setdefault(parent.get(node), []).append(node)
    # Depth of the inner nodes (those with children); cycles (an influence path can loop) stop at the first repeat.
    depth: dict[str, int] = {}
    for node in ids:
        chain, current = [], node
        while current in parent and current not in depth and current not in chain:
            chain.append(current)
            current = parent[current]
        base = depth.get(current, 0) if current not in chain else 0
        depth.setdefault(current, base)
        for offset, member in enumerate(reversed(chain), 1):
            depth.setdefault(member, depth[current] + offset)
    leaves = {p: [c for c in kids if c not in children] for p, kids in children.items()}
    inner_rows: dict[int, int] = {}
    for node in ids:
        if node in children:
            inner_rows[depth[node]] = inner_rows.get(depth[node], 0) + 1
    tallest = max((len(v) for v in leaves.values()), default=1) or 1
    best: tuple[float, tuple[tuple[str, ...], ...]] | None = None
    for rows in range(1, tallest + 1):
        width = dict(inner_rows)
        for p, kids in leaves.items():
            if not kids:
                continue
            cols = math.ceil(len(kids) / rows)
            top = depth.get(p, -1) + 1 if p is not None else 0
            for i in range(len(kids)):
                width[top + i // cols] = width.get(top + i // cols, 0) + 1
        ratio = (max(width.values(), default=1) * COLUMN_PX) / (max(len(width), 1) * ROW_PX)
        if best is None or ratio < best[0] - 1e-9:
            best = (ratio, _columns(leaves, rows))
        if ratio <= TARGET_RATIO:
            return _columns(leaves, rows), ratio
    assert best is not None
    return best[1], best[0]


def _columns(leaves: Mapping[str | None, list[str]], rows: int) -> tuple[tuple[str, ...], ...]:
    """Each column as (its parent, or "" for none, then the nodes stacked under it, top first)."""
    out = []
    for parent, kids in leaves.items():
        if len(kids) < 2 or rows < 2:
            continue
        cols = math.ceil(len(kids) / rows)
        out += [(parent or "", *kids[j::cols]) for j in range(cols) if len(kids[j::cols]) > 1]
    return tuple(out)
