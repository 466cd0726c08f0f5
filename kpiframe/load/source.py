"""Where a framework's files come from: a folder on disk, or a folder of a git commit's tree
(that one in :mod:`kpiframe.load.gitsource`, so that a check of a folder imports no git plumbing).

The loader asks a source four things: where the configuration is, which YAML files there are
(relative to the framework root, sorted), the bytes of one of them (bounded), and which files
an `actuals:` glob matches. So `kpiframe check` on a folder and `kpiframe diff REV` on a
revision go through the same load path, with the same findings for the same bytes.

Decisions:

* A file is named by its path relative to the framework root on both sides, so a document's
  file compares across revisions.
* At a revision the configuration is searched for upward from the framework path as on disk,
  but only up to the repository root (what lies outside the repository has no revisions).
* At a revision a symbolic link is followed when it names a file inside the framework folder
  of the same commit, like on disk; any other link is an `unreadable-file` finding. A
  submodule is a finding too: its files are in another repository.
* Globs use pathlib's meaning on both sides: `*` and `?` stay within one folder, `**` crosses
  folders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kpiframe.findings import Finding
from kpiframe.load.discover import discover_files, is_excluded
from kpiframe.load.reading import read_bounded

Files = list[tuple[Any, str]]  # (what the source reads the file by, path relative to the framework root)


class FileSource:
    """What the loader needs from the place a framework is read from."""

    root: Path  # the framework root as shown to the user (on disk: the folder itself)
    config_rel: str | None  # the configuration file relative to the root ('../pyproject.toml' never happens)
    label: str  # "the working tree", "revision abc1234"

    def yaml_files(self, exclude: list[str]) -> tuple[Files, list[Finding]]:
        raise NotImplementedError

    def read(self, handle: Any, max_bytes: int) -> bytes:
        """The bytes of one file; OSError when unreadable, FileTooBig, NotARegularFile."""
        raise NotImplementedError

    def size(self, handle: Any) -> int:
        raise NotImplementedError

    def config_bytes(self) -> bytes:
        raise NotImplementedError

    def glob(self, pattern: str, exclude: list[str]) -> dict[str, Any]:
        """The files ``pattern`` (relative to the root, already checked to stay inside) matches."""
        raise NotImplementedError

    def is_outside_link(self, handle: Any) -> bool:
        return False

    def prepare(self, handles: list[Any]) -> None:
        """Get ready to read these files (a git source fetches their blobs in one go)."""


@dataclass
class DiskSource(FileSource):
    """A folder on disk (the working tree)."""

    root: Path
    config_file: Path | None
    label: str = "the working tree"

    @property
    def config_rel(self) -> str | None:  # type: ignore[override]
        return self.config_file.relative_to(self.root).as_posix() if self.config_file else None

    @classmethod
    def at(cls, root: Path, config_file: Path | None) -> DiskSource:
        return cls(root, config_file)

    def yaml_files(self, exclude: list[str]) -> tuple[Files, list[Finding]]:
        return discover_files(self.root, exclude)

    def read(self, handle: Path, max_bytes: int) -> bytes:
        return read_bounded(handle, max_bytes)

    def size(self, handle: Path) -> int:
        try:
            return handle.stat().st_size
        except OSError:
            return 0  # the parse reports it

    def config_bytes(self) -> bytes:
        assert self.config_file is not None
        return read_bounded(self.config_file, CONFIG_MAX_BYTES)

    def glob(self, pattern: str, exclude: list[str]) -> dict[str, Any]:
        matched: dict[str, Any] = {}
        for path in sorted(self.root.glob(pattern)):
            rel = path.relative_to(self.root).as_posix()
            if any(part.startswith(".") for part in rel.split("/")) or is_excluded(rel, exclude):
                continue
            if path.is_file() or path.is_symlink():
                matched[rel] = path
        return matched

    def is_outside_link(self, handle: Path) -> bool:
        try:
            target = handle.resolve(strict=True)
        except (OSError, RuntimeError):  # a broken link: reading it reports the problem
            return False
        return self.root.resolve() not in target.parents


# The configuration is read under the default limit: it cannot raise the limits for reading itself.
CONFIG_MAX_BYTES = 5_000_000


def glob_regex(pattern: str) -> re.Pattern[str]:
    """pathlib's glob as a regular expression over POSIX paths relative to the root."""
    out = []
    parts = PurePosixPath(pattern).parts
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:[^/]+/)*")
            continue
        piece = ""
        j = 0
        while j < len(part):
            char = part[j]
            if char == "*":
                piece += "[^/]*"
            elif char == "?":
                piece += "[^/]"
            elif char == "[":
                end = part.find("]", j + 2)
                if end == -1:
                    piece += re.escape(char)
                else:
                    body = part[j + 1:end]
                    piece += "[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]"
                    j = end
            else:
                piece += re.escape(char)
            j += 1
        out.append(piece + ("" if last else "/"))
    return re.compile("".join(out))
