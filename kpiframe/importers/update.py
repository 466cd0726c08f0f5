"""``kpiframe import ... --out DIR --update``: refresh an imported framework from its source and
keep everything the user added or changed.

Decisions:

* Three values per field: what the last import wrote (the import record,
  :mod:`kpiframe.importers.provenance`), what the file says now, and what the source says now.
  Source changed and you did not: refreshed. You changed it and the source did not: kept. Both
  changed, differently: a conflict, reported, your value kept. A field the import never wrote
  (``supports`` you added, ``actuals``, ``influences``, a ``target`` you set) is not the
  source's and is never touched. The source-owned fields are simply those the importer writes
  (apart from ``kind`` and ``id``, which say what a document is): whatever the importers come
  to write is handled without a list to keep in step.
* The record, not a hash in each document, because it is one file a person can read (``git
  diff`` shows what the source said last time) and it leaves the documents as the user wants
  them. Documents are found by id in whichever file they are, so KPIs moved between files are
  still updated in place. An id the user changed is found by the name the record holds
  (:mod:`kpiframe.importers.update_match`); when that is not certain it reads as a document
  removed: reported, and the source entry is not added again.
* Entries are matched by source key (the indicator's or row's name, see provenance), so a
  handbook file renamed upstream updates the same KPIs instead of adding ``-2`` copies.
  New entries are added to the file their department's imported KPIs are in now, when that is
  one file; else to the file a fresh import would write them to (``kpis/<department>.yaml``,
  created with the usual header if missing), with ids that no document in the framework has.
  Entries absent from this source are reported and left as they are, with their record.
* A field the importers leave out can mean a value (``ABSENT_MEANS``: no ``key`` is not key), so
  ``key: false`` and a source without ``is_key`` agree instead of conflicting.
* The date options (``--as-of``...) the last import used are kept in the record and used again
  unless given (:func:`kpiframe.importers.provenance.dating_options`): an update without them
  does not strip the dates the last import wrote.
* A conflict is reported once: the record then holds what the source says now, so the next
  ``--update`` from the same source finds nothing to do and changes no byte.
* Every edited file is read back; the documents must hold exactly the values intended, else
  that file is not written, its documents are reported as not reconciled and their record is
  not advanced (so a later update tries again). Files with nothing to change are not written.
  All files (and the record, last in the list) go through ``fsutil.write_outputs``: atomic, and
  checked against the inputs before the first is written.
* A department a refreshed or added KPI names is added to ``departments:`` in kpiframe.yaml;
  departments are never removed there (KPIs absent from this source still use them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpiframe.fsutil import write_outputs
from kpiframe.importers.common import ImportRefused, ImportSummary
from kpiframe.importers.provenance import (
    IDENTITY_FIELDS,
    RECORD_FILE,
    ImportRecord,
    RecordEntry,
    RecordProblem,
    canonical,
    document_fields,
    read_record,
    recorded_options,
    source_keys,
)
from kpiframe.importers.update_config import refresh_config
from kpiframe.importers.update_match import (
    Located,
    department_homes,
    final_ids,
    line_of,
    match_changed_ids,
    match_entries,
    scan,
    with_ids,
)
from kpiframe.importers.update_report import Conflict, Fields, Place, UpdateReport
from kpiframe.importers.writer import ImportedFile, render_documents
from kpiframe.importers.yamledit import (
    YamlFile,
    add_field,
    append_documents,
    is_block_mapping,
    key_line,
    parse_yaml_text,
    read_yaml_file,
    remove_field,
    replace_field,
)
from kpiframe.textedit import Edit, OverlappingEdits, apply_edits

MISSING = object()
# What a field the importers leave out means: `key` absent is not key (an importer writes
# `key: true` only; GitLab's is_key no or absent writes nothing), so `key: false` agrees with it.
ABSENT_MEANS: dict[str, Any] = {"key": False}


@dataclass
class _FilePlan:
    """What happens to one file: field edits, documents appended, and the record entries that
    become true once it is written."""

    file: YamlFile | None  # None: a new file
    edits: list[Edit] = field(default_factory=list)
    expected: dict[int, dict[str, Any]] = field(default_factory=dict)  # document index -> canonical values
    appended: list[dict[str, Any]] = field(default_factory=list)
    entries: dict[str, RecordEntry] = field(default_factory=dict)
    refreshed: list[Fields] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)  # (id, why it went to that file, when to say)
    departments: set[str] = field(default_factory=set)  # departments the written documents name
    rekeyed: list[str] = field(default_factory=list)  # record keys replaced by a new key (matched by name)


def update_framework(out: Path, summary: ImportSummary, *, files: dict[str, ImportedFile],
                     config: dict[str, Any], inputs: list[Path]) -> None:
    """Refresh the framework at ``out`` from what the import read (``files``: each file's
    documents as a fresh import would write them); see the module's decisions."""
    try:
        record = read_record(out)
    except RecordProblem as problem:
        raise ImportRefused(str(problem)) from None
    if record.importer != summary.importer:
        raise ImportRefused(f"{out} was imported with `kpiframe import {record.importer}`; update it with "
                            f"the same importer (this is `{summary.importer}`)")
    report = UpdateReport()
    summary.update = report
    record.options = recorded_options(summary.dating)
    located, framework_files = scan(out)
    report.ids_changed = [Place(changed.new, changed.file, changed.line, f"was {changed.old}")
                          for changed in match_changed_ids(record, located)]
    homes = department_homes(record, located)
    for rel, file in sorted(framework_files.items()):
        if file.error:  # its documents cannot be found: those imported before read as removed
            report.unreconciled.append(Place("(the whole file)", rel, 0, f"{file.error}: nothing in it was "
                                                                         "updated; fix it, then update again"))
    placed = [(rel, document) for rel, imported in files.items() for document in imported.documents]
    refs = [ref for imported in files.values() for ref in imported.ref_list()]
    keys = source_keys([document for _, document in placed], refs)
    matched = match_entries(record, keys, [document for _, document in placed])
    plans: dict[str, _FilePlan] = {}
    new_ids = final_ids(record, matched, placed, located)
    for key, recorded_key, (rel, imported_document) in zip(keys, matched, placed):
        document = with_ids(imported_document, new_ids)
        if recorded_key is None:
            _plan_added(plans, framework_files, out, _home(rel, document, homes), key, document)
            continue
        entry = record.entries[recorded_key]
        plan = _plan_refresh(plans, report, located.get(entry.id, []), key, entry, document)
        if plan is not None and recorded_key != key:
            plan.rekeyed.append(recorded_key)
    if any(file.error for file in framework_files.values()):
        report.removed = [Place(p.id, p.file, p.line, "not found (removed, its id changed, or in a file that "
                                                      "cannot be read): not added again") for p in report.removed]
    seen = {recorded_key for recorded_key in matched if recorded_key is not None}
    for key, entry in sorted(record.entries.items()):
        if key not in seen:
            places = located.get(entry.id, [])
            where = places[0] if places else None
            report.absent.append(Place(entry.id, where.file.rel if where else "", line_of(where)))
    record_ids = {entry.id for entry in record.entries.values()}
    for document_id, places in sorted(located.items()):
        if document_id not in record_ids:
            kind = str(places[0].document.data.get("kind", "document"))
            report.your_documents[kind] = report.your_documents.get(kind, 0) + 1
    writes, failed = _finish(plans, record, report, out, files)
    departments_used = sorted({name for rel, plan in plans.items() if rel not in failed for name in plan.departments})
    config_write = refresh_config(out, record, config, departments_used, report)
    if config_write is not None:
        writes.append(config_write)
    record_text = record.to_text()
    record_path = out / RECORD_FILE
    if record_path.read_text(encoding="utf-8") != record_text:
        writes.append((record_path, record_text))
    write_outputs([(path, text) for path, text in writes], inputs=inputs)
    report.files_changed = sorted(path.relative_to(out).as_posix() for path, _ in writes)
    summary.files_written = [path for path, _ in writes]
    summary.kpis_written = sum(1 for place in report.added)


