"""KF4 history: targets are revised in the open, and KPIs are retired rather than deleted.

`target-relaxed`, `baseline-changed`, `direction-flipped` and `kpi-deleted` compare with the
framework at a base revision (`kpiframe check --since REV`) and are silent without one.
`revision-mismatch` and `retired-reference` judge the framework alone and always run.

Decisions:

* The comparison rules judge KPIs that are not retired: a retired KPI's bar no longer matters,
  and retiring is the documented way to drop one.
* A plan that is done or cancelled may still address a retired KPI: it is a record of what was
  done. Open plans, trade-offs and influences pointing at one get `retired-reference`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kpiframe.history.compare import Change, kpi_changes
from kpiframe.history.fields import REMOVED, REVISION_FIELD
from kpiframe.history.revisions import covering, current, describe, latest_entries, matches
from kpiframe.model import KPI, Driver
from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import documents, rule

_GOAL = """
    kind: Goal
    id: grow-revenue
    title: Grow revenue
    level: company
"""


def _kpi(*extra: str, direction: str = "increase") -> str:
    return "\n".join(["kind: KPI", "id: new-arr", "name: New ARR", "department: sales", "owner: Dana Kim",
                      "supports: [grow-revenue]", "unit: M USD", f"direction: {direction}",
                      "baseline: {value: 8, date: 2026-01-01}", *extra]) + "\n"


_TARGET_12 = "target: {value: 12, date: 2026-12-31}"
_TARGET_10 = "target: {value: 10, date: 2026-12-31}"
_REVISED = """revisions:
  - {date: 2026-06-30, field: target, from: 12, to: 10, reason: Two enterprise deals slipped to 2027, approved_by: Maya Chen}"""


def _unrevised(ctx: RuleContext, slug: str) -> Iterator[tuple[Change, KPI, KPI]]:
    """KPI changes that ``slug`` gates and that no `revisions:` entry accounts for."""
    if ctx.base is None:
        return
    for change in kpi_changes(ctx.changes_since_base):
        comparable = change.comparable
        if comparable is None or comparable.rule != slug or change.change not in comparable.gated:
            continue
        after = ctx.framework.live_kpis.get(change.subject)
        before = ctx.base.kpis.get(change.subject)
        if after is None or before is None:
            continue
        if covering(before, after, REVISION_FIELD[comparable.name]) is None:
            yield change, before, after


def _revision_hint(field: str, before: Any, after: Any, unit: str | None) -> str:
    return (f"add `revisions: [{{date, field: {field}, from: {_short(before, unit)}, to: {_short(after, unit)}, "
            f"reason, approved_by}}]` saying why and who agreed, or restore the previous value")


def _short(value: Any, unit: str | None) -> str:
    if value is None:
        return "~"
    if isinstance(value, str):
        return value
    number = getattr(value, "value", value)
    return str(number) if isinstance(number, (int, float)) else "..."


def _bar_problem(ctx: RuleContext, change: Change, before: KPI, after: KPI, what: str) -> Problem:
    field = REVISION_FIELD[change.field or ""]
    old, new = current(before, field), current(after, field)
    since = ctx.since or "the base revision"
    if change.change == REMOVED:
        message = f"{after.label}: {what} {describe(old, after.unit)} was removed since {since}"
        path: tuple = ()
    else:
        message = (f"{after.label}: {what} {change.change} since {since}, from {describe(old, before.unit)} to "
                   f"{describe(new, after.unit)}")
        path = (change.field,)
    return problem(after, message + ", with no entry in `revisions:`", path=path, key=True,
                   hint=_revision_hint(field, old, new, after.unit))


@rule(
    code="KF401", slug="target-relaxed", severity="error",
    summary="A target, target path or threshold relaxed since the base revision without a `revisions:` entry.",
    rationale="""
        Course correction is healthy; quietly lowering the bar is how frameworks rot. A target
        moved the easy way (lower where higher is better, a later date, removed) is a decision
        somebody took: the KPI's `revisions:` log says why, and who agreed. Compared with the
        revision `kpiframe check --since REV` names; silent without it.
    """,
    fix="Add a `revisions:` entry (date, field, from, to, reason, approved_by), or restore the target.",
    base=documents(_GOAL, _kpi(_TARGET_12)),
    failing=documents(_GOAL, _kpi(_TARGET_10)),
    passing=documents(_GOAL, _kpi(_TARGET_10, _REVISED)),
)
def target_relaxed(ctx: RuleContext) -> Iterator[Problem]:
    for change, before, after in _unrevised(ctx, "target-relaxed"):
        what = {"threshold": "threshold", "targets": "target path"}.get(change.field or "", "target")
        yield _bar_problem(ctx, change, before, after, what)


@rule(
    code="KF402", slug="baseline-changed", severity="warning",
    summary="A baseline changed since the base revision without a `revisions:` entry.",
    rationale="""
        Progress is measured from the baseline: moving it changes every KPI's progress and status
        without anything having improved. Rebaselining is sometimes right (a definition changed),
        and then the log says so.
    """,
    fix="Add a `revisions:` entry with `field: baseline`, or restore the baseline.",
    base=documents(_GOAL, _kpi(_TARGET_12)),
    failing=documents(_GOAL, _kpi(_TARGET_12).replace("value: 8,", "value: 7,")),
    passing=documents(_GOAL, _kpi(_TARGET_12, """revisions:
  - {date: 2026-06-30, field: baseline, from: 8, to: 7, reason: Churned accounts removed from the 2025 figure, approved_by: Maya Chen}""").replace("value: 8,", "value: 7,")),
)
def baseline_changed(ctx: RuleContext) -> Iterator[Problem]:
    for change, before, after in _unrevised(ctx, "baseline-changed"):
        yield _bar_problem(ctx, change, before, after, "baseline")


@rule(
    code="KF403", slug="direction-flipped", severity="error",
    summary="A KPI's direction flipped since the base revision without a `revisions:` entry.",
    rationale="""
        Flipping `direction` turns every judgement of the KPI around: off track becomes achieved,
        conflicts appear and vanish. It is occasionally a fix, never a detail.
    """,
    fix="Add a `revisions:` entry with `field: direction`, or restore the direction.",
    base=documents(_GOAL, _kpi(_TARGET_12)),
    failing=documents(_GOAL, _kpi("target: {value: 6, date: 2026-12-31}", direction="decrease")),
    passing=documents(_GOAL, _kpi("target: {value: 6, date: 2026-12-31}", """revisions:
  - {date: 2026-06-30, field: direction, from: increase, to: decrease, reason: The KPI counts lost ARR now, approved_by: Maya Chen}
  - {date: 2026-06-30, field: target, from: 12, to: 6, reason: The KPI counts lost ARR now, approved_by: Maya Chen}""",
                                       direction="decrease")),
)
def direction_flipped(ctx: RuleContext) -> Iterator[Problem]:
    for _change, before, after in _unrevised(ctx, "direction-flipped"):
        yield problem(after, f"{after.label}: direction flipped since {ctx.since or 'the base revision'}, from "
                             f"{before.direction} to {after.direction}, with no entry in `revisions:`",
                      path=("direction",), hint=_revision_hint("direction", before.direction, after.direction, ""))


@rule(
    code="KF404", slug="kpi-deleted", severity="warning",
    summary="A KPI that existed at the base revision is gone; retire it instead.",
    rationale="""
        Deleting a KPI deletes its history: nobody can later see what was promised and what
        came of it. `retired: {date, reason}` keeps the KPI, stops judging it, and hides it from
        the views.
    """,
    fix="Put the KPI back with `retired: {date, reason}`.",
    base=documents(_GOAL, _kpi(_TARGET_12)),
    failing=documents(_GOAL),
    passing=documents(_GOAL, _kpi(_TARGET_12, "retired: {date: 2026-06-30, reason: Replaced by net revenue retention}")),
)
def kpi_deleted(ctx: RuleContext) -> Iterator[Problem]:
    if ctx.base is None:
        return
    head = ctx.framework
    for kpi_id, kpi in ctx.base.kpis.items():
        if kpi_id in head.by_id or kpi_id in head.invalid:
            continue
        yield problem(kpi, f"{kpi.label} existed at {ctx.since or 'the base revision'} ({kpi.origin.file}) and is gone",
                      hint="retire it instead: put it back with `retired: {date, reason}`, which keeps its history")


@rule(
    code="KF405", slug="revision-mismatch", severity="error",
    summary="A KPI's latest `revisions:` entry for a field does not agree with the field's current value.",
    rationale="""
        The revision log is only worth keeping if it is true: its latest entry for a field says
        what the field became. A later change without an entry, or an entry with a typo, leaves
        the log telling a different story from the KPI.
    """,
    fix="Add an entry for the later change, or correct the entry's `to:`.",
    failing=documents(_GOAL, _kpi("target: {value: 9, date: 2026-12-31}", _REVISED)),
    passing=documents(_GOAL, _kpi(_TARGET_10, _REVISED)),
)
def revision_mismatch(ctx: RuleContext) -> Iterator[Problem]:
    for kpi in ctx.framework.kpis.values():
        for field, (index, entry) in latest_entries(kpi).items():
            now = current(kpi, field)
            if matches(entry.to, now):
                continue
            yield problem(kpi, f"{kpi.label}: the latest revision of `{field}` ({entry.date}) says it became "
                               f"{describe(entry.to, kpi.unit)}, but it is {describe(now, kpi.unit)}",
                          path=("revisions", index, "to") if entry.to is not None else ("revisions", index),
                          hint="add a `revisions:` entry for the later change, or correct this entry's `to:`")


_RETIRED = _kpi(_TARGET_12, "retired: {date: 2026-06-30, reason: Replaced by net revenue retention}")
_PLAN = """
    kind: ActionPlan
    id: outbound-push
    title: Outbound push
    addresses: [new-arr]
    status: {status}
