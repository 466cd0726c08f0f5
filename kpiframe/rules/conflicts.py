"""KF2 conflicts: departments whose KPIs pull against each other through the influence graph.

The search itself is :mod:`kpiframe.influence`, run once per check by the analysis
(:attr:`kpiframe.analysis.Analysis.conflict_scan`); this module turns its answers into findings.
"""

from __future__ import annotations

from collections.abc import Iterator

from kpiframe.graph import influence_signs
from kpiframe.influence import Conflict, SignedGraph, format_path, influence_cycles, path_signs
from kpiframe.model import KPI, Document, Driver, Framework
from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import documents, rule

_SALES = """
    kind: KPI
    id: new-deals-closed
    name: New deals closed
    department: sales
    owner: Dana Kim
    unit: deals
    direction: increase
    influences: [{target: delivery-workload, effect: increase}]
"""
_DRIVER = """
    kind: Driver
    id: delivery-workload
    title: Delivery workload
    influences: [{target: operating-cost, effect: increase}]
"""
_OPS = """
    kind: KPI
    id: operating-cost
    name: Operating cost
    department: {department}
    owner: Priya Nair
    unit: USD
    direction: decrease
"""
_TRADEOFF = """
    kind: Tradeoff
    id: deals-vs-cost
    between: [new-deals-closed, operating-cost]
    resolution: Deals over 400 delivery hours need an operations go-live date before signature.
    owners: [{owners}]
"""


def reaching_unknown(framework: Framework, graph: SignedGraph) -> set[str]:
    """KPIs and drivers from which influences lead to one whose effect cannot be known: an
    influence on a KPI or driver that has errors, or one listed with contradictory effects.
    Nobody can say they conflict with nothing."""
    invalid = framework.invalid_of("KPI", "Driver")
    movers: list[KPI | Driver] = [*framework.kpis.values(), *framework.drivers.values()]
    sources = [d.id for d in movers
               if any(link.target in invalid for link in d.influences) or None in influence_signs(d).values()]
    seen = set(sources)
    stack = [graph.index[s] for s in sources if s in graph.index]
    while stack:
        v = stack.pop()
        for w, _ in graph.reverse_adj[v]:
            name = graph.names[w]
            if name not in seen:
                seen.add(name)
                stack.append(w)
    return seen


def describe_conflict(conflict: Conflict, kpis: dict[str, KPI]) -> str:
    """`a -(+)-> x -(+)-> b: improving a raises b, which <dept> wants lower` (plus mixed/mutual notes)."""
    b = kpis[conflict.b]
    moves = "lowers" if b.better > 0 else "raises"
    wants = "higher" if b.better > 0 else "lower"
    text = (f"{format_path(conflict.path, conflict.signs)}: improving {conflict.a} {moves} {conflict.b}, "
            f"which {conflict.department_b} wants {wants}")
    if conflict.mixed:
        text += " (the influence is mixed: other paths help it)"
    if conflict.mutual:
        text += f"; improving {conflict.b} also hurts {conflict.a}"
    return text


def _first_step(source: KPI, target: str) -> tuple:
    """The `influences` entry where a harmful path from ``source`` starts: where the fix goes."""
    index = next((i for i, link in enumerate(source.influences) if link.target == target), None)
    return ("influences", index) if index is not None else ()


def _conflict_problem(conflict: Conflict, ctx: RuleContext) -> Problem:
    kpis = ctx.framework.kpis
    a = kpis[conflict.a]
    head = f"{conflict.a} ({conflict.department_a}) works against {conflict.b} ({conflict.department_b})"
    return problem(a, f"{head}: {describe_conflict(conflict, kpis)}", path=_first_step(a, conflict.path[1]),
                   related=(conflict.b, *conflict.path[1:-1]),
                   hint=f"agree a Tradeoff `between: [{conflict.a}, {conflict.b}]` owned by both sides, "
                        "or change the KPIs so that they pull the same way")


@rule(
    code="KF201", slug="department-conflict", severity="error",
    summary="Improving one department's KPI worsens another department's KPI, and no trade-off settles it.",
    rationale="""
        The classic silo: sales is paid on deals closed while operations is measured on cost.
        More deals mean more delivery workload and higher cost; cutting cost removes the capacity
        sales needs. Each side does its job and both blame the other. kpiframe follows the signed
        influences (effects multiply along a path, loops included) and reports each pair once,
        with the shortest harmful path, until a Tradeoff settles it: one between the two KPIs, or
        one between the hurt KPI and a KPI or driver that every harmful path passes through (sales
        and operations agreed on bookings against go-lives; marketing's leads hurt go-lives only
        through bookings, so that agreement settles marketing's harm too).
    """,
    fix="Agree a Tradeoff between the two KPIs with owners from both departments, or change a KPI or an influence.",
    failing=documents(_SALES, _DRIVER, _OPS.format(department="operations")),
    passing=documents(_SALES, _DRIVER, _OPS.format(department="operations"),
                      _TRADEOFF.format(owners="Dana Kim, Priya Nair")),
)
def department_conflict(ctx: RuleContext) -> Iterator[Problem]:
    for conflict in ctx.analysis.conflict_scan.conflicts:
        if not conflict.same_department:
            yield _conflict_problem(conflict, ctx)


