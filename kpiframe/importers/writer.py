"""Writing the framework an import made: one YAML file per department (``kpis/<department>.yaml``),
``goals.yaml`` when the register names goals, and ``kpiframe.yaml``. Both importers write through
:func:`write_framework`, so the files look alike whichever register they came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kpiframe.fsutil import write_outputs
from kpiframe.importers.common import DatingOption, ImportRefused, ImportSummary
from kpiframe.importers.provenance import RECORD_FILE, RecordProblem, dating_options, new_record, recorded_options

CONFIG_FILE = "kpiframe.yaml"
GOALS_FILE = "goals.yaml"
# The last header line of every goals and KPI file.
EDIT_FREELY = "Edit freely: importing again with --update keeps your edits (--force overwrites this file)."


@dataclass(frozen=True)
class ImportedFile:
    """The documents of one file, and the header lines that say where they came from.

    ``refs`` are the source's own ids for the documents, where it has them (a register's id
    column), in the documents' order: ``import --update`` matches entries by them."""

    header: list[str]
    documents: list[dict[str, Any]]
    refs: list[str | None] | None = None

    def ref_list(self) -> list[str | None]:
        return list(self.refs) if self.refs is not None else [None] * len(self.documents)



class _FrameworkDumper(yaml.SafeDumper):
    """SafeDumper (so "yes", "1e3" or "2024" stay quoted strings) that writes multi-line text as a
    ``|`` block, which is how a person would write a long description by hand."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_FrameworkDumper.add_representer(str, _represent_text)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_FrameworkDumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000, default_flow_style=False)


def render_documents(header: list[str], documents: list[dict[str, Any]]) -> str:
    """One YAML file: a comment header, then the documents separated by ``---``."""
    return _comment(header) + "---\n".join(dump_yaml(document) for document in documents)


def check_out_folder(out: Path, force: bool, update: bool = False) -> None:
    """Refuse to write over someone's files: ``out`` must be absent or empty unless ``force``;
    with ``update`` it must be a framework an import wrote (it has the import record)."""
    if update and force:
        raise ImportRefused("--update and --force contradict each other: --update keeps your edits, "
                            "--force overwrites them; choose one")
    if out.exists() and not out.is_dir():
        raise ImportRefused(f"{out} exists and is not a folder; choose another --out")
    if update:
        if not out.exists():
            raise ImportRefused(f"{out} does not exist: --update refreshes a framework an earlier import wrote "
                                "there; check the path, or import without --update to create it")
        if not (out / RECORD_FILE).is_file():
            raise ImportRefused(f"{out} has no {RECORD_FILE} (the record an import writes), so --update cannot "
                                "tell your edits from the source's; import into a new folder instead")
        return
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ImportRefused(f"{out} is not empty; choose an empty folder or pass --force to overwrite "
                            "(--update refreshes a framework an import wrote, keeping your edits)")


def dated_by(out: Path, given: dict[str, date | None], update: bool) -> list[DatingOption]:
    """The date options this import uses (:func:`provenance.dating_options`): an update keeps
    the ones the last import used unless they are given again."""
    try:
        return dating_options(out, given, update)
    except RecordProblem as problem:
        raise ImportRefused(str(problem)) from None


def write_framework(out: Path, summary: ImportSummary, *, departments: dict[str, ImportedFile],
                    config_header: list[str], inputs: list[Path], goals: ImportedFile | None = None,
                    update: bool = False) -> None:
    """Write the framework at ``out``: goals.yaml (when there are goals), each department's KPIs
    (departments in sorted order, each header ended by EDIT_FREELY), kpiframe.yaml (the
    organization and the department ids, under ``config_header``) and the import record
    (:mod:`kpiframe.importers.provenance`). None is written over one of the import's own
    ``inputs`` (checked before the first is written); fsutil.WriteFailed says which could not be
    written. The files written are added to ``summary``.

    With ``update`` the framework at ``out`` is refreshed instead, keeping the user's edits
    (:mod:`kpiframe.importers.update`)."""
    files: dict[str, ImportedFile] = {}
    if goals is not None:
        files[GOALS_FILE] = ImportedFile([*goals.header, EDIT_FREELY], goals.documents)
    for department in sorted(departments):
        file = departments[department]
        files[f"kpis/{department}.yaml"] = ImportedFile([*file.header, EDIT_FREELY], file.documents, file.refs)
    config = {"organization": summary.organization, "departments": sorted(departments)}
    if update:
        from kpiframe.importers.update import update_framework  # only an update needs the text editor

        update_framework(out, summary, files=files, config=config, inputs=inputs)
        return
    written = [(out / rel, render_documents(file.header, file.documents)) for rel, file in files.items()]
    written.append((out / CONFIG_FILE, render_config(config_header, config)))
    documents = [document for file in files.values() for document in file.documents]
    refs = [ref for file in files.values() for ref in file.ref_list()]
    record = new_record(summary.importer, documents, config, refs, recorded_options(summary.dating))
    written.append((out / RECORD_FILE, record.to_text()))
    write_outputs([(path, text) for path, text in written], inputs=inputs)
    summary.files_written += [path for path, _ in written]


def render_config(header: list[str], config: dict[str, Any]) -> str:
    return _comment(header) + dump_yaml(config)


def _comment(lines: list[str]) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)
