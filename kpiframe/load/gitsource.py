"""A folder of a git commit's tree as a :class:`~kpiframe.load.source.FileSource`, read through
git (see :mod:`kpiframe.load.gitrepo`): what `kpiframe diff`, `check --since` and `history` load.

Its own module so that a check of a folder does not import the git plumbing (~13 M instructions,
0.8%, of `kpiframe check examples/acme`). The decisions the two sources share are in
:mod:`kpiframe.load.source`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kpiframe.findings import Finding
from kpiframe.load.config import CONFIG_NAMES
from kpiframe.load.discover import YAML_SUFFIXES, is_excluded, printable
from kpiframe.load.gitrepo import GitRepo, TreeEntry, join, parent_folders, relative
from kpiframe.load.reading import FileTooBig, NotARegularFile
from kpiframe.load.source import CONFIG_MAX_BYTES, Files, FileSource, glob_regex


@dataclass
class GitTreeSource(FileSource):
    """A folder of one commit's tree, read through git (see :mod:`kpiframe.load.gitrepo`)."""

    repo: GitRepo
    commit: str
    revision: str  # as the user wrote it
    prefix: str  # the framework root, relative to the repository root ('' for the root itself)
    config_entry: TreeEntry | None
    entries: dict[str, TreeEntry]  # every file under the root, by path relative to the root
    root: Path = Path(".")
    label: str = ""

    def __post_init__(self) -> None:
        self.root = self.repo.toplevel / self.prefix if self.prefix else self.repo.toplevel
        self.label = self.label or f"revision {self.revision} ({self.commit[:12]})"
        self._blobs: dict[str, bytes] = {}

    @property
    def config_rel(self) -> str | None:  # type: ignore[override]
        return relative(self.config_entry.path, self.prefix) if self.config_entry else None

    @classmethod
    def at(cls, repo: GitRepo, revision: str, path_prefix: str) -> GitTreeSource:
        """The framework whose path is ``path_prefix`` (from the repository root) at ``revision``:
        its root is the folder of the nearest configuration at or above that path."""
        commit = repo.resolve(revision)
        config = _find_config(repo, commit, path_prefix)
        prefix = posixpath.dirname(config.path) if config else path_prefix
        entries = {}
        for entry in repo.tree(commit, prefix):
            rel = relative(entry.path, prefix)
            if rel is not None:
                entries[rel] = entry
        return cls(repo, commit, revision, prefix, config, entries)

    def yaml_files(self, exclude: list[str]) -> tuple[Files, list[Finding]]:
        files: Files = []
        findings: list[Finding] = []
        for rel, entry in self.entries.items():
            parts = rel.split("/")
            if not parts[-1].endswith(YAML_SUFFIXES) or any(p.startswith(".") for p in parts):
                continue
            if (len(parts) == 1 and parts[0] in CONFIG_NAMES) or is_excluded(rel, exclude):
                continue
            shown = printable(rel)
            if entry.type != "blob":
                findings.append(Finding(rule="unreadable-file", file=shown,
                                        message=f"a submodule in {self.label}; not read",
                                        hint="a framework's files live in its own repository"))
                continue
            files.append((entry, shown))
        return files, findings  # the blobs are fetched by prepare(), for the files that are parsed

    def prepare(self, handles: list[Any]) -> None:
        self.prefetch(handles)

    def prefetch(self, entries: Any) -> None:
        wanted = [e for e in entries if e.sha not in self._blobs]
        links = [e for e in wanted if e.is_link]
        self._blobs.update(self.repo.blobs(e.sha for e in wanted))
        targets = [t for t in (self._link_target(e) for e in links) if t is not None]
        self._blobs.update(self.repo.blobs(t.sha for t in targets if t.sha not in self._blobs))

    def _link_target(self, entry: TreeEntry) -> TreeEntry | None:
        """The file a link in the tree names, when it is a file inside the framework folder."""
        text = self._blobs.get(entry.sha)
        if text is None:
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(entry.path), text.decode("utf-8", "replace")))
        rel = relative(target, self.prefix)
        found = self.entries.get(rel) if rel is not None and not target.startswith("/") else None
        return found if found is not None and found.type == "blob" and not found.is_link else None

    def read(self, handle: TreeEntry, max_bytes: int) -> bytes:
        entry = handle
        if entry.is_link:
            target = self._link_target(entry)
            if target is None:
                raise NotARegularFile()
            entry = target
        if entry.size is not None and entry.size > max_bytes:
            raise FileTooBig(entry.size)
        data = self._blobs.get(entry.sha)
        if data is None:
            self.prefetch([entry])
            data = self._blobs[entry.sha]
        if len(data) > max_bytes:
            raise FileTooBig(len(data))
        return data

    def size(self, handle: TreeEntry) -> int:
        return handle.size or 0

    def config_bytes(self) -> bytes:
        assert self.config_entry is not None
        return self.repo.blobs([self.config_entry.sha])[self.config_entry.sha][:CONFIG_MAX_BYTES + 1]

    def glob(self, pattern: str, exclude: list[str]) -> dict[str, Any]:
        if any("**" in part and part != "**" for part in PurePosixPath(pattern).parts):
            raise ValueError("Invalid pattern: '**' can only be an entire path component")  # as pathlib says
        matcher = glob_regex(pattern)
        matched = {rel: entry for rel, entry in self.entries.items()
                   if matcher.fullmatch(rel) and entry.type == "blob"
                   and not any(p.startswith(".") for p in rel.split("/")) and not is_excluded(rel, exclude)}
        self.prefetch(matched.values())
        return dict(sorted(matched.items()))

    def is_outside_link(self, handle: TreeEntry) -> bool:
        return handle.is_link and self._link_target(handle) is None


def _find_config(repo: GitRepo, commit: str, path_prefix: str) -> TreeEntry | None:
    """The nearest kpiframe.yaml (or pyproject.toml with [tool.kpiframe]) at or above the path, in
    the commit; the same order as on disk (kpiframe.yaml, kpiframe.yml, pyproject.toml per folder)."""
    folders = parent_folders(path_prefix)
    names = (*CONFIG_NAMES, "pyproject.toml")
    candidates = [join(folder, name) for folder in folders for name in names]
    found = {e.path: e for e in repo.tree_paths(commit, candidates)}
    for candidate in candidates:
        entry = found.get(candidate)
        if entry is None or entry.type != "blob":
            continue
        if candidate.endswith("pyproject.toml") and not _has_kpiframe_table(repo.blobs([entry.sha])[entry.sha]):
            continue
        return entry
    return None


def _has_kpiframe_table(data: bytes) -> bool:
    import tomllib

    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(table.get("tool"), dict) and "kpiframe" in table["tool"]