@rule(
    code="KF202", slug="tradeoff-without-conflict", severity="warning",
    summary="A trade-off that settles no conflict: no harm to one of its ends passes through the other (it is stale).",
    rationale="""
        A trade-off records an agreement about KPIs that pull against each other: the harm one
        end does to the other, and every harm to it that passes through the other end (a chain,
        or a driver). When the influences change and it settles nothing any more, the trade-off
        is stale: it documents a tension that is gone, and hides nothing but clutter.
    """,
    fix="Remove the trade-off, or restore the influence it was agreed for.",
    failing=documents(_SALES.replace("influences: [{target: delivery-workload, effect: increase}]\n", ""),
                      _OPS.format(department="operations"), _TRADEOFF.format(owners="Dana Kim, Priya Nair")),
    passing=documents(_SALES, _DRIVER, _OPS.format(department="operations"),
                      _TRADEOFF.format(owners="Dana Kim, Priya Nair")),
)
def tradeoff_without_conflict(ctx: RuleContext) -> Iterator[Problem]:
    busy = ctx.analysis.tradeoffs_settling
    unknown = reaching_unknown(ctx.framework, ctx.analysis.signed_graph)
    poles = ctx.analysis.kpi_poles
    for tradeoff in ctx.analysis.valid_tradeoffs:
        a, b = tradeoff.between
        if tradeoff.id in busy or a in unknown or b in unknown:
            continue  # it settles something, or an influence whose effect is unknown may connect them
        if a in poles and b in poles:
            why = (f"{a} and {b} do not conflict (improving neither worsens the other through any influence), "
                   "and no harm to either passes through the other")
        elif a in poles or b in poles:
            hurt, through = (a, b) if a in poles else (b, a)
            why = f"no harm to {hurt} passes through {through}"
        elif a in ctx.framework.drivers and b in ctx.framework.drivers:
            why = f"{a} and {b} are both drivers: a trade-off settles harm to a KPI"
        else:
            continue  # a KPI without a direction: nobody can say which way hurts it (missing-direction)
        yield problem(tradeoff, f"{tradeoff.label}: {why}", path=("between",), related=(a, b),
                      hint="remove the trade-off if the tension is gone, or check the influences")


@rule(
    code="KF203", slug="tradeoff-missing-owner", severity="warning",
    summary="A trade-off whose owners do not include the owner of each KPI it names (with a driver: the hurt KPI's).",
    rationale="""
        A trade-off is a cross-functional agreement. Signed by one side only, it is a decision
        imposed on the other department, and the silo stays. The owners must include each KPI's
        owner; a trade-off between a driver and a KPI is signed by that KPI's owner, whose KPI
        accepts the harm.
    """,
    fix="Add the missing KPI owner to `owners`.",
    failing=documents(_SALES, _DRIVER, _OPS.format(department="operations"), _TRADEOFF.format(owners="Dana Kim")),
    passing=documents(_SALES, _DRIVER, _OPS.format(department="operations"),
                      _TRADEOFF.format(owners="Dana Kim, Priya Nair")),
)
def tradeoff_missing_owner(ctx: RuleContext) -> Iterator[Problem]:
    kpis = ctx.framework.kpis
    for tradeoff in ctx.framework.tradeoffs.values():
        owners = {o.strip().casefold() for o in tradeoff.owners}
        missing = [kpis[k] for k in dict.fromkeys(tradeoff.between)
                   if k in kpis and (owner := kpis[k].owner) is not None and owner.strip().casefold() not in owners]
        if missing:
            who = ", ".join(f"{k.owner} ({k.id}, {k.department})" for k in missing)
            yield problem(tradeoff, f"{tradeoff.label}: owners do not include {who}", path=("owners",),
                          related=[k.id for k in missing],
                          hint="both KPIs' owners must agree a trade-off: add them to `owners`")


@rule(
    code="KF204", slug="department-tension", severity="info",
    summary="Two KPIs of the same department work against each other.",
    rationale="""
        Inside one department a tension between KPIs is normal (speed against quality) and one
        manager can arbitrate it, so it is not a silo failure; it is still worth knowing.
    """,
    fix="Nothing is required; a Tradeoff between the two KPIs documents how the department balances them.",
    failing=documents(_SALES, _DRIVER, _OPS.format(department="sales")),
    passing=documents(_SALES, _DRIVER, _OPS.format(department="sales"), _TRADEOFF.format(owners="Dana Kim, Priya Nair")),
)
def department_tension(ctx: RuleContext) -> Iterator[Problem]:
    for conflict in ctx.analysis.conflict_scan.conflicts:
        if conflict.same_department:
            yield _conflict_problem(conflict, ctx)