"""


@rule(
    code="KF406", slug="retired-reference", severity="warning",
    summary="An open plan, a trade-off or an influence still points at a retired KPI.",
    rationale="""
        A retired KPI still resolves as a reference (its history stays), but nobody pursues it:
        a plan meant to move it, a trade-off settling a conflict with it, or an influence on it
        is work or reasoning aimed at nothing.
    """,
    fix="Point the plan, trade-off or influence at the KPI that replaced it, or close (done, cancelled) or remove it.",
    failing=documents(_GOAL, _RETIRED, _PLAN.format(status="in_progress")),
    passing=documents(_GOAL, _RETIRED, _PLAN.format(status="done")),
)
def retired_reference(ctx: RuleContext) -> Iterator[Problem]:
    framework = ctx.framework
    kpis = framework.kpis
    retired = {k for k, kpi in kpis.items() if kpi.retired is not None}
    if not retired:
        return

    def note(document: Any, kpi_id: str, path: tuple, how: str) -> Problem:
        day = kpis[kpi_id].retired.date  # type: ignore[union-attr]
        return problem(document, f"{document.label} {how} '{kpi_id}', which was retired on {day}", path=path,
                       related=[kpi_id], hint=f"point it at the KPI that replaced '{kpi_id}', or remove the reference")

    for plan in framework.plans.values():
        if not plan.is_open:
            continue
        for index, kpi_id in enumerate(plan.addresses):
            if kpi_id in retired:
                yield note(plan, kpi_id, ("addresses", index), "addresses")
    for tradeoff in framework.tradeoffs.values():
        for index, kpi_id in enumerate(tradeoff.between):
            if kpi_id in retired:
                yield note(tradeoff, kpi_id, ("between", index), "is between")
    sources: tuple[KPI | Driver, ...] = (*kpis.values(), *framework.drivers.values())
    for source in sources:
        if getattr(source, "retired", None) is not None:
            continue
        for index, link in enumerate(source.influences):
            if link.target in retired:
                yield note(source, link.target, ("influences", index, "target"), "influences")
