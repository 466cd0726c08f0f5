"""The report's header (the verdict and the framework's health), its departments table and its
findings rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kpiframe.analysis import unread
from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.progress import AT_RISK, OFF_TRACK
from kpiframe.report.views import (
    BEHIND,
    ON_COURSE,
    Conflicts,
    DepartmentRow,
    Execution,
    FindingRow,
    GoalView,
    Header,
    KpiView,
    ScoreLine,
)
from kpiframe.status import Unjudged


def _share(key: str, label: str, count: int, total: int) -> ScoreLine:
    return ScoreLine(key, label, count, total, count / total * 100.0 if total else None)


def _scorecard(goals: dict[str, GoalView], kpis: dict[str, KpiView], conflicts: Conflicts,
               cannot: Unjudged) -> tuple[ScoreLine, ...]:
    rows = list(kpis.values())
    judged_goals = [g for g in goals.values() if g.level in ("company", "department")]
    unknown = (_share("unjudged_kpis", f"KPIs that {cannot.phrase().replace(f': {cannot.total}', '')}",
                      cannot.total, len(rows)),) if cannot.total else ()
    return (
        _share("traced_kpis", "KPIs traced to a company goal", sum(k.alignment == "traced" for k in rows), len(rows)),
        _share("measured_goals", "Company and department goals measured by a KPI",
               sum(g.measured for g in judged_goals), len(judged_goals)),
        _share("kpis_with_active_plan", "KPIs with an active action plan", sum(bool(k.active_plans) for k in rows),
               len(rows)),
        _share("current_kpis", "KPIs with current numbers", sum(_current(k) for k in rows), len(rows)),
        _share("on_course_kpis", "KPIs on track or achieved", sum(k.status in ON_COURSE for k in rows), len(rows)),
        *unknown,
        _share("unresolved_conflicts", "Cross-department conflicts without a trade-off",
               conflicts.cross_department - conflicts.resolved, conflicts.cross_department),
    )


def _current(kpi: KpiView) -> bool:
    """As :func:`kpiframe.status.has_current_numbers`: a KPI without numbers is not current."""
    return kpi.latest is not None and not kpi.stale


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _behind_by_health(kpis: dict[str, KpiView]) -> int:
    """KPIs behind by their owner's health: the numbers cannot judge them (so they are also counted
    as "cannot be judged"), and course correction acts on the owner's word. Said in both places."""
    return sum(1 for k in kpis.values() if k.behind and k.status not in BEHIND)


def _verdict(errors: int, warnings: int, empty: bool, kpis: dict[str, KpiView], execution: Execution,
             conflicts: Conflicts, cannot: Unjudged, key_only: bool = False,
             department: str | None = None) -> tuple[str, str]:
    """``department``: the name of the one department reported on (`--department`)."""
    # With --key the findings are still the whole framework's, but the KPIs are the key ones:
    # each count says which it is, so that "5 warnings; 1 of 4 KPIs" does not read as one scope.
    noun = "key KPI" if key_only else "KPI"
    if empty:
        return "empty", "Nothing to report yet: no framework documents were found."
    if errors:
        verdict, text = "fail", f"Fails the check with {_plural(errors, 'error')}"
        text += f" and {_plural(warnings, 'warning')}" if warnings else ""
    elif warnings:
        verdict, text = "warn", f"Passes the check with {_plural(warnings, 'warning')}"
    else:
        verdict, text = "pass", "Passes the check with no warnings"
    if key_only:
        text += " (the whole framework)"
    counts = Counter(k.status for k in kpis.values())
    behind = counts[OFF_TRACK] + counts[AT_RISK]
    by_health = _behind_by_health(kpis)
    judged = len(kpis) - cannot.total
    if not kpis:  # say which slice is empty, and why: "there are no KPIs" was false under --key
        if key_only:
            text += "; no KPI " + (f"of the department {department} " if department else "") + "is marked `key: true`"
        elif department is not None:
            text += f"; the department {department} has no KPIs"
        else:
            text += f"; there are no {noun}s"
    elif not behind and not by_health:
        if not judged:
            text += f"; no {noun} can be judged yet"
        elif cannot.total:  # never "no KPI is behind" while some cannot be judged
            text += f"; none of the {_plural(judged, noun)} that can be judged is behind"
        else:
            text += f"; no {noun} is behind ({_plural(len(kpis), noun)} in all)"
    else:
        if behind:
            parts = [f"{n} {label}" for n, label in ((counts[OFF_TRACK], "off track"), (counts[AT_RISK], "at risk"))
                     if n]
            text += f"; {behind} of {_plural(len(kpis), noun)} behind ({', '.join(parts)})"
        if by_health:
            whose = "its" if by_health == 1 else "their"
            text += (f" and {by_health} more behind by {whose} owner's health" if behind else
                     f"; {by_health} of {_plural(len(kpis), noun)} behind by {whose} owner's health")
            text += ", which the numbers cannot judge"
        uncorrected = len(execution.uncorrected)
        everyone = behind + by_health
        if not uncorrected:
            text += ", every one with a plan correcting course"
        elif uncorrected == everyone == 1:
            text += ", with nobody correcting course"
        elif uncorrected == everyone:
            text += f"; none of these {everyone} has anyone correcting course"
        else:
            text += f"; {uncorrected} of these {everyone} with nobody correcting course"
    if cannot.total:
        text += f"; {cannot.phrase()}"
        if by_health:
            text += f", {by_health} of them counted above as behind by the owner's health"
    open_conflicts = conflicts.cross_department - conflicts.resolved
    if open_conflicts:
        text += f"; {_plural(open_conflicts, 'cross-department conflict')} without a trade-off"
    return verdict, text + "."