@rule(
    code="KF205", slug="influence-cycle", severity="info",
    summary="A feedback loop among drivers and KPIs.",
    rationale="""
        Loops are legitimate (more deals need more capacity, capacity wins more deals), but they
        amplify or dampen every change that enters them; knowing where they are helps read the
        conflicts. Each loop is named once.
    """,
    fix="Nothing is required; check that the loop is real.",
    failing=documents("""
        kind: Driver
        id: delivery-capacity
        title: Delivery capacity
        influences: [{target: delivery-workload, effect: decrease}]
    """, """
        kind: Driver
        id: delivery-workload
        title: Delivery workload
        influences: [{target: delivery-capacity, effect: decrease}]
    """),
    passing=documents(_DRIVER, _OPS.format(department="operations")),
)
def influence_cycle(ctx: RuleContext) -> Iterator[Problem]:
    graph = ctx.analysis.signed_graph
    for loop in influence_cycles(graph):
        closed = loop + [loop[0]]
        shown = format_path(closed, path_signs(graph, closed))
        yield problem(ctx.framework.by_id[loop[0]], f"feedback loop: {shown}", path=("influences",), key=True,
                      related=loop[1:], hint="loops are allowed; make sure this one is real")


def _repeated_influences(source: KPI | Driver) -> Iterator[tuple[int, int, bool]]:
    """(index of a repeated entry, index of the first for its target, whether the effects differ)."""
    first: dict[str, int] = {}
    for index, link in enumerate(source.influences):
        earlier = first.setdefault(link.target, index)
        if earlier != index:
            yield index, earlier, source.influences[earlier].effect != link.effect


def _line_of(document: Document, path: tuple) -> int:
    return document.origin.position(path)[0]


_LOOPING_DRIVER = """
    kind: Driver
    id: delivery-workload
    title: Delivery workload
    influences:
      - {{target: operating-cost, effect: increase}}
      - {{target: operating-cost, effect: {effect}}}
"""


@rule(
    code="KF206", slug="contradictory-influence", severity="error",
    summary="Two `influences` entries from one KPI or driver to the same target, with different effects.",
    rationale="""
        An influence says which way the target moves; saying both ways is a contradiction that
        a reader settles by picking one, and YAML would let the last entry win silently, which
        can make a real conflict between departments disappear. Neither entry is used until one
        is removed, and no conclusion that depends on it (a stale trade-off) is drawn.
    """,
    fix="Keep the entry with the right effect and delete the other.",
    failing=documents(_LOOPING_DRIVER.format(effect="decrease"), _OPS.format(department="operations")),
    passing=documents(_DRIVER, _OPS.format(department="operations")),
)
def contradictory_influence(ctx: RuleContext) -> Iterator[Problem]:
    sources: list[KPI | Driver] = [*ctx.framework.kpis.values(), *ctx.framework.drivers.values()]
    for source in sources:
        for index, earlier, differ in _repeated_influences(source):
            if not differ:
                continue
            link, first = source.influences[index], source.influences[earlier]
            yield problem(source, f"{source.label} influences '{link.target}' twice with different effects: "
                                  f"{first.effect} (line {_line_of(source, ('influences', earlier))}) and "
                                  f"{link.effect}; neither is used until one is removed",
                          path=("influences", index), related=[link.target],
                          hint="keep the entry with the right effect and delete the other")


@rule(
    code="KF207", slug="duplicate-influence", severity="warning",
    summary="The same influence (target and effect) listed twice by one KPI or driver.",
    rationale="""
        A repeated entry changes nothing, but it is usually a copy-paste where another target
        was meant, and it makes the list harder to review.
    """,
    fix="Delete the repeated entry, or correct its target.",
    failing=documents(_LOOPING_DRIVER.format(effect="increase"), _OPS.format(department="operations")),
    passing=documents(_DRIVER, _OPS.format(department="operations")),
)
def duplicate_influence(ctx: RuleContext) -> Iterator[Problem]:
    sources: list[KPI | Driver] = [*ctx.framework.kpis.values(), *ctx.framework.drivers.values()]
    for source in sources:
        for index, earlier, differ in _repeated_influences(source):
            if differ:
                continue
            link = source.influences[index]
            yield problem(source, f"{source.label}: the influence on '{link.target}' is listed twice with the same "
                                  f"effect (first at line {_line_of(source, ('influences', earlier))})",
                          path=("influences", index), related=[link.target],
                          hint="delete the repeated entry, or correct its target")
