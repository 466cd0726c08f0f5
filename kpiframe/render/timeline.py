"""`kpiframe history ID`: the timeline of one KPI as text or JSON. Formats only."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.text import Text

from kpiframe.history.fields import plain
from kpiframe.history.timeline import Timeline

TIMELINE_VERSION = 1


def timeline_data(timeline: Timeline) -> dict[str, Any]:
    return {
        "version": TIMELINE_VERSION,
        "kpi": timeline.kpi_id,
        "root": timeline.root or ".",
        "shallow": timeline.shallow,
        "current": None if timeline.current is None else {
            "name": timeline.current.name, "retired": plain(timeline.current.retired),
            "target": plain(timeline.current.target), "baseline": plain(timeline.current.baseline),
            "direction": timeline.current.direction},
        "commits": [{"commit": s.commit, "date": s.date, "author": s.author, "subject": s.subject, "event": s.event,
                     "file": s.file, "changes": [{"field": c.field, "change": c.change, "before": c.before,
                                                   "after": c.after} for c in s.changes]} for s in timeline.steps],
        "revisions": [plain(r) for r in timeline.revisions],
        "actuals": [{"date": a.date.isoformat(), "value": a.value, "source": a.source, "commit": a.commit,
                     "commit_date": a.commit_date, "replaced": a.replaced} for a in timeline.actuals],
    }


def render_timeline_json(timeline: Timeline) -> str:
    return json.dumps(timeline_data(timeline), indent=2, ensure_ascii=False) + "\n"


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)


def print_timeline(timeline: Timeline, console: Console) -> None:
    current = timeline.current
    title = Text(f"KPI {timeline.kpi_id}", style="bold")
    if current is not None:
        title.append(f": {current.name}")
        if current.retired is not None:
            title.append(f" (retired {current.retired.date}: {current.retired.reason})", style="dim")
    else:
        title.append(" (removed)", style="red")
    console.print(title, soft_wrap=True)
    if timeline.shallow:
        console.print(Text("This clone is shallow: the history starts at its oldest commit "
                           "(`git fetch --unshallow` for all of it).", style="yellow"), soft_wrap=True)
    console.print()
    console.print(Text("Commits", style="bold underline"))
    for step in timeline.steps:
        line = Text(f"  {step.date}  {step.commit[:10]}  ")
        line.append(f"{step.event:<8}", style={"removed": "red", "invalid": "red", "added": "green"}.get(step.event, ""))
        line.append(f" {step.subject}  ")
        line.append(f"({step.author}, {step.file})", style="dim")
        console.print(line, soft_wrap=True)
        for change in step.changes:
            console.print(Text(f"      {change.field} {change.change}: {_value(change.before)} -> {_value(change.after)}"),
                          soft_wrap=True)
    if timeline.revisions:
        console.print()
        console.print(Text("Revisions", style="bold underline"))
        for entry in timeline.revisions:
            console.print(Text(f"  {entry.date}  {entry.field}: {_value(plain(entry.from_))} -> {_value(plain(entry.to))}"
                               f"  {entry.reason} (approved by {entry.approved_by})"), soft_wrap=True)
    if timeline.actuals:
        console.print()
        console.print(Text("Actuals", style="bold underline"))
        for actual in timeline.actuals:
            line = Text(f"  {actual.date}  {actual.value:<12g} {actual.source:<10} recorded {actual.commit_date} "
                        f"({actual.commit[:10]})")
            if actual.replaced:
                line.append("  replaced later", style="yellow")
            console.print(line, soft_wrap=True)
