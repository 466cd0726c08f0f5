"""Read a git repository's revisions through the `git` command, without changing anything.

`kpiframe diff`, `check --since` and `history` need the framework as it was at a revision. They
read it the way git's own plumbing does: `rev-parse` to name a commit, `ls-tree` to list its
files, one `cat-file --batch` process for the blobs, `log --raw` for what each commit changed.

Decisions:

* The `git` command, not a library: every CI image has it, it understands every repository
  layout (worktrees, packed refs, alternates, partial clones), and it adds no dependency.
* Nothing is written: no checkout, no index refresh (``GIT_OPTIONAL_LOCKS=0``), no lazy fetch
  of missing objects in a partial clone (``GIT_NO_LAZY_FETCH=1``: a check never touches the
  network). The work tree and index are never read either, except by `rev-parse` to find the
  repository.
* Paths are exchanged NUL-terminated (``-z``), so names with spaces, quotes or newlines
  survive; they are decoded as UTF-8 with surrogate escapes, as the file system's are.
* A revision that is not there (mistyped, or cut off by a shallow clone in CI) is a
  :class:`GitError` whose message says how to get it; callers exit 2 with it.
* Blobs are fetched in one batch: 1,117 files of a 10,000-KPI framework (10.6 MB) take about
  0.1 s, where one `git show` per file took 3 s.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

_NULL_SHA = "0" * 40


class GitError(Exception):
    """A git question that cannot be answered (no repository, no such revision): exit code 2."""


@dataclass(frozen=True)
class TreeEntry:
    """One file of a commit's tree. ``path`` is relative to the repository root."""

    path: str
    mode: str  # 100644, 100755 (files), 120000 (a symbolic link), 160000 (a submodule)
    type: str  # blob, commit (a submodule)
    sha: str
    size: int | None

    @property
    def is_link(self) -> bool:
        return self.mode == "120000"


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed, as `git log --raw` says: status A, M, D, R (renamed), T, C."""

    status: str
    old_path: str | None
    new_path: str | None
    old_sha: str | None
    new_sha: str | None


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str  # the author date, YYYY-MM-DD
    author: str
    subject: str
    changes: tuple[FileChange, ...] = field(default=())


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_NO_LAZY_FETCH="1", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # the repository is the one the path is in
        env.pop(name, None)
    return env


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _run(args: list[str], cwd: Path, *, check: bool = True) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=cwd, env=_environment(),
                              stdin=subprocess.DEVNULL, capture_output=True)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); reading revisions needs it") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if check and done.returncode != 0:
        message = _decode(done.stderr).strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else f'exit {done.returncode}'}")
    return done


class GitRepo:
    """The repository a folder is in: its top level, and read-only questions about its commits."""

    def __init__(self, toplevel: Path):
        self.toplevel = toplevel

    @classmethod
    def containing(cls, path: Path) -> GitRepo:
        """The repository holding ``path`` (a folder that may not exist any more: its nearest
        existing parent is asked)."""
        folder = path.resolve()
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        done = _run(["rev-parse", "--show-toplevel"], folder, check=False)
        if done.returncode != 0:
            raise GitError(f"{path} is not in a git repository; comparing with a revision needs one")
        return cls(Path(_decode(done.stdout).rstrip("\n")))

    def prefix_of(self, path: Path) -> str:
        """``path`` relative to the repository root, POSIX, '' for the root itself."""
        try:
            rel = path.resolve().relative_to(self.toplevel.resolve())
        except ValueError:
            raise GitError(f"{path} is outside the repository at {self.toplevel}") from None
        text = rel.as_posix()
        return "" if text == "." else text

    def is_shallow(self) -> bool:
        done = _run(["rev-parse", "--is-shallow-repository"], self.toplevel, check=False)
        return _decode(done.stdout).strip() == "true"

    def resolve(self, revision: str) -> str:
        """The full commit id ``revision`` names, or a GitError saying how to make it available."""
        if not revision or revision.startswith("-"):
            raise GitError(f"{revision!r} is not a revision")
        done = _run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
                    self.toplevel, check=False)
        if done.returncode == 0:
            return _decode(done.stdout).strip()
        shallow = " This clone is shallow, so older commits and other branches are not in it." if self.is_shallow() else ""
        raise GitError(
            f"revision {revision!r} is not available in this repository.{shallow} Fetch it first: "
            f"`git fetch origin main` (the branch you compare with), or `git fetch --unshallow`; with "
            f"GitHub's actions/checkout set `fetch-depth: 0`, with GitLab CI `GIT_DEPTH: 0`")

    def tree(self, commit: str, prefix: str = "") -> list[TreeEntry]:
        """Every file under ``prefix`` in ``commit``'s tree (recursively), sorted by path."""
        args = ["ls-tree", "-r", "-z", "-l", "--full-tree", commit]
        if prefix:
            args += ["--", prefix]
        return _parse_tree(_run(args, self.toplevel).stdout)

    def tree_paths(self, commit: str, paths: list[str]) -> list[TreeEntry]:
        """The entries of ``commit`` at exactly these paths (those that exist)."""
        return _parse_tree(_run(["ls-tree", "-z", "-l", "--full-tree", commit, "--", *paths], self.toplevel).stdout)

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The content of each blob, read through one `git cat-file --batch`."""
        wanted = list(dict.fromkeys(s for s in shas if s and s != _NULL_SHA))
        if not wanted:
            return {}
        try:
            done = subprocess.run(["git", "cat-file", "--batch"], cwd=self.toplevel, env=_environment(),
                                  input=b"".join(s.encode() + b"\n" for s in wanted), capture_output=True)
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        if done.returncode != 0:
            raise GitError(f"git cat-file failed: {_decode(done.stderr).strip() or done.returncode}")
        return dict(_parse_batch(done.stdout, wanted))

    def changed_in_work_tree(self, commit: str, prefix: str = "") -> set[str]:
        """Paths (from the repository root) whose working-tree file differs from ``commit``'s
        (modified, deleted, type changed); untracked files are not in ``commit`` at all."""
        args = ["diff", "--raw", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--ignore-submodules", commit]
        if prefix:
            args += ["--", prefix]
        out = _run(args, self.toplevel).stdout
        return {change.old_path or change.new_path or "" for change in _parse_raw(out.split(b"\0"))}

    def log(self, commit: str, prefix: str = "") -> list[Commit]:
        """The commits reachable from ``commit`` that changed something under ``prefix``, oldest
        first, each with the files it changed (renames detected). Merges are shown against their
        first parent, which is how a pull request's changes reach the main line."""
        args = ["log", "-z", "--raw", "--no-abbrev", "-M", "--first-parent", "-m", "--reverse",
                "--format=%x01%H%x00%ad%x00%an%x00%s", "--date=short", commit]
        if prefix:
            args += ["--", prefix]
        return list(_parse_log(_run(args, self.toplevel).stdout))