def header_of(result: CheckResult, title: str, goals, kpis: dict[str, KpiView], execution: Execution,
              conflicts: Conflicts, cannot: Unjudged, findings: Sequence[Finding], suppressed: int,
              department: str | None = None, *, key_only: bool = False) -> Header:
    """``findings``: those the report is about (the department's, with `--department`)."""
    summary = result.summary()
    organization = result.framework.config.organization
    severities = Counter(f.severity for f in findings)
    empty = not result.framework.documents and not result.findings
    verdict, verdict_text = _verdict(severities[Severity.ERROR], severities[Severity.WARNING], empty, kpis,
                                     execution, conflicts, cannot, key_only,
                                     None if department is None else result.framework.config.department_name(department))
    missing = unread(result.framework, result.findings)
    framework = result.framework
    whole = department is None and not key_only
    return Header(
        title=title, organization=organization,
        today=result.today, verdict=verdict, verdict_text=verdict_text, files=summary["files"],
        documents=summary["documents"], findings={s.value: severities[s] for s in Severity}, suppressed=suppressed,
        unread_kpis=missing.kpis, unread_files=missing.files,
        scorecard=_scorecard(goals, kpis, conflicts, cannot), cannot_be_judged=cannot,
        key_kpis=sum(k.key for k in kpis.values()),
        key_behind=sum(1 for k in kpis.values() if k.key and k.behind),
        behind_by_health=_behind_by_health(kpis),
        department=department,
        kpis_repeated=max(summary["documents"].get("KPI", 0) - len(framework.kpis), 0) if whole else 0,
        kpis_retired=max(len(framework.kpis) - len(kpis), 0) if whole else 0,
    )


def _department_of(document) -> str | None:
    return getattr(document, "department", None)


def departments_of(result: CheckResult, kpis: dict[str, KpiView]) -> tuple[DepartmentRow, ...]:
    framework = result.framework
    seen = {k.department for k in kpis.values()} | {
        d for d in (_department_of(doc) for doc in framework.by_id.values()) if d}
    config = framework.config
    configured = list(config.department_ids or ())
    entries = {d.id: d for d in config.departments or ()}
    order = configured + sorted(seen - set(configured))
    errors: Counter = Counter()
    warnings: Counter = Counter()
    for finding in result.findings:
        department = _department_of(framework.by_id.get(finding.subject)) if finding.subject else None
        if finding.severity is Severity.ERROR:
            errors[department] += 1
        elif finding.severity is Severity.WARNING:
            warnings[department] += 1
    rows = []
    for department in order:
        mine = [k for k in kpis.values() if k.department == department]
        rows.append(DepartmentRow(
            department, len(mine), sum(k.alignment == "traced" for k in mine), sum(bool(k.active_plans) for k in mine),
            sum(_current(k) for k in mine), sum(k.status in ON_COURSE for k in mine),
            errors[department], warnings[department],
            *((entries[department].name, entries[department].owner) if department in entries else ())))
    if errors[None] or warnings[None]:
        rows.append(DepartmentRow(None, 0, 0, 0, 0, 0, errors[None], warnings[None]))
    return tuple(rows)


def finding_row(finding: Finding) -> FindingRow:
    return FindingRow(finding.code, finding.rule, finding.severity.value, finding.file, finding.line,
                      finding.column, finding.message, finding.suppressed_by)
