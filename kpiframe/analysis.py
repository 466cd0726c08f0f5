"""Stage 4: the shared answers about one framework at one date, each computed once, on first use.

Rules, the gap report, `status`, `tree` and `impact` all ask an :class:`Analysis` instead of
computing (or importing from a rule module) what another part already knows, so they never
disagree and nothing is computed twice in one check.

Decisions:

* Lazy: every answer is a ``cached_property``. A check with `--select KF1` never builds the
  signed influence graph (0.1 s at 10,000 KPIs) nor runs the conflict scan (0.2 s).
* The check's summary facts (resolved and capped conflicts, KPIs per status) are reported
  when the rules that use them ran, as before: :meth:`Analysis.summary_facts` reads only the
  answers already computed (README, JSON output).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

import networkx as nx

from kpiframe.findings import Finding
from kpiframe.influence import ConflictScan, KpiPole, Settlement, SignedGraph, agreements_of, find_conflicts
from kpiframe.model import Framework, Tradeoff
from kpiframe.status import DisputedReading, KpiStatus, kpi_statuses, settled_readings, status_counts

if TYPE_CHECKING:
    from kpiframe.sources import ResolvedQuery

# Conflicts listed per department pair, so that a tangled graph stays readable; the rest are counted.
CONFLICTS_PER_PAIR = 5
# Findings that mean a whole file (YAML or actuals CSV) was not read, or only partly.
UNREADABLE_FILE_RULES = frozenset({"yaml-syntax", "unreadable-file", "limit-exceeded"})


@dataclass(frozen=True)
class SummaryFacts:
    """Numbers the check's summary adds when the rules that need them ran (None: not computed)."""

    capped_conflicts: int | None = None  # conflicts left out by the cap per department pair
    kpis_by_status: dict[str, int] | None = None  # in STATUS_ORDER, zeros included
    kpis_without_direction: int | None = None  # left out of the conflict search; said only when some are
    resolved_conflicts: int | None = None  # cross-department conflicts a trade-off covers

    @classmethod
    def merged(cls, parts: list[SummaryFacts]) -> SummaryFacts:
        """One summary from the facts of processes that ran the rules between them: each fact
        from whichever process computed it (any that did computes it the same way)."""
        known: dict[str, Any] = {}
        for part in parts:
            for name, value in vars(part).items():
                if value is not None:
                    known.setdefault(name, value)
        return cls(**known)

    def as_dict(self) -> dict[str, Any]:
        """The facts that are known, by name in alphabetical order (the JSON summary's keys)."""
        facts = {"capped_conflicts": self.capped_conflicts, "kpis_by_status": self.kpis_by_status,
                 "kpis_without_direction": self.kpis_without_direction,
                 "resolved_conflicts": self.resolved_conflicts}
        return {key: value for key, value in facts.items() if value is not None}


@dataclass(frozen=True)
class Unread:
    """What views of the framework cannot show."""

    kpis: int  # KPI documents that failed validation
    files: int  # files (YAML or actuals CSV) that could not be read, or only partly

    def as_dict(self) -> dict[str, int]:
        return {"kpis": self.kpis, "files": self.files}


