"""Rules for real registers: what a KPI leaves out (direction, owner, unit), target paths that
go the wrong way, and an owner's health that the numbers contradict.

A register imported from a spreadsheet or a handbook often does not say which way is better,
who answers for a KPI or what it is counted in. kpiframe does not guess: the field stays out
and one of these rules says what that costs.

Decisions:

* missing-direction (KF016), missing-owner (KF017) and missing-unit (KF018) are schema-family
  rules (the field is optional in the format, its absence is what they report); they skip
  retired KPIs, which nobody judges any more.
* target-path-reverses (KF314) compares each step of `targets:` with the one before it (the
  first with the baseline, when there is one); a step that goes against `direction` is
  reported once per step. A path that dips on purpose (a seasonal low) is suppressed with an
  `ignore:` entry and its reason, like any intended exception.
* health-disagrees (KF315) compares the owner's `health` with the numbers only when the numbers
  judge the KPI: okay against off-track, problem against on-track or achieved.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from kpiframe.model import KPI
from kpiframe.numbers import with_unit
from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import documents, rule
from kpiframe.rules.snippets import COMPANY_GOAL
from kpiframe.status import threshold_text

_KPI_HEAD = """
    kind: KPI
    id: new-arr
    name: New ARR
    department: sales
    supports: [grow-revenue]
"""


def _place(kpi: KPI, field: str) -> tuple:
    """The field itself when it is written empty (`owner: ~`), else the KPI's name."""
    origin = kpi.origin
    # The document's data is released after validation; its key positions remain.
    written = origin is not None and origin.position((field,), key=True) != origin.position(())
    return (field,) if written else ("name",)


def _kpi(*lines: str) -> str:
    return _KPI_HEAD + "".join(f"    {line}\n" for line in lines)


@rule(
    code="KF016", slug="missing-direction", severity="warning",
    summary="A KPI without `direction`: which way is better is unknown, so progress and conflicts are not "
            "checked for it.",
    rationale="""
        Whether a KPI is better higher or lower decides its progress, whether a threshold is
        met, and which influences make two departments work against each other. A guessed
        direction (every KPI `increase`) makes Cost per Hire better when it rises and computes
        conflicts on guesses. kpiframe leaves such a KPI out of progress and the conflict search,
        and says so here.
    """,
    fix="Add `direction: increase` (higher is better) or `direction: decrease` (lower is better).",
    failing=documents(COMPANY_GOAL, _kpi("owner: Dana Kim", "unit: USD")),
    passing=documents(COMPANY_GOAL, _kpi("owner: Dana Kim", "unit: USD", "direction: increase")),
)
def missing_direction(ctx: RuleContext) -> Iterator[Problem]:
    for kpi in ctx.framework.live_kpis.values():
        if kpi.direction is None:
            yield problem(kpi, f"{kpi.label} has no direction: kpiframe cannot tell which way is better; "
                               "progress and conflicts are not checked for it", path=_place(kpi, "direction"), key=True,
                          hint="add `direction: increase` (higher is better) or `direction: decrease`")


@rule(
    code="KF017", slug="missing-owner", severity="warning",
    summary="A KPI without `owner`: nobody answers for it.",
    rationale="""
        A KPI is managed by a person who answers for it in reviews, sets its plans, and agrees
        its trade-offs. Without one, a gap has nobody to act on it.
    """,
    fix="Add `owner:` with the name (or role) of the person who answers for the KPI.",
    failing=documents(COMPANY_GOAL, _kpi("unit: USD", "direction: increase")),
    passing=documents(COMPANY_GOAL, _kpi("owner: Dana Kim", "unit: USD", "direction: increase")),
)
def missing_owner(ctx: RuleContext) -> Iterator[Problem]:
    for kpi in ctx.framework.live_kpis.values():
        if kpi.owner is None:
            yield problem(kpi, f"{kpi.label} has no owner: nobody answers for it", path=_place(kpi, "owner"), key=True,
                          hint="add `owner:` with the person (or role) who answers for the KPI")


@rule(
    code="KF018", slug="missing-unit", severity="info",
    summary="A KPI without `unit`: its numbers are shown bare.",
    rationale="""
        "12" could be percent, days or millions. The unit is what makes a number readable in a
        report and comparable with its target.
    """,
    fix="Add `unit:` (for example %, USD, days, ms).",
    failing=documents(COMPANY_GOAL, _kpi("owner: Dana Kim", "direction: increase")),
    passing=documents(COMPANY_GOAL, _kpi("owner: Dana Kim", "unit: USD", "direction: increase")),
)
def missing_unit(ctx: RuleContext) -> Iterator[Problem]:
    for kpi in ctx.framework.live_kpis.values():
        if kpi.unit is None:
            yield problem(kpi, f"{kpi.label} has no unit: its numbers are shown bare", path=_place(kpi, "unit"),
                          key=True,
                          hint="add `unit:` (for example %, USD, days)")


