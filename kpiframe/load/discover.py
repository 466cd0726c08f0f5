"""Find the framework's YAML files under its root.

Deterministic (sorted), never follows a link out of the root, never descends into hidden
folders, and never hangs on link loops: folders reached through a symlink are not walked.

Decisions:

* Each real file is read once. Two paths that reach one file (a symlink to a file in the
  framework, or a second hard link) would otherwise give every id in it a duplicate of itself
  (duplicate-id) and leave `import --update` unable to tell which to update. The file is read at
  its real place (the path that is not a link; among hard links, the first by name) and the
  other path gets a `linked-file` note (info) naming it. Costs one ``os.stat`` per file:
  measured +4 ms CPU over 10 ms (medians) for the 1,117 files of a 10,000-KPI framework (a check takes seconds).
* A folder link is not walked (so no loop can hang a check). One to a folder that is walked
  anyway (its files are read there) gets a `linked-file` note; one to a folder kpiframe does not
  read (outside the framework, hidden or excluded) is `unreadable-file`, as a file link out of
  the framework is: the files behind it are not checked, and that is never silent.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from kpiframe.findings import Finding
from kpiframe.load.config import CONFIG_NAMES
from kpiframe.load.nodes import escaped

YAML_SUFFIXES = (".yaml", ".yml")


def is_excluded(rel: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """True when ``rel`` (POSIX, relative to the root) or one of its folders matches a glob.

    ``fnmatch``'s ``*`` also crosses ``/``, so ``drafts/*`` and ``drafts/**`` both exclude a
    whole folder, as people expect from .gitignore-style patterns.
    """
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(p, pat) for pat in patterns for p in prefixes)


def discover_files(root: Path, exclude: list[str] | tuple[str, ...] = (),
                   suffixes: tuple[str, ...] = YAML_SUFFIXES) -> tuple[list[tuple[Path, str]], list[Finding]]:
    """Return ``[(path, rel)]`` of framework files under ``root``, sorted by ``rel``."""
    found: list[tuple[Path, str]] = []
    findings: list[Finding] = []
    real_root = root.resolve()

    def unreadable_folder(error: OSError) -> None:
        # os.walk skips a folder it cannot list; without this its files would vanish silently.
        rel = printable(Path(error.filename).relative_to(root).as_posix()) if error.filename else "."
        findings.append(Finding(rule="unreadable-file", file=rel, message=f"cannot read folder: {error.strerror or error}",
                                hint="check the folder's permissions; the files in it were not checked"))

    for folder, dirnames, filenames in os.walk(root, followlinks=False, onerror=unreadable_folder):
        base = Path(folder)
        rel_folder = printable(base.relative_to(root).as_posix())
        rel_folder = "" if rel_folder == "." else rel_folder + "/"
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and not is_excluded(rel_folder + d, exclude))
        for name in dirnames:  # os.walk does not descend into these; say what is behind them
            if (base / name).is_symlink():
                findings.extend(_folder_link(base / name, rel_folder + printable(name), root, real_root, exclude))
        for name in sorted(filenames):
            if not name.endswith(suffixes) or name.startswith("."):
                continue
            rel = rel_folder + printable(name)
            if not rel_folder and name in CONFIG_NAMES:
                continue
            if is_excluded(rel, exclude):
                continue
            path = base / name
            if path.is_symlink() and not _inside(path, real_root):
                findings.append(Finding(
                    rule="unreadable-file", file=rel, message="symlink to a file outside the framework folder; not followed",
                    hint="copy the file into the framework, or point kpiframe at the folder that holds it"))
                continue
            found.append((path, rel))
    found.sort(key=lambda item: item[1])
    found, twice = _read_once(found)
    findings.extend(twice)
    findings.sort(key=lambda f: f.file)
    return found, findings


def _read_once(found: list[tuple[Path, str]]) -> tuple[list[tuple[Path, str]], list[Finding]]:
    """``found`` with each real file once, at its real place; a `linked-file` note for every other path."""
    by_file: dict[tuple[int, int], list[tuple[Path, str]]] = {}
    kept: list[tuple[Path, str]] = []
    for path, rel in found:
        try:
            info = os.stat(path)
        except OSError:  # broken or unreadable: reading it reports the problem
            kept.append((path, rel))
            continue
        by_file.setdefault((info.st_dev, info.st_ino), []).append((path, rel))
    notes: list[Finding] = []
    for paths in by_file.values():
        if len(paths) == 1:
            kept.append(paths[0])
            continue
        # The path that is not a link is the file's real place; ties (hard links) by name.
        real_path, real_rel = min(paths, key=lambda item: (item[0].is_symlink(), item[1]))
        kept.append((real_path, real_rel))
        for path, rel in paths:
            if rel == real_rel:
                continue
            what = f"a link to {real_rel}, which is read there" if path.is_symlink() else (
                f"the same file as {real_rel} (a hard link), which is read there")
            notes.append(Finding(rule="linked-file", file=rel, message=f"{what}: read once, not twice",
                                 hint="nothing to do; findings about its documents name " + real_rel))
    kept.sort(key=lambda item: item[1])
    return kept, notes


def _folder_link(path: Path, rel: str, root: Path, real_root: Path, exclude: list[str] | tuple[str, ...]) -> list[Finding]:
    """What a link to a folder means for the check: not walked, and what that leaves out."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return []  # a broken link or a loop is not a folder: os.walk lists it with the files
    if target != real_root and real_root not in target.parents:
        return [Finding(rule="unreadable-file", file=rel,
                        message="symlink to a folder outside the framework folder; not followed",
                        hint="move the folder into the framework, or point kpiframe at the folder that holds it")]
    inner = target.relative_to(real_root).as_posix()
    if target == real_root:
        return [Finding(rule="linked-file", file=rel, message="a link to the framework folder itself: not walked, "
                        "its files are read once, at their real place", hint="nothing to do")]
    if any(part.startswith(".") for part in inner.split("/")) or is_excluded(inner, exclude):
        return [Finding(rule="unreadable-file", file=rel,
                        message=f"symlink to the folder {printable(inner)}, which is hidden or excluded; not followed, "
                                "so the files in it are not checked",
                        hint="move the files to a folder kpiframe reads, or remove the exclusion")]
    return [Finding(rule="linked-file", file=rel, message=f"a link to the folder {printable(inner)}, whose files "
                    "are read there: read once, not twice", hint=f"nothing to do; findings name {printable(inner)}")]


def printable(name: str) -> str:
    """A file name as it can be shown and printed. A name that is not valid UTF-8 reaches Python
    with lone surrogates, which no output can encode, and a name may hold control characters,
    which would reach the terminal: both are shown as \\xNN instead."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: escaped(m.group()), name)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # and bidi controls: \u202e


def _inside(path: Path, real_root: Path) -> bool:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # broken link or a loop: reading it reports the problem
        return True
    return target == real_root or real_root in target.parents