def _parse_tree(out: bytes) -> list[TreeEntry]:
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, sha, size = meta.split(None, 3)
        entries.append(TreeEntry(_decode(path), mode.decode(), kind.decode(), sha.decode(),
                                 int(size) if size.strip().isdigit() else None))
    entries.sort(key=lambda e: e.path)
    return entries


def _parse_batch(out: bytes, wanted: list[str]) -> Iterator[tuple[str, bytes]]:
    at = 0
    for sha in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] == b"missing":
            raise GitError(f"object {sha} is missing from this repository (a partial clone?); "
                           f"fetch the history you compare with, e.g. `git fetch origin main`")
        size = int(header[2])
        yield sha, out[at:at + size]
        at += size + 1  # the content is followed by a newline


def _parse_log(out: bytes) -> Iterator[Commit]:
    for chunk in out.split(b"\x01"):
        if not chunk.strip(b"\0\n"):
            continue
        fields = chunk.split(b"\0")
        sha, day, author, subject = (_decode(f) for f in fields[:4])
        rest = [f for f in fields[4:]]
        yield Commit(sha.strip(), day, author, subject, tuple(_parse_raw(rest)))


def _parse_raw(fields: list[bytes]) -> Iterator[FileChange]:
    """``:old_mode new_mode old_sha new_sha status`` NUL path [NUL new path], repeated."""
    i = 0
    while i < len(fields):
        meta = fields[i].strip(b"\n")
        if not meta.startswith(b":"):
            i += 1
            continue
        parts = meta[1:].split()
        old_sha, new_sha, status = parts[2].decode(), parts[3].decode(), parts[4].decode()
        letter = status[0]
        old_path: str | None
        new_path: str | None
        if letter in "RC":
            old_path, new_path = _decode(fields[i + 1]), _decode(fields[i + 2])
            i += 3
        else:
            path = _decode(fields[i + 1])
            old_path = None if letter == "A" else path
            new_path = None if letter == "D" else path
            i += 2
        yield FileChange(letter, old_path, new_path,
                         None if old_sha == _NULL_SHA else old_sha, None if new_sha == _NULL_SHA else new_sha)


def repository_root(start: Path) -> Path | None:
    """The repository holding ``start``: the nearest folder at or above ``start`` that holds ``.git`` (a folder, or the
    file a worktree or submodule has), else None. Walked, not asked of git (render/locations.py says why)."""
    folder = Path(os.path.realpath(start))
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def join(prefix: str, rel: str) -> str:
    return f"{prefix}/{rel}" if prefix and rel else prefix or rel


def relative(path: str, prefix: str) -> str | None:
    """``path`` (from the repository root) relative to ``prefix``, or None when it is outside."""
    if not prefix:
        return path
    if path.startswith(prefix + "/"):
        return path[len(prefix) + 1:]
    return None


def parent_folders(prefix: str) -> list[str]:
    """``a/b/c`` -> ``['a/b/c', 'a/b', 'a', '']``: where a configuration is searched for."""
    parts = PurePosixPath(prefix).parts if prefix else ()
    return ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]
