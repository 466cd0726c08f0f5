"""How every output names a framework file: the one place that turns ``finding.file`` into a path.

A finding's ``file`` is relative to the framework root (``kpis/sales.yaml``). Nobody can open
that from anywhere but the root, so outputs name files from a *base* folder instead:

- **People (text output, ``path`` in JSON):** the working directory, as ruff and compilers do,
  so that ``fw/kpis/sales.yaml:12:7`` is one token a terminal or an editor opens. A file that is
  not under the working directory is named by its absolute path (a ``../../`` chain is correct
  but hard to read and breaks when the command is re-run elsewhere).
- **CI tools (SARIF, GitHub, GitLab, JUnit):** the root of the git repository holding the
  framework, because that is what GitHub and GitLab resolve a path against, wherever the
  command ran (pre-commit and CI jobs may run it from a sub-folder). Outside a repository:
  the working directory, as for people.

Decisions: the repository is found by walking up from the framework root for ``.git`` (a folder,
or the file a worktree or submodule has) instead of running ``git rev-parse``: no subprocess
(about 5 ms), and no dependence on git being installed in the CI image. The walk starts from the
framework's real path, so a framework reached through a symbolic link is named inside the
repository that holds it. For the working directory the path as the user gave it is tried
first, then the real one (macOS's ``/tmp`` is a link to ``/private/tmp``), so that a framework
under the working directory is always named relatively.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding


@dataclass(frozen=True)
class FilePaths:
    """Names the files of one framework (``root``) from one ``base`` folder."""

    root: Path
    base: Path
    # Each file's name, worked out once: a findings-heavy framework names the same few hundred
    # files tens of thousands of times (55,000 names of 1,100 files: 2.3 s of CPU -> 0.03 s).
    _named: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def for_people(cls, root: Path, cwd: Path | None = None) -> FilePaths:
        """Relative to the working directory (text output, JSON's ``path``)."""
        return cls(Path(root), Path(cwd if cwd is not None else os.getcwd()))

    @classmethod
    def for_ci(cls, root: Path, cwd: Path | None = None) -> FilePaths:
        """Relative to the repository holding the framework, else to the working directory."""
        from kpiframe.load.gitrepo import repository_root  # here: only the CI formats need git

        return cls(Path(root), repository_root(Path(root)) or Path(cwd if cwd is not None else os.getcwd()))

    def __call__(self, file: str) -> str:
        """``file`` (relative to the root) as a POSIX path from ``base``, or absolute when not under it.

        '' stays '' (a finding about no file in particular).
        """
        if not file:
            return ""
        named = self._named.get(file)
        if named is None:
            named = self._named[file] = self._name(file)
        return named

    def _name(self, file: str) -> str:
        if _plain(file):
            named = self._plain_name(file)
            if named is not None:
                return named
        given = os.path.abspath(os.path.join(self.root, file))
        inside = _relative_inside(given, self._base)
        if inside is None:  # the same places may be spelt through links: compare real folders
            inside = _relative_inside(os.path.join(self._real_root, file), self._real_base)
        return Path(inside if inside is not None else given).as_posix()

    def _plain_name(self, file: str) -> str | None:
        """What :meth:`_name` gives for a file written plainly (see :func:`_plain`), from where the
        root stands to the base, worked out once: no path arithmetic per file (1,117 files named
        from outside their tree: 0.019 -> 0.005 s of CPU). None: work it out per file."""
        if self._abs_root.endswith("/"):  # the root is the file system's root: no shortcut
            return None
        for placement in ("_root_placement", "_real_placement"):  # the real folders only when needed, as below
            where, prefix = getattr(self, placement)
            if where == "inside":
                return Path(file if prefix == os.curdir else f"{prefix}/{file}").as_posix()
            if where == "base inside":
                return None
        return Path(f"{self._abs_root}/{file}").as_posix()

    @cached_property
    def _abs_root(self) -> str:
        return os.path.abspath(self.root)

    @cached_property
    def _root_placement(self) -> tuple[str, str]:
        return _placement(self._abs_root, self._base)

    @cached_property
    def _real_placement(self) -> tuple[str, str]:
        return _placement(self._real_root, self._real_base)

    # The folders, worked out once rather than per file: a real path is a system call per part of
    # it (0.03 s of CPU for the 1,100 files of a messy register).
    @cached_property
    def _base(self) -> str:
        return os.path.abspath(self.base)

    @cached_property
    def _real_root(self) -> str:
        return os.path.realpath(self.root)

    @cached_property
    def _real_base(self) -> str:
        return os.path.realpath(self.base)


def _placement(folder: str, base: str) -> tuple[str, str]:
    """Where ``folder`` stands to ``base`` (both absolute and normal): ("inside", its path from the
    base, ``.`` for the base itself), ("base inside", "") when the base lies under it (some of its
    files may be under the base), else ("outside", "") (none of them is)."""
    inside = _relative_inside(folder, base)
    if inside is not None:
        return "inside", inside
    return ("outside", "") if _relative_inside(base, folder) is None else ("base inside", "")


def _plain(file: str) -> bool:
    """Whether ``file`` is a relative POSIX path already in normal form (no ``.``, ``..`` or empty
    part): then it names the same file joined to any folder, as the discovery writes every file."""
    return (os.sep == "/" and file != os.curdir and not file.startswith(("/", os.pardir))
            and os.path.normpath(file) == file)


def _relative_inside(path: str, base: str) -> str | None:
    """``path`` relative to ``base`` when it is under it, else None."""
    try:
        relative = os.path.relpath(path, base)
    except ValueError:  # another drive (Windows): no relative path exists
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative


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
    paths = FilePaths(result.root, base)
    seen: dict[str, int] = {}
    ids = []
    for f in findings:
        key = "\x1f".join((f.code, paths(f.file), f.subject or ""))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        ids.append(hashlib.sha256(f"{key}\x1f{occurrence}".encode()).hexdigest())
    return ids
