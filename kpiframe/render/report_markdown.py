"""The gap report as GitHub-flavoured Markdown: formats a :class:`Report`, computes nothing.

Free text from the framework (titles, names, owners, units, resolutions, messages) goes through
:func:`md`, which puts it on one line and makes it inert: Markdown punctuation is
backslash-escaped, the table pipe included, so a title can neither break a table nor turn into
a link, an image, HTML, math or a heading. Ids are written as code spans (they cannot hold a
backtick or a pipe).

Decisions: a report is pasted into pull requests and wikis, where more than CommonMark turns text
into links. GFM and linkify make links of bare URLs, ``www.`` hosts and e-mail addresses, so the
``:`` after a scheme (``https:``, ``mailto:``) and a host name's dots are escaped (``acme\\.com``
renders as acme.com, and is no link). GitHub makes mentions of ``@user`` and ``@org/team``
(notifying them) and issue links of ``#123`` in the rendered text, where an escape is already
gone, so a WORD JOINER (U+2060, invisible) goes after ``@`` and between ``#`` and a digit. ``$``
is escaped, as GitHub documents for math.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

from kpiframe.progress import ACHIEVED, AT_RISK, OFF_TRACK, ON_TRACK
from kpiframe.render.mermaid import Flowchart
from kpiframe.report.diagram import Diagram
from kpiframe.report.views import (
    Alignment,
    Dated,
    DepartmentRow,
    FindingRow,
    GoalEntry,
    KpiView,
    OverdueMilestone,
    PlanView,
    Report,
    ScoreLine,
    TradeoffView,
)
from kpiframe.status import format_gap, format_number, format_percent, with_unit
from kpiframe.words import KIND_WORDS

STATUS_MARK = {OFF_TRACK: "🔴", AT_RISK: "🟠", ON_TRACK: "🟢", ACHIEVED: "✅"}
NO_STATUS_MARK = "⚪"
# What can turn free text into Markdown syntax, a table cell's end, a link, a mention or math.
# '_' only at a word edge: inside a word (in_progress) GFM never reads it as emphasis, and the
# source stays readable. A dot only where a host name has one (a letter follows), so 1.5 stays.
_MD_ACTIVE = re.compile(r"""
    (?P<ref>\#(?=\d))                   # #123: an issue reference on GitHub
  | (?P<gh>(?<![\w-])(?i:GH)-(?=\d))     # GH-123: the same reference, written another way
  | (?P<sha>(?<![\w-])(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{7,40}(?![\w-]))  # a commit SHA (digits and a-f)
  | (?P<at>@(?=\w))                     # @user, @org/team, dana@acme.com
  | (?P<punct>[\\`*\[\]<>|~$\#])       # syntax, HTML, math, headings
  | (?P<edge>(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))
  | (?P<dot>(?<=\w)\.(?=[^\W\d_]))       # acme.com, www.example: linkified hosts
  | (?P<scheme>(?<=[A-Za-z]):(?=\S))     # https://, mailto:a@b (a scheme is letters and a colon)
""", re.VERBOSE)
_WORD_JOINER = "\u2060"
_INERT = {"ref": "\\#" + _WORD_JOINER, "at": "@" + _WORD_JOINER}
_WHITESPACE = re.compile(r"\s+")

# Mermaid styles: goals in blues, KPIs by status, conflicts red, trade-offs grey.
CLASS_DEFS = {
    "company": "fill:#1f3b73,stroke:#1f3b73,color:#ffffff",
    "department": "fill:#dbe4f3,stroke:#1f3b73,color:#000000",
    "team": "fill:#eef2f9,stroke:#5b7bb5,color:#000000",
    "off_track": "fill:#f8d7da,stroke:#d62728,color:#000000",
    "at_risk": "fill:#fff3cd,stroke:#e0a800,color:#000000",
    "on_track": "fill:#d4edda,stroke:#28a745,color:#000000",
    "achieved": "fill:#c3e6cb,stroke:#1e7e34,color:#000000",
    "no_status": "fill:#f0f0f0,stroke:#999999,color:#000000",
    "driver": "fill:#ffffff,stroke:#777777,color:#000000,stroke-dasharray:4 3",
    "external": "stroke-dasharray:4 3",
}
LINK_STYLES = {"conflict": "stroke:#d62728,stroke-width:2px", "tradeoff": "stroke:#888888,stroke-width:1px"}
LABEL_WIDTH = 24  # characters per line of a diagram's label (report/diagram.py's layout assumes it)
_STATUS_CLASS = {OFF_TRACK: "off_track", AT_RISK: "at_risk", ON_TRACK: "on_track", ACHIEVED: "achieved"}


def md(text: object) -> str:
    """Free text on one line, inert: it renders as written and never as syntax, a link, a
    mention or math (safe in a table cell too)."""
    return _MD_ACTIVE.sub(_inert, _WHITESPACE.sub(" ", str(text)).strip())


def _inert(match: re.Match[str]) -> str:
    kind, text = match.lastgroup or "", match.group()
    if kind == "gh":
        return text + _WORD_JOINER
    if kind == "sha":  # GitHub links a run of 7 or more hex digits: keep every run shorter than that
        return _WORD_JOINER.join(text[i:i + 6] for i in range(0, len(text), 6))
    return _INERT.get(kind) or "\\" + text


def code(identifier: str) -> str:
    return f"`{identifier}`"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: Sequence[str] | None = None) -> list[str]:
    """A GFM table; ``align`` per column: 'l' or 'r'. Cells must already be escaped."""
    align = align or ["l"] * len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def render_markdown(report: Report) -> str:
    sections = [
        _header(report), _alignment(report), _performance(report), _execution(report), _conflicts(report),
        _departments(report), _diagrams(report), _appendix(report),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


# --------------------------------------------------------------------------- small formats


def percent(value: float | None) -> str:
    return "-" if value is None else format_percent(value)


def _share(line: ScoreLine) -> str:
    if line.percent is None:
        return "n/a"
    # Never round to 100% or 0% when the count says otherwise.
    shown = round(line.percent)
    if line.count < line.total:
        shown = min(shown, 99)
    if line.count > 0:
        shown = max(shown, 1)
    return f"{shown}%"


def _dated(value: Dated | None, unit: str | None, word: str = "on") -> str:
    if value is None:
        return "-"
    text = md(with_unit(value.value, unit))
    return f"{text} {word} {value.date}" if value.date else text


def _mark(status: str) -> str:
    return STATUS_MARK.get(status, NO_STATUS_MARK)


def _kpi_state(kpi: KpiView) -> str:
    """'on-track at its last reading (2026-09-30): 72% of the way, 75% expected then'; 'stale' when
    numbers are late; the threshold ('holds ≥ 95%') and the owner's health when there are."""
    text = ("key KPI, " if kpi.key else "") + f"{_mark(kpi.status)} {kpi.status}"
    if kpi.latest is not None and kpi.latest.date is not None:
        text += f" at its last reading ({kpi.latest.date})"
    if kpi.threshold_text and kpi.target is None:
        text += f" against the threshold {md(kpi.threshold_text)}"
    if kpi.progress_pct is not None:
        text += f": {percent(kpi.progress_pct)} of the way"
        if kpi.expected_pct is not None and kpi.status != ACHIEVED:
            text += f", {percent(kpi.expected_pct)} expected then"
    if kpi.stale:
        text += ", numbers stale"
    if kpi.health is not None:
        text += f"; owner's health: {kpi.health.level}" + (f" ({kpi.health.date})" if kpi.health.date else "")
        if kpi.health_disagrees:
            text += ", which the numbers contradict"
    return text


def _plan_state(plan: PlanView) -> str:
    text = f"{code(plan.id)} {plan.status.replace('_', ' ')}"
    if plan.due is not None:
        text += f", due {plan.due}"
    if plan.overdue_days is not None:
        text += f" ({plan.overdue_days} days overdue)"
    return text


def _plans_cell(report: Report, kpi: KpiView) -> str:
    return "; ".join(_plan_state(report.plans[p]) for p in kpi.plans) or "none"


def _none(text: str) -> list[str]:
    return [text]


# --------------------------------------------------------------------------- 1. header


def _header(report: Report) -> list[str]:
    h = report.header
    counts = ", ".join(f"{n} {KIND_WORDS[kind][n != 1]}" for kind, n in h.documents.items() if n) or "no documents"
    lines = [
        f"# Gap report: {md(h.title)}",
        "",
        f"As of **{h.today}**. Generated by `kpiframe report` from {h.files} "
        f"file{'' if h.files == 1 else 's'} ({counts}).",
        "",
        f"**Verdict:** {md(h.verdict_text)}",
        "",
        *table(["Framework health", "Share", "Count"],
               ([md(line.label), _share(line), f"{line.count} of {line.total}"] for line in h.scorecard),
               ["l", "r", "r"]),
    ]
    unread = [f"{n} {what}{'' if n == 1 else 's'}" for what, n in (("KPI", h.unread_kpis), ("file", h.unread_files)) if n]
    if unread:
        lines += ["", f"**Not included:** {' and '.join(unread)} could not be read; the appendix lists why."]
    if h.findings.get("error") or h.findings.get("warning"):
        lines += ["", f"Findings: {h.findings['error']} errors, {h.findings['warning']} warnings, "
                      f"{h.findings['info']} info, {h.suppressed} suppressed (see the appendix)."]
    return lines


# --------------------------------------------------------------------------- 2. alignment


def _alignment(report: Report) -> list[str]:
    alignment = report.alignment
    lines = ["## Alignment", "",
             "Each company goal with the department and team goals under it, and the KPIs that measure them."]
    if not alignment.trees:
        lines += ["", "No company goals are defined."]
    for tree in alignment.trees:
        lines += ["", *_tree(report, tree.entries)]
    lines += ["", *_not_traced(report, alignment), "", "### Unmeasured goals", ""]
    if alignment.unmeasured_goals:
        lines.append("Company and department goals no KPI measures, directly or through a sub-goal:")
        lines.append("")
        lines += [f"- {_goal_text(report, g)}" for g in alignment.unmeasured_goals]
    else:
        lines.append("None: every company and department goal is measured by at least one KPI.")
    return lines


def _goal_text(report: Report, goal_id: str) -> str:
    goal = report.goals[goal_id]
    details = [code(goal.id), f"{goal.level} goal"]
    if goal.department:
        details.append(md(report.department_name(goal.department)))
    if goal.owner:
        details.append(md(goal.owner))
    return f"**{md(goal.title)}** ({', '.join(details)})"


def _kpi_text(report: Report, kpi_id: str) -> str:
    kpi = report.kpis[kpi_id]
    return (f"{md(kpi.name)} ({code(kpi.id)}, {md(report.department_name(kpi.department))}, "
            f"{md(kpi.owner or 'no owner')}): {_kpi_state(kpi)}")


def _tree(report: Report, entries: Sequence[GoalEntry]) -> list[str]:
    root = entries[0]
    goal = report.goals[root.goal]
    lines = [f"### {md(goal.title)}", "", f"{code(goal.id)}, company goal" + (f", {md(goal.owner)}" if goal.owner else "")
             + ("" if goal.measured else ". **Not measured by any KPI.**"), ""]
    for entry in entries:
        indent = "  " * entry.depth
        if entry.depth:
            measured = "" if report.goals[entry.goal].measured else " **Not measured by any KPI.**"
            lines.append(f"{'  ' * (entry.depth - 1)}- {_goal_text(report, entry.goal)}{measured}")
        lines += [f"{indent}- KPI {_kpi_text(report, k)}" for k in entry.kpis]
    if len(entries) == 1 and not root.kpis:
        lines.append("- No department goals or KPIs under it.")
    return lines


def _not_traced(report: Report, alignment: Alignment) -> list[str]:
    lines = ["### Not traced to a company goal", ""]
    if not (alignment.orphan_kpis or alignment.untraced_kpis or alignment.untraced_goals):
        return lines + ["None: every KPI and every goal leads up to a company goal."]
    lines += [f"- Orphan KPI {_kpi_text(report, k)}. It supports no goal." for k in alignment.orphan_kpis]
    lines += [f"- Untraced KPI {_kpi_text(report, u.id)}. It {md(u.reason)}." for u in alignment.untraced_kpis]
    lines += [f"- Untraced goal {_goal_text(report, u.id)}: {md(u.reason)}." for u in alignment.untraced_goals]
    return lines


# --------------------------------------------------------------------------- 3. performance gaps


def _performance(report: Report) -> list[str]:
    lines = ["## Performance gaps", ""]
    cannot = report.header.cannot_be_judged
    if not report.performance_gaps and cannot.total:  # not "none behind" while some cannot be judged
        return lines + _none(f"No KPI that can be judged is off track or at risk; {cannot.phrase()}.")
    if not report.performance_gaps:
        return lines + _none("No KPI is off track or at risk.")
    lines += ["KPIs behind where they should have been at their last reading, worst first. Expected then is "
              "where the KPI would have been on the date of its latest number had it moved from baseline to "
              "target at an even pace (in brackets: that share of the way); the gap in points is how far behind "
              "that share it was. How old the number is, is listed under execution gaps (stale numbers).", ""]
    rows = []
    for kpi_id in report.performance_gaps:
        kpi = report.kpis[kpi_id]
        rows.append([
            ("★ " if kpi.key else "") + f"{md(kpi.name)} ({code(kpi.id)})", md(report.department_name(kpi.department)),
            md(kpi.owner or "-"),
            f"{_mark(kpi.concern or kpi.status)} {kpi.concern or kpi.status}"
            + (f" (owner's health: {kpi.health.level})" if kpi.health and kpi.concern != kpi.status else ""),
            _dated(kpi.baseline, kpi.unit), _dated(kpi.latest, kpi.unit),
            md(with_unit(kpi.expected_value, kpi.unit)) + (f" ({percent(kpi.expected_pct)})" if kpi.expected_pct is not None else ""),
            _target_cell(kpi), _gap(kpi), "-" if kpi.gap_pp is None else format_number(kpi.gap_pp),
            _plans_cell(report, kpi),
        ])
    return lines + table(["KPI", "Department", "Owner", "Status", "Baseline", "Latest", "Expected then", "Target",
                          "Gap", "Gap in progress (points)", "Plans"], rows,
                         ["l", "l", "l", "l", "r", "r", "r", "r", "r", "r", "l"])


def _target_cell(kpi: KpiView) -> str:
    """The dated target ('12 by 2026-12-31', with its path's steps counted), else the threshold."""
    if kpi.target is None and kpi.threshold_text:
        return md(kpi.threshold_text)
    text = _dated(kpi.target, kpi.unit, "by")
    return text + (f" ({kpi.target_steps} steps)" if kpi.target_steps > 1 else "")


def _gap(kpi: KpiView) -> str:
    if kpi.gap_units is None:
        return "-"
    return md(format_gap(kpi.gap_units, kpi.unit))


# --------------------------------------------------------------------------- 4. execution gaps


def _execution(report: Report) -> list[str]:
    ex = report.execution
    kpis, plans = report.kpis, report.plans
    lines = ["## Execution gaps", "", "Whether someone is acting on each KPI: plans exist, move, and are current."]

    lines += ["", "### KPIs with a target and no action plan", ""]
    lines += table(["KPI", "Department", "Owner", "Target"],
                   ([f"{md(kpis[k].name)} ({code(k)})", md(report.department_name(kpis[k].department)),
                     md(kpis[k].owner or "-"),
                     _dated(kpis[k].target, kpis[k].unit, "by")] for k in ex.kpis_without_plan)
                   ) if ex.kpis_without_plan else _none("None: every KPI with a target has a plan.")

    lines += ["", "### Behind, and nobody correcting course", ""]
    lines += table(["KPI", "Owner", "Status", "Why no plan counts"],
                   ([f"{md(kpis[u.kpi].name)} ({code(u.kpi)})", md(kpis[u.kpi].owner or "-"),
                     f"{_mark(u.status)} {u.status}", md(u.reason)] for u in ex.uncorrected)
                   ) if ex.uncorrected else _none(
        "None: every KPI that is behind has a planned or in-progress plan due ahead.")

    lines += ["", "### Overdue action plans", ""]
    lines += table(["Plan", "Owner", "Status", "Due", "Overdue by", "Addresses"],
                   ([_plan_name(plans[p]), md(plans[p].owner or "-"), plans[p].status.replace("_", " "),
                     str(plans[p].due), f"{plans[p].overdue_days} days", _ids(plans[p].addresses)]
                    for p in ex.overdue_plans), ["l", "l", "l", "r", "r", "l"]
                   ) if ex.overdue_plans else _none("None.")

    lines += ["", "### Blocked action plans", ""]
    lines += table(["Plan", "Owner", "Due", "Addresses"],
                   ([_plan_name(plans[p]), md(plans[p].owner or "-"), str(plans[p].due or "-"),
                     _ids(plans[p].addresses)] for p in ex.blocked_plans)
                   ) if ex.blocked_plans else _none("None.")

    lines += ["", "### Overdue milestones", ""]
    lines += table(["Plan", "Milestone", "Due", "Overdue by"],
                   (_milestone_row(plans[m.plan], m) for m in ex.overdue_milestones), ["l", "l", "r", "r"]
                   ) if ex.overdue_milestones else _none("None.")

    lines += ["", "### Stale numbers", ""]
    lines += table(["KPI", "Owner", "Review", "Latest number", "Next was due"],
                   ([f"{md(kpis[k].name)} ({code(k)})", md(kpis[k].owner or "-"), kpis[k].review or "-",
                     _dated(kpis[k].latest, kpis[k].unit), str(kpis[k].next_due or "-")] for k in ex.stale_kpis)
                   ) if ex.stale_kpis else _none("None: every KPI's numbers are as current as its review cadence asks.")
    return lines


def _plan_name(plan: PlanView) -> str:
    return f"{md(plan.title)} ({code(plan.id)})"


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(code(i) for i in ids) or "-"


def _milestone_row(plan: PlanView, milestone: OverdueMilestone) -> list[str]:
    return [_plan_name(plan), md(milestone.title), str(milestone.due), f"{milestone.overdue_days} days"]


# --------------------------------------------------------------------------- 5. conflicts


def _conflicts(report: Report) -> list[str]:
    c = report.conflicts
    lines = ["## Conflicts", "", "### Unresolved conflicts between departments", ""]
    if not c.unresolved and not c.omitted:
        lines.append("None: no KPIs of different departments work against each other without an agreed trade-off"
                     + (f" ({c.resolved} covered by trade-offs)." if c.resolved else "."))
    for conflict in c.unresolved:
        text = (f"- **{code(conflict.a)} ({md(report.department_name(conflict.department_a))}) works against "
                f"{code(conflict.b)} ({md(report.department_name(conflict.department_b))}).** {md(conflict.words)} "
                f"Path: {code(conflict.arrows)}.")
        owners = dict.fromkeys(report.kpis[k].owner or f"the owner of {k} (none is named)"
                               for k in (conflict.a, conflict.b))
        text += f" To settle it: a trade-off agreed by {md(' and '.join(owners))}."
        if conflict.suppressed:
            text += f" Accepted without a trade-off for now ({md(conflict.suppressed)})."
        lines.append(text)
    for omitted in c.omitted:
        a, b = omitted.departments
        lines.append(f"- ... and {omitted.count} more between {md(report.department_name(a))} and "
                     f"{md(report.department_name(b))}, not listed "
                     "(the check reports the shortest few per pair of departments).")
    lines += ["", "### Trade-offs", ""]
    if not c.tradeoffs:
        lines.append("No trade-offs are agreed.")
    lines += [line for t in c.tradeoffs for line in _tradeoff(report, t)]
    return lines


def _tradeoff(report: Report, t: TradeoffView) -> list[str]:
    sides = " and ".join(f"{code(k)} ({md(report.department_name(d)) if d else 'unknown or retired KPI'})"
                         for k, d in zip(t.between, t.departments))
    text = f"- **{code(t.id)}** between {sides}. Owners: {md(', '.join(t.owners))}."
    if t.goal:
        text += f" Arbitrated by {code(t.goal)}."
    if t.review:
        text += f" Reviewed {t.review}."
    notes = []
    if not t.conflicting:
        notes.append("it settles no conflict (any more): it may be stale")
    if t.missing_owners:
        notes.append(f"not signed by {md(', '.join(t.missing_owners))}, who own{'s' if len(t.missing_owners) == 1 else ''} its KPIs")
    lines = [text, f"  - Resolution: {md(t.resolution)}"]
    if notes:
        lines.append(f"  - Note: {'; '.join(notes)}.")
    return lines


# --------------------------------------------------------------------------- 6. departments


def _departments(report: Report) -> list[str]:
    lines = ["## Departments", ""]
    if not report.departments:
        return lines + _none("No departments.")
    lines += ["KPIs per department: traced to a company goal, with an active (planned or in-progress) plan, "
              "with current numbers, on track or achieved; and the check's findings on the department's "
              "goals, KPIs and plans.", ""]
    owners = any(d.owner for d in report.departments)  # a column only when kpiframe.yaml names owners
    rows = ([_department_cell(d), *([md(d.owner or "")] if owners else []), str(d.kpis), str(d.traced),
             str(d.with_active_plan), str(d.current), str(d.on_course), str(d.errors), str(d.warnings)]
            for d in report.departments)
    return lines + table(["Department", *(["Owner"] if owners else []), "KPIs", "Traced", "With active plan",
                          "Current", "On track or achieved", "Errors", "Warnings"], rows,
                         ["l"] * (1 + owners) + ["r"] * 7)


def _department_cell(row: DepartmentRow) -> str:
    if row.department is None:
        return "(no department)"
    return f"{md(row.name)} ({code(row.department)})" if row.name else md(row.department)


# --------------------------------------------------------------------------- 7. diagrams


def _diagrams(report: Report) -> list[str]:
    lines = ["## Picture", ""]
    if not any(d.nodes for d in report.diagrams):
        return lines + _none("Nothing to draw yet.")
    split = len(report.diagrams) > 1
    lines.append("Goals at the top, the KPIs that measure them below, coloured by status. A red dotted arrow is "
                 "an unresolved conflict (it points at the KPI that is hurt); a grey dotted line is an agreed "
                 "trade-off. KPIs stacked in a column under a goal all measure it (the line goes to the first)." + (" One diagram per company goal, and per department where a goal has more than "
                                 "a diagram can show; the last, *Exceptions*, holds only the KPIs behind (with their department) "
                                 "and the unresolved conflicts, with every KPI or driver on their paths (+ raises, "
                                 "- lowers)."
                                 if split else ""))
    for diagram in report.diagrams:
        if diagram.title is not None:
            lines += ["", f"### {_diagram_heading(report, diagram)}"]
        if diagram.goals_only:
            lines += ["", "Too many KPIs to draw here: its goals only, each with the number of KPIs that "
                          "measure it directly and how many of them are behind (the sections above list them)."]
        if diagram.kind == "exceptions" and diagram.left_out and diagram.part == diagram.parts:
            lines += ["", f"{diagram.left_out} more not drawn: the performance gaps and conflicts above list every one."]
        lines += ["", "```mermaid", mermaid_diagram(report, diagram).rstrip("\n"), "```"]
    return lines


def _diagram_heading(report: Report, diagram: Diagram) -> str:
    text = md(diagram.title)
    if diagram.department is not None:
        text += f": {md(report.department_name(diagram.department)) if diagram.department else 'no department'}"
    if diagram.parts > 1:
        text += f" (part {diagram.part} of {diagram.parts})"
    return text


def _wrapped(text: str, width: int = LABEL_WIDTH, lines: int = 3) -> list[str]:
    """A label in lines of about ``width`` characters, at most ``lines`` of them (the rest cut, with an
    ellipsis): a node's width stays what the diagrams' layout expects (report/diagram.py)."""
    wrapped = textwrap.wrap(" ".join(str(text).split()), width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][:width - 1].rstrip() + "…"
    return wrapped


def mermaid_diagram(report: Report, diagram: Diagram) -> str:
    chart = Flowchart(direction="TD")
    for node in diagram.nodes:
        if node.kind == "kpi":
            kpi = report.kpis[node.id]
            state = kpi.status + (f" {percent(kpi.progress_pct)}" if kpi.progress_pct is not None else "")
            if kpi.health is not None and kpi.concern and kpi.concern != kpi.status:
                state += f", owner says {kpi.health.level}"  # coloured by what course correction acts on
            where = [report.department_name(kpi.department)] if diagram.kind == "exceptions" else []
            chart.node(node.id, [*_wrapped(("★ " if kpi.key else "") + kpi.name), *where, state],
                       _STATUS_CLASS.get(kpi.concern or kpi.status, "no_status"))
            if node.external:
                chart.node_class(node.id, "external")
        elif node.kind == "driver":
            chart.node(node.id, [*_wrapped(report.names.get(node.id, node.id)), "driver"], "driver")
        else:
            goal = report.goals[node.id]
            lines = [*_wrapped(goal.title), f"{goal.level} goal"
                     + (f" · {report.department_name(goal.department)}" if goal.department else "")]
            if node.kpis is not None:
                lines.append(f"{node.kpis} KPIs, {node.behind} behind")
            chart.node(node.id, lines, node.kind)
    below_the_top = {(column[0], node) for column in diagram.columns for node in column[2:]}
    for edge in diagram.edges:
        if (edge.source, edge.target) in below_the_top:
            continue  # the column's first node carries the edge (report/diagram.py, Diagram.columns)
        if edge.kind == "conflict":
            chart.edge(edge.source, edge.target, arrow="-.->", label="conflict", style="conflict")
        elif edge.kind == "influence":
            chart.edge(edge.source, edge.target, arrow="-.->", label="+" if (edge.sign or 0) > 0 else "-",
                       style="conflict")
        elif edge.kind == "tradeoff":
            chart.edge(edge.source, edge.target, arrow="-.-", label="trade-off", style="tradeoff")
        else:
            chart.edge(edge.source, edge.target)
    for column in diagram.columns:
        chart.stack(column[1:])
    return chart.text(CLASS_DEFS, LINK_STYLES)


# --------------------------------------------------------------------------- 8. appendix


def _appendix(report: Report) -> list[str]:
    lines = ["## Appendix: findings", ""]
    if not report.findings:
        return lines + _none("No findings.")
    lines += ["Every finding of `kpiframe check` at this date; suppressed ones are marked.", ""]
    return lines + findings_table(report.findings)


def findings_table(findings: Sequence[FindingRow]) -> list[str]:
    """The findings as a table; also the GitHub step summary of `check --format github`."""
    rows = []
    for f in findings:
        where = md(f.file or "(framework)") + (f":{f.line}" if f.line else "")
        severity = f.severity if f.suppressed is None else f"{f.severity}, suppressed"
        message = md(f.message) + (f" (suppressed: {md(f.suppressed)})" if f.suppressed else "")
        rows.append([f.code or "-", severity, where, message])
    return table(["Code", "Severity", "Where", "Message"], rows)
