"""`kpiframe status`: a table of every KPI for people at a terminal (rich)."""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpiframe.analysis import Unread
from kpiframe.check import LoadedFramework
from kpiframe.numbers import format_number, format_percent
from kpiframe.progress import ACHIEVED, AT_RISK, OFF_TRACK, ON_TRACK
from kpiframe.render.styled import LinePrinter
from kpiframe.render.text import print_table
from kpiframe.status import KpiStatus, StatusTotals, threshold_text

STATUS_STYLE = {ACHIEVED: "bold green", ON_TRACK: "green", AT_RISK: "yellow", OFF_TRACK: "bold red"}
BAR_WIDTH = 10


# (header, justify) of each column, in order.
COLUMNS = (("KPI", "left"), ("Department", "left"), ("Unit", "left"), ("Baseline", "right"), ("Latest", "right"),
           ("Target", "right"), ("Progress / expected", "left"), ("Status", "left"), ("Active plans", "right"))
UNIT_MAX_WIDTH = 10


def print_status_table(loaded: LoadedFramework, rows: list[KpiStatus], totals: StatusTotals, unread: Unread,
                       console: Console, *, grouped: bool = False, none_shown: str | None = None) -> None:
    """The table, then a line of counts. ``grouped``: rows are sorted by department; separate them.

    Decisions: the table is laid out here, not by rich's ``Table``, whenever it fits as it is
    (always in a file or a pipe): measuring 10,000 rows of rich cells cost 14.7 s CPU against
    5.8 s for the same command as JSON. The lines are byte for byte what rich prints (box
    SIMPLE_HEAD, no edge padding); anything rich would reshape (a too-narrow terminal, a unit
    folded at 10 cells, a newline or a tab in a cell, a title wider than the table) goes to rich.
    ``none_shown``: said instead of an empty table (`--key` or `--department` chose no KPI).
    """
    if not rows and none_shown is not None:
        console.print(Text(none_shown), soft_wrap=True)
        return
    organization = loaded.framework.config.organization
    title = f"{organization}: KPI status at {loaded.today}" if organization else f"KPI status at {loaded.today}"
    department_name = loaded.framework.config.department_name
    with_health = any(row.kpi.health is not None for row in rows)
    columns = COLUMNS + ((("Health", "left"),) if with_health else ())
    cells = [_cells(row, department_name) + ([health_text(row)] if with_health else []) for row in rows]
    sections = [i + 1 < len(rows) and (rows[i + 1].kpi.key != row.kpi.key
                                       or (grouped and rows[i + 1].kpi.department != row.kpi.department))
                for i, row in enumerate(rows)]
    if console.is_terminal and _natural_width(columns, cells) > console.width:
        from kpiframe.render.status_narrow import print_narrow_table  # it imports STATUS_STYLE from here

        if print_narrow_table(console, title, columns, cells, rows, sections):
            console.print(_footer(totals, unread))  # wrapped at words, as the table is narrow
            return
    if not _print_plain_table(console, title, columns, cells, sections):
        _print_rich_table(console, title, columns, cells, sections)
    console.print(_footer(totals, unread), soft_wrap=True)


def _natural_width(columns: tuple[tuple[str, str], ...], rows: list[list[Text | str]]) -> int:
    """The table's width with no cell cut (a terminal narrower than this gets the narrow layout)."""
    widths = [cell_len(header) for header, _ in columns]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], cell_len(value if isinstance(value, str) else value.plain))
    return sum(widths) + 3 * (len(columns) - 1) + 2


