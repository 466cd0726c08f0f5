"""`kpiframe record KPI --health LEVEL`: the owner's assessment, set in the KPI's own document.

`health` is one mapping on a KPI (`{level, date, note}`): the owner's latest judgement. Recording
one replaces it; git keeps the earlier ones. :func:`plan_health` decides everything from the loaded
framework (nothing is written); :func:`kpiframe.record.write_check_in` writes it like an actual.

Decisions:

* Refused, with the reason (exit 2), never written half: what `record` refuses for an actual
  (an id that is not a KPI, with a did-you-mean; a KPI whose document has errors or that is
  retired; a date that is not YYYY-MM-DD or is after today), a level that is not okay,
  attention or problem (the command line says so, with a did-you-mean), and a date before the
  health already written: an older judgement never replaces a newer one. The same level, date
  and note again writes nothing and says so.
* The edit is a few characters of the KPI's file, as `check --fix` makes them: an existing
  `health:` value is replaced, else one line `health: {level: ..., date: ..., note: ...}` is
  added after the document's last field, at its indentation. Every other byte stays. A one-line
  value is replaced after its key, so a comment after it stays on its line; a value over several
  lines (a block mapping, a folded note) is replaced from its key's line to its last line, and
  the comments inside it move just above `health:`, in their order, as `import --update` keeps
  them: a comment is never lost silently. The edited text is read back: the document must hold
  the new health and every other field unchanged, else the edit is refused, and the refusal
  gives the whole line to write by hand (note included, quoted as YAML needs).
* `--note` keeps its line breaks (written as `\n` in a double-quoted YAML string, so the line
  stays one line); spaces within a line are collapsed, as everywhere in a one-line note.
* A document written as one flow mapping (`{kind: KPI, ...}`) is refused: a one-line edit
  there would be unreadable.
* The date defaults to today, as the check judges it (`--today`, `as_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, get_args

import yaml

from kpiframe.check import LoadedFramework
from kpiframe.model.documents import HealthLevel
from kpiframe.record import CheckInRefused, check_in_day, live_kpi
from kpiframe.textedit import Edit, apply_edits, line_end, newline_of
from kpiframe.yamlspans import field_span, kept_comments, last_end

LEVELS = get_args(HealthLevel)  # the schema's levels, in its order


@dataclass(frozen=True)
class HealthCheckIn:
    """The health a check-in sets, the file it is written in, and what it replaces."""

    kpi: str
    level: str
    day: date
    note: str | None
    file: str  # relative to the framework root
    line: int  # where `health` is (after the edit)
    replaced: str = ""  # the health written before, in words ('' when there was none)
    already: bool = False  # the same health is already written: nothing to do
    writes: tuple[tuple[Path, str], ...] = ()
    created: tuple[Path, ...] = ()  # always empty: the KPI's file exists (write_check_in reads it)


def plan_health(result: LoadedFramework, kpi_id: str, level: str, day: str | None, note: str | None) -> HealthCheckIn:
    """Decide the health check-in (see the module's decisions); raises :class:`CheckInRefused`."""
    kpi = live_kpi(result, kpi_id, "assessments")
    if level not in LEVELS:
        raise CheckInRefused(f"--health {level!r} is not one of {', '.join(LEVELS)}")
    when = check_in_day(day, result.today, "health")
    note = normalized_note(note)
    new: dict[str, Any] = {"level": level, "date": when, **({"note": note} if note else {})}
    old = kpi.health
    if old is not None and old.date is not None and old.date > when:
        raise CheckInRefused(f"KPI {kpi_id!r} already has a later health ({old.level} on {old.date}); "
                             f"an assessment for {when} would replace a newer one")
    rel = kpi.origin.file
    if old is not None and (old.level, old.date, old.note) == (level, when, note):
        return HealthCheckIn(kpi_id, level, when, note, rel, kpi.origin.line, already=True)
    path = result.root / rel
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckInRefused(f"cannot read {rel}: {getattr(exc, 'strerror', None) or exc}") from None
    new_text, line = _with_health(text, rel, kpi.origin.index, kpi_id, new)
    replaced = ""
    if old is not None:
        replaced = old.level + (f" on {old.date}" if old.date else "") + (f" ({old.note})" if old.note else "")
    return HealthCheckIn(kpi_id, level, when, note, rel, line, replaced=replaced, writes=((path, new_text),))


def normalized_note(note: str | None) -> str | None:
    """The note as written: outer space stripped, each line's spaces collapsed, line breaks kept."""
    if note is None or not note.strip():
        return None
    return "\n".join(" ".join(line.split()) for line in note.strip().splitlines())


class _HealthDumper(yaml.SafeDumper):
    """A note with a line break is written double-quoted (``"a\\nb"``), so the health stays on one
    line whatever its indentation; everything else as PyYAML's safe dumper writes it."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"' if "\n" in text else None)


_HealthDumper.add_representer(str, _represent_text)


def health_flow(new: dict[str, Any]) -> str:
    """``{level: ..., date: ..., note: ...}`` as one line of YAML."""
    return yaml.dump(new, Dumper=_HealthDumper, default_flow_style=True, sort_keys=False, allow_unicode=True,
                     width=1_000_000).strip()


def _with_health(text: str, rel: str, index: int, kpi_id: str, new: dict[str, Any]) -> tuple[str, int]:
    """``text`` with the document's health set to ``new``, and the 1-based line of `health`."""
    body = text.lstrip("\ufeff")
    offset = len(text) - len(body)
    flow = health_flow(new)
    mapping = _document(body, rel, index, kpi_id, flow)
    health = next(((key, value) for key, value in mapping.value if key.value == "health"), None)
    newline = newline_of(body)
    if health is not None:
        key, value = health
        start = key.end_mark.index
        if body[start:start + 1] != ":":
            raise CheckInRefused(f"{rel}:{key.start_mark.line + 1}: `health` is written in a way this command "
                                 f"cannot edit safely; {_by_hand(flow)}")
        line = key.start_mark.line + 1
        if value.start_mark.line == key.start_mark.line and body.count("\n", start, last_end(value)) == 0:
            edit = Edit(offset + start, offset + last_end(value), f": {flow}")  # a comment after it stays
        else:
            span_start, span_end = field_span(body, key, value)
            comments = kept_comments(body, key, value, span_start, span_end, newline)
            ends_line = body[span_end - 1:span_end] == "\n"
            replacement = f"{comments}{' ' * key.start_mark.column}health: {flow}{newline if ends_line else ''}"
            edit = Edit(offset + span_start, offset + span_end, replacement)
            line += comments.count("\n") - body.count("\n", span_start, key.start_mark.index)
    else:
        last_key, last_value = mapping.value[-1]
        end = last_end(last_value)
        at = end if body[end - 1:end] == "\n" else line_end(body, end)
        prefix = newline if at == len(body) and not body.endswith("\n") else ""  # a last line without its break
        indent = " " * last_key.start_mark.column
        edit = Edit(offset + at, offset + at, f"{prefix}{indent}health: {flow}{newline}")
        line = body.count("\n", 0, at) + 1 + (1 if prefix else 0)
    edited = apply_edits(text, [edit])
    _read_back(edited, mapping_data(mapping), rel, index, kpi_id, new, flow)
    return edited, line


def _by_hand(flow: str) -> str:
    return f"set it by hand: `health: {flow}`"


def _document(text: str, rel: str, index: int, kpi_id: str, flow: str) -> yaml.MappingNode:
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        raise CheckInRefused(f"{rel} does not parse as YAML here; `kpiframe check` says why") from None
    candidates = [documents[index]] if index < len(documents) else []
    candidates += documents
    for node in candidates:
        if isinstance(node, yaml.MappingNode) and mapping_data(node).get("id") == kpi_id:
            if node.flow_style:
                raise CheckInRefused(f"{rel}:{node.start_mark.line + 1}: KPI {kpi_id!r} is written as one flow "
                                     f"mapping ({{...}}); {_by_hand(flow)}")
            if not node.value:
                break
            return node
    raise CheckInRefused(f"KPI {kpi_id!r} is not found in {rel} as the check read it; check again")


def mapping_data(node: yaml.MappingNode) -> dict[Any, Any]:
    data = yaml.SafeLoader("").construct_document(node)
    return data if isinstance(data, dict) else {}


def _read_back(edited: str, before: dict[Any, Any], rel: str, index: int, kpi_id: str, new: dict[str, Any],
               flow: str) -> None:
    """The edited document must hold the new health and every other field as it was."""
    try:
        after = mapping_data(_document(edited.lstrip("\ufeff"), rel, index, kpi_id, flow))
    except CheckInRefused:
        after = {}
    expected = {key: value for key, value in before.items() if key != "health"}
    if after.get("health") != new or {key: value for key, value in after.items() if key != "health"} != expected:
        raise CheckInRefused(f"{rel}: KPI {kpi_id!r} could not be edited safely (the edit did not read back as "
                             f"intended); {_by_hand(flow)}")
