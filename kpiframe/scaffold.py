"""`kpiframe init`: write the starter framework into a folder, never over a file by accident."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kpiframe.fsutil import write_outputs
from kpiframe.init_template import TEMPLATES, init_as_of, init_files
from kpiframe.words import plural


class InitRefused(Exception):
    """The folder cannot take the framework (it is a file, or files would be overwritten)."""


@dataclass
class InitResult:
    folder: Path
    as_of: date
    written: list[str]
    overwritten: list[str] = field(default_factory=list)
    other_yaml: list[str] = field(default_factory=list)  # files kpiframe check will read as well


def init_framework(folder: Path, *, force: bool = False, year: int | None = None) -> InitResult:
    """Write the starter framework for ``year`` (default: this year) into ``folder``.

    Refuses, before writing anything, when any of its files exists, unless ``force``.
    Every file is written atomically.
    """
    year = year if year is not None else date.today().year
    if folder.exists() and not folder.is_dir():
        raise InitRefused(f"{folder} is a file; give a folder to create the framework in")
    files = init_files(year)
    existing = [name for name in files if (folder / name).exists()]
    if existing and not force:
        raise InitRefused(f"{folder} already has {', '.join(existing)}; "
                          "use --force to overwrite, or choose an empty folder")
    others = _other_yaml(folder, set(files))
    write_outputs([(folder / name, text) for name, text in files.items()])
    return InitResult(folder=folder, as_of=init_as_of(year), written=list(files), overwritten=existing,
                      other_yaml=others)


def _other_yaml(folder: Path, ours: set[str]) -> list[str]:
    if not folder.is_dir():
        return []
    from kpiframe.load import discover_files

    files, _ = discover_files(folder, [])
    return [rel for _, rel in files if rel not in ours]


def next_steps(result: InitResult, shown_folder: str) -> str:
    """What `kpiframe init` prints: what was written, and what to do next."""
    check = "kpiframe check" if shown_folder in ("", ".") else f"kpiframe check {shown_folder}"
    schema = "kpiframe schema" + ("" if shown_folder in ("", ".") else f" {shown_folder}") + " --editor vscode"
    width = max(len(name) for name in result.written)
    lines = [f"Created a framework in {shown_folder or '.'} (as of {result.as_of}):"]
    for name in result.written:
        note = " (overwritten)" if name in result.overwritten else ""
        lines.append(f"  {name:<{width}}  {TEMPLATES[name][1]}{note}")
    if result.other_yaml:
        shown = ", ".join(result.other_yaml[:5]) + (", ..." if len(result.other_yaml) > 5 else "")
        lines += ["", f"Note: `{check}` also reads the {plural(len(result.other_yaml), 'YAML file')} already here "
                      f"({shown}); move them, or list them under `exclude:` in kpiframe.yaml."]
    lines += [
        "",
        "Next:",
        f"  1. {check}",
        "     It passes with no findings. Read the comments in each file, then replace the example",
        "     with your own goals, KPIs, plans and trade-offs; check again as you go.",
        "  2. kpiframe explain RULE  says why a finding matters and how to fix it (kpiframe rules lists them).",
        f"  3. {schema}  gives VS Code completion and inline errors in every",
        "     document (other editors: see the README, Editors).",
        "  4. Add kpiframe to pre-commit and CI (see the README: CI and pre-commit).",
    ]
    return "\n".join(lines) + "\n"