# --- planning ------------------------------------------------------------------------------------


def _plan_for(plans: dict[str, _FilePlan], rel: str, file: YamlFile | None) -> _FilePlan:
    return plans.setdefault(rel, _FilePlan(file))


def _home(rel: str, document: dict[str, Any], homes: dict[str, set[str]]) -> tuple[str, str]:
    """(the file a new document goes to, why when that is not where its department's KPIs are):
    see :mod:`kpiframe.importers.update_match`."""
    department = document.get("department")
    files = sorted(homes.get(department, set())) if isinstance(department, str) else []
    if len(files) == 1:
        return files[0], ""
    if len(files) > 1 and rel not in files:
        return rel, (f"{department}'s KPIs are in {len(files)} files ({', '.join(files)}), so it went to the "
                     "file a fresh import writes")
    return rel, ""


def _plan_added(plans: dict[str, _FilePlan], files: dict[str, YamlFile], out: Path, home: tuple[str, str], key: str,
                document: dict[str, Any]) -> None:
    rel, why = home
    existing = files.get(rel)
    if existing is None and (out / rel).exists():
        existing = read_yaml_file(out / rel, rel)  # excluded from discovery, but there
    plan = _plan_for(plans, rel, existing)
    if document.get("department"):
        plan.departments.add(str(document["department"]))
    plan.appended.append(document)
    plan.added.append((str(document["id"]), why))
    plan.entries[key] = RecordEntry(str(document["kind"]), str(document["id"]), document_fields(document))


