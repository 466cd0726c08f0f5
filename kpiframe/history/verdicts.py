"""What changed in kpiframe's judgement between two revisions: findings, statuses, conflicts.

Decisions:

* Findings are matched by rule and subject (and, for a finding about a pair, the other id),
  not by line or message: a finding that only moved, or whose numbers changed, is neither new
  nor fixed. Findings without a subject (a file that cannot be read) match by rule, file and
  message. Several findings with the same key are counted, so one more of them is one new.
* A KPI's status change is *worsened* when it moves down the order achieved, on-track,
  at-risk, off-track, *improved* when it moves up, *changed* otherwise (no-data, no-target...).
  Retired KPIs have no status to compare.
* A cross-department conflict *appeared* when its `department-conflict` finding is new; it
  was *settled* when that finding is fixed and a trade-off now covers the pair, and is *gone*
  when the KPIs no longer conflict at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from kpiframe.findings import Finding
from kpiframe.history.compare import Change, compare
from kpiframe.history.sides import Pair
from kpiframe.progress import ACHIEVED, AT_RISK, OFF_TRACK, ON_TRACK

_RANK = {OFF_TRACK: 0, AT_RISK: 1, ON_TRACK: 2, ACHIEVED: 3}


@dataclass
class Comparison:
    pair: Pair
    changes: list[Change] = field(default_factory=list)
    new_findings: list[Finding] = field(default_factory=list)
    fixed_findings: list[Finding] = field(default_factory=list)


def _key(finding: Finding) -> tuple:
    if finding.subject:
        return (finding.rule, finding.subject, finding.related[:1])
    return (finding.rule, finding.file, finding.message)


def difference(ours: Iterable[Finding], theirs: Iterable[Finding]) -> list[Finding]:
    """The findings of ``ours`` that ``theirs`` has no counterpart for (see the decisions)."""
    left = Counter(_key(f) for f in theirs)
    extra = []
    for finding in ours:
        key = _key(finding)
        if left[key]:
            left[key] -= 1
        else:
            extra.append(finding)
    return extra


def compare_pair(pair: Pair) -> Comparison:
    base, head = pair.base, pair.head
    assert base.result is not None and head.result is not None
    result = Comparison(pair, compare(base.loaded.framework, head.loaded.framework))
    result.new_findings = difference(head.result.findings, base.result.findings)
    result.fixed_findings = difference(base.result.findings, head.result.findings)
    result.changes += _status_changes(pair)
    result.changes += _conflict_changes(pair, result.new_findings, result.fixed_findings)
    return result


def _status_changes(pair: Pair) -> list[Change]:
    before = pair.base.result.analysis.kpi_statuses  # type: ignore[union-attr]
    after = pair.head.checked.analysis.kpi_statuses
    changes = []
    for kpi_id, now in after.items():
        then = before.get(kpi_id)
        if then is None or then.status == now.status or now.kpi.retired or then.kpi.retired:
            continue
        old, new = _RANK.get(then.status), _RANK.get(now.status)
        verdict = "changed" if old is None or new is None else "worsened" if new < old else "improved"
        raw = now.kpi.origin
        changes.append(Change("KPI", kpi_id, "status", verdict, then.status, now.status, raw.file, raw.line))
    return changes


def _conflict_changes(pair: Pair, new: list[Finding], fixed: list[Finding]) -> list[Change]:
    head = pair.head.loaded.framework
    covering: dict[frozenset, list[str]] = {}
    for tradeoff in head.tradeoffs.values():
        covering.setdefault(frozenset(tradeoff.between), []).append(tradeoff.id)
    changes = []
    for finding in new:
        if finding.rule == "department-conflict" and finding.related:
            changes.append(Change("conflict", finding.subject or "", None, "appeared", None,
                                  {"between": [finding.subject, finding.related[0]]}, finding.file, finding.line))
    for finding in fixed:
        if finding.rule == "department-conflict" and finding.related:
            pair_ids = [finding.subject, finding.related[0]]
            tradeoffs = covering.get(frozenset(pair_ids), [])
            document = head.by_id.get(finding.subject or "")
            file, line = (document.origin.file, document.origin.line) if document is not None else (finding.file, 0)
            changes.append(Change("conflict", finding.subject or "", None, "settled" if tradeoffs else "gone",
                                  {"between": pair_ids}, {"between": pair_ids, "tradeoffs": tradeoffs} if tradeoffs
                                  else None, file, line))
    return changes
