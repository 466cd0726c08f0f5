"""The fields an imported GitLab indicator gets from what its entry states, and only from that.

Decisions:

* ``owner`` is the text of the ``dri`` link; no DRI, no owner (``missing-owner`` then says so).
* ``unit`` and ``direction`` come from the free-text ``target`` when it states them ("at or above
  84%": percent, increase). Nothing else in an entry says which way is better, so an entry whose
  target states no comparator gets no direction (``missing-direction``), never a placeholder.
* ``threshold`` is written when the target reads as a comparator, a number and a unit ("Below
  2500ms at the 90th percentile"): a level to hold, with no date. kpiframe holds a threshold
  inclusively, so "Above 95%" is held at 95% as well (the note says so). A bare number ("12%",
  "0.5") or "At 52 product designers" states no comparator: no threshold. A text that reads only
  with a guess (a change, a second number, prose) gives nothing, and the note says why.
* ``key: true`` from ``is_key`` (``yes`` is YAML 1.1 for true); false or absent writes nothing.
* ``health`` from ``health.level``: 3 okay, 2 attention, 1 problem, with the reasons (tags
  removed) as the note; -1 (Confidential), 0 (Unknown), anything else or no health: none written.
  The source gives no date for a health, so it is dated only when the user names the date the
  source describes (``--as-of``, e.g. the snapshot's commit date); otherwise it has no date. An
  import's own date would claim the owner judged on the day of the import.
* Every value left out or read from text is noted in the KPI's description and listed in the
  import summary under a reason shared by every entry it applies to, so the summary counts them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from kpiframe.importers.common import Attention, ImportSummary
from kpiframe.importers.values import ParsedTarget, read_target_text

# What the GitLab handbook's own `color_code_health` helper calls each level, and kpiframe's level.
HEALTH_LEVELS = {"3": "Okay", "2": "Attention", "1": "Problem", "-1": "Confidential", "0": "Unknown"}
_KPIFRAME_HEALTH = {"3": "okay", "2": "attention", "1": "problem"}
_TRUE_WORDS = {"yes", "true", "on", "y"}
_FALSE_WORDS = {"no", "false", "off", "n"}


@dataclass
class Entry:
    """One indicator: constructed values for meaning, nodes for the text as written."""

    source: str
    line: int
    data: dict[str, Any]
    nodes: dict[str, yaml.Node]
    key_lines: dict[str, int]
    overridden: list[tuple[str, int, yaml.Node]] = field(default_factory=list)  # earlier duplicate keys

    def raw(self, key: str) -> str | None:
        """The scalar text as written (``None`` for an absent, empty or non-scalar value)."""
        node = self.nodes.get(key)
        if not isinstance(node, yaml.ScalarNode) or self.data.get(key) is None:
            return None
        text = node.value.strip()
        return text or None

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Notes:
    """Collects an entry's attention items for the summary and for its own description."""

    def __init__(self, entry: Entry, summary: ImportSummary) -> None:
        self.entry, self.summary = entry, summary
        self.lines: list[str] = []
        self.left_out: list[str] = []  # "owner (no DRI)": gathered into one line of the description

    def add(self, key: str, text: str, why: str, note: str | None = None) -> None:
        """``why`` is the same for every entry with this problem (the summary groups by it);
        ``note`` is the specific version kept in this KPI's description."""
        self.summary.attention.append(Attention(self.entry.source, self.entry.line_of(key), key, text, why))
        self.lines.append(note or why)

    def leave_out(self, key: str, text: str, why: str, what: str) -> None:
        """A field left out because the entry does not state it: listed in the summary under ``why``,
        and named in one "left out" line of the description."""
        self.summary.attention.append(Attention(self.entry.source, self.entry.line_of(key), key, text, why))
        self.left_out.append(what)

    def description_lines(self) -> list[str]:
        lines = list(self.lines)
        if self.left_out:
            lines.append("left out because the source does not state them: " + ", ".join(self.left_out))
        return lines


def kpi_fields(entry: Entry, notes: Notes, summary: ImportSummary, as_of: date | None) -> dict[str, Any]:
    """owner, unit, direction, key, threshold and health, in that order, each only when stated."""
    fields: dict[str, Any] = {}
    owner = _owner_from_dri(entry, notes)
    if owner:
        fields["owner"] = owner
    parsed, threshold = _target_reading(entry, notes, summary)
    if parsed is not None and parsed.unit:
        fields["unit"] = parsed.unit
    else:
        notes.leave_out("target", _target_text(entry) or "", "no unit stated: unit left out", "unit")
    if parsed is not None and parsed.direction:
        fields["direction"] = parsed.direction
    else:
        notes.leave_out("target", _target_text(entry) or "",
                        "no better direction stated (no comparator in the target): direction left out", "direction")
    if _is_key(entry, notes):
        fields["key"] = True
        summary.key_written += 1
    if threshold is not None:
        fields["threshold"] = {"value": threshold}
        summary.thresholds_written += 1
    health = _health(entry, notes, as_of)
    if health is not None:
        fields["health"] = health
        summary.health_written += 1
    return fields


