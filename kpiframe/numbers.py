"""Numbers as people read them: plain text for tables and messages, stable values for JSON.

Every output formats numbers through these, so a value reads the same in `check`, `status`,
`tree` and `report`. No other kpiframe imports: the analysis and every renderer use it.
"""

from __future__ import annotations

import math

# Beyond this, a number is shown in scientific form (1.7e+308), never as its 309 digits.
_PLAIN_LIMIT = 1e15


def format_number(value: float | None) -> str:
    """A number as a person writes it: 1200, 12.5, 0.042, 1.7e+308; '-' when there is none.
    At most 15 digits before the point, so a table or a message stays readable."""
    if value is None or not math.isfinite(value):
        return "-"
    if abs(value) >= _PLAIN_LIMIT:
        return f"{value:.3g}"
    if value == int(value):
        return str(int(value))
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def json_number(value: float | None) -> float | None:
    """A number for JSON output: a whole number as an integer (160, however it is held), else two
    decimals (stable from run to run), but a tiny number keeps
    three significant digits instead of becoming 0, and one past 15 digits is a float (1e+300),
    as JSON readers hold numbers anyway, never 300 digits written out."""
    if value is None or isinstance(value, bool):
        return value
    if not math.isfinite(value):
        return None
    if abs(value) >= _PLAIN_LIMIT:
        return float(f"{value:.6g}")
    if value and abs(value) < 0.01:
        return float(f"{value:.3g}")
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 160, as written, not 160.0 (readings are held as floats)
    return round(value, 2) if isinstance(value, float) else value


def format_percent(value: float) -> str:
    """A share in whole percent (72%), bounded like :func:`format_number` (1.2e+31%)."""
    if not math.isfinite(value):
        return "-"
    return f"{round(value):d}%" if abs(value) < _PLAIN_LIMIT else f"{value:.3g}%"


def with_unit(value: float | None, unit: str | None) -> str:
    """A number with its unit: '12%' (no space before a percent sign), '1200 USD', '3.5 days'."""
    text = format_number(value)
    if value is None or not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def format_share(value: float) -> str:
    """'24.5%': a share of the way with at most one decimal, as a message quotes it."""
    return f"{format_number(round(value, 1))}%" if math.isfinite(value) else "-"


def format_gap(gap_units: float | None, unit: str | None) -> str:
    """'12 USD behind', '3 days ahead'; a gap in a percentage KPI is in percentage points, since
    '1.3% behind' reads as a relative gap."""
    if gap_units is None:
        return "the gap cannot be computed"
    unit = unit or ""
    shown_unit = "percentage points" if unit.strip().lower() in ("%", "percent", "pct") else unit
    side = "behind" if gap_units >= 0 else "ahead"
    return f"{with_unit(abs(gap_units), shown_unit)} {side}"
