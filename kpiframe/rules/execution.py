"""KF3 execution: every target has a plan, plans move, numbers are current, gaps get corrected.

Progress, staleness and plan status come from :mod:`kpiframe.status` (computed once per check).

The failing/passing examples of the date-dependent rules assume today = 2026-06-30: the
example test checks every example at that date (``--today 2026-06-30``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import date

from kpiframe.model import KPI
from kpiframe.numbers import format_gap, with_unit
from kpiframe.progress import ACHIEVED, OFF_TRACK
from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import rule
from kpiframe.rules.snippets import ARR_BASELINE, ARR_TARGET, GOAL_2026, arr_kpi
from kpiframe.status import KpiStatus, standing, threshold_text, why_not_correcting

EXAMPLE_TODAY = date(2026, 6, 30)


def _docs(*parts: str) -> str:
    """One multi-document example from YAML documents written as indented blocks."""
    return "---\n".join(textwrap.dedent(part).strip("\n") + "\n" for part in parts)


_kpi, _BASELINE, _TARGET, _GOAL = arr_kpi, ARR_BASELINE, ARR_TARGET, GOAL_2026


def _plan(*extra: str, addresses: str = "addresses: [new-arr]") -> str:
    return "\n".join(["kind: ActionPlan", "id: outbound-push", "title: Outbound push",
                      "owner: Dana Kim", "department: sales", addresses, *extra])


def _days_ago(day: date, today: date) -> str:
    days = (today - day).days
    return f"{days} day{'s' if days != 1 else ''} ago"


def _target_field(kpi: KPI) -> tuple:
    """Where a finding about the KPI's dated target points: `target`, or its `targets` path."""
    return ("target",) if kpi.target is not None or not kpi.targets else ("targets",)


def _final_date(kpi: KPI) -> tuple:
    return ("target", "date") if kpi.target is not None else ("targets", len(kpi.targets) - 1, "date")


def _bar_field(kpi: KPI) -> tuple:
    """Where a finding about the KPI's standing points: its dated target, else its threshold."""
    return _target_field(kpi) if kpi.final_target is not None or kpi.threshold is None else ("threshold",)


def _judged_field(kpi: KPI, status: KpiStatus) -> tuple:
    """Where a finding about the KPI's judgement points: the threshold when it decided, else its bar."""
    return ("threshold",) if status.progress.basis == "threshold" else _bar_field(kpi)


def _beside_target(status: KpiStatus) -> str:
    """'; its target alone says on-track' when a breached threshold overrode a dated target."""
    alone = status.progress.target_status
    return f"; its target alone says {alone}" if alone is not None and status.kpi.final_target is not None else ""


@rule(
    code="KF301", slug="missing-action-plan", severity="error",
    summary="A KPI with a target, or a threshold it does not meet, that no action plan addresses (cancelled plans do not count).",
    rationale="""
        A target without a plan is the failure kpiframe exists for: a number is set, everyone
        agrees it matters, and nobody has said what will be done differently to reach it.
        Measuring is not managing. A standing threshold that is met needs no plan (holding the
        level is the plan); one that is breached does.
    """,
    fix="Add an ActionPlan with `addresses: [<kpi id>]`, an owner, a status and a due date.",
    failing=_docs(_GOAL, _kpi(_BASELINE, _TARGET), _plan("status: cancelled")),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET), _plan("status: in_progress", "due: 2026-09-30")),
)
def missing_action_plan(ctx: RuleContext) -> Iterator[Problem]:
    statuses = ctx.analysis.kpi_statuses
    for kpi in ctx.framework.live_kpis.values():
        status = statuses[kpi.id]
        if not status.needs_plan:
            continue
        final, plans = kpi.final_target, status.plans
        breached = status.progress.basis == "threshold" and status.status == OFF_TRACK
        if final is not None:
            message = f"{kpi.label} has a target ({with_unit(final.value, kpi.unit)} by {final.date})"
            if breached:
                message += (f" and does not hold its threshold ({threshold_text(kpi)}; latest "
                            f"{with_unit(status.progress.latest_value, kpi.unit)} on {status.progress.latest_date})")
        else:
            message = (f"{kpi.label} does not hold its threshold ({threshold_text(kpi)}; latest "
                       f"{with_unit(status.progress.latest_value, kpi.unit)} on {status.progress.latest_date})")
        message += " but no action plan addresses it"
        if plans:
            message += " (only cancelled ones: " + ", ".join(f"'{p.id}'" for p in plans) + ")"
        yield problem(kpi, message, path=_judged_field(kpi, status), key=True, related=[p.id for p in plans],
                      hint=f"add an ActionPlan with `addresses: [{kpi.id}]`, an owner and a due date")


