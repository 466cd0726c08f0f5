"""`--format json`: one stable JSON object for other tools. Imports nothing heavy (no rich)."""

from __future__ import annotations

from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding
from kpiframe.render.json_text import dumps_indented
from kpiframe.render.locations import FilePaths

JSON_VERSION = 1


def render_check_json(result: CheckResult, *, timings: bool = False, cwd: Path | None = None) -> str:
    """``file`` stays relative to the framework root (stable across machines); ``path`` is the
    file as the text output prints it, relative to the working directory."""
    paths = FilePaths.for_people(result.root, cwd)
    summary = result.summary()
    if timings:
        summary["timings"] = {phase: round(seconds, 4) for phase, seconds in result.timings.items()}
    payload = {
        "version": JSON_VERSION,
        "findings": [_finding(f, paths) for f in result.findings],
        "suppressed": [_finding(f, paths) for f in result.suppressed],
        "summary": summary,
    }
    return dumps_indented(payload) + "\n"


def _finding(finding: Finding, paths: FilePaths) -> dict:
    data = {}
    for key, value in finding.as_dict().items():
        data[key] = value
        if key == "file":  # `path` right after `file`, where a reader looks for it
            data["path"] = paths(finding.file)
    return data
