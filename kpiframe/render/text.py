"""`--format text`: findings grouped by file, for people at a terminal."""

from __future__ import annotations

import time
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.text import Text

from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.fsutil import discard_output
from kpiframe.render.locations import FilePaths
from kpiframe.render.styled import LinePrinter
from kpiframe.render.timings import timings_text
from kpiframe.words import kinds, plural

if TYPE_CHECKING:
    from rich.table import Table  # only the table views build tables (render/status_table.py): check never does

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def print_check_text(result: CheckResult, console: Console, *, elapsed: float, timings: bool = False,
                     cwd: Path | None = None) -> None:
    """Findings as ``path:line:col  severity  CODE slug  message``, a blank line between files.

    The path is relative to the working directory (``render/locations.py``), so the first token
    of each line is one a terminal or an editor opens. Within a file the tokens are padded to
    one width, so that severities and codes line up.
    """
    started = time.perf_counter()
    paths = FilePaths.for_people(result.root, cwd)
    printer = LinePrinter(console)
    # A terminal wraps a long line at its edge; wrapped here instead, a message and its hint stay
    # under each other. A pipe or a file gets one line per finding, for grep and editors.
    wrap_at = console.width if console.is_terminal else None
    for file, group in groupby(result.findings, key=lambda f: f.file):
        findings = list(group)
        shown = paths(file) or "(framework)"
        places = [_place(shown, finding) for finding in findings]
        width = max(map(len, places))
        for place, finding in zip(places, findings):
            _print_finding(printer, place.ljust(width), finding, wrap_at)
        printer.blank()
    printer.flush()
    console.print(summary_line(result, elapsed), soft_wrap=wrap_at is None)
    if timings:
        console.print(timings_line(result, render=time.perf_counter() - started), soft_wrap=True)


def _place(shown: str, finding: Finding) -> str:
    return f"{shown}:{finding.line}:{finding.column}" if finding.line else shown


MESSAGE_INDENT = "    "
HINT = "hint: "
_HEAD_AFTER_PLACE = "  " + " " * 7 + "  " + " "  # what a finding's first line adds to its place, code and slug


def _print_finding(printer: LinePrinter, place: str, finding: Finding, wrap_at: int | None = None) -> None:
    line = Text(place, style="bold")
    line.append("  ")
    if wrap_at is not None and cell_len(place) + len(_HEAD_AFTER_PLACE) + len(finding.code) + len(finding.rule) > wrap_at:
        # The place alone is most of the line: it goes on a line of its own (a path longer than the
        # terminal folded, as the terminal would), and severity and code start the next, at the
        # message's indent, so the message and its hint still line up under them.
        for piece in Text(place.rstrip(), style="bold").wrap(printer.console, wrap_at, overflow="fold"):
            printer.print(piece)
        line = Text(MESSAGE_INDENT)
    line.append(f"{finding.severity.value:<7}", style=SEVERITY_STYLE[finding.severity])
    line.append(f"  {finding.code} ", style="bold")
    line.append(f"{finding.rule}  ", style="dim")
    if wrap_at is not None and cell_len(line.plain) + cell_len(finding.message) > wrap_at:
        # Too long for the terminal: the message goes under the place, and its hint under it.
        line.right_crop(2)
        printer.print(line)
        _print_wrapped(printer, Text(finding.message), MESSAGE_INDENT, MESSAGE_INDENT, wrap_at)
    else:
        line.append(finding.message)
        printer.print(line)
    if not finding.hint:
        return
    hint = Text(f"{MESSAGE_INDENT}{HINT}{finding.hint}", style="dim")
    if wrap_at is None or cell_len(hint.plain) <= wrap_at:
        printer.print(hint)
    else:
        _print_wrapped(printer, Text(finding.hint, style="dim"), MESSAGE_INDENT + HINT,
                       " " * len(MESSAGE_INDENT + HINT), wrap_at, first_style="dim")


def _print_wrapped(printer: LinePrinter, text: Text, first: str, rest: str, width: int, first_style: str = "") -> None:
    """``text`` wrapped at words to ``width``, its first line after ``first``, the others after ``rest``."""
    room = max(width - len(first), 20)  # a terminal narrower than the indent: let it wrap the rest
    for i, line in enumerate(text.wrap(printer.console, room)):
        line.rstrip()
        printer.print(Text(rest if i else first, style=first_style) + line)


def summary_line(result: CheckResult, elapsed: float) -> Text:
    summary = result.summary()
    docs = ", ".join(kinds(n, kind) for kind, n in summary["documents"].items() if n) or "no documents"
    invalid = summary.get("invalid_documents", {})
    docs += "".join(f", {kinds(n, kind, 'invalid')}" for kind, n in invalid.items() if n)
    files = plural(summary["files"], "file")
    counts = summary["findings"]
    text = Text()
    text.append(f"{files}, {docs}. ")
    text.append(plural(counts["error"], "error"), style="bold red" if counts["error"] else "green")
    text.append(", " + plural(counts["warning"], "warning"), style="yellow" if counts["warning"] else "")
    text.append(f", {counts['info']} info")
    if summary["suppressed"]:
        text.append(f", {summary['suppressed']} suppressed")
    fixable = sum(1 for f in result.findings if f.fix is not None)
    if fixable:
        text.append(f", {fixable} fixable with --fix")
    for label, counted in extra_facts(summary):
        text.append(f", {counted} {label}")
    # Said when nothing in the framework or the command line chose the date (or a broken as_of failed to).
    why = f": {summary['today_from']}" if summary["today_from"].startswith("the system date") else ""
    text.append(f" (today {summary['today']}{why}, {elapsed:.2f}s)", style="dim")
    return text


def extra_facts(summary: dict) -> list[tuple[str, object]]:
    """Facts rules add to the summary (resolved conflicts, capped findings), as (label, value)."""
    labels = {"resolved_conflicts": ("resolved by a trade-off", "resolved by trade-offs"),
              "capped_conflicts": ("not shown (capped per department pair)",) * 2}
    facts: list[tuple[str, object]] = [(labels[key][summary[key] != 1], plural(summary[key], "conflict"))
                                       for key in labels if summary.get(key)]
    if summary.get("kpis_without_direction"):
        facts.append(("left out of the conflict search (no direction)", plural(summary["kpis_without_direction"], "KPI")))
    return facts


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


__all__ = ["make_console", "plural", "print_check_text", "summary_line"]