@rule(
    code="KF302", slug="overdue-action-plan", severity="warning",
    summary="An action plan whose due date has passed and that is not done or cancelled.",
    rationale="""
        An overdue plan that still says in progress hides the fact that the KPI it addresses has
        lost its plan. Either the work is finished, or it needs a new date, or it was abandoned:
        each is worth saying.
    """,
    fix="Set `status: done`, give the plan a new `due` date, or cancel it and plan anew.",
    failing=_docs(_GOAL, _kpi(), _plan("status: in_progress", "due: 2026-05-31")),
    passing=_docs(_GOAL, _kpi(), _plan("status: done", "due: 2026-05-31")),
)
def overdue_action_plan(ctx: RuleContext) -> Iterator[Problem]:
    for plan in ctx.framework.plans.values():
        if plan.due is not None and plan.due < ctx.today and plan.is_open:
            yield problem(plan, f"{plan.label} was due {plan.due} ({_days_ago(plan.due, ctx.today)}) "
                                f"and is still {plan.status}", path=("due",), related=plan.addresses,
                          hint="mark it done, give it a new due date, or cancel it")


@rule(
    code="KF303", slug="overdue-milestone", severity="warning",
    summary="A milestone past its due date and not done, in a plan that is not done or cancelled.",
    rationale="""
        Milestones are how a plan shows it is moving before its final date. A missed milestone
        is the earliest warning that the plan, and the KPI behind it, will slip.
    """,
    fix="Mark the milestone `done: true`, or move its `due` date and say why in the plan.",
    failing=_docs(_GOAL, _kpi(), _plan("status: in_progress", "due: 2026-12-31", "milestones:",
                        "  - {title: Hire two SDRs, due: 2026-04-30, done: false}",
                        "  - {title: Launch campaign, due: 2026-09-30}")),
    passing=_docs(_GOAL, _kpi(), _plan("status: in_progress", "due: 2026-12-31", "milestones:",
                        "  - {title: Hire two SDRs, due: 2026-04-30, done: true}",
                        "  - {title: Launch campaign, due: 2026-09-30}")),
)
def overdue_milestone(ctx: RuleContext) -> Iterator[Problem]:
    for plan in ctx.framework.plans.values():
        if not plan.is_open:
            continue
        for index, milestone in enumerate(plan.milestones):
            if milestone.due is not None and milestone.due < ctx.today and not milestone.done:
                yield problem(plan, f"{plan.label}: milestone '{milestone.title}' was due {milestone.due} "
                                    f"({_days_ago(milestone.due, ctx.today)}) and is not done",
                              path=("milestones", index, "due"),
                              hint="mark it `done: true`, or move its due date")


