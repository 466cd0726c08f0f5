"""Which document is which, for ``import ... --update``: the framework's documents found by id
wherever they are, the source's entries matched to the record's, the ids they get, an id the user
changed matched back by the source's name, and the file a department's new KPIs go to.

Decisions:

* An id the user changed: the record says which id and name the import wrote. A recorded entry
  whose id no document has any more, and a document the import did not write (its id is in no
  entry) of the same kind and the same name (casefolded, spaces collapsed, as the source key)
  are the same entry when each is the only one of that name on its side. It is updated in place
  under the user's id, and the record follows it. Anything less certain (the name changed too,
  two candidates) stays as it was: the entry is reported removed, the document as one the
  import did not write.
* A department's new KPIs go to the file where that department's imported KPIs are now (the
  ``department`` the documents have in the framework) when that is one file: a user who renamed
  ``kpis/sales.yaml`` to ``kpis/revenue.yaml`` does not get ``kpis/sales.yaml`` back. When they
  are in several files, or there are none, a new KPI goes where a fresh import puts it, and when
  several files hold them the summary says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpiframe.importers.common import slugify
from kpiframe.importers.provenance import ImportRecord, name_key
from kpiframe.importers.yamledit import YamlDocument, YamlFile, read_yaml_file
from kpiframe.load.discover import discover_files

# Fields that name other documents by id: an added document's references to documents matched
# under another id are rewritten to that id.
REFERENCE_FIELDS = ("supports",)


@dataclass
class Located:
    file: YamlFile
    document: YamlDocument


@dataclass(frozen=True)
class ChangedId:
    """A recorded entry found under the id the user gave its document."""

    old: str
    new: str
    file: str
    line: int


def scan(out: Path) -> tuple[dict[str, list[Located]], dict[str, YamlFile]]:
    """Every document with an id, by id, wherever it is in the framework."""
    found, _ = discover_files(out)
    located: dict[str, list[Located]] = {}
    files: dict[str, YamlFile] = {}
    for path, rel in found:
        file = read_yaml_file(path, rel)
        files[rel] = file
        for document in file.documents:
            if isinstance(document.data, dict) and isinstance(document.data.get("id"), str):
                located.setdefault(document.data["id"], []).append(Located(file, document))
    return located, files


def line_of(where: Located | None) -> int:
    return where.document.node.start_mark.line + 1 if where is not None else 0


# --- matching ------------------------------------------------------------------------------------


def match_entries(record: ImportRecord, keys: list[str], documents: list[dict[str, Any]]) -> list[str | None]:
    """For each document, the key of the recorded entry it is (None: a new entry). By source key
    first; then a document left over takes the one left-over entry of its kind and name."""
    result: list[str | None] = [key if key in record.entries and record.entries[key].kind == document.get("kind")
                                else None for key, document in zip(keys, documents)]
    used = {key for key in result if key is not None}
    by_name: dict[str, list[str]] = {}
    for key, entry in record.entries.items():
        if key not in used:
            by_name.setdefault(name_key({**entry.fields, "kind": entry.kind, "id": entry.id}), []).append(key)
    for index, document in enumerate(documents):
        if result[index] is None:
            candidates = [key for key in by_name.get(name_key(document), []) if key not in used]
            if len(candidates) == 1:
                result[index] = candidates[0]
                used.add(candidates[0])
    return result


def final_ids(record: ImportRecord, matched: list[str | None], placed: list[tuple[str, dict[str, Any]]],
               located: dict[str, list[Located]]) -> dict[str, str]:
    """Fresh id -> the id the document has (matched) or gets (new: one no document has)."""
    taken = set(located) | {entry.id for entry in record.entries.values()}
    ids: dict[str, str] = {}
    for recorded_key, (_, document) in zip(matched, placed):
        if recorded_key is not None:
            ids[document["id"]] = record.entries[recorded_key].id
    for _, document in placed:
        fresh = str(document["id"])
        if fresh in ids:
            continue
        base = slugify(fresh)
        candidate, number = fresh, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        taken.add(candidate)
        ids[fresh] = candidate
    return ids


def with_ids(document: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    result = dict(document)
    result["id"] = ids.get(str(document["id"]), document["id"])
    for name in REFERENCE_FIELDS:
        value = result.get(name)
        if isinstance(value, str):
            result[name] = ids.get(value, value)
        elif isinstance(value, list):
            result[name] = [ids.get(item, item) if isinstance(item, str) else item for item in value]
    return result


def match_changed_ids(record: ImportRecord, located: dict[str, list[Located]]) -> list[ChangedId]:
    """Recorded entries whose id is gone, matched by name to a document the import did not write;
    the record's entries take the new ids (see the module's decisions)."""
    record_ids = {entry.id for entry in record.entries.values()}
    lost: dict[str, list[str]] = {}
    for key, entry in record.entries.items():
        if entry.id not in located:
            lost.setdefault(_entry_name(entry.kind, entry.fields, entry.id), []).append(key)
    if not lost:
        return []
    strangers: dict[str, list[str]] = {}
    for document_id, places in located.items():
        if document_id not in record_ids and len(places) == 1 and isinstance(places[0].document.data, dict):
            data = places[0].document.data
            strangers.setdefault(_entry_name(str(data.get("kind", "")), data, document_id), []).append(document_id)
    changed = []
    for name, keys in sorted(lost.items()):
        ids = strangers.get(name, [])
        if len(keys) == 1 and len(ids) == 1:
            entry = record.entries[keys[0]]
            where = located[ids[0]][0]
            changed.append(ChangedId(entry.id, ids[0], where.file.rel, line_of(where)))
            entry.id = ids[0]
    return changed


def _entry_name(kind: str, fields: dict[str, Any], document_id: str) -> str:
    return name_key({**fields, "kind": kind, "id": document_id})


def department_homes(record: ImportRecord, located: dict[str, list[Located]]) -> dict[str, set[str]]:
    """Department -> the files its imported KPIs are in now."""
    homes: dict[str, set[str]] = {}
    for entry in record.entries.values():
        places = located.get(entry.id, [])
        if entry.kind == "KPI" and len(places) == 1 and isinstance(places[0].document.data, dict):
            department = places[0].document.data.get("department")
            if isinstance(department, str):
                homes.setdefault(department, set()).add(places[0].file.rel)
    return homes
