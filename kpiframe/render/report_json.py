"""The gap report as JSON (`kpiframe report --format json`): the :class:`Report`, field by field.

Same content as the Markdown, as data for other tools: KPIs, goals and plans once each, by id,
and every section referring to them by id. Dates are ISO strings; numbers are rounded to two
decimals so that the output is stable from run to run and platform to platform.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from kpiframe.numbers import json_number
from kpiframe.report.views import Report


def render_report_json(report: Report) -> str:
    return json.dumps(_plain(report), indent=2, ensure_ascii=False) + "\n"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return json_number(value)
    return value
