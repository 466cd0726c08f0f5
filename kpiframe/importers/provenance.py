"""The import record: what the last import wrote, so that ``import ... --update`` can tell the
user's edits from the source's changes.

Every import writes ``.kpiframe-import.json`` next to ``kpiframe.yaml``. For each document it
wrote, the record keeps the document's source key (how the source names the entry), the id it
was given, and the value of every field the import wrote. ``--update`` compares three values
of each field: what the record says the import wrote (the base), what the file says now (the
user's), and what the source says now. The loader skips files whose names start with a dot,
so the record is never read as part of the framework.

Source keys are how the source itself names an entry, not the generated id: a CSV row's own id
(its ``ref`` column: "ID", "KPI ID", "Ref", "Code") when the register has one, else the
indicator's or row's name (GitLab's handbook anchor is made from the name), casefolded with its
spaces collapsed; a goal is keyed by its title. A key given twice in one source gets its
department after it (``"kpi:ux debt @ ux-department"``), then a number; the first keeps the bare
key, so an indicator that moved to another org still matches. An entry whose key is not in the
record is matched by its name to a recorded entry of the same kind that nothing else matched
(a register that gained or renumbered its id column, the 2023 file of a 2022 indicator).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kpiframe.importers.common import DatingOption

RECORD_FILE = ".kpiframe-import.json"
RECORD_FORMAT = 1
# Fields that say what a document is rather than what the source says about it: never refreshed.
IDENTITY_FIELDS = ("kind", "id")
_ABOUT = ("Written by `kpiframe import`: the value of every field the last import wrote, so that "
          "`kpiframe import ... --update` keeps your edits. Keep it with the framework; without it "
          "--update cannot tell your edits from the source's.")


class RecordProblem(Exception):
    """The record is missing or unreadable; ``str()`` says what to do."""


@dataclass
class RecordEntry:
    kind: str
    id: str
    fields: dict[str, Any]  # canonical values (see canonical), identity fields left out


@dataclass
class ImportRecord:
    importer: str
    config: dict[str, Any] = field(default_factory=dict)  # the organization kpiframe.yaml was given
    options: dict[str, str] = field(default_factory=dict)  # date options the import used: as_of -> ISO date
    entries: dict[str, RecordEntry] = field(default_factory=dict)  # source key -> entry

    def to_text(self) -> str:
        data = {
            "about": _ABOUT,
            "format": RECORD_FORMAT,
            "importer": self.importer,
            "config": self.config,
            **({"options": dict(sorted(self.options.items()))} if self.options else {}),
            "entries": {key: {"kind": e.kind, "id": e.id, "fields": e.fields}
                        for key, e in sorted(self.entries.items())},
        }
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def canonical(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO text, str subclasses as str, tuples as lists.

    Both sides of every comparison go through this, so a date read back from YAML equals the
    date the importer wrote, and the record compares equal to what it recorded."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return str(value)


def document_fields(document: dict[str, Any]) -> dict[str, Any]:
    return {key: canonical(value) for key, value in document.items() if key not in IDENTITY_FIELDS}


def config_fields(config: dict[str, Any]) -> dict[str, Any]:
    """What the record keeps of kpiframe.yaml: the organization. Departments are only ever added
    (see :mod:`kpiframe.importers.update_config`), so no earlier list is needed."""
    return {"organization": canonical(config["organization"])}


def name_key(document: dict[str, Any]) -> str:
    """``kpi:<name>`` (``goal:<title>``), casefolded with spaces collapsed."""
    kind = str(document.get("kind", ""))
    label = document.get("title") if kind == "Goal" else document.get("name")
    return f"{kind.lower()}:{' '.join(str(label or document.get('id')).split()).casefold()}"


def source_keys(documents: list[dict[str, Any]], refs: list[str | None] | None = None) -> list[str]:
    """Each document's source key (see the module's docstring), in the documents' order:
    ``kpi:id <ref>`` where the source gives its own id, else the name key."""
    keys: list[str] = []
    taken: set[str] = set()
    for document, ref in zip(documents, refs or [None] * len(documents)):
        kind = str(document.get("kind", ""))
        base = (f"{kind.lower()}:id {' '.join(ref.split()).casefold()}" if ref and ref.strip()
                else name_key(document))
        key = base
        if key in taken:
            key = f"{base} @ {document.get('department', '')}"
        number = 1
        while key in taken:
            number += 1
            key = f"{base} #{number}"
        taken.add(key)
        keys.append(key)
    return keys


def new_record(importer: str, documents: list[dict[str, Any]], config: dict[str, Any],
               refs: list[str | None] | None = None, options: dict[str, str] | None = None) -> ImportRecord:
    record = ImportRecord(importer, config=config_fields(config), options=dict(options or {}))
    for key, document in zip(source_keys(documents, refs), documents):
        record.entries[key] = RecordEntry(str(document["kind"]), str(document["id"]), document_fields(document))
    return record


def read_record(out: Path) -> ImportRecord:
    path = out / RECORD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecordProblem(f"{out} has no {RECORD_FILE}: --update needs the record an import writes "
                            "(import into a new folder, or without --update to start over)") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise RecordProblem(f"{path}: cannot be read ({error}); it is written by `kpiframe import`, "
                            "restore it from version control or import into a new folder") from None
    try:
        if data.get("format") != RECORD_FORMAT:
            raise RecordProblem(f"{path}: record format {data.get('format')!r} is not {RECORD_FORMAT}; "
                                "it was written by another kpiframe version")
        entries = {str(key): RecordEntry(str(e["kind"]), str(e["id"]), dict(e["fields"]))
                   for key, e in data["entries"].items()}
        options = {str(name): str(day) for name, day in dict(data.get("options") or {}).items()}
        return ImportRecord(str(data["importer"]), dict(data.get("config") or {}), options, entries)
    except (AttributeError, KeyError, TypeError) as error:
        raise RecordProblem(f"{path}: not an import record ({error!r} missing or malformed); restore it from "
                            "version control or import into a new folder") from None


def dating_options(out: Path, given: dict[str, date | None], update: bool) -> list[DatingOption]:
    """The date options an import uses: each as given, else (``update``) as the last import used
    it, kept in its record, so an update without ``--as-of`` does not strip the dates the last
    import wrote. A record that cannot be read is left for the update to report."""
    recorded: dict[str, str] = {}
    if update:
        try:
            recorded = read_record(out).options
        except RecordProblem:
            pass
    used = []
    for name, day in given.items():
        if day is not None:
            used.append(DatingOption(name, day, "given"))
        elif name in recorded:
            try:
                used.append(DatingOption(name, date.fromisoformat(recorded[name]), "last import"))
            except ValueError:
                raise RecordProblem(f"{out / RECORD_FILE}: options.{name} {recorded[name]!r} is not a date; "
                                    "restore the record from version control, or give the option") from None
        else:
            used.append(DatingOption(name, None, ""))
    return used


def recorded_options(dating: list[DatingOption]) -> dict[str, str]:
    """What the record keeps of the date options used: the ones that had a date."""
    return {option.name: option.day.isoformat() for option in dating if option.day is not None}
