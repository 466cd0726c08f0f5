"""`--format github`: GitHub Actions workflow commands, so findings show inline on pull requests.

One line per finding::

    ::error file=kpis/sales.yaml,line=54,col=1,title=KF101 orphan-kpi::KPI 'x' supports no goal%0Ahint: ...

GitHub reads these from the job's output and attaches them to the changed lines. The file is
named relative to the root of the git repository holding the framework (see
``render/locations.py``), not to the framework root. Findings about no line (a whole file) omit ``line`` and ``col``; findings about
no file omit ``file`` and show on the run's summary page.
"""

from __future__ import annotations

from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.render.locations import FilePaths, full_message

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape the message part (after ``::``) the way the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus the ``:`` and ``,`` that delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult, cwd: Path | None = None) -> str:
    paths = FilePaths.for_ci(result.root, cwd)
    return "".join(workflow_command(f, paths(f.file)) + "\n" for f in result.findings)


def workflow_command(finding: Finding, path: str) -> str:
    properties: list[tuple[str, str]] = []
    if path:
        properties.append(("file", path))
        if finding.line:
            properties.append(("line", str(finding.line)))
            if finding.column:
                properties.append(("col", str(finding.column)))
    properties.append(("title", f"{finding.code} {finding.rule}"))
    props = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{COMMANDS[finding.severity]} {props}::{escape_data(full_message(finding))}"
