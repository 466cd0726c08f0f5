"""Markdown building blocks of the gap report (and of `diff`): inert free text, code spans, tables,
and the short formats every section shares (a status mark, a dated value, a KPI's state).

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
gone, so a WORD JOINER (U+2060, invisible) goes after ``@`` and between ``#`` and a digit, after
``GH-``, and every 6 characters of a run of 7 to 40 hex digits holding a digit and a letter (GitHub
links a commit's SHA). ``$`` is escaped, as GitHub documents for math.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kpiframe.numbers import format_percent, with_unit
from kpiframe.progress import ACHIEVED, AT_RISK, OFF_TRACK, ON_TRACK
from kpiframe.report.views import Dated, KpiView, PlanView, Report, ScoreLine, Uncorrected

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


def percent(value: float | None) -> str:
    return "-" if value is None else format_percent(value)


def share(line: ScoreLine) -> str:
    if line.percent is None:
        return "n/a"
    # Never round to 100% or 0% when the count says otherwise.
    shown = round(line.percent)
    if line.count < line.total:
        shown = min(shown, 99)
    if line.count > 0:
        shown = max(shown, 1)
    return f"{shown}%"


def dated(value: Dated | None, unit: str | None, word: str = "on") -> str:
    if value is None:
        return "-"
    text = md(with_unit(value.value, unit))
    return f"{text} {word} {value.date}" if value.date else text


def mark(status: str) -> str:
    return STATUS_MARK.get(status, NO_STATUS_MARK)


def kpi_state(kpi: KpiView) -> str:
    """'on-track at its last reading (2026-09-30): 72% of the way, 75% expected then'; 'stale' when
    numbers are late; the threshold ('holds ≥ 95%') and the owner's health when there are."""
    text = ("key KPI, " if kpi.key else "") + f"{mark(kpi.status)} {kpi.status}"
    if kpi.latest is not None and kpi.latest.date is not None:
        text += f" at its last reading ({kpi.latest.date})"
    if kpi.threshold_text and (kpi.target is None or kpi.target_status is not None):
        text += f" against the threshold {md(kpi.threshold_text)}"
        if kpi.target_status is not None:  # a breached threshold decided, beside a target
            text += f" (its target alone says {kpi.target_status})"
    if kpi.progress_pct is not None:
        text += f": {percent(kpi.progress_pct)} of the way"
        if kpi.expected_pct is not None and kpi.status != ACHIEVED:
            text += f", {percent(kpi.expected_pct)} expected then"
    if kpi.stale:
        text += ", numbers stale"
    if kpi.health is not None:
        text += f"; owner's health: {kpi.health.level}" + (f" ({kpi.health.date})" if kpi.health.date else "")
        if kpi.health_ahead:
            text += ", dated after today: not used until then"
        if kpi.health_disagrees:
            text += ", which the numbers contradict"
    return text


def plan_state(plan: PlanView) -> str:
    text = f"{code(plan.id)} {plan.status.replace('_', ' ')}"
    if plan.due is not None:
        text += f", due {plan.due}"
    if plan.overdue_days is not None:
        text += f" ({plan.overdue_days} days overdue)"
    return text


def plans_cell(report: Report, kpi: KpiView) -> str:
    return "; ".join(plan_state(report.plans[p]) for p in kpi.plans) or "none"


def none(text: str) -> list[str]:
    return [text]


def why_uncorrected(report: Report, found: Uncorrected) -> str:
    """Why no plan of a KPI behind counts, each plan by its title and owner (as the gaps table names
    them): "Renegotiate the contracts (Morgan Hale) was due 2026-06-30"."""
    if not found.plans:
        return md(found.reason)
    named = []
    for plan_id, what in found.plans:
        plan = report.plans.get(plan_id)
        what = what.replace("in_progress", "in progress")  # a plan's status in words, as plan_state says it
        named.append(f"{md(plan.title)} ({md(plan.owner or 'no owner')}) {md(what)}" if plan is not None
                     else f"{code(plan_id)} {md(what)}")
    return "; ".join(named)
