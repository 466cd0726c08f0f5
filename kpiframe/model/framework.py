"""The framework as read: valid documents indexed by id, plus what the loader saw."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kpiframe.model.config import Config
from kpiframe.model.documents import KINDS, ActionPlan, Document, Driver, Goal, KPI, Tradeoff


@dataclass
class Framework:
    root: Path
    config: Config
    config_file: str | None = None
    files: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    kinds_seen: Counter = field(default_factory=Counter)  # every document with a known kind, valid or not

    goals: dict[str, Goal] = field(default_factory=dict)
    kpis: dict[str, KPI] = field(default_factory=dict)
    drivers: dict[str, Driver] = field(default_factory=dict)
    plans: dict[str, ActionPlan] = field(default_factory=dict)
    tradeoffs: dict[str, Tradeoff] = field(default_factory=dict)
    by_id: dict[str, Document] = field(default_factory=dict)
    # Documents with a known kind and id that failed validation: kind and where they are, so that
    # references to them say "has errors" rather than "does not exist".
    unreadable: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    unreadable_supports: set[str] = field(default_factory=set)  # goals such KPIs name
    _plans_index: dict[str, list[ActionPlan]] | None = field(default=None, init=False, repr=False)
    # Actuals read from the config's `actuals:` CSV files, per KPI id, in file then row order.
    csv_actuals: dict[str, list[tuple[date, float]]] = field(default_factory=dict)

    def add(self, document: Document) -> None:
        """Index a valid document. With duplicate ids the first one read wins; a rule reports the rest."""
        self.documents.append(document)
        if document.id in self.by_id:
            return
        self.by_id[document.id] = document
        table = {Goal: self.goals, KPI: self.kpis, Driver: self.drivers,
                 ActionPlan: self.plans, Tradeoff: self.tradeoffs}[type(document)]
        table[document.id] = document

    def note_unreadable(self, kind: str, raw) -> None:
        data = raw.data if isinstance(raw.data, dict) else {}
        doc_id = data.get("id")
        if isinstance(doc_id, str):
            self.unreadable.setdefault(doc_id, (kind, raw.file, raw.line))
        supports = data.get("supports") if kind == "KPI" else None
        if isinstance(supports, list):
            self.unreadable_supports.update(g for g in supports if isinstance(g, str))

    @property
    def company_goals(self) -> list[Goal]:
        return [g for g in self.goals.values() if g.level == "company"]

    def document_counts(self) -> dict[str, int]:
        return {kind: self.kinds_seen.get(kind, 0) for kind in KINDS}

    def plans_for(self, kpi_id: str) -> list[ActionPlan]:
        return self._plans_by_kpi().get(kpi_id, [])

    def _plans_by_kpi(self) -> dict[str, list[ActionPlan]]:
        if self._plans_index is None:  # built on first use, after every document was added
            self._plans_index = {}
            for plan in self.plans.values():
                for kpi_id in dict.fromkeys(plan.addresses):
                    self._plans_index.setdefault(kpi_id, []).append(plan)
        return self._plans_index
