"""What `kpiframe pull` shows: failures by file, changed numbers, what was written, one summary line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby

from rich.console import Console
from rich.text import Text

from kpiframe.findings import Finding
from kpiframe.pull import PullResult
from kpiframe.render.text import SEVERITY_STYLE, plural

CHANGED_SHOWN_PER_KPI = 10


def print_pull(result: PullResult, console: Console) -> None:
    say = lambda text: console.print(text, soft_wrap=True)  # noqa: E731 (paths must not wrap)
    print_findings(result.failures, console)
    changed = [c for c in result.changes if c.changed]
    if changed:
        say(Text(f"Changed numbers ({'would change' if result.dry_run else 'now in'} {result.output}): "
                 "values already pulled for these dates differ now; worth a look if they were reported",
                 style="bold"))
        for change in changed:
            for day, before, after in change.changed[:CHANGED_SHOWN_PER_KPI]:
                say(f"  {change.kpi}  {day}  {before} -> {after}")
            if len(change.changed) > CHANGED_SHOWN_PER_KPI:
                say(f"  {change.kpi}  ... and {len(change.changed) - CHANGED_SHOWN_PER_KPI} more")
        say("")
    gone = [c for c in result.changes if c.removed]
    if gone:
        say(Text("Removed rows:", style="bold"))
        for change in gone:
            why = f" ({change.why_removed})" if change.why_removed else ""
            say(f"  {change.kpi}  {plural(len(change.removed), 'row')}{why}")
        say("")
    if result.dry_run and result.changes:
        say(Text(f"Would change {result.output} (dry run: nothing written):", style="bold"))
        width = max(len(c.kpi) for c in result.changes)
        for change in result.changes:
            say(f"  {change.kpi:<{width}}  {len(change.added)} added, {len(change.changed)} changed, "
                f"{len(change.removed)} removed")
        say("")
    if result.write_error:
        say(Text(f"kpiframe: {result.write_error}", style="bold red"))
    if result.config_note:
        style = "bold red" if result.config_failed else ""
        say(Text(("kpiframe: error: " if result.config_failed else "") + result.config_note[0].upper()
                 + result.config_note[1:] + ".", style=style))
    say(summary_line(result))


def print_findings(findings: list[Finding], console: Console) -> None:
    """Findings grouped by file, as `check` prints them."""
    for file, group in groupby(findings, key=lambda f: f.file):
        console.print(Text(file or "(framework)", style="bold underline"), soft_wrap=True)
        for finding in group:
            where = f"{finding.line}:{finding.column}" if finding.line else "-"
            line = Text(f"  {where:>7}  ")
            line.append(f"{finding.severity.value:<7}", style=SEVERITY_STYLE[finding.severity])
            if finding.code:
                line.append(f"  {finding.code}", style="bold")
            line.append(f"  {finding.rule}  ", style="dim")
            line.append(finding.message)
            console.print(line, soft_wrap=True)
            if finding.hint:
                console.print(Text(f"{'':11}hint: {finding.hint}", style="dim"), soft_wrap=True)
        console.print()


def summary_line(result: PullResult) -> Text:
    text = Text()
    failed = len(result.failures)
    sources = len(result.sources)
    text.append(f"Pulled {result.pulled} of {plural(result.selected, 'KPI')} from {plural(sources, 'source')}: ")
    text.append(f"{plural(failed, 'failure')}", style="bold red" if failed else "green")
    added = sum(len(c.added) for c in result.changes)
    changed = sum(len(c.changed) for c in result.changes)
    removed = sum(len(c.removed) for c in result.changes)
    text.append(f"; {plural(result.rows, 'row')} ({added} added, {changed} changed, {removed} removed). ")
    if result.executed == 0:
        text.append("Nothing could run; nothing written.", style="bold red")
    elif result.dry_run:
        text.append(f"Dry run: {result.output} not written.")
    elif result.wrote:
        text.append(f"Wrote {result.output}.")
    elif result.unchanged_file:
        text.append(f"{result.output} unchanged.")
    if result.framework_errors:
        text.append(f" The framework has {plural(result.framework_errors, 'error')} (`kpiframe check` lists them); "
                    "KPIs that could not be read were not pulled.", style="yellow")
    text.append(f" ({result.seconds:.2f}s)", style="dim")
    return text


@contextmanager
def pull_progress(console: Console) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on a terminal (transient); no callback otherwise."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("pulling"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[kpi]}"),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("pull", total=None, kpi="")

        def update(done: int, total: int, kpi: str) -> None:
            bar.update(task, completed=done, total=total, kpi=kpi)

        yield update
