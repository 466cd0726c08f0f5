"""What the generator's parts share: the year the framework describes, sizes, and small helpers
for numbers, dates and ids."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Any

from benchmarks.generator.yaml_writer import Lit

MIN_KPIS = 50
DEFAULT_SEED = 1

AS_OF = date(2026, 9, 30)
YEAR_START = date(2026, 1, 1)
YEAR_END = date(2026, 12, 31)

KPIS_PER_FILE = (7, 12)  # files hold 7 to 12 KPIs, 9.5 on average
DRIVERS_PER_FILE = 25
TRADEOFFS_PER_FILE = 20
CLUSTER_SIZE = 40
DENSE_CLUSTER_SIZE = 1000
DENSE_LINKS_PER_NODE = 10
DENSE_HARMFUL_SHARE = 0.01
UNKNOWN_DEPARTMENT = "strategy-office"
MAIL_DOMAIN = "northwind.example"


def rounding_step(width: float) -> float:
    """A rounding step ~1/100 of the baseline-to-target width, so rounding never flips a status."""
    return 10.0 ** math.floor(math.log10(abs(width) / 100.0))


def fmt(value: float, step: float) -> Lit:
    if step >= 1:
        return Lit(str(int(round(value / step) * step)))
    decimals = min(4, round(-math.log10(step)))
    return Lit(f"{value:.{decimals}f}")


def month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def elapsed_share(start: date, end: date, when: date) -> float:
    span = (end - start).days
    return min(1.0, max(0.0, (when - start).days / span)) if span > 0 else 1.0


def share(kpis: int, per: int) -> int:
    """How many of one deliberate defect: at least one, then one per `per` KPIs."""
    return max(1, kpis // per)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def typo(identifier: str, taken: dict[str, Any]) -> str:
    """A near miss of an existing id (so did-you-mean has something to suggest)."""
    for position in range(len(identifier) - 2, 0, -1):
        if identifier[position] in "-.":
            continue
        candidate = identifier[:position] + identifier[position + 1:]
        if candidate not in taken:
            return candidate
    return identifier + "-old"
