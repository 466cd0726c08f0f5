"""Where a finding is, in the form CI systems want: a path relative to the working directory.

GitHub annotations, GitLab Code Quality and GitHub code scanning all resolve a relative path
against the repository root, and CI runs kpiframe from there. A finding's ``file`` is relative
to the framework root, which may be a sub-folder (``kpis/``), so the machine formats name the
file by its path from the working directory instead.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.git`` (a folder, or a file in a
    worktree or submodule), else None. Read from the file system, not by running git, so that
    no git install is needed and nothing is run."""
    here = Path(os.path.abspath(start))
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def ci_base(cwd: Path | None = None) -> Path:
    """What CI paths are relative to: the git repository's root around ``cwd`` (the working
    directory by default), which is what GitHub and GitLab resolve paths against, else ``cwd``."""
    here = Path(cwd) if cwd is not None else Path.cwd()
    return repository_root(here) or here


def path_from(base: Path, result: CheckResult, finding: Finding) -> str:
    """``finding.file`` as a POSIX path relative to ``base`` ('' for a finding about no file).

    A framework outside ``base`` gets a ``../`` path: still correct, just not inside the repository.
    """
    if not finding.file:
        return ""
    absolute = os.path.abspath(result.root / finding.file)
    try:
        return Path(os.path.relpath(absolute, os.path.abspath(base))).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return Path(absolute).as_posix()


def full_message(finding: Finding) -> str:
    """The message with its hint, for formats that have one text field per finding."""
    return f"{finding.message}\nhint: {finding.hint}" if finding.hint else finding.message


def fingerprints(findings: list[Finding], result: CheckResult, base: Path) -> list[str]:
    """A stable id per finding of ``findings``, for CI systems that track findings across runs.

    Built from what a finding is about (rule, file, document id), not from its line or its
    message (messages name dates and day counts that change with today), so that editing
    lines above it does not make it look new. Findings with the same key are numbered in
    order, so that every id is unique.
    """
    seen: dict[str, int] = {}
    ids = []
    for f in findings:
        key = "\x1f".join((f.code, path_from(base, result, f), f.subject or ""))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        ids.append(hashlib.sha256(f"{key}\x1f{occurrence}".encode("utf-8")).hexdigest())
    return ids
