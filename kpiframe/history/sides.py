"""Load a framework at a base revision next to the one being checked: `check --since`, `diff`.

The head is the working tree (or `--to REV2`), the base a git revision (see
:mod:`kpiframe.load.gitrepo`). Both are read through the same loader and judged at the same
today: the head's (`--today`, else its `as_of`, else the system date), so that a change of
`as_of` in the config never shows as a change of every KPI's status.

Decisions:

* Files that are the same on both sides are parsed once. Git says which: for the working tree,
  `git diff --raw REV` lists the files that differ from the revision; between two revisions,
  equal blob ids. A file is reused only under the same path, with the same framework root and
  the same parsing limits, so what the base shows is exactly what parsing it would give.
  Only the blobs of the files still to parse are fetched. Measured at 10,000 KPIs (1,117 files)
  on a busy 2-core machine: git's part 0.15 s, then the base loads in 0.9 s when 1,116 files
  are reused (0.7 s of it building the graph), against 10 s when every file is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from kpiframe.check import (
    CheckOptions,
    CheckResult,
    FileLoad,
    LoadedFramework,
    UsageError,
    check_loaded,
    load_source,
    resolve_root,
)
from kpiframe.load.gitrepo import GitError, GitRepo
from kpiframe.load.gitsource import GitTreeSource
from kpiframe.load.source import DiskSource, FileSource
from kpiframe.stage import Stage


@dataclass
class Side:
    """One side of a comparison: where it was read from, what was loaded, and (if asked) the check."""

    source: FileSource
    loaded: LoadedFramework
    result: CheckResult | None = None

    @property
    def checked(self) -> CheckResult:
        """The check of this side; load_pair always checks the head."""
        if self.result is None:
            raise ValueError(f"{self.source.label} was loaded without its check")
        return self.result

    @property
    def revision(self) -> str | None:
        return self.source.revision if isinstance(self.source, GitTreeSource) else None

    @property
    def commit(self) -> str | None:
        return self.source.commit if isinstance(self.source, GitTreeSource) else None

    def describe(self) -> dict:
        return {"revision": self.revision, "commit": self.commit, "label": self.source.label,
                "files": len(self.loaded.framework.files)}


@dataclass
class Pair:
    base: Side
    head: Side
    since: str  # the base revision as the user wrote it


def load_pair(path: Path, since: str, to: str | None, options: CheckOptions, *,
              check_base: bool, check_head: bool = True, stage: Stage | None = None) -> Pair:
    """The head (working tree, or ``to``) and the base (``since``) of the framework at ``path``.

    ``check_base``: also run the rules on the base (`diff` wants its findings; `check --since`
    only its documents). The head is checked with the base, so its findings include the
    comparison rules. Raises UsageError (exit 2) for git problems, with the fix in the message.
    ``stage`` records where the loads and checks are, for the internal-error message.
    """
    stage = stage or Stage()
    try:
        repo = GitRepo.containing(path)
        if to is None:
            root, config_file = resolve_root(path)
            head_source: FileSource = DiskSource(root, config_file)
            prefix = repo.prefix_of(path)
        else:
            prefix = repo.prefix_of(path)
            head_source = GitTreeSource.at(repo, to, prefix)
        base_source = GitTreeSource.at(repo, since, prefix)
        loads: dict[str, FileLoad] = {}
        head_loaded = load_source(head_source, options, loads=loads, stage=stage)
        same = replace(options, today=head_loaded.today, today_from=head_loaded.today_from)  # both at the head's today
        reuse = _reusable(repo, head_source, base_source, loads, head_loaded)
        base_loaded = load_source(base_source, same, reuse=reuse, stage=stage)
    except GitError as exc:
        raise UsageError(str(exc)) from None
    base = Side(base_source, base_loaded)
    if check_base:
        base.result = check_loaded(base_loaded, same, stage=stage)
    head = Side(head_source, head_loaded)
    if check_head:
        head.result = check_loaded(head_loaded, options, base=base_loaded.framework, since=since, stage=stage)
    return Pair(base, head, since)


def _reusable(repo: GitRepo, head: FileSource, base: GitTreeSource, loads: dict[str, FileLoad],
              head_loaded: LoadedFramework) -> dict[str, FileLoad]:
    """The head's file loads that the base can take as they are (see the module's decisions)."""
    head_prefix = head.prefix if isinstance(head, GitTreeSource) else _prefix_or_none(repo, head.root)
    if head_prefix != base.prefix:
        return {}
    if head_loaded.framework.config.limits != _base_limits(base):
        return {}
    if isinstance(head, GitTreeSource):
        same = {rel for rel, entry in base.entries.items()
                if rel in head.entries and head.entries[rel].sha == entry.sha}
    else:
        changed = repo.changed_in_work_tree(base.commit, base.prefix)
        prefix = base.prefix + "/" if base.prefix else ""
        same = {rel for rel in base.entries if prefix + rel not in changed}
    return {rel: load for rel, load in loads.items() if rel in same}


def _prefix_or_none(repo: GitRepo, root: Path) -> str | None:
    try:
        return repo.prefix_of(root)
    except GitError:
        return None


def _base_limits(base: GitTreeSource):
    """The parsing limits the base's configuration sets (reuse needs them equal to the head's)."""
    from kpiframe.model.config import Config
    from kpiframe.model.configfile import config_from_bytes

    if base.config_rel is None:
        return Config().limits
    config, _, _ = config_from_bytes(base.config_bytes(), base.config_rel)
    return config.limits
