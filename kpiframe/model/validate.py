"""Raw YAML documents -> pydantic models, with every problem as a finding a business user understands."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from kpiframe.findings import Finding, Fix
from kpiframe.load.document import RawDocument, path_text
from kpiframe.load.yamlfile import MAX_FINDINGS_PER_DOCUMENT
from kpiframe.model.documents import API_VERSION, KINDS, KPI, MODELS, Document, Goal, Tradeoff

_HINTS = {
    "kf_number": "write a plain number such as 12.5, without quotes or units; the unit goes in `unit`",
    "kf_date": "write dates as YYYY-MM-DD, for example 2026-12-31",
    "kf_flag": "write true or false",
    "kf_id": "ids are lowercase, like new-arr or q3.churn",
    "kf_list": "write a list: `- item` lines, or [a, b]",
    "kf_mapping": "write `key: value` lines, indented under the field",
    "kf_text": "write the text after the colon; `~`, `null` and an empty value mean nothing",
    "kf_blank": "write a value, or leave the field out if it is optional",
    "kf_count": "write a whole number such as 5000000, or leave the setting out for its default",
    "kf_tolerances": "at_risk is the wider band, in points below expected progress: {on_track: 10, at_risk: 25}",
    "kf_pull_output": "for example `pull: {output: data/actuals-pulled.csv}`",
    "kf_pull_timeout": "for example `pull: {timeout: 300}` (five minutes per query)",
}


def validate_document(raw: RawDocument) -> tuple[Document | None, list[Finding]]:
    """Turn one raw document into a model, or explain precisely why it cannot be one."""
    data = raw.data
    if not isinstance(data, dict):
        return None, [_at(raw, (), "invalid-value",
                          f"a document must be a mapping with a `kind`, got {_kind_of(data)}",
                          "start the document with `kind: KPI` (or Goal, Driver, ActionPlan, Tradeoff)")]
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in MODELS:  # a list or mapping here is not even hashable
        return None, [_unknown_kind(raw, kind)]
    model = MODELS[kind]
    label = f"{kind} '{data['id']}'" if _shown_id(data) else kind
    try:
        document = model.model_validate(data)
    except ValidationError as exc:
        return None, translate_errors(raw, model, label, exc)
    document._origin = raw
    problems = list(_structure_problems(document, raw))
    return (None if problems else document), problems


def translate_errors(raw: RawDocument, model: type[BaseModel], label: str, exc: ValidationError) -> list[Finding]:
    errors = _dedupe(exc.errors())
    misspelt = _misspelt_required(raw, model, errors)
    errors = [e for e in errors if not (e["type"] == "missing" and _missing_field(raw, e) in misspelt.values())]
    findings = [_translate(raw, model, label, error, misspelt) for error in errors[:MAX_FINDINGS_PER_DOCUMENT]]
    if len(errors) > MAX_FINDINGS_PER_DOCUMENT:  # one mistake repeated over 10,000 actuals: say so once
        rest = len(errors) - MAX_FINDINGS_PER_DOCUMENT
        last = findings[-1]
        findings.append(Finding(rule="invalid-value", file=raw.file, line=last.line, column=last.column,
                                subject=last.subject, message=f"{label}: {rest:,} more problems in this document "
                                f"are not listed (only the first {MAX_FINDINGS_PER_DOCUMENT} are)",
                                hint="fix the ones listed; the rest are often the same mistake repeated"))
    return findings


def _dedupe(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    seen, unique = set(), []
    for error in errors:
        key = (tuple(error["loc"]), error["type"])
        if key not in seen:
            seen.add(key)
            unique.append(error)
    return unique


def _unknown_kind(raw: RawDocument, kind: Any) -> Finding:
    if kind is None:
        return _at(raw, (), "unknown-kind", "document has no `kind`",
                   f"add `kind:` with one of {', '.join(KINDS)}")
    if not isinstance(kind, str):
        return _at(raw, ("kind",), "unknown-kind", f"`kind` must be one word, got {_shown(kind)}",
                   f"write `kind:` with one of {', '.join(KINDS)}")
    text = str(kind)
    match = next((k for k in KINDS if k.lower() == text.lower().replace("_", "").replace("-", "").replace(" ", "")), None)
    match = match or next(iter(difflib.get_close_matches(text, KINDS, n=1, cutoff=0.6)), None)
    hint = f"did you mean `{match}`?" if match else f"use one of {', '.join(KINDS)}"
    return _at(raw, ("kind",), "unknown-kind", f"unknown kind {text!r}", hint)


def _misspelt_required(raw: RawDocument, model: type[BaseModel], errors: list[ErrorDetails]) -> dict[tuple, tuple]:
    """Unknown fields that are a missing required field misspelt (`ownr` for `owner`), by the
    unknown field's path: the path of the field it stands for. One typo is one finding."""
    missing = {_missing_field(raw, e) for e in errors if e["type"] == "missing"}
    found: dict[tuple, tuple] = {}
    for error in errors:
        if error["type"] != "extra_forbidden":
            continue
        loc = _data_loc(raw.data, error["loc"])
        close = _closest_field(model, loc)
        if close is not None and loc[:-1] + (close,) in missing and loc[:-1] + (close,) not in found.values():
            found[loc] = loc[:-1] + (close,)
    return found


