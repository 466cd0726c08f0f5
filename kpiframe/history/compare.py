"""Compare two revisions of a framework document by document, by id, not by text.

A change says what happened to one field of one document (or to the document itself): a KPI
whose target was relaxed, a plan whose due date moved later, a trade-off removed, a goal moved
to another file. Renderers (`kpiframe diff`) and rules (`target-relaxed`, ...) take their
answers from here.

Decisions:

* Documents are matched by id. An id that changed is a removal and an addition: ids are how
  everything else refers to a document, so a new id is a new document.
* A document that fails validation on one side is not compared (its fields cannot be read);
  it is neither added nor removed, so a typo never shows as "KPI deleted".
* Changes are listed in file order of the head revision (removed documents at the place they
  had in the base), then field order, so the output is stable.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kpiframe.history.fields import (
    ADDED,
    CHANGED,
    FIELDS_OF_KIND,
    KPI_FIELDS,
    REMOVED,
    Comparable,
    judge_date,
    plain,
)
from kpiframe.model import KPI, Document, Framework


@dataclass(frozen=True)
class Change:
    kind: str  # Goal, KPI, Driver, ActionPlan, Tradeoff
    subject: str  # the document's id
    field: str | None  # None: the document itself (added, removed)
    change: str  # added, removed, moved, relaxed, tightened, changed, flipped, moved-later, moved-earlier
    before: Any  # JSON-able
    after: Any
    file: str
    line: int
    comparable: Comparable | None = None  # for KPI fields: what the table says about this field

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "field": self.field, "change": self.change,
                "before": self.before, "after": self.after, "file": self.file, "line": self.line}


def where(document: Document, path: tuple = ()) -> tuple[str, int]:
    raw = document.origin
    return raw.file, raw.position(path, key=bool(path))[0]


def compare(base: Framework, head: Framework) -> list[Change]:
    """Every change from ``base`` to ``head``, in the order described above."""
    changes: list[Change] = []
    for doc_id, document in head.by_id.items():
        before = base.by_id.get(doc_id)
        if before is None:
            if doc_id not in base.invalid:
                file, line = where(document)
                changes.append(Change(document.kind_name, doc_id, None, ADDED, None, None, file, line))
            continue
        if before is not document:  # the same object: its file was the same on both sides (sides.py)
            changes += _changes_of(before, document)
    for doc_id, document in base.by_id.items():
        if doc_id not in head.by_id and doc_id not in head.invalid:
            file, line = where(document)
            changes.append(Change(document.kind_name, doc_id, None, REMOVED, None, None, file, line))
    return changes


def _changes_of(before: Document, after: Document) -> Iterator[Change]:
    if type(before) is not type(after):  # the id now names another kind of document
        file, line = where(after)
        yield Change(after.kind_name, after.id, "kind", CHANGED, before.kind_name, after.kind_name, file, line)
        return
    if before.origin.file != after.origin.file:
        file, line = where(after)
        yield Change(after.kind_name, after.id, "file", "moved", before.origin.file, after.origin.file, file, line)
    if isinstance(after, KPI):
        yield from _kpi_changes(before, after)  # type: ignore[arg-type]
        return
    for name in FIELDS_OF_KIND.get(after.kind_name, ()):
        old, new = getattr(before, name, None), getattr(after, name, None)
        if old == new or plain(old) == plain(new):
            continue
        verdict = judge_date(old, new) if name == "due" else _plain_verdict(old, new)
        file, line = where(after, (name,) if new is not None else ())
        yield Change(after.kind_name, after.id, name, verdict, plain(old), plain(new), file, line)


def _plain_verdict(old: Any, new: Any) -> str:
    if old in (None, [], ()):
        return ADDED
    if new in (None, [], ()):
        return REMOVED
    return CHANGED


def _kpi_changes(before: KPI, after: KPI) -> Iterator[Change]:
    flipped = before.direction != after.direction
    for comparable in KPI_FIELDS:
        old, new = comparable.get(before), comparable.get(after)
        if old == new or plain(old) == plain(new):
            continue
        verdict = comparable.judge(old, new, after.better)
        if flipped and comparable.measure and verdict not in (ADDED, REMOVED):
            verdict = CHANGED  # better became worse: the bar cannot be judged (see fields.py)
        file, line = where(after, (comparable.name,) if new is not None else ())
        yield Change("KPI", after.id, comparable.name, verdict, plain(old), plain(new), file, line, comparable)


def kpi_field_changes(before: KPI, after: KPI) -> list[Change]:
    """The changes to one KPI's fields (for a timeline of it)."""
    return list(_kpi_changes(before, after))


def kpi_changes(changes: list[Change]) -> Iterator[Change]:
    """The changes to fields of KPIs that exist on both sides."""
    return (c for c in changes if c.kind == "KPI" and c.comparable is not None)
