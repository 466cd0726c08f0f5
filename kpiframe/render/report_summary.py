"""The gap report's summary, in Markdown: what a leadership team reads in two minutes.

Each list shows its first ``SUMMARY_TOP`` entries, one line each, and says how many more there are
and where they are listed; an empty list is one line ("none"). The trend charts are folded, so
the summary of a 300-KPI framework stays about one screen long.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from kpiframe.numbers import format_gap, with_unit
from kpiframe.render.report_diagrams import chartable, trend_chart
from kpiframe.render.report_text import mark, md, percent, share, table, why_uncorrected
from kpiframe.report.views import DUE_WITHIN_DAYS, SUMMARY_TOP, DueItem, KpiView, Report, Uncorrected

T = TypeVar("T")


def summary_section(report: Report) -> list[str]:
    s = report.summary
    lines = ["## Summary", ""]
    lines += _key_behind(report)
    # The execution gaps' items, in the summary's order (its ids are theirs): each with its reason.
    lines += ["", *_listed(f"**Behind, and nobody correcting course** ({len(s.uncorrected)}):",
                           report.execution.uncorrected,
                           lambda u: _who(report, report.kpis[u.kpi]) + f": {_why_uncorrected(report, u)}.",
                           "the execution gaps", "**Behind, and nobody correcting course:** none.")]
    overdue = _overdue_note(s.overdue_plans, s.overdue_milestones)
    lines += ["", *_listed(f"**Due in the next {DUE_WITHIN_DAYS} days** ({len(s.due_soon)}){overdue}:", s.due_soon,
                           lambda d: _due(report, d), "",
                           f"**Due in the next {DUE_WITHIN_DAYS} days** (to "
                           f"{s.due_until}): nothing{overdue}.")]
    lines += ["", *_listed(f"**Stale numbers** ({len(s.stale)}):", s.stale, lambda k: _stale(report, k),
                           "the execution gaps", "**Stale numbers:** none.")]
    owners = [("KPI", k) for k in s.kpis_without_owner] + [("plan", p) for p in s.plans_without_owner]
    lines += ["", *_listed(f"**Without an owner** ({_count(len(s.kpis_without_owner), 'KPI')}, "
                           f"{_count(len(s.plans_without_owner), 'plan')}):", owners, lambda item: _unowned(report, *item), "",
                           "**Without an owner:** none: every KPI and plan names who answers for it.")]
    cannot = report.header.cannot_be_judged
    if cannot.total:
        text = (f"**Cannot be judged:** {cannot.total} of {len(report.kpis)} KPIs "
                f"({cannot.phrase().split('(', 1)[1]}: not counted as on track or as behind by their numbers")
        if report.header.behind_by_health:
            text += (f"; {report.header.behind_by_health} of them {'is' if report.header.behind_by_health == 1 else 'are'}"
                     " listed as behind by the owner's health")
        lines += ["", text + "."]
    lines += _trends(report)
    lines += ["", "### Framework health", "",
              *table(["Figure", "Share", "Count"],
                     ([md(line.label), share(line), f"{line.count} of {line.total}"] for line in report.header.scorecard),
                     ["l", "r", "r"])]
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _listed(head: str, items: Iterable[T], line: Callable[[T], str], where: str, empty: str) -> list[str]:
    """The first SUMMARY_TOP items; the rest counted, and pointed to in the section ``where`` that
    lists them all (or, when no section does, folded here)."""
    items = list(items)
    if not items:
        return [empty]
    out = [head, ""] + [f"- {line(item)}" for item in items[:SUMMARY_TOP]]
    more = len(items) - SUMMARY_TOP
    if more > 0 and where:
        out.append(f"- … and {more} more (see {where}).")
    elif more > 0:  # listed nowhere else in the report: the rest folded here
        out += ["", f"<details><summary>and {more} more</summary>", "",
                *(f"- {line(item)}" for item in items[SUMMARY_TOP:]), "", "</details>"]
    return out


def _key_behind(report: Report) -> list[str]:
    s, h = report.summary, report.header
    unjudged = f"; {s.key_unjudged} cannot be judged" if s.key_unjudged else ""
    department = md(report.department_name(h.department)) if h.department is not None else None
    if s.key_basis == "key":
        head = f"**Key KPIs behind** ({len(s.key_behind)} of {h.key_kpis} key KPIs{unjudged}):"
        empty = f"**Key KPIs behind:** none of the {h.key_kpis} key KPIs{unjudged}."
        if not h.key_kpis:  # `--key`, and none is marked
            where = f"of the department {department} " if department else ""
            empty = f"**Key KPIs behind:** no KPI {where}is marked `key: true`."
    else:
        head = f"**Largest gaps** ({len(s.key_behind)} KPIs behind; no KPI is marked `key: true`):"
        cannot = h.cannot_be_judged.total
        if not report.kpis:
            empty = (f"**Largest gaps:** the department {department} has no KPIs." if department
                     else "**Largest gaps:** there are no KPIs.")
        elif cannot == len(report.kpis):
            empty = "**Largest gaps:** none known: no KPI can be judged yet."
        elif cannot:  # never "no KPI is behind" while some cannot be judged
            empty = (f"**Largest gaps:** none of the KPIs that can be judged is behind; {cannot} cannot be judged "
                     "(no KPI is marked `key: true`).")
        else:
            empty = "**Largest gaps:** no KPI is behind (no KPI is marked `key: true`)."
    return _listed(head, s.key_behind, lambda k: _behind(report, report.kpis[k]), "the performance gaps", empty)


def _who(report: Report, kpi: KpiView) -> str:
    owner = md(kpi.owner) if kpi.owner else "no owner"
    return (f"{'★ ' if kpi.key else ''}**{md(kpi.name)}** ({owner}, "
            f"{md(report.department_name(kpi.department))})")


def _behind(report: Report, kpi: KpiView) -> str:
    concern = kpi.concern
    text = f"{mark(concern)} {_who(report, kpi)}: "
    if kpi.status != concern and kpi.health is not None:
        return text + f"its owner says {md(kpi.health.level)}; its numbers cannot judge it ({kpi.status})."
    if kpi.latest is not None:
        text += f"{md(with_unit(kpi.latest.value, kpi.unit))} on {kpi.latest.date}"
    if kpi.target is None and kpi.threshold_text:
        text += f", below the level to hold ({md(kpi.threshold_text)})"
    elif kpi.expected_value is not None:
        text += (f" where {md(with_unit(kpi.expected_value, kpi.unit))} was expected "
                 f"({md(format_gap(kpi.gap_units, kpi.unit))})")
        if kpi.target is not None:
            text += f"; target {md(with_unit(kpi.target.value, kpi.unit))} by {kpi.target.date}"
    plans = [report.plans[p] for p in kpi.plans if p in report.plans]
    if plans:
        text += ". Plan" + ("s" if len(plans) > 1 else "") + ": " + "; ".join(
            f"{md(p.title)} ({md(p.owner or 'no owner')}), {p.status.replace('_', ' ')}"
            + (f", {p.overdue_days} days overdue" if p.overdue_days is not None else "") for p in plans[:2])
        text += f" and {len(plans) - 2} more" if len(plans) > 2 else ""
    else:
        text += ". No plan"
    return text + "."


def _why_uncorrected(report: Report, uncorrected: Uncorrected) -> str:
    kpi = report.kpis[uncorrected.kpi]
    state = f"{mark(kpi.concern)} {kpi.concern}"
    if kpi.concern != kpi.status:
        state += " by its owner's health"
    return f"{state}; {why_uncorrected(report, uncorrected)}"


def _overdue_note(plans: int, milestones: int) -> str:
    parts = [f"{n} {what}{'' if n == 1 else 's'}" for n, what in ((plans, "plan"), (milestones, "milestone")) if n]
    return f"; already overdue: {' and '.join(parts)} (see the execution gaps)" if parts else ""


def _due(report: Report, item: DueItem) -> str:
    plan = report.plans[item.plan]
    when = f"{item.due} ({'today' if item.days == 0 else f'in {item.days} days'})"
    owner = md(plan.owner or "no owner")
    if item.milestone is None:
        return f"{when}: plan **{md(plan.title)}** ({owner}), {plan.status.replace('_', ' ')}"
    return f"{when}: milestone **{md(item.milestone)}** of {md(plan.title)} ({owner})"


def _stale(report: Report, kpi_id: str) -> str:
    kpi = report.kpis[kpi_id]
    last = f"last number {kpi.latest.date}" if kpi.latest is not None and kpi.latest.date else "no number yet"
    return f"{_who(report, kpi)}: {last}, the next was due {kpi.next_due or '-'}."


def _unowned(report: Report, kind: str, item_id: str) -> str:
    if kind == "KPI":
        kpi = report.kpis[item_id]
        return f"KPI **{md(kpi.name)}** ({md(report.department_name(kpi.department))})"
    plan = report.plans[item_id]
    where = f", {md(report.department_name(plan.department))}" if plan.department else ""
    return f"plan **{md(plan.title)}** ({plan.status.replace('_', ' ')}{where})"


def _trends(report: Report) -> list[str]:
    trends = report.summary.trends
    if not trends:
        return []
    what = "Trend chart of the KPI behind above" if len(trends) == 1 else \
        f"Trend charts of the {len(trends)} KPIs behind above"
    lines = ["", f"<details><summary>{what}</summary>", "",
             "Bars: the readings (the first may be the baseline). Line: where the KPI was expected to be on each "
             "reading's date, along its target path, or the level it must hold. A flat line: the final target.", ""]
    for trend in trends:
        kpi = report.kpis[trend.kpi]
        about = f"target {md(with_unit(trend.target, kpi.unit))} by {trend.target_date}" if trend.target is not None \
            else f"level to hold {md(kpi.threshold_text or '')}"
        earlier = f"; {trend.earlier} earlier readings not drawn" if trend.earlier else ""
        progress = f", {percent(kpi.progress_pct)} of the way" if kpi.progress_pct is not None else ""
        lines += [f"**{md(kpi.name)}**: {kpi.status}{progress}; {about}{earlier}.", ""]
        lines += ["```mermaid", trend_chart(trend).rstrip("\n"), "```", ""] if chartable(trend) else \
            ["No chart: its numbers are too large to draw.", ""]
    return lines + ["</details>"]