def _missing_field(raw: RawDocument, error: ErrorDetails) -> tuple:
    return _data_loc(raw.data, error["loc"])


def _closest_field(model: type[BaseModel], loc: tuple) -> str | None:
    close = difflib.get_close_matches(str(loc[-1]), sorted(_fields_at(model, loc[:-1])), n=1, cutoff=0.6)
    return close[0] if close else None


def _translate(raw: RawDocument, model: type[BaseModel], label: str, error: ErrorDetails,
               misspelt: dict[tuple, tuple] | None = None) -> Finding:
    loc = _data_loc(raw.data, error["loc"])
    kind = error["type"]
    field = path_text(loc) or "document"
    if kind == "extra_forbidden":
        allowed = sorted(_fields_at(model, loc[:-1]))
        name = str(loc[-1])
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else f"allowed fields here: {', '.join(allowed)}"
        if misspelt and loc in misspelt:
            hint += " (it is required)"
        if name.isdigit():  # `{value: 1,200}` reads as value 1 and a key "200"
            hint = "a number with a thousands separator? write 1200, not 1,200"
        return _at(raw, loc, "unknown-field", f"{label}: unknown field `{field}`", hint, key=True)
    if kind == "missing":
        return _at(raw, loc[:-1], "invalid-value", f"{label}: `{field}` is required",
                   f"add `{loc[-1]}:` to this {'document' if len(loc) == 1 else 'mapping'}", key=True)
    if field == "apiVersion":
        return _at(raw, loc, "invalid-value", f"{label}: `apiVersion` must be {API_VERSION}, got {error['input']!r}",
                   f"write `apiVersion: {API_VERSION}` or leave it out")
    message, hint = _describe_error(kind, error)
    finding = _at(raw, loc, "invalid-value", f"{label}: `{field}` {message}", hint)
    meant = _meant_choice(error) if kind == "literal_error" else None
    if meant is None or not finding.line:
        return finding
    fix = Fix(f"{loc[-1]} '{error['input']}' -> '{meant}'", finding.line, finding.column, str(error["input"]), meant)
    return replace(finding, hint=f"did you mean `{meant}`? (`kpiframe check --fix` writes it)", fix=fix)


# Words people write for a choice that mean exactly that choice (the choice must be one of the field's).
_SYNONYMS = {"higher": "increase", "up": "increase", "lower": "decrease", "down": "decrease"}


def _meant_choice(error: ErrorDetails) -> str | None:
    """The choice a value that is not one plainly means: another case (`Quarterly`), another
    separator (`in-progress`, `In Progress`), or a synonym (`higher` for `increase`)."""
    value = error.get("input")
    if not isinstance(value, str) or "\n" in value:
        return None
    choices = re.findall(r"'([^']*)'", (error.get("ctx") or {}).get("expected", ""))
    spelt = re.sub(r"[-\s]+", "_", value.strip().lower())
    for candidate in (value.strip().lower(), spelt, _SYNONYMS.get(spelt)):
        if candidate in choices:
            return candidate
    return None


def _describe_error(kind: str, error: ErrorDetails) -> tuple[str, str]:
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        options = ctx.get("expected", "").replace("'", "")
        return f"must be {options}, got {_shown(error['input'])}", f"use one of: {options.replace(' or ', ', ')}"
    if kind in ("too_short", "too_long"):
        wanted = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        got = ctx.get("actual_length")
        return f"must list {'at least' if kind == 'too_short' else 'at most'} {wanted}, got {got}", "check the list"
    if kind == "string_too_short":
        return "must not be empty", "write a value, or leave the field out if it is optional"
    return error["msg"], _HINTS.get(kind, "")