@rule(
    code="KF304", slug="blocked-action-plan", severity="warning",
    summary="An action plan with status `blocked`.",
    rationale="""
        A blocked plan is a KPI nobody is moving, usually because something outside the owner's
        reach is in the way. Listing it puts the blocker in front of the people who can remove it.
    """,
    fix="Remove the blocker and set the plan back to `in_progress`, or cancel it and address the KPI with another plan.",
    failing=_docs(_GOAL, _kpi(), _plan("status: blocked", "due: 2026-09-30")),
    passing=_docs(_GOAL, _kpi(), _plan("status: in_progress", "due: 2026-09-30")),
)
def blocked_action_plan(ctx: RuleContext) -> Iterator[Problem]:
    for plan in ctx.framework.plans.values():
        if plan.status != "blocked":
            continue
        kpis = ", ".join(f"'{k}'" for k in plan.addresses)
        verb = "gets" if len(plan.addresses) == 1 else "get"
        moving = f"; {kpis} {verb} nothing from it until it is unblocked" if kpis else ""
        yield problem(plan, f"{plan.label} is blocked{moving}", path=("status",), related=plan.addresses,
                      hint="remove the blocker and set `status: in_progress`, or cancel the plan and plan anew")


@rule(
    code="KF305", slug="plan-without-kpi", severity="warning",
    summary="An action plan that addresses no KPI.",
    rationale="""
        Activity nobody measures: without a KPI there is no way to tell whether the plan worked,
        and no way to weigh it against the work the KPIs call for.
    """,
    fix="Add `addresses: [<kpi id>]` naming the KPI this plan should move (or add the KPI that measures it).",
    failing=_docs(_plan("status: in_progress", "due: 2026-09-30", addresses="addresses: []")),
    passing=_docs(_GOAL, _kpi(), _plan("status: in_progress", "due: 2026-09-30")),
)
def plan_without_kpi(ctx: RuleContext) -> Iterator[Problem]:
    for plan in ctx.framework.plans.values():
        if not plan.addresses:
            yield problem(plan, f"{plan.label} addresses no KPI: nobody can tell whether it works",
                          path=("addresses",), key=True,
                          hint="add `addresses: [<kpi id>]` with the KPI this plan should move")


@rule(
    code="KF306", slug="missing-baseline", severity="warning",
    summary="A KPI with a target but no baseline.",
    rationale="""
        Without the value the KPI started from, and when, nobody can say how far along the way to
        the target it is, or whether it is on schedule.
    """,
    fix="Add `baseline: {value: <number>, date: YYYY-MM-DD}`: the value when the target was set.",
    failing=_docs(_GOAL, _kpi(_TARGET)),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET)),
)
def missing_baseline(ctx: RuleContext) -> Iterator[Problem]:
    for kpi in ctx.framework.live_kpis.values():
        if kpi.final_target is not None and kpi.baseline is None:
            yield problem(kpi, f"{kpi.label} has a target but no baseline: progress toward it cannot be judged",
                          path=_target_field(kpi), key=True,
                          hint="add `baseline: {value: <number>, date: YYYY-MM-DD}` with the value when the target was set")


@rule(
    code="KF307", slug="target-contradicts-direction", severity="error",
    summary="A target that is not better than the baseline in the KPI's own direction.",
    rationale="""
        An `increase` KPI whose target is below its baseline (or a `decrease` KPI whose target is
        above it) plans to get worse. Almost always the direction or a number is wrong; either
        way progress would be judged backwards. A target equal to the baseline asks for no
        improvement at all.
    """,
    fix="Correct the target value, the baseline value, or the KPI's `direction`.",
    failing=_docs(_GOAL, _kpi("baseline: {value: 5, date: 2026-01-01}", "target: {value: 6, date: 2026-12-31}",
                       direction="decrease")),
    passing=_docs(_GOAL, _kpi("baseline: {value: 5, date: 2026-01-01}", "target: {value: 4, date: 2026-12-31}",
                       direction="decrease")),
)
def target_contradicts_direction(ctx: RuleContext) -> Iterator[Problem]:
    for kpi in ctx.framework.live_kpis.values():
        final = kpi.final_target
        if final is None or kpi.baseline is None or kpi.direction is None:
            continue
        target, baseline = final.value, kpi.baseline.value
        if kpi.better * (target - baseline) > 0:
            continue
        better = "higher" if kpi.direction == "increase" else "lower"
        shown_target, shown_baseline = with_unit(target, kpi.unit), with_unit(baseline, kpi.unit)
        if target == baseline:
            what = f"target {shown_target} equals the baseline: it asks for no improvement"
        else:
            what = f"target {shown_target} is {'below' if target < baseline else 'above'} the baseline {shown_baseline}"
        where = ("target", "value") if kpi.target is not None else ("targets", len(kpi.targets) - 1, "value")
        yield problem(kpi, f"{kpi.label}: {what}, but its direction is {kpi.direction} ({better} is better)",
                      path=where, hint="correct the target, the baseline, or `direction`")


