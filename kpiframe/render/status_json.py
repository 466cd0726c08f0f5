"""`kpiframe status --format json`: every KPI's standing as one stable JSON object (no rich)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from kpiframe.analysis import Unread
from kpiframe.check import LoadedFramework
from kpiframe.numbers import json_number
from kpiframe.status import KpiStatus, StatusTotals

STATUS_JSON_VERSION = 1


def render_status_json(loaded: LoadedFramework, rows: list[KpiStatus], totals: StatusTotals, unread: Unread, *,
                       sort: str, department: str | None) -> str:
    payload = {
        "version": STATUS_JSON_VERSION,
        "root": str(loaded.root),
        "organization": loaded.framework.config.organization,
        "today": loaded.today.isoformat(),
        "sort": sort,
        "department": department,
        "counts": totals.counts,
        "cannot_be_judged": dataclasses.asdict(totals.cannot_be_judged),
        "unread": unread.as_dict(),
        "kpis": [status_as_dict(row) for row in rows],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def status_as_dict(row: KpiStatus) -> dict[str, Any]:
    kpi, progress, staleness = row.kpi, row.progress, row.staleness
    return {
        "id": kpi.id,
        "name": kpi.name,
        "department": kpi.department,
        "owner": kpi.owner,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "review": kpi.review,
        "file": kpi.origin.file if kpi.origin is not None else None,
        "baseline": _measurement(kpi.baseline.value, kpi.baseline.date) if kpi.baseline else None,
        "key": kpi.key,
        "target": _measurement(kpi.final_target.value, kpi.final_target.date) if kpi.final_target else None,
        "targets": [_measurement(step.value, step.date) for step in kpi.targets],
        "threshold": {"value": kpi.threshold.value} if kpi.threshold else None,
        "health": ({"level": kpi.health.level, "date": _iso(kpi.health.date), "note": kpi.health.note}
                   if kpi.health else None),
        "health_ahead": row.health_ahead,  # dated after today: not used until then
        "health_disagrees": row.health_disagrees,
        "latest": _measurement(progress.latest_value, progress.latest_date) if progress.latest_date else None,
        "status": progress.status,
        "judged_by": progress.basis,  # "target", "threshold" (it decided, even beside a target) or None
        "threshold_met": progress.threshold_met,
        "target_status": progress.target_status,  # the target alone, when the threshold decided instead
        "concern": row.concern,
        "judged_at": _iso(progress.judged_at),  # the latest actual's date (today without one)
        "progress_pct": _round(progress.progress_pct),
        "expected_pct": _round(progress.expected_pct),
        "expected_value": _round(progress.expected_value),
        "gap": _round(progress.gap_units),
        "stale": staleness.stale,
        "next_due": _iso(staleness.next_due),
        "plans": [plan.id for plan in row.plans],
        "active_plans": [plan.id for plan in row.active_plans],
        "correcting_plans": [plan.id for plan in row.correcting_plans],
    }


def _measurement(value: float | None, day: date | None) -> dict[str, Any]:
    return {"value": json_number(value), "date": _iso(day)}


def _round(value: float | None) -> float | None:
    # Two decimals: enough for a percentage or a unit value, and stable from run to run.
    return json_number(value)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
