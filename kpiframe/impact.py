"""What moving one KPI or driver does to every other KPI: the data behind `kpiframe impact`."""

from __future__ import annotations

from dataclasses import dataclass

from kpiframe.analysis import Analysis
from kpiframe.influence import impact
from kpiframe.model import Framework
from kpiframe.suggest import closest


@dataclass(frozen=True)
class ImpactRow:
    kpi: str
    name: str
    department: str
    outcome: str  # helped | hurt | mixed
    path: tuple[str, ...]
    signs: tuple[int, ...]
    tradeoffs: tuple[str, ...]  # trade-offs that settle the harm source does to kpi (a chain or a driver too)


@dataclass(frozen=True)
class ImpactReport:
    source: str
    kind: str  # KPI or Driver
    department: str | None
    moves: str  # "improves (increase)" / "rises"
    rows: tuple[ImpactRow, ...]



class NotAMover(Exception):
    """``source`` is no KPI or driver of the framework; the message says what it is instead."""


def impact_of(analysis: Analysis, source: str) -> ImpactReport:
    """Raises :class:`NotAMover` when ``source`` is not a KPI or driver of the framework."""
    framework = analysis.framework
    document = framework.kpis.get(source) or framework.drivers.get(source)
    if document is None:
        raise NotAMover(_what_it_is(framework, source))
    kpis = framework.kpis
    settled = analysis.settlement
    effects = impact(analysis.signed_graph, analysis.kpi_poles, source)
    rows = tuple(
        ImpactRow(e.kpi, kpis[e.kpi].name, e.department, e.outcome, e.path, e.signs,
                  settled.covering(source, e.kpi) if e.outcome != "helped" else ())
        for e in effects)
    if source in kpis:
        moves = f"improves ({kpis[source].direction})"
        department = kpis[source].department
    else:
        moves, department = "rises", None
    return ImpactReport(source, document.kind_name, department, moves, rows)


def _what_it_is(framework: Framework, source: str) -> str:
    other = framework.by_id.get(source)
    if other is not None:
        article = "an" if other.kind_name[0] in "AEIOU" else "a"
        return (f"'{source}' is {article} {other.kind_name}, not a KPI or a driver: `kpiframe impact` follows "
                "influences, which only KPIs and drivers have")
    invalid = framework.invalid.get(source)
    if invalid is not None and invalid.kind in ("KPI", "Driver"):
        return (f"'{source}' is a {invalid.kind} with errors ({invalid.file}:{invalid.line}); "
                "run `kpiframe check` and fix them first")
    if invalid is not None:
        return f"'{source}' is a {invalid.kind} (with errors), not a KPI or a driver"
    near = closest(source, [*framework.kpis, *framework.drivers])
    return f"no KPI or driver {source!r}" + (f"; did you mean {near!r}?" if near else "")