class Analysis:
    def __init__(self, framework: Framework, graph: nx.DiGraph, today: date) -> None:
        self.framework = framework
        self.graph = graph
        self.today = today

    @cached_property
    def departments(self) -> frozenset[str]:
        """Every department the framework names: configured, or of a KPI or a goal."""
        framework = self.framework
        return frozenset(framework.config.department_ids or ()) | {k.department for k in framework.kpis.values()} \
            | {g.department for g in framework.goals.values() if g.department}

    # ------------------------------------------------------------------ alignment

    @cached_property
    def traces(self) -> dict[str, str]:
        """Every goal's trace: 'company', 'cycle', 'broken' or 'unknown' (see :func:`trace_to_company_goal`)."""
        return trace_to_company_goal(self.framework)

    @cached_property
    def measured_goals(self) -> set[str]:
        """Goals with a KPI tracing to them: directly, or through any chain of sub-goals."""
        measured: set[str] = set()
        goals = self.framework.goals
        for kpi in self.framework.live_kpis.values():  # a retired KPI measures nothing any more
            for goal_id in kpi.supports:
                current: str | None = goal_id
                while current is not None and current in goals and current not in measured:
                    measured.add(current)
                    current = goals[current].parent
        return measured

    @cached_property
    def goals_measured_perhaps(self) -> set[str]:
        """Goals that a KPI or goal with errors may measure: above such a KPI's `supports`, or above
        such a goal's `parent`. Whether they are measured cannot be told until those are fixed."""
        framework = self.framework
        goals, invalid_goals = framework.goals, framework.invalid
        starts = framework.named_by_invalid("KPI", "supports") | framework.named_by_invalid("Goal", "parent")
        perhaps: set[str] = set()
        for start in starts:
            current: str | None = start
            while current is not None and current not in perhaps:
                perhaps.add(current)
                if current in goals:
                    current = goals[current].parent
                else:
                    parents = invalid_goals[current].references.get("parent", ()) if current in invalid_goals else ()
                    current = parents[0] if parents else None
        return perhaps

    # ------------------------------------------------------------------ influences and conflicts

    @cached_property
    def kpi_poles(self) -> dict[str, KpiPole]:
        """Each KPI's department and the direction its department wants it to move: the KPIs a
        conflict can be between. A retired KPI is pursued by nobody, so it is not one; it still
        passes influence on, like a driver. Nor is a KPI without a direction (nobody can say which way
        is worse for it: missing-direction reports it); it too passes influence on."""
        return {k.id: KpiPole(department=k.department, better=k.better) for k in self.framework.live_kpis.values()
                if k.direction is not None}

    @cached_property
    def valid_tradeoffs(self) -> list[Tradeoff]:
        """The trade-offs whose two ends exist: KPIs that are not retired, or drivers (one naming a
        retired KPI is `retired-reference`'s to report, one naming nothing `dangling-reference`'s)."""
        ends = self.framework.live_kpis.keys() | self.framework.drivers.keys()
        return [t for t in self.framework.tradeoffs.values() if len(set(t.between)) == 2 and set(t.between) <= ends]

    @cached_property
    def signed_graph(self) -> SignedGraph:
        """The KPI/driver influence graph with each link's sign."""
        return SignedGraph.from_framework(self.graph)

    @cached_property
    def settlement(self) -> Settlement:
        """Which harms the valid trade-offs settle: a chain, or through a driver, too (see
        :mod:`kpiframe.influence.settle`)."""
        agreements = [a for t in self.valid_tradeoffs for a in agreements_of(t.id, (t.between[0], t.between[1]),
                                                                             self.kpi_poles)]
        return Settlement(self.signed_graph, self.kpi_poles, agreements)

    @cached_property
    def held_back_harms(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """The harms that trade-offs with errors would settle: whether they are settled cannot be
        told until those are fixed, so their conflicts are not reported (nor counted as resolved)."""
        agreements = []
        for document in self.framework.invalid_documents:
            between = document.references.get("between", ()) if document.kind == "Tradeoff" else ()
            if len(between) == 2 and between[0] != between[1]:
                name = document.id or f"{document.file}:{document.line}"
                agreements += agreements_of(name, (between[0], between[1]), self.kpi_poles)
        return Settlement(self.signed_graph, self.kpi_poles, agreements).settled if agreements else {}

    @cached_property
    def conflict_scan(self) -> ConflictScan:
        """Every pair of KPIs that work against each other, capped per department pair, with the
        harms trade-offs settle (and those trade-offs with errors may settle) taken out."""
        return find_conflicts(self.signed_graph, self.kpi_poles, per_pair_cap=CONFLICTS_PER_PAIR,
                              settled={**self.held_back_harms, **self.settlement.settled})

    @cached_property
    def influence_effects(self) -> dict[tuple[str, str], int]:
        """Each influence link's effect on the KPI it points at, by (source, target): +1 when it
        helps (improving the source KPI, or raising a driver, moves the target the way its
        `direction` wants), -1 when it works against it, 0 when that cannot be told (the target
        is a driver, or the target or the source KPI has no direction)."""
        kpis = self.framework.kpis
        effects = {}
        for source, target, data in self.graph.edges(data=True):
            if data.get("rel") != "influences":
                continue
            goal = kpis[target].better if target in kpis else 0
            pushed = kpis[source].better if source in kpis else 1
            effects[source, target] = data["sign"] * pushed * goal
        return effects

    @property
    def tradeoffs_settling(self) -> frozenset[str]:
        """The trade-offs that settle at least one harm (the others are stale)."""
        return self.settlement.busy

    @property
    def resolved_conflicts(self) -> int:
        """Cross-department conflicts that valid trade-offs settle, every way the pair hurts."""
        return self.resolved_conflicts_of(None)

    def resolved_conflicts_of(self, department: str | None) -> int:
        """:attr:`resolved_conflicts`, only those with a KPI of ``department`` (None: all)."""
        settled = self.settlement.settled
        return sum(1 for c in self.conflict_scan.resolved if not c.same_department
                   and (department is None or department in (c.department_a, c.department_b))
                   and (c.a, c.b) in settled and (not c.mutual or (c.b, c.a) in settled))

    # ------------------------------------------------------------------ execution

    @cached_property
    def kpi_statuses(self) -> dict[str, KpiStatus]:
        """Every KPI's progress, staleness and plans at today, by id, in the framework's order."""
        return kpi_statuses(self.framework, self.today)

    @cached_property
    def disputed_actuals(self) -> dict[str, tuple[DisputedReading, ...]]:
        """The KPIs with two different actuals for one date, and those readings, by id, in the
        framework's order. Taken from the statuses when they are computed, else read without
        them (a twentieth of their cost: only KPIs with a date given twice are settled), so that rules needing only this do not need the statuses."""
        statuses = self.__dict__.get("kpi_statuses")
        if statuses is not None:
            return {kpi_id: status.disputed for kpi_id, status in statuses.items() if status.disputed}
        framework, today, rows = self.framework, self.today, self.framework.csv_actuals
        found = {}
        for kpi_id, kpi in framework.kpis.items():
            dates = [actual.date for actual in kpi.actuals] + [row.date for row in rows.get(kpi_id, ())]
            if len(set(dates)) < len(dates):  # only a date given twice can be disputed
                disputed = settled_readings(kpi, framework, today)[1]
                if disputed:
                    found[kpi_id] = disputed
        return found

    # ------------------------------------------------------------------ data sources

    @cached_property
    def resolved_queries(self) -> dict[str, ResolvedQuery]:
        """Every KPI's query resolved against `sources:` (what `kpiframe pull` would run), by KPI id."""
        from kpiframe.sources import resolved_queries

        return resolved_queries(self.framework)

    # ------------------------------------------------------------------ the check's summary

    def summary_facts(self) -> SummaryFacts:
        """The facts of the answers computed so far (by the rules that ran)."""
        known = self.__dict__
        scan = known.get("conflict_scan")
        statuses = known.get("kpi_statuses")
        return SummaryFacts(
            capped_conflicts=scan.omitted_total if scan is not None else None,
            kpis_by_status=status_counts(statuses.values()) if statuses is not None else None,
            kpis_without_direction=self._kpis_without_direction if scan is not None else None,
            resolved_conflicts=self.resolved_conflicts if scan is not None else None,
        )

    @property
    def _kpis_without_direction(self) -> int | None:
        # Said only when it happens: the conflict search skipped them (missing-direction).
        undirected = sum(1 for k in self.framework.live_kpis.values() if k.direction is None)
        return undirected or None


def trace_to_company_goal(framework: Framework) -> dict[str, str]:
    """For every goal: 'company' when its parent chain reaches a company goal, 'cycle' when it
    runs into a loop, 'broken' when it stops at a missing parent, 'unknown' when it stops at a
    goal that has errors (whether it leads on cannot be told). Iterative, so long chains are safe."""
    state: dict[str, str] = {}
    goals = framework.goals
    invalid = framework.invalid_of("Goal")
    for start in goals:
        chain: list[str] = []
        on_chain: set[str] = set()
        current: str | None = start
        while current is not None and current not in state:
            if current in on_chain:
                outcome = "cycle"
                break
            chain.append(current)
            on_chain.add(current)
            goal = goals.get(current)
            if goal is None:
                outcome = "unknown" if current in invalid else "broken"
                chain.pop()
                break
            if goal.level == "company":
                outcome = "company"
                break
            current = goal.parent
        else:
            outcome = state[current] if current is not None else "broken"
        for goal_id in chain:
            state[goal_id] = outcome
    return state




def unread(framework: Framework, findings: Iterable[Finding]) -> Unread:
    """What views cannot show: KPI documents that failed validation, files that could not be read."""
    broken_files = {f.file for f in findings if f.rule in UNREADABLE_FILE_RULES}
    return Unread(kpis=framework.invalid_counts()["KPI"], files=len(broken_files))