def _print_plain_table(console: Console, title: str, columns: tuple[tuple[str, str], ...],
                       rows: list[list[Text | str]], sections: list[bool]) -> bool:
    """Print the table line by line; False (nothing printed) when rich would lay it out differently."""
    if not rows:
        return False
    texts: list[list[Text]] = []
    widths = [cell_len(header) for header, _ in columns]
    for row in rows:
        converted = []
        for i, value in enumerate(row):
            if isinstance(value, str) and ":" in value:  # rich would look for :emoji: codes in a plain string
                return False
            cell = Text(value) if isinstance(value, str) else value
            plain = cell.plain
            if "\n" in plain or "\t" in plain:
                return False
            width = cell_len(plain)
            if width > widths[i]:
                widths[i] = width
            converted.append(cell)
        texts.append(converted)
    if widths[2] > UNIT_MAX_WIDTH:
        return False
    last = len(columns) - 1
    total = sum(widths) + 2 * last + last + 2  # cell padding (not at the edges), separators, box edges
    if total > console.width and console.is_terminal or cell_len(title) > total:
        return False
    if not console.is_terminal:
        console.width = max(console.width, total)
    printer = LinePrinter(console)
    printer.raw(printer.styled(title + " " * (total - cell_len(title)), "table.title"))
    printer.raw(" " * total)
    header = [" "]
    for i, (name, justify) in enumerate(columns):
        if i:
            header.append(printer.styled(" ", "bold"))
        header.append(printer.styled(_justify(name, widths[i], justify), "bold"))
        if i < last:
            header.append(printer.styled(" ", "bold") + " ")
    printer.raw("".join(header) + " ")
    printer.raw(" " + "─" * (total - 2) + " ")
    blank = " " * total
    for texts_of_row, end_section in zip(texts, sections):
        line = [" "]
        for i, text in enumerate(texts_of_row):
            pad = widths[i] - cell_len(text.plain)
            if pad and text.style or pad and text.spans:  # padding takes the cell's base style, as in rich
                text = text.copy()
                text.pad_left(pad) if columns[i][1] == "right" else text.pad_right(pad)
                pad = 0
            rendered = printer.render(text)
            if pad:
                rendered = " " * pad + rendered if columns[i][1] == "right" else rendered + " " * pad
            line.append(rendered)
            line.append("   " if i < last else " ")
        printer.raw("".join(line))
        if end_section:
            printer.raw(blank)
    printer.raw(blank)
    printer.flush()
    return True


def _justify(text: str, width: int, justify: str) -> str:
    pad = " " * (width - cell_len(text))
    return pad + text if justify == "right" else text + pad


def _print_rich_table(console: Console, title: str, columns: tuple[tuple[str, str], ...],
                      rows: list[list[Text | str]], sections: list[bool]) -> None:
    # Text, not str: rich reads :emoji: codes in a plain string, and framework text stays as written.
    table = Table(title=Text(title, style="table.title"), title_justify="left", header_style="bold",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    # Ids, numbers and bars stay on one line; only the department wraps when the terminal is narrow.
    table.add_column("KPI", no_wrap=True)
    table.add_column("Department", overflow="fold", min_width=10)
    table.add_column("Unit", overflow="fold", max_width=10)
    table.add_column("Baseline", justify="right", no_wrap=True)
    table.add_column("Latest", justify="right", no_wrap=True)
    table.add_column("Target", justify="right", no_wrap=True)
    table.add_column("Progress / expected then", no_wrap=True)  # at the latest actual's date
    table.add_column("Status", no_wrap=True)
    table.add_column("Active plans", justify="right", no_wrap=True)
    if len(columns) > len(COLUMNS):
        table.add_column("Health", no_wrap=True)
    for row, end_section in zip(rows, sections):
        # Sorted by department, a rule between departments makes each one's block easy to find;
        # key KPIs come first, as a block of their own.
        table.add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in row), end_section=end_section)
    print_table(console, table)


def _cells(row: KpiStatus, department_name: Callable[[str], str]) -> list[Text | str]:
    kpi, progress = row.kpi, row.progress
    baseline = format_number(kpi.baseline.value) if kpi.baseline else "-"
    final = kpi.final_target
    if final is not None:
        steps = len(kpi.targets)
        target = format_number(final.value) + (f" ({steps} step{'s' if steps != 1 else ''})" if steps else "")
        target += f" · {threshold_text(kpi)}" if kpi.threshold else ""  # both are judged
    else:
        target = threshold_text(kpi) if kpi.threshold else "-"
    name = Text("★ ", style="bold") + Text(kpi.id) if kpi.key else Text(kpi.id)
    # A breached threshold overrides the target beside it: say which of the two decided.
    decided = " (threshold)" if final is not None and progress.basis == "threshold" else ""
    return [name, department_name(kpi.department), kpi.unit or "-", baseline, _latest(row), target, progress_bar(row),
            Text(progress.status + decided, style=STATUS_STYLE.get(progress.status, "dim")), _plans(row)]


