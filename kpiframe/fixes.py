"""`kpiframe check --fix` and `--diff`: apply the fixes findings carry, and nothing else.

Fixes are made where their findings are (the loader quotes a bare `%`, the schema normalises a
choice, the reference rules correct an id one edit away; see :class:`kpiframe.findings.Fix`).
This module only turns them into edits of the files' text and writes them.

Decisions:

* A fix names its place by line and column, as findings do, and carries the text it expects
  there. The text at that place must be exactly that (or that, quoted), else the fix is not
  applied and is reported as skipped: the file changed since the check read it.
* Every other byte of the file stays as it was: byte-order mark, line breaks (an inserted line
  takes the file's own), comments, alignment.
* Lines and columns are counted as the loader counts them: lines end at LF, CRLF or CR;
  columns are characters, 1-based, the byte-order mark not counted.
* Fixes in one file that touch the same characters: the first (in file order) is applied, the
  other waits for the next pass. `--fix` checks again after writing and applies what the new
  check offers, until nothing is left (at most :data:`MAX_PASSES` times), so a second `--fix`
  finds nothing to do; `--diff` shows one pass.
* Files are written through :func:`kpiframe.fsutil.write_output`: atomically, following a link
  to its target.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Fix
from kpiframe.fsutil import write_output
from kpiframe.textedit import Edit, OverlappingEdits, apply_edits, newline_of

MAX_PASSES = 10
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"


@dataclass
class FileFixes:
    """The fixes of one file: its text before and after, and which findings they fix."""

    rel: str  # relative to the framework root
    path: Path
    before: str
    after: str = ""
    applied: list[Finding] = field(default_factory=list)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, why)


def fixable(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.fix is not None and f.file]


def plan_fixes(result: CheckResult) -> list[FileFixes]:
    """What applying every fix of ``result``'s findings does to each file (nothing is written)."""
    by_file: dict[str, list[Finding]] = {}
    for finding in fixable(result.findings):
        by_file.setdefault(finding.file, []).append(finding)
    plans = []
    for rel, findings in sorted(by_file.items()):
        path = result.root / rel
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            plans.append(FileFixes(rel, path, "", skipped=[(f, f"cannot read it: {exc}") for f in findings]))
            continue
        plans.append(_plan_file(rel, path, text, findings))
    return plans


def _plan_file(rel: str, path: Path, text: str, findings: list[Finding]) -> FileFixes:
    plan = FileFixes(rel, path, text)
    bom = len(_BOM) if text.startswith(_BOM) else 0
    starts = [bom] + [m.end() for m in _LINE_BREAK.finditer(text)]
    newline = newline_of(text)
    edits: list[Edit] = []
    seen: set[tuple] = set()
    for finding in sorted(findings, key=lambda f: (f.fix.line, f.fix.column)):  # type: ignore[union-attr]
        fix = finding.fix
        assert fix is not None
        if (fix.line, fix.column, fix.old, fix.new) in seen:  # one mistake reported twice: one edit
            plan.applied.append(finding)
            continue
        edit = _edit(text, starts, fix, newline)
        if edit is None:
            plan.skipped.append((finding, "the text there is no longer what the check read"))
            continue
        try:
            apply_edits(text, [*edits, edit])
        except OverlappingEdits:
            plan.skipped.append((finding, "another fix changes the same place; run --fix again"))
            continue
        edits.append(edit)
        seen.add((fix.line, fix.column, fix.old, fix.new))
        plan.applied.append(finding)
    plan.after = apply_edits(text, edits)
    return plan


def _edit(text: str, starts: list[int], fix: Fix, newline: str) -> Edit | None:
    if not 1 <= fix.line <= len(starts) or fix.column < 1:
        return None
    at = starts[fix.line - 1] + fix.column - 1
    new = fix.new.replace("\n", newline)
    if not fix.old:
        return Edit(at, at, new)
    if text.startswith(fix.old, at):
        return Edit(at, at + len(fix.old), new)
    quote = text[at:at + 1]
    if quote in ("'", '"') and text.startswith(fix.old + quote, at + 1):  # keep the quotes
        return Edit(at + 1, at + 1 + len(fix.old), new)
    return None


def write_fixes(plans: list[FileFixes]) -> None:
    """Write every changed file (atomically); raises fsutil.WriteFailed."""
    for plan in plans:
        if plan.applied and plan.after != plan.before:
            write_output(plan.path, plan.after)


def unified_diff(plans: list[FileFixes], shown: Callable[[str], str]) -> str:
    """The changes as a unified diff, files named as ``shown(rel)`` names them."""
    out: list[str] = []
    for plan in plans:
        if plan.after == plan.before:
            continue
        name = shown(plan.rel)
        out += difflib.unified_diff(plan.before.splitlines(keepends=True), plan.after.splitlines(keepends=True),
                                    fromfile=f"a/{name}", tofile=f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


@dataclass
class FixRun:
    """What `--fix` (or `--diff`) did: the check after it, and the fixes of every pass."""

    result: CheckResult
    plans: list[FileFixes]  # every pass, in order

    @property
    def applied(self) -> list[tuple[str, Fix]]:
        """(file, fix) of every fix applied, in the order of the passes."""
        return [(p.rel, f.fix) for p in self.plans for f in p.applied if f.fix is not None]

    @property
    def skipped(self) -> list[tuple[str, Fix, str]]:
        """(file, fix, why) of every fix that could not be applied."""
        return [(p.rel, f.fix, why) for p in self.plans for f, why in p.skipped if f.fix is not None]


def run_fixes(check: Callable[[], CheckResult], *, write: bool) -> FixRun:
    """Check, apply the fixes, check again, until none is offered (``write``), or once (diff)."""
    result = check()
    plans: list[FileFixes] = []
    for _ in range(MAX_PASSES if write else 1):
        planned = plan_fixes(result)
        plans += planned
        changed = [p for p in planned if p.applied and p.after != p.before]
        if not write or not changed:
            break
        write_fixes(changed)
        result = check()
    return FixRun(result, plans)
