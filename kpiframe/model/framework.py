"""The framework as read: valid documents indexed by id, plus what the loader saw."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpiframe.actuals_csv import CsvActual
from kpiframe.load.document import RawDocument
from kpiframe.model.config import Config
from kpiframe.model.documents import KINDS, KPI, MODELS, ActionPlan, Document, Driver, Goal, Tradeoff

# The fields of each kind that name other documents.
REFERENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "Goal": ("parent",), "KPI": ("supports", "influences"), "Driver": ("influences",),
    "ActionPlan": ("addresses",), "Tradeoff": ("between", "goal"),
}


@dataclass(frozen=True)
class InvalidDocument:
    """A document of a known kind that failed validation, as far as others depend on it.

    It still defines its kind and id, so that references to it, CSV rows for it and conclusions
    that need its data can say nothing instead of reporting the same mistake again elsewhere.
    ``references`` holds the ids it names, read leniently (a misspelt field counts as the field
    it is closest to): they are used only to hold back such conclusions, never as facts.
    """

    kind: str
    id: str | None
    file: str
    line: int
    references: dict[str, tuple[str, ...]]
    origin: Any = None  # the RawDocument it was read from, for positions

    @property
    def label(self) -> str:
        return f"{self.kind} '{self.id}'"


@dataclass
class Framework:
    root: Path
    config: Config
    config_file: str | None = None
    config_raw: Any = None  # the config's RawDocument, for the positions of findings about settings
    files: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    invalid_documents: list[InvalidDocument] = field(default_factory=list)  # known kind, failed validation

    goals: dict[str, Goal] = field(default_factory=dict)
    kpis: dict[str, KPI] = field(default_factory=dict)
    drivers: dict[str, Driver] = field(default_factory=dict)
    plans: dict[str, ActionPlan] = field(default_factory=dict)
    tradeoffs: dict[str, Tradeoff] = field(default_factory=dict)
    by_id: dict[str, Document] = field(default_factory=dict)
    # Documents with a known kind and id that failed validation, by id (the first of an id).
    invalid: dict[str, InvalidDocument] = field(default_factory=dict)
    _plans_index: dict[str, list[ActionPlan]] | None = field(default=None, init=False, repr=False)
    _live_index: dict[str, KPI] | None = field(default=None, init=False, repr=False)
    # Actuals read from the config's `actuals:` CSV files, per KPI id, in file then row order.
    csv_actuals: dict[str, list[CsvActual]] = field(default_factory=dict)

    def add(self, document: Document) -> None:
        """Index a valid document. With duplicate ids the first one read wins; a rule reports the rest."""
        self.documents.append(document)
        if document.id in self.by_id:
            return
        self.by_id[document.id] = document
        tables: dict[type[Document], dict[str, Any]] = {
            Goal: self.goals, KPI: self.kpis, Driver: self.drivers, ActionPlan: self.plans, Tradeoff: self.tradeoffs}
        table = tables[type(document)]
        table[document.id] = document

    def add_invalid(self, kind: str, raw: RawDocument) -> None:
        """Note a document of a known kind that failed validation (see :class:`InvalidDocument`)."""
        data = raw.data if isinstance(raw.data, dict) else {}
        doc_id = data.get("id")
        doc_id = doc_id if isinstance(doc_id, str) and doc_id else None
        document = InvalidDocument(kind, doc_id, raw.file, raw.line, _lenient_references(kind, data), raw)
        self.invalid_documents.append(document)
        if doc_id is not None:
            self.invalid.setdefault(doc_id, document)

    def named_by_invalid(self, kind: str, reference: str) -> set[str]:
        """The ids that invalid documents of ``kind`` name in their ``reference`` field."""
        return {target for d in self.invalid_documents if d.kind == kind for target in d.references.get(reference, ())}

    def invalid_of(self, *kinds: str) -> set[str]:
        """The ids of the invalid documents of these kinds."""
        return {doc_id for doc_id, d in self.invalid.items() if d.kind in kinds}

    @property
    def live_kpis(self) -> dict[str, KPI]:
        """The KPIs that are not retired: the ones execution and alignment rules judge."""
        if self._live_index is None:  # built on first use, after every document was added
            self._live_index = {k: v for k, v in self.kpis.items() if v.retired is None}
        return self._live_index

    @property
    def company_goals(self) -> list[Goal]:
        return [g for g in self.goals.values() if g.level == "company"]

    def document_counts(self) -> dict[str, int]:
        """Documents that were read and checked, per kind (the invalid ones are counted apart)."""
        counts = Counter(d.kind_name for d in self.documents)
        return {kind: counts.get(kind, 0) for kind in KINDS}

    def invalid_counts(self) -> dict[str, int]:
        """Documents of a known kind that failed validation, per kind."""
        counts = Counter(d.kind for d in self.invalid_documents)
        return {kind: counts.get(kind, 0) for kind in KINDS}

    def plans_for(self, kpi_id: str) -> list[ActionPlan]:
        return self._plans_by_kpi().get(kpi_id, [])

    def _plans_by_kpi(self) -> dict[str, list[ActionPlan]]:
        if self._plans_index is None:  # built on first use, after every document was added
            self._plans_index = {}
            for plan in self.plans.values():
                for kpi_id in dict.fromkeys(plan.addresses):
                    self._plans_index.setdefault(kpi_id, []).append(plan)
        return self._plans_index


def _lenient_references(kind: str, data: dict) -> dict[str, tuple[str, ...]]:
    fields = REFERENCE_FIELDS.get(kind, ())
    if not fields:
        return {}
    allowed = list(MODELS[kind].model_fields)
    found: dict[str, list[str]] = {}
    for key, value in data.items():
        name = key if key in allowed else _closest(str(key), allowed)
        if name in fields:
            found.setdefault(name, []).extend(_ids_in(value))
    return {name: tuple(dict.fromkeys(ids)) for name, ids in found.items() if ids}


def _closest(key: str, allowed: list[str]) -> str | None:
    # As the unknown-field hint does: `adresses` is taken for `addresses`.
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return close[0] if close else None


def _ids_in(value: Any) -> list[str]:
    """Ids in a reference value of any shape: `x`, `[x, y]`, `[{target: x, effect: ...}]`."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _ids_in(value.get("target"))
    if isinstance(value, list):
        return [i for item in value for i in _ids_in(item)]
    return []
