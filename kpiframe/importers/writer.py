"""Writing the framework an import made: one YAML file per department (``kpis/<department>.yaml``),
``goals.yaml`` when the register names goals, and ``kpiframe.yaml``. Both importers write through
:func:`write_framework`, so the files look alike whichever register they came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kpiframe.fsutil import write_outputs
from kpiframe.importers.common import ImportRefused, ImportSummary

CONFIG_FILE = "kpiframe.yaml"
GOALS_FILE = "goals.yaml"
# The last header line of every goals and KPI file.
EDIT_FREELY = "Edit freely; importing again with --force overwrites this file."


@dataclass(frozen=True)
class ImportedFile:
    """The documents of one file, and the header lines that say where they came from."""

    header: list[str]
    documents: list[dict[str, Any]]



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


def check_out_folder(out: Path, force: bool) -> None:
    """Refuse to write over someone's files: ``out`` must be absent or empty unless ``force``."""
    if out.exists() and not out.is_dir():
        raise ImportRefused(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ImportRefused(f"{out} is not empty; choose an empty folder or pass --force to overwrite")


def write_framework(out: Path, summary: ImportSummary, *, departments: dict[str, ImportedFile],
                    config_header: list[str], inputs: list[Path], goals: ImportedFile | None = None) -> None:
    """Write the framework at ``out``: goals.yaml (when there are goals), each department's KPIs
    (departments in sorted order, each header ended by EDIT_FREELY) and kpiframe.yaml (the
    organization and the department ids, under ``config_header``). None is written over one of the
    import's own ``inputs`` (checked before the first is written); fsutil.WriteFailed says which
    could not be written. The files written are added to ``summary``."""
    files: list[tuple[Path, str]] = []
    if goals is not None:
        files.append((out / GOALS_FILE, render_documents([*goals.header, EDIT_FREELY], goals.documents)))
    for department in sorted(departments):
        file = departments[department]
        files.append((out / "kpis" / f"{department}.yaml",
                      render_documents([*file.header, EDIT_FREELY], file.documents)))
    config = dump_yaml({"organization": summary.organization, "departments": sorted(departments)})
    files.append((out / CONFIG_FILE, _comment(config_header) + config))
    write_outputs(list(files), inputs=inputs)
    summary.files_written += [path for path, _ in files]


def _comment(lines: list[str]) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)
