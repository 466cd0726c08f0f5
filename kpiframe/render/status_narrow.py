"""`kpiframe status` in a terminal too narrow for the whole table: every id and status whole.

Decisions: rich's ``Table`` squeezes every column to fit, so at 60 columns each status was cut to
``o…`` and on-track read like off-track. Here the least important columns are dropped instead
(:data:`DROP_ORDER`), and the status is a short word with a symbol, so it reads without colour
(``✗ off``, ``! risk``, ``✓ ok``, ``◆ met``, ``? no data``; ``(health)`` when the owner's health
judged a KPI that has no numbers to judge). A legend under the table says what each symbol means.
Only a terminal gets this layout; a pipe or a file always gets every column.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from kpiframe.progress import ACHIEVED, AT_RISK, NO_BASELINE, NO_DATA, NO_DIRECTION, NO_TARGET, OFF_TRACK, ON_TRACK
from kpiframe.render.status_table import STATUS_STYLE
from kpiframe.render.styled import LinePrinter
from kpiframe.status import KpiStatus

# (symbol, short word) of every status; a status added later shows as '? <status>' until it is named here.
SHORT_STATUS = {
    OFF_TRACK: ("✗", "off"), AT_RISK: ("!", "risk"), ON_TRACK: ("✓", "ok"), ACHIEVED: ("◆", "met"),
    NO_DATA: ("?", "no data"), NO_TARGET: ("?", "no target"), NO_BASELINE: ("?", "no baseline"),
    NO_DIRECTION: ("?", "no direction"),
}
LEGEND = ((OFF_TRACK, "✗ off-track"), (AT_RISK, "! at-risk"), (ON_TRACK, "✓ on-track"), (ACHIEVED, "◆ achieved"))
HEALTH_MARK = " (health)"
MIN_KPI_WIDTH = 12  # narrower than this, an id folded over many lines reads worse than rich's table
# Dropped in this order until the table fits; the KPI and its status always stay (a long id folded).
DROP_ORDER = ("Unit", "Baseline", "Department", "Progress / expected", "Health", "Active plans", "Target", "Latest")


def short_status(row: KpiStatus) -> Text:
    concern = row.concern
    symbol, word = SHORT_STATUS.get(concern, ("?", concern))
    text = Text(f"{symbol} {word}", style=STATUS_STYLE.get(concern, "dim"))
    if row.from_health:
        text.append(HEALTH_MARK, style="dim")
    return text


def print_narrow_table(console: Console, title: str, columns: tuple[tuple[str, str], ...],
                       cells: list[list[Text | str]], rows: list[KpiStatus], sections: list[bool]) -> bool:
    """The table with the columns that fit ``console.width``, an id too long for it folded onto the
    next lines; False (nothing printed) when even that leaves the ids under ``MIN_KPI_WIDTH`` cells.
    A tab or line break in a cell is shown as a space: one odd unit must not turn the layout off."""
    status_at = [name for name, _ in columns].index("Status")
    texts = []
    for row, row_cells in zip(rows, cells):
        converted = [_one_line(Text(cell) if isinstance(cell, str) else cell) for cell in row_cells]
        converted[status_at] = short_status(row)
        texts.append(converted)
    widths = [max([cell_len(name)] + [cell_len(row[i].plain) for row in texts]) for i, (name, _) in enumerate(columns)]
    kept = list(range(len(columns)))
    names = [name for name, _ in columns]
    for name in DROP_ORDER:
        if _total(widths, kept) <= console.width:
            break
        if name in names:
            kept.remove(names.index(name))
    kpi_at = names.index("KPI")
    if _total(widths, kept) > console.width:  # only the KPI and its status are left: fold long ids
        widths[kpi_at] -= _total(widths, kept) - console.width
        if widths[kpi_at] < MIN_KPI_WIDTH:
            return False
    console.print(Text(title, style="table.title"))
    console.print()
    printer = LinePrinter(console)
    header = [Text(columns[i][0], style="bold") for i in kept]
    justify = [columns[i][1] for i in kept]
    printer.raw(_line(printer, header, [widths[i] for i in kept], justify))
    printer.raw(" " + "─" * (_total(widths, kept) - 2))
    kept_widths = [widths[i] for i in kept]
    for row_texts, end_section in zip(texts, sections):
        kpi = row_texts[kpi_at]
        pieces = [kpi] if cell_len(kpi.plain) <= widths[kpi_at] else kpi.wrap(console, widths[kpi_at], overflow="fold")
        for n, piece in enumerate(pieces):  # a long id goes on under itself, whole
            shown = [piece if i == kpi_at else row_texts[i] if n == 0 else Text() for i in kept]
            printer.raw(_line(printer, shown, kept_widths, justify))
        if end_section:
            printer.blank()
    printer.blank()
    for line in _legend(rows, console.width):
        printer.print(line)
    printer.flush()
    return True


def _one_line(text: Text) -> Text:
    """``text`` with each tab and line break as a space (same length, so its styles stay in place)."""
    plain = text.plain
    if "\t" not in plain and "\n" not in plain:
        return text
    flat = text.copy()
    flat.plain = plain.replace("\t", " ").replace("\n", " ")
    return flat


def _total(widths: list[int], kept: list[int]) -> int:
    return sum(widths[i] for i in kept) + 3 * (len(kept) - 1) + 2  # 3 between columns, 1 at each edge


def _line(printer: LinePrinter, texts: list[Text], widths: list[int], justify: list[str]) -> str:
    parts = [" "]
    for i, (text, width) in enumerate(zip(texts, widths)):
        pad = " " * (width - cell_len(text.plain))
        rendered = printer.render(text)
        parts.append(pad + rendered if justify[i] == "right" else rendered + pad)
        parts.append("   " if i < len(texts) - 1 else " ")
    return "".join(parts).rstrip(" ")


def _legend(rows: list[KpiStatus], width: int) -> list[Text]:
    """What the symbols shown mean (those only), an item never split across lines."""
    concerns = {row.concern for row in rows}
    items = [Text(words, style=STATUS_STYLE[status]) for status, words in LEGEND if status in concerns]
    if concerns - {status for status, _ in LEGEND}:
        items.append(Text("? no data to judge", style="dim"))
    if any(row.from_health for row in rows):
        items.append(Text("(health): judged by the owner's health", style="dim"))
    lines: list[Text] = []
    for item in items:
        if lines and cell_len(lines[-1].plain) + 2 + cell_len(item.plain) <= width:
            lines[-1].append("  ")
            lines[-1].append_text(item)
        else:
            lines.append(Text().append_text(item))  # the item's style on the item, not on the line
    return lines
