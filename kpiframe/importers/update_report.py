"""What ``kpiframe import ... --update`` did: refreshed, added, kept, and could not reconcile.

Plain data, built by :mod:`kpiframe.importers.update` and printed by the import command
(text, or ``--format json`` through :meth:`UpdateReport.as_json`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Fields:
    """Some fields of one document."""

    id: str
    file: str
    line: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """A field both the user and the source changed: the user's value is kept."""

    id: str
    file: str
    line: int
    field: str
    yours: Any
    source_before: Any  # what the last import wrote (None: it wrote nothing)
    source_now: Any  # what the source says now (None: it says nothing)


@dataclass(frozen=True)
class Place:
    """One document (``file`` is '' when it is no longer in the framework)."""

    id: str
    file: str
    line: int
    why: str = ""


@dataclass
class UpdateReport:
    refreshed: list[Fields] = field(default_factory=list)  # source changes written
    added: list[Place] = field(default_factory=list)  # new in the source, added
    kept: list[Fields] = field(default_factory=list)  # your edits, where the source did not change
    conflicts: list[Conflict] = field(default_factory=list)  # both changed: yours kept
    absent: list[Place] = field(default_factory=list)  # imported before, not in this source: left in place
    removed: list[Place] = field(default_factory=list)  # imported before, no longer in the framework: not re-added
    unreconciled: list[Place] = field(default_factory=list)  # could not be updated, with why
    ids_changed: list[Place] = field(default_factory=list)  # imported documents whose id you changed (why: the old id)
    departments_added: list[str] = field(default_factory=list)  # to kpiframe.yaml's `departments:`
    config_refreshed: list[str] = field(default_factory=list)  # fields of kpiframe.yaml
    your_documents: dict[str, int] = field(default_factory=dict)  # kind -> count, never imported
    unchanged: int = 0  # matched documents the source did not change and you did not edit
    files_changed: list[str] = field(default_factory=list)

    @property
    def changes_nothing(self) -> bool:
        return not self.files_changed

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = {name: len(data[name]) for name in
                          ("refreshed", "added", "kept", "conflicts", "absent", "removed", "unreconciled",
                           "ids_changed")}
        return data