def _plan_refresh(plans: dict[str, _FilePlan], report: UpdateReport, places: list[Located], key: str,
                  entry: RecordEntry, document: dict[str, Any]) -> _FilePlan | None:
    """Plan the refresh of one matched document; the plan of its file (None: it cannot be refreshed)."""
    if not places:
        report.removed.append(Place(entry.id, "", 0, "no longer in the framework (removed, or its id changed): "
                                                     "not added again"))
        return None
    where = places[0]
    line = line_of(where)
    if len(places) > 1:
        others = ", ".join(f"{p.file.rel}:{line_of(p)}" for p in places)
        report.unreconciled.append(Place(entry.id, where.file.rel, line,
                                         f"{len(places)} documents have this id ({others}); keep one, then update again"))
        return None
    node, current = where.document.node, where.document.data
    if not is_block_mapping(node) or current.get("kind") != entry.kind:
        why = (f"it is now a {current.get('kind')}, not a {entry.kind}" if current.get("kind") != entry.kind
               else "written as a flow mapping ({...}); kpiframe edits only block mappings")
        report.unreconciled.append(Place(entry.id, where.file.rel, line, why))
        return None
    new_fields = document_fields(document)
    plan = _plan_for(plans, where.file.rel, where.file)
    text = where.file.text
    ours = [name for name in document if name not in IDENTITY_FIELDS]
    expected = {name: canonical(value) for name, value in current.items()}
    refreshed, kept, conflicts, edits = [], [], 0, []
    for name in [*ours, *(name for name in entry.fields if name not in document)]:
        absent = ABSENT_MEANS.get(name, MISSING)
        base = entry.fields.get(name, absent)
        new = new_fields.get(name, absent)
        mine = expected.get(name, absent)
        if new == base:
            if mine != base:
                kept.append(name)
            continue
        if mine == new:
            continue
        if mine != base:
            conflicts += 1
            report.conflicts.append(Conflict(entry.id, where.file.rel, key_line(node, name) or line, name,
                                             _shown(mine), _shown(base), _shown(new)))
            continue
        refreshed.append(name)
        if name not in new_fields:
            edits.append(remove_field(text, node, name))
            del expected[name]
        elif name not in expected:
            edits.append(add_field(text, node, name, document[name], ours[: ours.index(name)]))
            expected[name] = new
        else:
            edits.append(replace_field(text, node, name, document[name]))
            expected[name] = new
        if name == "department" and new is not MISSING:
            plan.departments.add(str(new))
    if kept:
        report.kept.append(Fields(entry.id, where.file.rel, line, tuple(kept)))
    if refreshed:
        plan.edits.extend(_merged_insertions(edits))
        plan.expected[where.document.index] = expected
        plan.refreshed.append(Fields(entry.id, where.file.rel, line, tuple(refreshed)))
    elif not kept and not conflicts:
        report.unchanged += 1
    plan.entries[key] = RecordEntry(entry.kind, entry.id, new_fields)
    return plan


