"""`--format github`: GitHub Actions workflow commands, so findings show inline on pull requests.

One line per finding::

    ::error file=kpis/sales.yaml,line=54,col=1,title=KF101 orphan-kpi::KPI 'x' supports no goal%0Ahint: ...

GitHub reads these from the job's output and attaches them to the changed lines. The file is
named relative to the root of the git repository holding the framework (see
``render/locations.py``), not to the framework root. Findings about no line (a whole file)
omit ``line`` and ``col``; findings about no file omit ``file`` and show on the run's summary
page.

GitHub turns at most 10 error, 10 warning and 10 notice commands of a step into annotations
(the first ones printed) and drops the rest without a word. So errors come first, then
warnings, then notices, each in file order; and when a kind passes its limit, one notice,
printed before any other notice so that it is always shown, says how many findings are not
annotated and where they are: every command is still in the step's log, and with
``GITHUB_STEP_SUMMARY`` set the CLI also appends :func:`step_summary` (the gap report's findings
table) to the job summary.
"""

from __future__ import annotations

from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.render.locations import FilePaths, full_message

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
ANNOTATIONS_PER_KIND = 10  # per step, for each of error, warning and notice
_KIND_WORDS = {Severity.ERROR: ("error", "errors"), Severity.WARNING: ("warning", "warnings"),
               Severity.INFO: ("info finding", "info findings")}


def escape_data(text: str) -> str:
    """Escape the message part (after ``::``) the way the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus the ``:`` and ``,`` that delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult, cwd: Path | None = None, *, summary: bool = False) -> str:
    """Every finding as a workflow command, most severe first. ``summary``: the full list also
    goes to the job summary (the notice about findings past GitHub's limits says so)."""
    paths = FilePaths.for_ci(result.root, cwd)
    by_severity = {s: [f for f in result.findings if f.severity is s] for s in SEVERITY_ORDER}
    lines = [workflow_command(f, paths(f.file))
             for s in (Severity.ERROR, Severity.WARNING) for f in by_severity[s]]
    notice = limits_notice({s: len(found) for s, found in by_severity.items()}, summary)
    if notice:
        lines.append(notice)
    lines += [workflow_command(f, paths(f.file)) for f in by_severity[Severity.INFO]]
    return "".join(line + "\n" for line in lines)


def limits_notice(counts: dict[Severity, int], summary: bool) -> str:
    """The notice saying how many findings GitHub will not annotate ('' when none)."""
    over_info = counts[Severity.INFO] > ANNOTATIONS_PER_KIND
    if not over_info and all(counts[s] <= ANNOTATIONS_PER_KIND for s in (Severity.ERROR, Severity.WARNING)):
        return ""
    # this notice takes one of the notice annotations, so one more info finding goes unshown
    shown = {Severity.ERROR: ANNOTATIONS_PER_KIND, Severity.WARNING: ANNOTATIONS_PER_KIND,
             Severity.INFO: ANNOTATIONS_PER_KIND - 1}
    hidden = [_count(counts[s] - shown[s], s) for s in SEVERITY_ORDER if counts[s] > shown[s]]
    found = [_count(counts[s], s) for s in SEVERITY_ORDER if counts[s]]
    where = "in this step's log and in the job summary" if summary else "in this step's log"
    message = (f"kpiframe found {_join(found)}. GitHub shows at most {ANNOTATIONS_PER_KIND} error, "
               f"{ANNOTATIONS_PER_KIND} warning and {ANNOTATIONS_PER_KIND} notice annotations per step, "
               f"so {_join(hidden)} are not annotated: every finding is listed {where}.")
    return f"::notice title={escape_property('kpiframe: more findings than GitHub annotates')}::{escape_data(message)}"


def _count(n: int, severity: Severity) -> str:
    one, many = _KIND_WORDS[severity]
    return f"{n} {one if n == 1 else many}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


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


def step_summary(result: CheckResult) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: the counts, then every finding (suppressed ones
    marked) in the same table as the gap report's appendix."""
    from kpiframe.render.report_markdown import findings_table
    from kpiframe.report.model import finding_row

    counts = {s: result.count(s) for s in SEVERITY_ORDER}
    found = ", ".join(_count(counts[s], s) for s in SEVERITY_ORDER)
    if result.suppressed:
        found += f", {len(result.suppressed)} suppressed"
    # a blank line first: what an earlier step left may end in a paragraph or a table
    lines = ["", "### kpiframe check", "", f"{found} (today {result.today.isoformat()}).", ""]
    rows = [finding_row(f) for f in (*result.findings, *result.suppressed)]
    lines += findings_table(rows) if rows else ["No findings."]
    return "\n".join(lines) + "\n"