def _shown(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        shapes: dict[type, str] = {dict: "a mapping", list: "a list"}
        return shapes.get(type(value), "nothing")
    return repr(str(value))


def _structure_problems(document: Document, raw: RawDocument) -> Iterable[Finding]:
    """Rules between fields of one document that a type alone cannot say."""
    label = document.label
    if isinstance(document, Goal):
        if document.level == "company":
            if document.parent is not None:
                yield _at(raw, ("parent",), "invalid-value", f"{label}: a company goal has no `parent`",
                          "remove `parent`, or make this a department goal", key=True)
        else:
            if document.parent is None:
                yield _at(raw, (), "invalid-value", f"{label}: a {document.level} goal needs a `parent` goal",
                          "add `parent:` with the id of the goal this one serves")
            if document.department is None:
                yield _at(raw, (), "invalid-value", f"{label}: a {document.level} goal needs a `department`",
                          "add `department:` with the id of the owning department")
        period = document.period
        if period and period.start and period.end and period.end < period.start:
            yield _at(raw, ("period", "end"), "invalid-value", f"{label}: `period.end` is before `period.start`",
                      "swap the dates")
    if isinstance(document, KPI):
        yield from _target_problems(document, raw)
        if document.baseline and document.target and document.target.date < document.baseline.date:
            yield _at(raw, ("target", "date"), "invalid-value",
                      f"{label}: `target.date` {document.target.date} is before `baseline.date` {document.baseline.date}",
                      "the target date is when the target must be met; it comes after the baseline")
    if isinstance(document, KPI):
        for index, entry in enumerate(document.revisions):
            for key, value in (("from", entry.from_), ("to", entry.to)):
                word = isinstance(value, str)
                if value is not None and word != (entry.field == "direction"):
                    wanted = "increase or decrease" if entry.field == "direction" else "a number or {value, date}"
                    yield _at(raw, ("revisions", index, key), "invalid-value",
                              f"{label}: `revisions[{index}].{key}` of a `{entry.field}` revision must be {wanted}, "
                              f"got {value if word else 'a number'}",
                              "write what the field was and became, e.g. `from: 12, to: 10` (or increase/decrease for direction)")
    if isinstance(document, Tradeoff) and document.between[0] == document.between[1]:
        yield _at(raw, ("between", 1), "invalid-value", f"{label}: `between` names the same id twice",
                  "a trade-off is between two different KPIs, or a KPI and a driver")


def _target_problems(kpi: KPI, raw: RawDocument) -> Iterable[Finding]:
    """`target` and `targets` are two ways of saying one thing: both at once is a contradiction."""
    label = kpi.label
    if kpi.target is not None and kpi.targets:
        yield _at(raw, ("targets",), "invalid-value",
                  f"{label} has both `target` and `targets`: which one is the final target cannot be told",
                  "keep `targets:` (a path whose last step is the final target) or `target:`, not both", key=True)
    for index, (before, after) in enumerate(zip(kpi.targets, kpi.targets[1:]), start=1):
        if after.date <= before.date:
            yield _at(raw, ("targets", index, "date"), "invalid-value",
                      f"{label}: `targets[{index}].date` {after.date} is not after `targets[{index - 1}].date` "
                      f"{before.date}", "list the steps of a target path by date, earliest first, one per date")
    if kpi.baseline and kpi.targets and kpi.targets[0].date < kpi.baseline.date:
        yield _at(raw, ("targets", 0, "date"), "invalid-value",
                  f"{label}: `targets[0].date` {kpi.targets[0].date} is before `baseline.date` {kpi.baseline.date}",
                  "a target path starts after the baseline it moves from")


def _fields_at(model: type[BaseModel], loc: tuple) -> set[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if info is None:
            return set()
        current = _nested_model(info.annotation)
        if current is None:
            return set()
    return {info.alias or name for name, info in current.model_fields.items()}


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _data_loc(data: Any, loc: tuple) -> tuple:
    """The part of a pydantic error location that is a path into the document.

    pydantic also puts validator and union tags into locations ('function-before[...]', 'int').
    A part is kept when the data has it (so a user's key named `x[` or `int` stays), or when it is
    the last part and not such a tag (a missing field).
    """
    path: list = []
    current = data
    for i, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif i == len(loc) - 1 and isinstance(part, str) and not _is_schema_tag(part):
            current = None
        else:
            continue
        path.append(part)
    return tuple(path)


def _is_schema_tag(part: str) -> bool:
    return "[" in part or part in {"int", "float", "str", "bool", "list", "dict"}


def _shown_id(data: Any) -> bool:
    """Whether the document's id can name it in messages: a newline or a page of text cannot."""
    value = data.get("id") if isinstance(data, dict) else None
    return isinstance(value, str) and 0 < len(value) <= 200 and value.isprintable()


def _kind_of(data: Any) -> str:
    if isinstance(data, list):
        return "a list"
    return f"the value {str(data)!r}"


def _at(raw: RawDocument, path: tuple, rule: str, message: str, hint: str = "", *, key: bool = False) -> Finding:
    line, column = raw.position(path, key=key)
    subject = raw.data["id"] if _shown_id(raw.data) else None
    return Finding(rule=rule, message=message, file=raw.file, line=line, column=column, subject=subject, hint=hint)
