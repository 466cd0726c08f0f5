"""`kpiframe diff`: the comparison of two revisions as JSON, Markdown (a pull-request comment) or
text groups. Formats only; what changed is decided in :mod:`kpiframe.history`.

The order everywhere puts what a reviewer must look at first: bars moved the easy way
(relaxed targets and thresholds, rebaselines, flipped directions), then new findings, then
statuses and conflicts, then the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kpiframe.findings import Finding, Severity
from kpiframe.history.compare import Change
from kpiframe.history.verdicts import Comparison
from kpiframe.numbers import format_number
from kpiframe.render.report_markdown import md, table

DIFF_VERSION = 1
# Groups of changes, in the order they are shown, each with its title.
GROUPS = ("bars", "status", "conflicts", "documents", "fields")
GROUP_TITLES = {
    "bars": "Targets, thresholds, baselines and directions",
    "status": "KPI statuses",
    "conflicts": "Conflicts between departments",
    "documents": "Documents added, removed or moved",
    "fields": "Other changes",
}
_BAR_FIELDS = ("target", "targets", "threshold", "baseline", "direction")
_BAR_ORDER = {"relaxed": 0, "removed": 1, "flipped": 2, "changed": 3, "tightened": 4, "added": 5}


def group_of(change: Change) -> str:
    if change.kind == "conflict":
        return "conflicts"
    if change.field == "status" and change.kind == "KPI":
        return "status"
    if change.kind == "KPI" and change.field in _BAR_FIELDS:
        return "bars"
    if change.field in (None, "file", "kind"):
        return "documents"
    return "fields"


def grouped(changes: Iterable[Change]) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {name: [] for name in GROUPS}
    for change in changes:
        groups[group_of(change)].append(change)
    groups["bars"].sort(key=lambda c: (_BAR_ORDER.get(c.change, 9), c.file, c.line))
    groups["status"].sort(key=lambda c: (c.change != "worsened", c.file, c.line))
    return groups


def ordered(comparison: Comparison) -> list[Change]:
    return [c for changes in grouped(comparison.changes).values() for c in changes]


def render_diff_json(comparison: Comparison) -> str:
    pair = comparison.pair
    payload = {
        "version": DIFF_VERSION,
        "base": {**pair.base.describe(), "today": pair.base.loaded.today.isoformat()},
        "head": {**pair.head.describe(), "today": pair.head.loaded.today.isoformat()},
        "changes": [c.as_dict() for c in ordered(comparison)],
        "new_findings": [f.as_dict() for f in comparison.new_findings],
        "fixed_findings": [f.as_dict() for f in comparison.fixed_findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def value_text(value: Any) -> str:
    """A before/after value in one line: numbers and words as they are, mappings as `k: v`."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
        return format_number(value)  # 1.7e+308, not 309 digits
    return str(value)


def change_text(change: Change) -> str:
    """'KPI new-arr: target relaxed (value: 12, date: 2026-12-31 -> value: 10, ...)'."""
    what = f"{change.kind} {change.subject}"
    if change.kind == "conflict":
        between = (change.after or change.before or {}).get("between", [])
        text = f"conflict between {' and '.join(between)} {change.change}"
        tradeoffs = (change.after or {}).get("tradeoffs") if isinstance(change.after, dict) else None
        return text + (f" by {', '.join(tradeoffs)}" if tradeoffs else "")
    if change.field is None:
        return f"{what} {change.change}"
    if change.field == "file":
        return f"{what} moved from {change.before} to {change.after}"
    return f"{what}: {change.field} {change.change} ({value_text(change.before)} -> {value_text(change.after)})"


def _counts(comparison: Comparison) -> str:
    groups = grouped(comparison.changes)
    relaxed = sum(1 for c in groups["bars"] if c.change in ("relaxed", "removed"))
    new_errors = sum(1 for f in comparison.new_findings if f.severity is Severity.ERROR)
    parts = [f"{relaxed} target{'s' if relaxed != 1 else ''} relaxed or removed",
             f"{len(comparison.new_findings)} new finding{'s' if len(comparison.new_findings) != 1 else ''}"
             f" ({new_errors} error{'s' if new_errors != 1 else ''})",
             f"{len(comparison.fixed_findings)} fixed",
             f"{len(comparison.changes)} change{'s' if len(comparison.changes) != 1 else ''} in all"]
    return ", ".join(parts)


def summary_text(comparison: Comparison) -> str:
    return _counts(comparison)


def _finding_row(finding: Finding) -> list[str]:
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file
    return [finding.severity.value, f"{finding.code} {finding.rule}", md(where), md(finding.message)]