def _owner_from_dri(entry: Entry, notes: Notes) -> str | None:
    dri = entry.raw("dri")
    if dri is None:
        notes.leave_out("dri", "", "no DRI: owner left out", "owner (no DRI)")
        return None
    owner = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", dri)).split())
    if not owner:
        notes.leave_out("dri", dri, "DRI has no readable name: owner left out", "owner (the DRI names nobody)")
        return None
    return owner


def _target_reading(entry: Entry, notes: Notes, summary: ImportSummary) -> tuple[ParsedTarget | None, Any]:
    """The target read (for its unit and direction) and the threshold value it states, if any."""
    target = _target_text(entry)
    if not target:
        return None, None
    reading = read_target_text(target)
    parsed = reading.parsed
    if parsed is None:
        notes.add("target", target, f"target not read ({reading.why}): nothing written, text kept in the description",
                  f"target '{target}' is not read because {reading.why}: no threshold, unit or direction "
                  "is written from it")
        return None, None
    summary.targets_parsed += 1
    shown = f"{parsed.value}" + (f" {parsed.unit}" if parsed.unit else "")
    if parsed.direction is None:
        notes.add("target", target, "target states no comparator (at or above, below...): no threshold written",
                  f"target '{target}' reads as {shown} but states no comparator, so whether it is a level to hold "
                  "and which way is better are unknown: no threshold written")
        return parsed, None
    sign = "≥" if parsed.direction == "increase" else "≤"
    notes.add("target", target, "target read as a standing level: written as `threshold` with its unit and direction",
              f"threshold {sign} {shown} and direction {parsed.direction} read from the target '{target}' "
              f"(kpiframe holds a threshold inclusively: {sign})")
    return parsed, parsed.value


def _target_text(entry: Entry) -> str | None:
    value = entry.data.get("target")
    if value is None or isinstance(value, (dict, list)):
        return None  # a structured target is kept in the description by the generic renderer
    return entry.raw("target") or text_of(value)


def _is_key(entry: Entry, notes: Notes) -> bool:
    if entry.data.get("is_key") is None:
        return False
    answer = yes_no(entry.data["is_key"], entry.raw("is_key"))
    if answer not in ("yes", "no"):
        notes.add("is_key", answer, "is_key is not yes or no: `key` left out",
                  f"is_key '{answer}' is neither yes nor no, so `key` is left out")
    return answer == "yes"


def _health(entry: Entry, notes: Notes, as_of: date | None) -> dict[str, Any] | None:
    health = entry.data.get("health")
    if not isinstance(health, dict) or health.get("level") is None:
        notes.add("health", "", "no health level: no `health` written")
        return None
    raw_level = str(health["level"]).strip()
    level = _KPIFRAME_HEALTH.get(raw_level) if not isinstance(health["level"], bool) else None
    if level is None:
        meaning = HEALTH_LEVELS.get(raw_level, "not a level GitLab defines")
        notes.add("health", raw_level, f"health level {raw_level} ({meaning}): no `health` written",
                  f"health level {raw_level} ({meaning}) is not an assessment, so no `health` is written")
        return None
    written: dict[str, Any] = {"level": level}
    if as_of is not None:
        written["date"] = as_of
        notes.add("health", raw_level, "health dated by --as-of (the source gives no date)",
                  f"health dated {as_of} by --as-of: the source gives no date for it")
    else:
        notes.add("health", raw_level, "health has no date (the source gives none; --as-of DATE dates it)")
    reasons = health.get("reasons")
    note = "; ".join(_plain(reason) for reason in reasons if _plain(reason)) if isinstance(reasons, list) else ""
    if note:
        written["note"] = note
    return written


def _plain(text: Any) -> str:
    """A health reason as one line of text: tags removed, entities read (the description keeps it as written)."""
    if not isinstance(text, str):
        return text_of(text)
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())


def yes_no(value: Any, raw: str | None) -> str:
    """``is_key: yes`` (YAML 1.1 true), ``true`` and a quoted "yes" all mean yes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    word = str(value).strip().lower()
    if word in _TRUE_WORDS:
        return "yes"
    if word in _FALSE_WORDS:
        return "no"
    return raw or str(value)


def text_of(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())
