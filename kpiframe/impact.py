"""What moving one KPI or driver does to every other KPI: the data behind `kpiframe impact`."""

from __future__ import annotations

from dataclasses import dataclass

from kpiframe.analysis import Analysis
from kpiframe.influence import impact


@dataclass(frozen=True)
class ImpactRow:
    kpi: str
    name: str
    department: str
    outcome: str  # helped | hurt | mixed
    path: tuple[str, ...]
    signs: tuple[int, ...]
    tradeoffs: tuple[str, ...]  # trade-offs that cover the pair (source, kpi)


@dataclass(frozen=True)
class ImpactReport:
    source: str
    kind: str  # KPI or Driver
    department: str | None
    moves: str  # "improves (increase)" / "rises"
    rows: tuple[ImpactRow, ...]


def impact_of(analysis: Analysis, source: str) -> ImpactReport:
    """Raises KeyError when ``source`` is not a KPI or driver of the framework."""
    framework = analysis.framework
    document = framework.kpis.get(source) or framework.drivers.get(source)
    if document is None:
        raise KeyError(source)
    kpis = framework.kpis
    covered = analysis.tradeoff_pairs
    effects = impact(analysis.signed_graph, analysis.kpi_poles, source)
    rows = tuple(
        ImpactRow(e.kpi, kpis[e.kpi].name, e.department, e.outcome, e.path, e.signs,
                  tuple(sorted(t.id for t in covered.get(frozenset((source, e.kpi)), ()))))
        for e in effects)
    if source in kpis:
        moves = f"improves ({kpis[source].direction})"
        department = kpis[source].department
    else:
        moves, department = "rises", None
    return ImpactReport(source, document.kind_name, department, moves, rows)
