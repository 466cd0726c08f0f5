"""`--format json`: one stable JSON object for other tools. Imports nothing heavy (no rich)."""

from __future__ import annotations

import json

from kpiframe.check import CheckResult

JSON_VERSION = 1


def render_check_json(result: CheckResult, *, timings: bool = False) -> str:
    summary = result.summary()
    if timings:
        summary["timings"] = {phase: round(seconds, 4) for phase, seconds in result.timings.items()}
    payload = {
        "version": JSON_VERSION,
        "findings": [f.as_dict() for f in result.findings],
        "suppressed": [f.as_dict() for f in result.suppressed],
        "summary": summary,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