def _merged_insertions(edits: list[Edit]) -> list[Edit]:
    """Fields added at one place become one insertion, in the order they were planned (two
    insertions at one offset would otherwise be ordered by their text)."""
    merged: list[Edit] = []
    for edit in edits:
        same = next((i for i, e in enumerate(merged) if e.start == e.end == edit.start == edit.end), None)
        if same is None:
            merged.append(edit)
        else:
            merged[same] = Edit(edit.start, edit.end, merged[same].new + edit.new)
    return merged


def _shown(value: Any) -> Any:
    return None if value is MISSING else value


# --- applying ------------------------------------------------------------------------------------


def _finish(plans: dict[str, _FilePlan], record: ImportRecord, report: UpdateReport, out: Path,
            files: dict[str, ImportedFile]) -> tuple[list[tuple[Path, str]], list[str]]:
    """Each file's new text, read back and checked; the record advanced for what will be written.
    Also the plans that could not be carried out."""
    writes: list[tuple[Path, str]] = []
    failed: list[str] = []
    for rel, plan in sorted(plans.items()):
        text, problem = _new_text(rel, plan, files)
        if problem:
            for fields in plan.refreshed:
                report.unreconciled.append(Place(fields.id, rel, fields.line, problem))
            for document_id, _ in plan.added:
                report.unreconciled.append(Place(document_id, rel, 0, problem))
            failed.append(rel)
            continue
        for old_key in plan.rekeyed:
            del record.entries[old_key]
        record.entries.update(plan.entries)
        report.refreshed.extend(plan.refreshed)
        report.added.extend(Place(document_id, rel, 0, why) for document_id, why in plan.added)
        before = plan.file.text if plan.file is not None else None
        if text != before:
            writes.append((out / rel, text))
    return writes, failed


def _new_text(rel: str, plan: _FilePlan, files: dict[str, ImportedFile]) -> tuple[str, str]:
    """(the file's new text, '') or ('', why it cannot be written)."""
    file = plan.file
    if file is not None and file.error:
        return "", f"{rel} {file.error}: fix it, then update again"
    try:
        text = apply_edits(file.text, plan.edits) if file is not None else ""
    except OverlappingEdits as error:  # two edits of one document: a bug, never a garbled file
        return "", f"could not edit {rel} safely ({error})"
    if plan.appended:
        if file is None:
            text = render_documents(files[rel].header, plan.appended)
        else:
            text = append_documents(text, plan.appended, has_documents=bool(file.documents))
    return text, _read_back(rel, plan, text)


def _read_back(rel: str, plan: _FilePlan, text: str) -> str:
    """'' when ``text`` holds exactly the intended documents, else why not."""
    after = parse_yaml_text(Path(rel), rel, text)
    before_count = len(plan.file.documents) if plan.file is not None else 0
    if after.error or len(after.documents) != before_count + len(plan.appended):
        return f"the edited {rel} did not read back as intended ({after.error or 'documents'}); it was left as it was"
    for index, expected in plan.expected.items():
        if canonical(after.documents[index].data) != expected:
            return f"the edited {rel} did not read back as intended (document {index + 1}); it was left as it was"
    for offset, document in enumerate(plan.appended):
        if canonical(after.documents[before_count + offset].data) != canonical(document):
            return f"the document added to {rel} did not read back as written; {rel} was left as it was"
    return ""
