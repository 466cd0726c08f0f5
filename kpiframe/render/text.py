"""`--format text`: findings grouped by file, for people at a terminal."""

from __future__ import annotations

import time
from itertools import groupby

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.fsutil import discard_output
from kpiframe.render.timings import timings_text

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def print_check_text(result: CheckResult, console: Console, *, elapsed: float, timings: bool = False) -> None:
    started = time.perf_counter()
    for file, group in groupby(result.findings, key=lambda f: f.file):
        console.print(Text(file or "(framework)", style="bold underline"), soft_wrap=True)
        for finding in group:
            _print_finding(console, finding)
        console.print()
    console.print(summary_line(result, elapsed), soft_wrap=True)
    if timings:
        console.print(timings_line(result, render=time.perf_counter() - started), soft_wrap=True)


def _print_finding(console: Console, finding: Finding) -> None:
    where = f"{finding.line}:{finding.column}" if finding.line else "-"
    line = Text("  ")
    line.append(f"{where:>7}  ")
    line.append(f"{finding.severity.value:<7}", style=SEVERITY_STYLE[finding.severity])
    line.append(f"  {finding.code} ", style="bold")
    line.append(f"{finding.rule}  ", style="dim")
    line.append(finding.message)
    console.print(line, soft_wrap=True)
    if finding.hint:
        console.print(Text(f"{'':11}hint: {finding.hint}", style="dim"), soft_wrap=True)


def summary_line(result: CheckResult, elapsed: float) -> Text:
    summary = result.summary()
    docs = ", ".join(f"{n} {kind}" for kind, n in summary["documents"].items() if n) or "no documents"
    files = plural(summary["files"], "file")
    counts = summary["findings"]
    text = Text()
    text.append(f"{files}, {docs}. ")
    text.append(plural(counts["error"], "error"), style="bold red" if counts["error"] else "green")
    text.append(", " + plural(counts["warning"], "warning"), style="yellow" if counts["warning"] else "")
    text.append(f", {counts['info']} info")
    if summary["suppressed"]:
        text.append(f", {summary['suppressed']} suppressed")
    for label, counted in extra_facts(summary):
        text.append(f", {counted} {label}")
    text.append(f" (today {summary['today']}, {elapsed:.2f}s)", style="dim")
    return text


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def extra_facts(summary: dict) -> list[tuple[str, object]]:
    """Facts rules add to the summary (resolved conflicts, capped findings), as (label, value)."""
    labels = {"resolved_conflicts": "resolved by trade-offs",
              "capped_conflicts": "not shown (capped per department pair)"}
    return [(labels[key], plural(summary[key], "conflict")) for key in labels if summary.get(key)]


def timings_line(result: CheckResult, render: float | None = None) -> Text:
    phases = dict(result.timings, **({"render": render} if render is not None else {}))
    return Text(timings_text(phases), style="dim")


def print_table(console: Console, table: Table) -> None:
    """Print a table; in a file or a pipe nothing limits the width, so print it whole, not squeezed to 80."""
    if not console.is_terminal:
        natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
        console.width = max(console.width, natural)
    console.print(table)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away (`kpiframe check | head -3`): print nothing more, but keep the
        exit code the check earned. rich's default exits 1, which reads as "findings" in CI."""
        self.quiet = True
        discard_output(self.file)


def make_console(stderr: bool = False) -> Console:
    """rich honours NO_COLOR and drops colour when the output is not a terminal."""
    return _Console(stderr=stderr, highlight=False, markup=False)


__all__ = ["make_console", "print_check_text", "summary_line"]
