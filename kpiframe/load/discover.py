"""Find the framework's YAML files under its root.

Deterministic (sorted), never follows a link out of the root, never descends into hidden
folders, and never hangs on link loops: folders reached through a symlink are not walked.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from kpiframe.findings import Finding

YAML_SUFFIXES = (".yaml", ".yml")
CONFIG_NAMES = ("kpiframe.yaml", "kpiframe.yml")


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
    return found, findings


def printable(name: str) -> str:
    """A file name as it can be shown and printed. A name that is not valid UTF-8 reaches Python
    with lone surrogates, which no output can encode, and a name may hold control characters,
    which would reach the terminal: both are shown as \\xNN instead."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _inside(path: Path, real_root: Path) -> bool:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # broken link or a loop: reading it reports the problem
        return True
    return target == real_root or real_root in target.parents