_PATH_KPI = ("owner: Dana Kim", "unit: M USD", "direction: increase", "baseline: {value: 8, date: 2026-01-01}")


@rule(
    code="KF314", slug="target-path-reverses", severity="info",
    summary="A step of a target path (`targets:`) that goes against the KPI's direction.",
    rationale="""
        A target path plans the way to the final target. A step that plans to get worse (lower
        for an `increase` KPI) is sometimes intended, a seasonal low, and often a typo. Saying
        so lets the owner correct it or suppress this finding with the reason.
    """,
    fix="Correct the step's value, or suppress this finding on the KPI with `ignore:` and the reason (a seasonal dip).",
    failing=documents(COMPANY_GOAL, _kpi(*_PATH_KPI, "targets:", "  - {value: 10, date: 2026-06-30}",
                                         "  - {value: 9, date: 2026-09-30}", "  - {value: 12, date: 2026-12-31}")),
    passing=documents(COMPANY_GOAL, _kpi(*_PATH_KPI, "targets:", "  - {value: 9, date: 2026-06-30}",
                                         "  - {value: 10, date: 2026-09-30}", "  - {value: 12, date: 2026-12-31}")),
)
def target_path_reverses(ctx: RuleContext) -> Iterator[Problem]:
    for kpi in ctx.framework.live_kpis.values():
        if not kpi.targets or kpi.direction is None:
            continue
        steps = [("the baseline", kpi.baseline.value)] if kpi.baseline else []
        steps += [(f"step {i + 1}", step.value) for i, step in enumerate(kpi.targets)]
        for index, ((before, v0), (_, v1)) in enumerate(itertools.pairwise(steps)):
            if kpi.better * (v1 - v0) >= 0:
                continue
            position = index if kpi.baseline is not None else index + 1  # the step judged, in `targets`
            worse = "lower" if kpi.better > 0 else "higher"
            yield problem(kpi, f"{kpi.label}: target path step {position + 1} ({with_unit(v1, kpi.unit)} by "
                               f"{kpi.targets[position].date}) is {worse} than {before} "
                               f"({with_unit(v0, kpi.unit)}), but its direction is {kpi.direction}",
                          path=("targets", position, "value"),
                          hint="correct the step, or suppress this finding with `ignore:` and the reason")


@rule(
    code="KF315", slug="health-disagrees", severity="info",
    summary="The owner's `health` and the numbers disagree: okay while off track, or problem while on track.",
    rationale="""
        The owner's judgement and the numbers are two views of one KPI. When the owner says okay
        and the numbers say off track, either the target no longer reflects what matters or
        the owner has not looked; when the owner says problem and the numbers are on track, the
        numbers may be measuring the wrong thing. Either way the review should talk about it.
    """,
    fix="Talk with the owner: update `health`, or the target, threshold or actuals that no longer tell the truth.",
    failing=documents(COMPANY_GOAL, _kpi("owner: Dana Kim", "unit: '%'", "direction: increase",
                                         "threshold: {value: 95}", "health: {level: okay, date: 2026-06-01}",
                                         "actuals:", "  - {date: 2026-06-15, value: 91}")),
    passing=documents(COMPANY_GOAL, _kpi("owner: Dana Kim", "unit: '%'", "direction: increase",
                                         "threshold: {value: 95}", "health: {level: okay, date: 2026-06-01}",
                                         "actuals:", "  - {date: 2026-06-15, value: 96}")),
)
def health_disagrees(ctx: RuleContext) -> Iterator[Problem]:
    for status in ctx.analysis.kpi_statuses.values():
        kpi = status.kpi
        if kpi.retired is not None or kpi.health is None or not status.health_disagrees:
            continue
        progress = status.progress
        against = f"threshold {threshold_text(kpi)}" if progress.basis == "threshold" else "its target"
        yield problem(kpi, f"{kpi.label}: its owner says {kpi.health.level} but the numbers say {status.status} "
                           f"(latest {with_unit(progress.latest_value, kpi.unit)} on {progress.latest_date}, "
                           f"against {against})", path=("health", "level"),
                      hint="update `health`, or the target or actuals that no longer tell the truth")