@rule(
    code="KF308", slug="target-after-goal-period", severity="warning",
    summary="A target date after the end of the period of every goal the KPI supports.",
    rationale="""
        A KPI measures progress toward its goals. A target due after all of them have ended
        cannot tell anyone whether those goals were reached in time.
    """,
    fix="Bring the target date inside a supported goal's period, or extend the goal's `period.end`.",
    failing=_docs(_GOAL, _kpi(_BASELINE, "target: {value: 12, date: 2027-03-31}")),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET)),
)
def target_after_goal_period(ctx: RuleContext) -> Iterator[Problem]:
    # Only the supported goals' own periods count (not their parents'); a goal without an end
    # has no period to fall outside of, and unknown goals are dangling-reference's business.
    goals = ctx.framework.goals
    for kpi in ctx.framework.live_kpis.values():
        final = kpi.final_target
        if final is None:
            continue
        supported = [goals[g] for g in dict.fromkeys(kpi.supports) if g in goals]
        period_ends = [(g.id, g.period.end) for g in supported if g.period is not None and g.period.end is not None]
        if not supported or len(period_ends) < len(supported):
            continue
        if all(final.date > end for _, end in period_ends):
            ends = ", ".join(f"'{goal_id}' ends {end}" for goal_id, end in period_ends)
            yield problem(kpi, f"{kpi.label}: target date {final.date} is after the end of every goal "
                               f"it supports ({ends})", path=_final_date(kpi), related=[g.id for g in supported],
                          hint="bring the target date inside a goal's period, or extend the goal's period")


@rule(
    code="KF309", slug="expired-target", severity="warning",
    summary="A target whose date has passed: the KPI needs a new target, or to be retired.",
    rationale="""
        Once its date has passed a target no longer steers anything, and every judgement of
        progress against it is stale. Whether it was reached or not, the owner should set the
        next one or retire the KPI.
    """,
    fix="Set a new `target` (value and date), or remove the KPI if it is no longer tracked.",
    failing=_docs(_GOAL, _kpi("baseline: {value: 8, date: 2025-07-01}", "target: {value: 12, date: 2026-03-31}")),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET)),
)
def expired_target(ctx: RuleContext) -> Iterator[Problem]:
    statuses = ctx.analysis.kpi_statuses
    for kpi in ctx.framework.live_kpis.values():
        final = kpi.final_target
        if final is None or final.date >= ctx.today:
            continue
        progress = statuses[kpi.id].progress
        if progress.latest_value is None:
            outcome = "with no actual to show whether it was reached"
        else:
            latest = f"latest {with_unit(progress.latest_value, kpi.unit)} on {progress.latest_date}"
            reached = "it was achieved" if progress.status == ACHIEVED else "it was not reached"
            outcome = f"and {reached} ({latest})"
        yield problem(kpi, f"{kpi.label}: the target date {final.date} has passed {outcome}; "
                           "set a new target or retire the KPI", path=_final_date(kpi),
                      hint="set a new `target` (value and date), or remove the KPI if it is no longer tracked")


