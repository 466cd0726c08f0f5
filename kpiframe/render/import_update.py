"""What `kpiframe import` prints: a fresh import's counts and the values needing attention, grouped
by reason; an update's (``--update``) counts, then conflicts and what could not be reconciled
(every one), then what was refreshed, added, kept and found absent (the first few of each, the
rest counted); or all of it as JSON (``--format json``).

Framework and source text is printed as plain text (rich markup in a KPI name stays inert).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from kpiframe.importers.common import Attention, ImportSummary
from kpiframe.importers.provenance import RECORD_FILE
from kpiframe.importers.update_report import Fields, Place, UpdateReport
from kpiframe.words import kinds, plural

SHOWN_PER_LIST = 10  # refreshed, added, kept, absent: the first ones, then "... and N more"
VALUE_WIDTH = 60
MAX_PLACES_SHOWN = 40  # up to this many, every place a value needs attention is listed; else a few per reason
PLACES_PER_REASON = 3  # (each KPI's description has its own notes)
Say = Callable[[str | Text], None]


def print_import(summary: ImportSummary, console: Console) -> None:
    """A fresh import: the numbers first, then each reason for attention with the places it applies to."""
    read = "rows" if summary.importer == "csv" else "entries"
    say = lambda text: console.print(text, soft_wrap=True)  # noqa: E731 (paths must not wrap)
    say(f"[bold]Imported {summary.entries_read} {read}[/] from {plural(len(summary.sources), 'file')} "
        f"into {escape(str(summary.out))}")
    say(f"  KPIs written:    {summary.kpis_written}")
    as_threshold = f", as a threshold: {summary.thresholds_written}" if summary.importer == "gitlab-pi" else ""
    say(f"  targets parsed:  {summary.targets_parsed} (written with a date: {summary.targets_written}{as_threshold})")
    if summary.importer == "gitlab-pi":
        say(f"  key KPIs:        {summary.key_written}")
        say(f"  health written:  {summary.health_written}")
    say(f"  departments:     {len(summary.departments)}"
        + (f" ({escape(', '.join(summary.departments))})" if summary.departments else ""))
    say(f"  goals:           {len(summary.goals)}")
    say(f"  files written:   {len(summary.files_written)}")
    say(f"  organization:    {escape(summary.organization)} (change it in kpiframe.yaml or with --organization)")
    if not summary.attention:
        say("[green]Every value was imported as written.[/]")
        return
    say(f"[yellow bold]{plural(len(summary.attention), 'value')} {'needs' if len(summary.attention) == 1 else 'need'} attention[/] "
        "(each is also noted under 'Import notes' in its KPI's description):")
    by_reason: dict[str, list[Attention]] = {}
    for item in summary.attention:
        by_reason.setdefault(item.why, []).append(item)
    shown = len(summary.attention) if len(summary.attention) <= MAX_PLACES_SHOWN else PLACES_PER_REASON
    for why, items in sorted(by_reason.items(), key=lambda pair: (-len(pair[1]), pair[0])):
        say(f"  [yellow]{len(items):>4}[/] {escape(why)}")
        for item in items[:shown]:
            text = f'  "{escape(_cut(item.text))}"' if item.text else ""
            say(f"         {escape(item.where())}  {escape(item.field)}{text}")
        if len(items) > shown:
            say(f"         ... and {len(items) - shown} more")


def print_update(summary: ImportSummary, console: Console) -> None:
    report = summary.update
    assert report is not None
    def say(text: str | Text) -> None:  # a str is printed as plain text: no markup in names and paths
        console.print(Text(text) if isinstance(text, str) else text, soft_wrap=True)

    read = "rows" if summary.importer == "csv" else "entries"
    say(Text.assemble(("Updated ", "bold"), (str(summary.out), "bold"),
                      f" from {plural(summary.entries_read, read[:-1], read)} in "
                      f"{plural(len(summary.sources), 'file')}"))
    for line in dating_lines(summary):
        say(line)
    fields = Counter(name for item in report.refreshed for name in item.fields)
    say("  refreshed:       " + plural(len(report.refreshed), "document")
        + (f" ({', '.join(f'{name} {count}' for name, count in fields.most_common())})" if fields else ""))
    say("  added:           " + plural(len(report.added), "document"))
    say("  unchanged:       " + plural(report.unchanged, "document"))
    kept_fields = sum(len(item.fields) for item in report.kept)
    yours = ", ".join(kinds(count, kind) for kind, count in sorted(report.your_documents.items()))
    say(f"  kept:            {plural(kept_fields, 'field')} you changed, in {plural(len(report.kept), 'document')}"
        + (f"; {_strangers(report)}: {yours}" if yours else ""))
    if report.ids_changed:
        say(f"  id changed by you: {len(report.ids_changed)} (matched by the source's name, updated in place)")
    say(f"  conflicts:       {len(report.conflicts)}" + (" (your value kept)" if report.conflicts else ""))
    say(f"  absent from this source: {len(report.absent)}" + (" (left in place)" if report.absent else ""))
    if report.removed:
        say(f"  removed from the framework: {len(report.removed)} (not added again)")
    say(f"  not reconciled:  {len(report.unreconciled)}")
    if report.departments_added or report.config_refreshed:
        changes = [f"{name} refreshed" for name in report.config_refreshed]
        changes += [f"departments added: {', '.join(report.departments_added)}"] if report.departments_added else []
        say(f"  kpiframe.yaml:   {'; '.join(changes)}")
    if report.changes_nothing:
        say(Text("Nothing to change: the files already hold what this source says (and your edits).", style="green"))
    else:
        say(f"  files changed:   {len(report.files_changed)} ({', '.join(report.files_changed)})")
    _conflicts(report, say)
    _places("Not reconciled (left as it was):", report.unreconciled, say, limit=None)
    _fields("Refreshed from the source:", report.refreshed, say)
    _places("Added:", report.added, say)
    _fields("Your edits kept (the source did not change these fields):", report.kept, say)
    _places("Absent from this source (left in place):", report.absent, say)
    _places("Removed from the framework (not added again):", report.removed, say)
    _places("Ids you changed (matched by the source's name, updated in place):", report.ids_changed, say)
    if summary.attention:
        say(f"{plural(len(summary.attention), 'value')} in the source "
            f"{'needs' if len(summary.attention) == 1 else 'need'} attention, as a fresh import would list "
            "them; each is noted under 'Import notes' in its KPI's description.")


def import_json(summary: ImportSummary) -> str:
    """A fresh import's summary: the counts, the files written and each value needing attention."""
    data = {"importer": summary.importer, "out": str(summary.out), "sources": summary.sources,
            "organization": summary.organization, "entries_read": summary.entries_read,
            "kpis_written": summary.kpis_written, "targets_parsed": summary.targets_parsed,
            "targets_written": summary.targets_written, "thresholds_written": summary.thresholds_written,
            "key_written": summary.key_written, "health_written": summary.health_written,
            "departments": summary.departments, "dating": dating_json(summary),
            "goals": summary.goals,
            "files_written": sorted(path.relative_to(summary.out).as_posix() for path in summary.files_written),
            "attention": [{"source": a.source, "line": a.line, "field": a.field, "text": a.text, "why": a.why}
                          for a in summary.attention]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def update_json(summary: ImportSummary) -> str:
    report = summary.update
    assert report is not None
    data: dict[str, Any] = {"importer": summary.importer, "out": str(summary.out), "sources": summary.sources,
                            "entries_read": summary.entries_read, "dating": dating_json(summary),
                            **report.as_json(),
                            "attention": len(summary.attention)}
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _strangers(report: UpdateReport) -> str:
    """Documents no import wrote are the user's, unless an imported one is missing: then one of
    them may be it, under an id and a name the user changed."""
    return "documents the import did not write" if report.removed else "documents you added"


def dating_lines(summary: ImportSummary) -> list[str]:
    """Which date each date option had, and where it came from (an update keeps the last import's)."""
    lines = []
    for option in summary.dating:
        label = f"  {option.option + ':':<17}"
        if option.origin == "given":
            lines.append(f"{label}{option.day} (given)")
        elif option.origin == "last import":
            lines.append(f"{label}{option.day}, the last import's (kept in {RECORD_FILE}; give {option.option} "
                         "DATE when this source describes a later day)")
        elif option.name == "as_of":
            lines.append(f"{label}none: health is written without a date (give --as-of DATE to date it)")
    return lines


def dating_json(summary: ImportSummary) -> list[dict[str, Any]]:
    return [{"option": option.option, "date": option.day.isoformat() if option.day else None,
             "from": option.origin or None} for option in summary.dating]


def _conflicts(report: UpdateReport, say: Say) -> None:
    if not report.conflicts:
        return
    say(Text("Conflicts: you and the source both changed these; your value is kept:", style="bold yellow"))
    for conflict in report.conflicts:
        say(f"  {conflict.file}:{conflict.line}  {conflict.id}  {conflict.field}")
        say(f"      yours:       {_value(conflict.yours)}")
        say(f"      source was:  {_value(conflict.source_before)}")
        say(f"      source now:  {_value(conflict.source_now)}")


def _fields(title: str, items: list[Fields], say: Say) -> None:
    if not items:
        return
    say(Text(title, style="bold"))
    for item in items[:SHOWN_PER_LIST]:
        say(f"  {item.file}:{item.line}  {item.id}  ({', '.join(item.fields)})")
    if len(items) > SHOWN_PER_LIST:
        say(f"  ... and {len(items) - SHOWN_PER_LIST} more (--format json lists every one)")


def _places(title: str, items: list[Place], say: Say, limit: int | None = SHOWN_PER_LIST) -> None:
    if not items:
        return
    say(Text(title, style="bold"))
    shown = items if limit is None else items[:limit]
    for item in shown:
        where = (f"{item.file}:{item.line}" if item.line else item.file) or "(not in the framework)"
        say(f"  {where}  {item.id}" + (f": {item.why}" if item.why else ""))
    if len(items) > len(shown):
        say(f"  ... and {len(items) - len(shown)} more (--format json lists every one)")


def _value(value: Any) -> str:
    if value is None:
        return "(nothing)"
    return _cut(json.dumps(value, ensure_ascii=False, default=str))


def _cut(text: str, limit: int = VALUE_WIDTH) -> str:
    """``text`` on one line (runs of white space as one space), cut to ``limit`` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
