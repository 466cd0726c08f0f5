"""Which fields of a document are compared across revisions, and what a change to each means.

The one table to extend when a document gets a new field. A *measure* field (target,
threshold, baseline, a target path) is judged against the KPI's direction: **relaxed** when
the bar moves the easy way (a lower target for a KPI where higher is better, a later date, a
target removed) and **tightened** the other way. Which changes need an entry in the KPI's
`revisions:` log, and which rule reports one that has none, is said here too.

Decisions:

* A target whose value moves the hard way while its date moves later is *relaxed*: any part
  moved the easy way is a relaxation somebody must own.
* When the direction itself flips, a target's value cannot be judged (better became worse):
  its change is *changed*, and `direction-flipped` is what asks for the revision.
* A target (or threshold) removed counts as relaxed: no bar is the lowest bar. One added is
  *added*, which needs no revision.
* A baseline has no better or worse: any change to it (not adding a first one) is *changed*
  and needs a revision (`baseline-changed`), since rebaselining moves progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpiframe.model import KPI

RELAXED, TIGHTENED, CHANGED, ADDED, REMOVED, FLIPPED = "relaxed", "tightened", "changed", "added", "removed", "flipped"
MOVED_LATER, MOVED_EARLIER = "moved-later", "moved-earlier"


def plain(value: Any) -> Any:
    """A field's value as JSON-able data: models as mappings (aliases, no defaults), dates as text."""
    if hasattr(value, "model_dump"):
        return {k: plain(v) for k, v in value.model_dump(by_alias=True, exclude_defaults=True).items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


def _value_and_date(measure: Any) -> tuple[float | None, date | None]:
    return getattr(measure, "value", None), getattr(measure, "date", None)


def judge_level(before: Any, after: Any, better: int) -> str:
    """A bar (target, threshold) moved: relaxed, tightened or changed (see the module's decisions)."""
    if before is None:
        return ADDED
    if after is None:
        return REMOVED
    (v0, d0), (v1, d1) = _value_and_date(before), _value_and_date(after)
    easier = harder = False
    if v0 is not None and v1 is not None and v0 != v1:
        easier, harder = (v1 - v0) * better < 0, (v1 - v0) * better > 0
    if d0 is not None and d1 is not None and d0 != d1:
        easier, harder = easier or d1 > d0, harder or d1 < d0
    return RELAXED if easier else TIGHTENED if harder else CHANGED


def judge_path(before: Any, after: Any, better: int) -> str:
    """A target path (a list of steps): judged step by step; any step relaxed relaxes the path."""
    if not before:
        return ADDED
    if not after:
        return REMOVED
    verdicts = {judge_level(b, a, better) for b, a in zip(before, after)}
    if len(after) != len(before):
        verdicts.add(judge_level(before[-1], after[-1], better))
    return RELAXED if RELAXED in verdicts else TIGHTENED if TIGHTENED in verdicts else CHANGED


def _judge_plain(before: Any, after: Any, better: int) -> str:
    return ADDED if before is None else REMOVED if after is None else CHANGED


def _judge_direction(before: Any, after: Any, better: int) -> str:
    return FLIPPED if before is not None and after is not None else _judge_plain(before, after, better)


@dataclass(frozen=True)
class Comparable:
    """A KPI field compared across revisions."""

    name: str  # as written in the file, and as `revisions[].field` names it
    judge: Callable[[Any, Any, int], str]  # (before, after, better) -> relaxed | tightened | changed | ...
    rule: str | None = None  # the rule that asks for a `revisions:` entry, if any
    gated: tuple[str, ...] = ()  # the changes that need one
    measure: bool = False  # a target-like value compared against the direction

    def get(self, kpi: KPI) -> Any:
        # Through __dict__: a field this KPI model does not have yet (issue 16's) is None without
        # pydantic's slow AttributeError path, and an empty list counts as not set.
        value = kpi.__dict__.get(self.name)
        return None if isinstance(value, (list, tuple)) and not value else value


_BAR_GATE = (RELAXED, REMOVED)
# The target-like fields. Issue 16's `threshold` and `targets` read through getattr, so the table
# works before and after those fields exist.
KPI_FIELDS: tuple[Comparable, ...] = (
    Comparable("target", judge_level, "target-relaxed", _BAR_GATE, measure=True),
    Comparable("targets", judge_path, "target-relaxed", _BAR_GATE, measure=True),
    Comparable("threshold", judge_level, "target-relaxed", _BAR_GATE, measure=True),
    Comparable("baseline", _judge_plain, "baseline-changed", (CHANGED, REMOVED), measure=True),
    Comparable("direction", _judge_direction, "direction-flipped", (FLIPPED,)),
    Comparable("name", _judge_plain),
    Comparable("owner", _judge_plain),
    Comparable("department", _judge_plain),
    Comparable("unit", _judge_plain),
    Comparable("supports", _judge_plain),
    Comparable("influences", _judge_plain),
    Comparable("review", _judge_plain),
    Comparable("source", _judge_plain),
    Comparable("key", _judge_plain),
    Comparable("health", _judge_plain),
    Comparable("retired", _judge_plain),
)
# The revision log's own `field:` names the field it revises; a target path is revised as `target`.
REVISION_FIELD = {"target": "target", "targets": "target", "threshold": "threshold", "baseline": "baseline",
                  "direction": "direction"}

# Other kinds: fields compared as plain values (a plan's due date has a judge of its own).
GOAL_FIELDS = ("title", "level", "parent", "department", "owner", "period")
DRIVER_FIELDS = ("title", "influences")
PLAN_FIELDS = ("title", "status", "due", "start", "owner", "department", "addresses", "milestones", "collaborators")
TRADEOFF_FIELDS = ("between", "resolution", "owners", "goal", "review")
FIELDS_OF_KIND = {"Goal": GOAL_FIELDS, "Driver": DRIVER_FIELDS, "ActionPlan": PLAN_FIELDS, "Tradeoff": TRADEOFF_FIELDS}


def judge_date(before: date | None, after: date | None) -> str:
    """A due date moved: later, earlier, added or removed."""
    if before is None:
        return ADDED
    if after is None:
        return REMOVED
    return MOVED_LATER if after > before else MOVED_EARLIER