HEALTH_STYLE = {"okay": "green", "attention": "yellow", "problem": "bold red"}


def health_text(row: KpiStatus) -> Text:
    """The owner's health: 'problem 2026-05-01', with '≠ numbers' when it disagrees with them."""
    health = row.kpi.health
    if health is None:
        return Text("-", style="dim")
    text = Text(health.level, style=HEALTH_STYLE.get(health.level, ""))
    if health.date:
        text.append(f" {health.date}", style="dim")
    if row.health_ahead:  # not used until its date (rule future-health)
        text.append(" after today", style="yellow")
    if row.health_disagrees:
        text.append(" ≠ numbers", style="yellow")
    return text


def _latest(row: KpiStatus) -> Text:
    progress = row.progress
    text = Text(format_number(progress.latest_value), style="" if progress.latest_date else "dim")
    if row.staleness.stale:  # the numbers are not current: say so next to them
        text.append(" stale", style="bold yellow")
    return text


def progress_bar(row: KpiStatus) -> Text:
    """'█████·|···  50% / 62%': progress filled in, expected progress marked with '|'."""
    progress, expected = row.progress.progress_pct, row.progress.expected_pct
    if progress is None:
        return Text("-" if expected is None else f"{'·' * BAR_WIDTH}  - / {_pct(expected)}", style="dim")
    filled = int(min(max(progress, 0.0), 100.0) / 100 * BAR_WIDTH + 0.5)  # half up, not to even
    cells = ["█"] * filled + ["·"] * (BAR_WIDTH - filled)
    if expected is not None:
        mark = min(int(expected / 100 * BAR_WIDTH), BAR_WIDTH - 1)
        if mark >= filled:
            cells[mark] = "|"
    bar = Text("".join(cells), style=STATUS_STYLE.get(row.progress.status, ""))
    bar.append(f"  {_pct(progress)} / {'-' if expected is None else _pct(expected)}")
    return bar


def _pct(value: float) -> str:
    return format_percent(value)


def _plans(row: KpiStatus) -> Text:
    count = Text(str(len(row.active_plans)))
    if row.uncorrected:
        count.stylize("bold red")
        count.append(" none due ahead" if row.active_plans else "", style="bold red")
    return count


def _footer(totals: StatusTotals, unread: Unread) -> Text:
    text = Text(f"{totals.kpis} KPI{'s' if totals.kpis != 1 else ''}")
    shown = [(status, n) for status, n in totals.counts.items() if n]
    if shown:
        text.append(": ")
        for i, (status, n) in enumerate(shown):
            text.append(", " if i else "")
            text.append(f"{n} {status}", style=STATUS_STYLE.get(status, ""))
    if totals.cannot_be_judged.total:
        text.append(f"; {totals.cannot_be_judged.phrase()}", style="yellow")
    if totals.key_kpis and totals.key_kpis != totals.kpis:
        key_counts = [f"{n} {status}" for status, n in totals.key_counts.items() if n]
        text.append(f"; key KPIs {totals.key_kpis}" + (f": {', '.join(key_counts)}" if key_counts else ""),
                    style="bold")
    if totals.judged_by_health:
        text.append(f"; {totals.judged_by_health} judged by the owner's health (no numbers to judge)", style="yellow")
    if totals.stale:
        text.append(f"; {totals.stale} stale", style="yellow")
    parts = [f"{n} {what}{'s' if n != 1 else ''}" for what, n in (("KPI", unread.kpis), ("file", unread.files)) if n]
    if parts:
        text.append(f". Not shown: {' and '.join(parts)} that could not be read; run `kpiframe check`", style="bold red")
    return text
