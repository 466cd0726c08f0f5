"""What `kpiframe record` prints: the KPI's status after the check-in, in one line.

Notes about files created or the configuration changed go to stderr, so stdout is exactly the
status line (easy to read in a script or a chat bot).
"""

from __future__ import annotations

from pathlib import Path

from kpiframe.numbers import format_percent, with_unit
from kpiframe.progress import ACHIEVED, AT_RISK, OFF_TRACK, ON_TRACK
from kpiframe.record import CheckIn
from kpiframe.record_health import HealthCheckIn
from kpiframe.render.locations import FilePaths
from kpiframe.status import KpiStatus, threshold_text

_JUDGED = (ON_TRACK, AT_RISK, OFF_TRACK)


def record_lines(check_in: CheckIn | None, health_in: HealthCheckIn | None, status: KpiStatus,
                 root: Path) -> tuple[str, list[str]]:
    """(one line for stdout: what was recorded, then the status; notes for stderr)."""
    heads: list[str] = []
    notes: list[str] = []
    if check_in is not None:
        head, notes = _value_head(check_in, status, root)
        heads.append(head)
    if health_in is not None:
        heads.append(_health_head(health_in, status, root, named=check_in is None))
    return f"{'; '.join(heads)}; now {state_with_health(status)}", notes


def _value_head(check_in: CheckIn, status: KpiStatus, root: Path) -> tuple[str, list[str]]:
    paths = FilePaths.for_people(root)
    kpi = status.kpi
    recorded = f"{with_unit(float(check_in.value), kpi.unit)} on {check_in.day}"
    if check_in.already is not None:
        file, line = check_in.already
        head = f"{kpi.id}: {recorded} is already recorded ({paths(file)}:{line}); nothing written"
    else:
        head = f"{kpi.id}: recorded {recorded} in {paths(check_in.csv_file)}"
    notes = []
    for created in check_in.created:
        notes.append(f"kpiframe: created {paths(_rel(root, created))}")
    if check_in.config_note:
        notes.append(f"kpiframe: {check_in.config_note}")
    return head, notes


def _health_head(check_in: HealthCheckIn, status: KpiStatus, root: Path, named: bool) -> str:
    """What a health check-in set where (and what it replaced)."""
    paths = FilePaths.for_people(root)
    said = (f"{status.kpi.id}: " if named else "") + f"health {check_in.level} on {check_in.day}"
    if check_in.note:
        said += f" ({' '.join(check_in.note.split())})"  # one line: the file keeps the note's line breaks
    if check_in.already:
        return f"{said} is already written ({paths(check_in.file)}); nothing written"
    head = f"{said} written in {paths(check_in.file)}:{check_in.line}"
    return head + (f", replacing {check_in.replaced}" if check_in.replaced else "")


def state_with_health(status: KpiStatus) -> str:
    """The status, and the owner's health when it is what course correction acts on, or disagrees."""
    text = _state(status)
    if status.from_health:
        text += f"; {status.concern} by its owner's health"
    elif status.health_disagrees and status.kpi.health is not None:
        text += f"; its owner says {status.kpi.health.level}"
    return text


def _state(status: KpiStatus) -> str:
    progress, kpi = status.progress, status.kpi
    text = progress.status
    if progress.status in _JUDGED and progress.progress_pct is not None:
        text += f", {_percent(progress.progress_pct)} of the way to the target"
        if progress.expected_pct is not None:
            text += f" ({_percent(progress.expected_pct)} expected)"
    elif progress.status == ACHIEVED and kpi.final_target is not None:
        text += f" (target {with_unit(kpi.final_target.value, kpi.unit)} by {kpi.final_target.date})"
    elif progress.basis == "threshold" and progress.latest_value is not None:
        holds = "holds" if progress.threshold_met else "does not hold"
        alone = f"; its target alone says {progress.target_status}" if progress.target_status else ""
        text += f" ({holds} its threshold {threshold_text(kpi)}{alone})"
    if status.staleness.stale:
        text += f", stale (the next number was due {status.staleness.next_due})"
    return text


def _percent(value: float) -> str:
    return format_percent(value)


def _rel(root: Path, path: Path) -> str:
    import os

    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