def render_diff_markdown(comparison: Comparison, *, limit: int = 50) -> str:
    """Short, ready to post as a pull-request comment: the relaxed bars and new problems first,
    everything else folded away. At most ``limit`` rows per table, the rest counted."""
    pair = comparison.pair
    head = pair.head.revision or "the working tree"
    lines = [f"### kpiframe: changes since `{md(pair.since)}`" + (f" to `{md(head)}`" if pair.head.revision else ""),
             "", md(_counts(comparison)) + ".", ""]
    groups = grouped(comparison.changes)
    bars = groups["bars"]
    if bars:
        lines += ["**Targets, thresholds, baselines and directions**", ""]
        rows = [[f"`{c.subject}`", c.field or "", f"**{c.change}**" if c.change in ("relaxed", "removed", "flipped")
                 else c.change, md(value_text(c.before)), md(value_text(c.after))] for c in bars[:limit]]
        lines += table(["KPI", "Field", "Change", "Before", "After"], rows) + _more(len(bars), limit) + [""]
    if comparison.new_findings:
        lines += ["**New findings**", ""]
        rows = [_finding_row(f) for f in comparison.new_findings[:limit]]
        lines += table(["Severity", "Rule", "Where", "Finding"], rows) + _more(len(comparison.new_findings), limit) + [""]
    if comparison.fixed_findings:
        lines += [f"**Fixed**: {len(comparison.fixed_findings)} finding"
                  f"{'s' if len(comparison.fixed_findings) != 1 else ''} ("
                  + md(", ".join(sorted({f.rule for f in comparison.fixed_findings}))) + ").", ""]
    rest = [c for name in ("status", "conflicts", "documents", "fields") for c in groups[name]]
    if rest:
        lines += [f"<details><summary>All other changes ({len(rest)})</summary>", ""]
        rows = [[c.kind, f"`{c.subject}`", c.field or "", c.change, md(value_text(c.before)), md(value_text(c.after))]
                for c in rest[:limit]]
        lines += table(["Kind", "Id", "Field", "Change", "Before", "After"], rows) + _more(len(rest), limit)
        lines += ["", "</details>", ""]
    if not comparison.changes and not comparison.new_findings and not comparison.fixed_findings:
        lines += ["No change to the framework's documents or findings.", ""]
    return "\n".join(lines)


def _more(total: int, limit: int) -> list[str]:
    return ["", f"... and {total - limit} more (see `kpiframe diff --format json`)."] if total > limit else []


def render_diff_plain(comparison: Comparison) -> str:
    """The text format without colour, for a file."""
    pair = comparison.pair
    lines = [f"Changes from {pair.base.source.label} to {pair.head.source.label}", ""]
    groups = grouped(comparison.changes)
    sections: list[tuple[str, list[str]]] = [(GROUP_TITLES["bars"], [change_line(c) for c in groups["bars"]])]
    sections.append(("New findings", [f"  {f.severity.value:<7} {f.code} {f.rule}  {f.file}:{f.line}  {f.message}"
                                      for f in comparison.new_findings]))
    sections += [(GROUP_TITLES[name], [change_line(c) for c in groups[name]])
                 for name in ("status", "conflicts", "documents", "fields")]
    sections.append(("Fixed findings", [f"  {f.code} {f.rule}  {f.message}" for f in comparison.fixed_findings]))
    for title, body in sections:
        if body:
            lines += [title, *body, ""]
    lines.append(summary_text(comparison) + ".")
    return "\n".join(lines) + "\n"


def change_line(change: Change) -> str:
    where = f"{change.file}:{change.line}" if change.line else change.file
    return f"  {change.change:<13}{change_text(change)}  {where}"


def with_changes_section(report_markdown: str, comparison: Comparison) -> str:
    """The gap report with a "Changes since REV" section at the top (after its title and header)."""
    section = render_diff_markdown(comparison).split("\n", 1)[1].lstrip("\n")
    title = f"## Changes since `{md(comparison.pair.since)}`"
    head, sep, rest = report_markdown.partition("\n## ")
    return f"{head.rstrip()}\n\n{title}\n\n{section.rstrip()}\n{sep}{rest}" if sep else \
        f"{report_markdown.rstrip()}\n\n{title}\n\n{section}"


def with_changes_json(report_json: str, comparison: Comparison) -> str:
    """The JSON report with `changes_since` first: the same object `kpiframe diff --format json` gives."""
    report = json.loads(report_json)
    diff = json.loads(render_diff_json(comparison))
    merged = {"version": report.pop("version", None), "changes_since": diff, **report}
    return json.dumps(merged, indent=2, ensure_ascii=False) + "\n"
