"""KF3 execution rules about when numbers and judgements are dated: too late (stale-kpi) or after
today (future-actual, future-health).

Split out of execution.py, which was past 450 lines. The examples assume today = 2026-06-30,
like execution's (the example test checks every example at that date).

Decisions:

* A health dated after today is treated like an actual dated after today: kpiframe does not
  trust it yet (course correction and health-disagrees read the health as it stands at today,
  :attr:`kpiframe.status.KpiStatus.health`), and says so at its date instead of dropping it
  silently. A health with no date is current: nothing says it is from the future.
"""

from __future__ import annotations

from collections.abc import Iterator

from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import documents as _docs
from kpiframe.rules.declare import rule
from kpiframe.rules.snippets import ARR_BASELINE as _BASELINE
from kpiframe.rules.snippets import ARR_TARGET as _TARGET
from kpiframe.rules.snippets import GOAL_2026 as _GOAL
from kpiframe.rules.snippets import arr_kpi as _kpi


@rule(
    code="KF310", slug="stale-kpi", severity="warning",
    summary="A KPI whose latest number is older than its review cadence allows (with half a cadence of grace).",
    rationale="""
        A KPI that is not measured is not managed: once the numbers stop coming in, nobody can
        tell whether it is on track. A KPI is stale when its latest actual is more than one
        cadence and a half old (weekly 7+3 days, monthly one month + 15 days, quarterly three
        months + 45 days, yearly a year + 182 days), or when it has no actuals and its baseline
        is more than one cadence old.
    """,
    fix="Add the latest actual (inline `actuals:` or a row in the actuals CSV), or change `review:` to the real cadence.",
    failing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "review: monthly", "actuals:", "  - {date: 2026-03-31, value: 9.1}")),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "review: monthly", "actuals:", "  - {date: 2026-05-31, value: 9.6}")),
)
def stale_kpi(ctx: RuleContext) -> Iterator[Problem]:
    statuses = ctx.analysis.kpi_statuses
    for kpi in ctx.framework.live_kpis.values():
        staleness = statuses[kpi.id].staleness
        if staleness.beyond_calendar is not None:
            yield problem(kpi, f"{kpi.label}: cannot tell when the next number is due: one {kpi.review} review "
                               f"after {staleness.beyond_calendar} is past 9999-12-31, the last date there is",
                          path=("review",),
                          hint=f"check the date {staleness.beyond_calendar}: a date this close to 9999-12-31 "
                               "is usually a placeholder")
            continue
        if not staleness.stale:
            continue
        if staleness.basis == "actual":
            message = (f"{kpi.label} is stale: the last number came in {staleness.last_date} and, "
                       f"with a {kpi.review} review, the next was due {staleness.next_due}")
        else:  # basis "baseline": the due date was counted from the baseline's date
            since = kpi.baseline.date if kpi.baseline is not None else "?"
            message = (f"{kpi.label} is stale: no number has come in since the baseline of "
                       f"{since}; with a {kpi.review} review the first was due {staleness.next_due}")
        yield problem(kpi, message, path=("review",),
                      hint="add the latest actual (inline `actuals:` or the actuals CSV), or correct `review:`")


@rule(
    code="KF313", slug="future-actual", severity="warning",
    summary="An actual dated after today: it is not used until that date.",
    rationale="""
        A number from the future is usually a typo in the date (2027 for 2026) or a forecast
        entered as an actual. It cannot judge the KPI today, and leaving it out silently would
        hide the typo; saying so lets the owner correct the date, or check `--today` and `as_of`.
    """,
    fix="Correct the date of the actual, or remove a forecast from `actuals:`.",
    failing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "actuals:", "  - {date: 2027-06-15, value: 9.8}")),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "actuals:", "  - {date: 2026-06-15, value: 9.8}")),
)
def future_actual(ctx: RuleContext) -> Iterator[Problem]:
    for status in ctx.analysis.kpi_statuses.values():
        kpi = status.kpi
        for reading in status.ahead:
            message = (f"{kpi.label} has an actual dated {reading.date}, after today ({ctx.today}); "
                       "it is not used until that date")
            hint = "correct the date, or remove a forecast from the actuals"
            if reading.index is not None:
                yield problem(kpi, message, path=("actuals", reading.index), hint=hint)
            else:
                yield problem(None, message, file=reading.file, line=reading.line, column=reading.column,
                              subject=kpi.id, hint=hint)



@rule(
    code="KF316", slug="future-health", severity="warning",
    summary="An owner's `health` dated after today: it is not used until that date.",
    rationale="""
        Like an actual from the future, a health dated later than today is usually a typo in
        the date (2027 for 2026) or an import given a wrong `--as-of`. It cannot say how the KPI
        stands today, so it does not count for course correction or health-disagrees until its
        date; saying so lets the owner correct the date, or check `--today` and `as_of`.
    """,
    fix="Correct the health's `date` (or check `--today` and `as_of` in kpiframe.yaml).",
    failing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "health: {level: problem, date: 2027-06-01}")),
    passing=_docs(_GOAL, _kpi(_BASELINE, _TARGET, "health: {level: problem, date: 2026-06-01}")),
)
def future_health(ctx: RuleContext) -> Iterator[Problem]:
    for status in ctx.analysis.kpi_statuses.values():
        kpi, health = status.kpi, status.kpi.health
        if status.health_ahead and health is not None:
            yield problem(kpi, f"{kpi.label} has a health dated {health.date}, after today ({ctx.today}); "
                               "it is not used until that date", path=("health", "date"),
                          hint="correct the date, or check --today and `as_of` in kpiframe.yaml")
