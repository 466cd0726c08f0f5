"""`--format gitlab`: GitLab Code Quality JSON, shown in merge request widgets and diffs.

A JSON list, one object per finding::

    {"description": "...", "check_name": "KF101 orphan-kpi", "fingerprint": "<sha256>",
     "severity": "major", "location": {"path": "kpis/sales.yaml", "lines": {"begin": 54}}}

Severity mapping (GitLab has info, minor, major, critical, blocker): error -> ``major``,
warning -> ``minor``, info -> ``info``. ``critical`` and ``blocker`` are left for security
and build breakage; whether a kpiframe error blocks the pipeline is the exit code's job
(``--fail-on``), as with other linters' Code Quality reports.

Paths are relative to the root of the git repository holding the framework (``render/locations.py``). A finding about a
whole file is placed on line 1; one about no file at all, on the configuration file.
The fingerprint does not depend on line numbers, so a finding keeps its identity when lines
above it move.
"""

from __future__ import annotations

import json
from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.render.locations import FilePaths, fingerprints, full_message

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render_gitlab(result: CheckResult, cwd: Path | None = None) -> str:
    paths = FilePaths.for_ci(result.root, cwd)
    fallback = paths(result.framework.config_file or ".")
    ids = fingerprints(result.findings, result, paths.base)
    issues = [_issue(f, paths(f.file) or fallback, fid) for f, fid in zip(result.findings, ids)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(f: Finding, path: str, fingerprint: str) -> dict:
    return {
        "description": full_message(f),
        "check_name": f"{f.code} {f.rule}",
        "fingerprint": fingerprint,
        "severity": SEVERITIES[f.severity],
        "location": {"path": path, "lines": {"begin": max(f.line, 1)}},
    }
