"""Write warehouse/daily_metrics.csv: the daily numbers Acme's warehouse would hold.

    python examples/acme-warehouse/make_data.py

Standard library only, and the same bytes on every run (a fixed seed), so the committed
data/actuals-pulled.csv is exactly what `kpiframe pull` makes from it. One row per day and
metric, from 2026-01-01 to 2026-09-30: columns day, metric, value.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

START, END = date(2026, 1, 1), date(2026, 9, 30)


def daily_rows():
    rng = random.Random(19)
    day = START
    while day <= END:
        t = (day - START).days / 273  # 0 at New Year, 1 at the Q3 review
        weekday = day.weekday() < 5
        opportunities = rng.randint(9, 15) if weekday else rng.randint(0, 2)
        won = sum(rng.random() < 0.20 + 0.05 * t for _ in range(opportunities))
        yield day, "new_arr_usd", round((8200 + 3400 * t) * (1.3 if weekday else 0.2) * rng.uniform(0.7, 1.3), 2)
        yield day, "opportunities", opportunities
        yield day, "deals_won", won
        yield day, "customers_active", 612 + int(40 * t)
        yield day, "customers_lost", 1 if rng.random() < 0.17 - 0.03 * t else 0
        yield day, "first_response_minutes", round(260 - 90 * t + rng.uniform(-40, 40), 1)
        day += timedelta(days=1)


def main() -> None:
    target = Path(__file__).resolve().parent / "warehouse" / "daily_metrics.csv"
    target.parent.mkdir(exist_ok=True)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["day", "metric", "value"])
        for day, metric, value in daily_rows():
            writer.writerow([day.isoformat(), metric, value])
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