@rule(
    code="KF311", slug="off-track-kpi", severity="warning",
    summary="A KPI off track at its last reading: progress below expected then by more than the at-risk tolerance, "
            "or a threshold it does not hold.",
    rationale="""
        Expected progress is the share of the time from baseline to target that had passed when
        the latest number was measured: a quarterly number read in March is judged against
        March, not against today (how old it is, is stale-kpi's business). A KPI further behind
        than the `at_risk` tolerance (25 percentage points by default) will not reach its target
        without a change of course. A threshold is a floor: a latest number that does not hold
        it is off track, even when the KPI also has a dated target it is on course for.
    """,
    fix="Act on the gap: update or add the action plan that addresses the KPI, or revise the target with its owner.",
    failing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "actuals:", "  - {date: 2026-06-15, value: 8.4}")),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "actuals:", "  - {date: 2026-06-15, value: 9.8}")),
)
def off_track_kpi(ctx: RuleContext) -> Iterator[Problem]:
    for status in ctx.analysis.kpi_statuses.values():
        if status.kpi.retired is not None:
            continue
        if status.status != OFF_TRACK:
            continue
        kpi, progress = status.kpi, status.progress
        if progress.basis == "threshold":
            yield problem(kpi, f"{kpi.label} is off track: latest {with_unit(progress.latest_value, kpi.unit)} on "
                               f"{progress.latest_date} does not hold its threshold ({threshold_text(kpi)}): "
                               f"{format_gap(progress.gap_units, kpi.unit or '')}{_beside_target(status)}",
                          path=("threshold",), key=True, related=[p.id for p in status.plans],
                          hint="act on the breach through the KPI's action plan, or revise the threshold with its owner")
            continue
        yield problem(kpi, f"{kpi.label} is off track {standing(status)}", path=_target_field(kpi), key=True,
                      related=[p.id for p in status.plans],
                      hint="act on the gap through the KPI's action plan, or revise the target with its owner")


@rule(
    code="KF312", slug="uncorrected-off-track", severity="error",
    summary="An off-track or at-risk KPI (by its numbers, or by its owner's health when the numbers cannot judge it) "
            "with no active plan whose due date is still ahead: nobody is correcting course.",
    rationale="""
        Course correction made checkable. A KPI that is behind needs someone acting on the gap:
        a plan that is `planned` or `in_progress` and whose due date has not passed. Plans that
        are done, cancelled, blocked, overdue, or have no due date do not count. A breached
        threshold counts as off-track. When the numbers cannot judge the KPI (no target,
        threshold or actuals), the owner's `health` does: attention as at-risk, problem as
        off-track.
    """,
    fix="Add a plan that addresses the KPI (status planned or in_progress, with a due date), or renew an existing one.",
    failing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "actuals:", "  - {date: 2026-06-15, value: 8.4}"),
                  _plan("status: done", "due: 2026-03-31")),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "actuals:", "  - {date: 2026-06-15, value: 8.4}"),
                  _plan("status: in_progress", "due: 2026-09-30")),
)
def uncorrected_off_track(ctx: RuleContext) -> Iterator[Problem]:
    for status in ctx.analysis.kpi_statuses.values():
        if not status.uncorrected:
            continue
        kpi, concern = status.kpi, status.concern
        if status.plans:
            why = "; ".join(why_not_correcting(plan, ctx.today) for plan in status.plans)
        else:
            why = "no action plan addresses it"
        if status.from_health and kpi.health is not None:
            said = kpi.health.level + (f" on {kpi.health.date}" if kpi.health.date else "")
            what, where = f"{concern} by its owner's health ({said})", ("health", "level")
        else:
            what, where = f"{concern} at its last reading ({status.progress.judged_at})", _judged_field(kpi, status)
            if status.progress.basis == "threshold":
                what += f" against its threshold ({threshold_text(kpi)})"
        yield problem(kpi, f"{kpi.label} is {what} and nobody is correcting course: {why}",
                      path=where, key=True, related=[p.id for p in status.plans],
                      hint="add or renew a plan addressing it: status planned or in_progress, "
                           "with a due date that has not passed")

