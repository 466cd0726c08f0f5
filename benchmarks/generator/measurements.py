"""Baselines, targets and actuals that put each KPI in a chosen progress status at AS_OF.

Mixed into FrameworkBuilder (builder.py), whose random generator they draw from.
"""

from __future__ import annotations

from datetime import date, timedelta

from benchmarks.generator.common import AS_OF, YEAR_END, YEAR_START, elapsed_share, fmt, month_end, rounding_step
from benchmarks.generator.model import Kpi


class Measurements:
    """How each KPI is measured; part of FrameworkBuilder."""

    def _measurements(self, kpi: Kpi) -> None:
        """Baseline, target and actuals that put the KPI in a chosen progress status at AS_OF."""
        rng, template = self.rng, kpi.template
        if kpi.role == "stale":
            kpi.review = "monthly"  # its last number is from May: four months late for a monthly KPI
        base_date = date(2026, 1, 5) if kpi.review == "weekly" else YEAR_START
        target_date = rng.choice((YEAR_END, YEAR_END, YEAR_END, date(2026, 12, 15), date(2026, 11, 30)))
        if kpi.role == "expired":
            base_date, target_date = date(2025, 7, 1), date(2026, 6, 30)
        elif kpi.role == "after-period":
            target_date = date(2027, 6, 30)
        baseline = rng.uniform(template.low, template.high)
        sign = 1 if template.direction == "increase" else -1
        target = baseline * (1 + sign * template.change)
        step = rounding_step(target - baseline)
        baseline = float(fmt(baseline, step))
        target = float(fmt(target, step))
        if kpi.role == "contradicts":
            target = float(fmt(baseline - (target - baseline), step))

        expected = elapsed_share(base_date, target_date, AS_OF)
        status = self._status_for(kpi.role)
        progress = {
            "achieved": 1.0 + rng.uniform(0.0, 0.12),
            "on-track": min(0.97, expected + rng.uniform(-0.05, 0.12)),
            "at-risk": expected - rng.uniform(0.13, 0.22),
            "off-track": expected - rng.uniform(0.32, 0.5),
        }[status]
        if kpi.role == "contradicts":
            progress = rng.uniform(0.1, 0.3)  # drifting away from the (wrong-way) target

        dates = self._actual_dates(kpi, base_date)
        last_share = elapsed_share(base_date, target_date, dates[-1]) if dates else 1.0
        for position, when in enumerate(dates):
            if position == len(dates) - 1:
                point = progress
            else:
                point = progress * elapsed_share(base_date, target_date, when) / max(last_share, 1e-9)
                point += rng.uniform(-0.02, 0.02)
            kpi.actuals.append((when, fmt(baseline + (target - baseline) * point, step)))
        kpi.baseline = None if kpi.role == "missing-baseline" else (fmt(baseline, step), base_date)
        kpi.target = (fmt(target, step), target_date)

    def _status_for(self, role: str) -> str:
        forced = {"uncorrected": "off-track", "missing-plan": "on-track", "stale": "on-track",
                  "expired": "achieved"}
        if role in forced:
            return forced[role]
        draw = self.rng.random()
        if draw < 0.10:
            return "achieved"
        if draw < 0.78:
            return "on-track"
        if draw < 0.95:
            return "at-risk"
        return "off-track"

    def _actual_dates(self, kpi: Kpi, base_date: date) -> list[date]:
        if kpi.role == "stale":
            return [month_end(2026, m) for m in range(1, 6)]  # nothing since May
        if kpi.review == "weekly":
            last_monday = AS_OF - timedelta(days=AS_OF.weekday())
            return [last_monday - timedelta(weeks=w) for w in range(6, -1, -1)]
        if kpi.review == "monthly":
            return [month_end(2026, m) for m in range(2, 9)]
        if kpi.review == "quarterly":
            return [date(2026, 3, 31), date(2026, 6, 30)]
        return [date(2026, 6, 30)] if base_date < date(2026, 6, 30) else []
