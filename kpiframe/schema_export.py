"""`kpiframe schema`: a JSON Schema (draft 2020-12) for framework documents, for editors.

Generated from the pydantic models, so the schema and the checker cannot drift apart. One
schema covers every kind: a ``oneOf`` over the five document schemas, each with ``kind``
fixed by a ``const``, which is how yaml-language-server picks the right one for completion.

What an editor sees is YAML 1.2 (yaml-language-server's default): ``2026-01-01`` is a string,
``1.5e6`` and ``012`` are numbers, ``yes`` is a string. kpiframe reads every scalar as the text
typed and lets the field decide (see ``kpiframe.model.types``), so the schema describes what
kpiframe accepts, as YAML 1.2 presents it:

- dates: strings with ``format: date`` and a ``YYYY-MM-DD`` pattern;
- numbers: numbers (a quoted ``"12"`` is a string, refused by both);
- ids: the id pattern, or a whole number (kpiframe reads ``supports: [2026]`` as the id "2026");
- text: strings, and also numbers and true/false, which kpiframe keeps as the text typed
  (``name: 12``, ``unit: no``);
- yes/no fields: booleans, or the words kpiframe accepts (``yes``, ``no``, ``on``, ``off``), quoted
  or not (an editor cannot tell ``yes`` from ``"yes"``, so kpiframe does not either);
- required text (a name, an owner, a unit): not empty and not only spaces;
- lists: a list, or nothing (``supports:`` with no value means no entries), unless the list
  has a minimum length;
- unknown fields are refused (``additionalProperties: false``), like the checker does.

The custom field types of ``kpiframe.model.types`` are plain ``BeforeValidator`` functions, so
their JSON Schema is chosen here by validator function, in one table, rather than annotated
on every type: the model stays about validation, this module about presentation.

What the schema cannot say (cross-document rules: ids that exist, departments in
kpiframe.yaml, alignment, conflicts) is left to `kpiframe check`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from kpiframe.model import types
from kpiframe.model.documents import KINDS, MODELS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_FLAG_WORDS = [w for word in ("yes", "no", "on", "off", "true", "false") for w in (word, word.title(), word.upper())]


def _id(inner: JsonSchemaValue) -> JsonSchemaValue:
    # "minimum" applies to numbers only and "pattern" to strings only: one schema for both forms.
    return {"type": ["string", "integer"], "pattern": types.ID_PATTERN, "minimum": 0}


def _text(inner: JsonSchemaValue) -> JsonSchemaValue:
    schema: JsonSchemaValue = {"type": ["string", "number", "boolean"]}
    if "minLength" in inner:
        schema["minLength"] = inner["minLength"]
    return schema


def _nonempty_text(inner: JsonSchemaValue) -> JsonSchemaValue:
    # Not empty and not only spaces; "pattern" applies to strings only, so 12 or true still pass.
    return {"type": ["string", "number", "boolean"], "minLength": 1, "pattern": r"\S"}


def _number(inner: JsonSchemaValue) -> JsonSchemaValue:
    return {"type": "number"}


def _count(inner: JsonSchemaValue) -> JsonSchemaValue:
    return {"type": "integer", "minimum": 1}


def _date(inner: JsonSchemaValue) -> JsonSchemaValue:
    return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _flag(inner: JsonSchemaValue) -> JsonSchemaValue:
    return {"anyOf": [{"type": "boolean"}, {"enum": _FLAG_WORDS}]}


def _list(inner: JsonSchemaValue) -> JsonSchemaValue:
    # A list with a minimum length gets its null branch removed again in _describe: the
    # length constraint sits outside this schema, where pydantic puts Field(min_length=...).
    return {"anyOf": [inner, {"type": "null"}]}


def _mapping(inner: JsonSchemaValue) -> JsonSchemaValue:
    return inner


BY_VALIDATOR: dict[Callable[..., Any], Callable[[JsonSchemaValue], JsonSchemaValue]] = {
    types.parse_id: _id,
    types.parse_text: _text,
    types.parse_nonempty_text: _nonempty_text,
    types.parse_number: _number,
    types.parse_count: _count,
    types.parse_date: _date,
    types.parse_flag: _flag,
    types.parse_list: _list,
    types.parse_mapping: _mapping,
}

KIND_HELP = {
    "Goal": "A company, department or team goal. Department and team goals name their parent goal.",
    "KPI": "A measure of progress toward goals, owned by one department, with a baseline, a target and actuals.",
    "Driver": "A shared quantity several departments push on (delivery workload, headcount, discount rate).",
    "ActionPlan": "What will be done to move one or more KPIs: an owner, a status and a due date.",
    "Tradeoff": "An agreed resolution between two departments' KPIs that pull against each other.",
}
PART_HELP = {
    "Period": "The time a goal covers.",
    "Measurement": "A value and the date it applies to.",
    "Actual": "A measured value on a date.",
    "Influence": "When this rises, the target rises (increase) or falls (decrease).",
    "Milestone": "A step of an action plan, with its due date.",
    "Suppression": "Accept a known finding on this document; the reason is required.",
    "Revision": "One change to a target, threshold, baseline or direction, with why and who agreed.",
    "RevisedMeasurement": "A value and/or a date, as in a target or baseline.",
    "Retirement": "When the KPI was retired, and why.",
    "Query": "How `kpiframe pull` gets this KPI's actuals: SQL returning rows of (date, value).",
    "Threshold": "A standing level to hold: at or above it for direction increase, at or below for decrease.",
    "Health": "The owner's own judgement of the KPI: okay, attention or problem, with its date and a note.",
}
# Fields whose meaning in one part differs from the field of the same name elsewhere.
PART_FIELD_HELP = {
    ("Query", "source"): "A source name from `sources` in kpiframe.yaml (default: the source named default).",
    ("Health", "level"): "okay, attention (counts as at-risk) or problem (counts as off-track) when the numbers cannot judge.",
    ("Health", "date"): "When the owner made this judgement.",
    ("Threshold", "value"): "The level, a plain number in the KPI's unit.",
}
FIELD_HELP = {
    "kind": "The kind of document.",
    "apiVersion": "The format version; kpiframe/v1 is the default.",
    "id": "Unique across the framework, all kinds together: lowercase letters, digits, '.', '_' and '-'.",
    "description": "Free text.",
    "ignore": "Suppressions: findings accepted on this document, each with a reason.",
    "title": "What it is, in a few words.",
    "level": "company, department or team.",
    "parent": "The goal this one contributes to (required for department and team goals, forbidden for company goals).",
    "department": "A department id from `departments` in kpiframe.yaml.",
    "owner": "The person accountable (on a KPI: optional, rule missing-owner says when it is left out).",
    "period": "The time the goal covers.",
    "name": "The KPI's name.",
    "supports": "The goals this KPI measures progress toward.",
    "unit": "What the numbers count (USD, %, days, ...); optional, rule missing-unit says when it is left out.",
    "direction": "Which way is better: increase or decrease; optional, but without it progress and conflicts are not checked (missing-direction).",
    "key": "true for the few KPIs leadership reviews: listed first, counted apart, `--key` shows them alone.",
    "targets": "A target path instead of `target`: {value, date} steps, dates ascending, the last one the final target.",
    "threshold": "A standing level to hold, {value}: at or above it (increase) or at or below it (decrease).",
    "health": "The owner's own judgement: {level: okay | attention | problem, date, note}.",
    "note": "Why: the owner's reasons, in a sentence.",
    "baseline": "The value when the target was set, and its date.",
    "target": "The value to reach, and the date by which to reach it.",
    "review": "How often a new number comes in: weekly, monthly, quarterly or yearly.",
    "source": "Where the number comes from (a dashboard, a report).",
    "actuals": "Measured values, by date (also read from the CSV files named in kpiframe.yaml).",
    "influences": "What this quantity moves: the KPIs or drivers that rise or fall when it rises.",
    "addresses": "The KPIs this plan is meant to move.",
    "start": "When the plan starts.",
    "due": "When it is due.",
    "status": "planned, in_progress, done, blocked or cancelled.",
    "milestones": "Steps of the plan, each with a due date and whether it is done.",
    "collaborators": "Other departments taking part (department ids).",
    "between": "The two KPIs whose conflict this trade-off settles; or the hurt KPI and a KPI or driver that every harmful path to it passes through.",
    "resolution": "What was agreed.",
    "owners": "Who agreed it: include an owner of each of the two KPIs.",
    "goal": "The company goal that arbitrates (optional).",
    "value": "A plain number (never quoted).",
    "date": "A date, YYYY-MM-DD.",
    "effect": "increase or decrease.",
    "done": "true or false.",
    "rule": "A rule code (KF101) or slug (orphan-kpi).",
    "reason": "Why: why the finding is accepted (ignore), the value was revised (revisions) or the KPI retired.",
    "revisions": "The log of changes to target, threshold, baseline or direction, each with its reason and approver.",
    "retired": "When and why the KPI was retired: it keeps its history and is no longer judged.",
    "field": "The field revised: target, threshold, baseline or direction.",
    "from": "What the field was: a number, {value, date}, or increase/decrease for direction.",
    "to": "What the field became: a number, {value, date}, or increase/decrease for direction.",
    "approved_by": "Who agreed the revision.",
    "end": "The last day of the period.",
    "query": "Where `kpiframe pull` gets the actuals: {source, sql}; sql inline or a .sql file's path.",
    "sql": "SQL returning rows of (date, value), or the path of a .sql file relative to the framework folder.",
}


class FrameworkJsonSchema(GenerateJsonSchema):
    """pydantic's generator, with kpiframe's field types described by their validator function."""

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        inner = super().function_before_schema(schema)
        present = BY_VALIDATOR.get(schema["function"]["function"])
        return present(inner) if present is not None else inner


def framework_schema() -> dict[str, Any]:
    """The JSON Schema for one framework document (any kind)."""
    _, top = models_json_schema([(model, "validation") for model in MODELS.values()],
                                ref_template="#/$defs/{model}", schema_generator=FrameworkJsonSchema)
    definitions = top["$defs"]
    for name, definition in definitions.items():
        _describe(definition, KIND_HELP.get(name) or PART_HELP.get(name, ""))
        for (part, field_name), help_text in PART_FIELD_HELP.items():
            if part == name:
                definition["properties"][field_name]["description"] = help_text
    for kind in KINDS:
        definitions[kind]["properties"]["kind"] = {"const": kind, "description": FIELD_HELP["kind"]}
    return {
        "$schema": DIALECT,
        "title": "kpiframe framework document",
        "description": "One document of a kpiframe framework: a Goal, KPI, Driver, ActionPlan or Tradeoff "
                       "(several per file, separated by ---). Checked in full by `kpiframe check`.",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": list(KINDS), "description": FIELD_HELP["kind"]}},
        "oneOf": [{"$ref": f"#/$defs/{kind}"} for kind in KINDS],
        "$defs": dict(sorted(definitions.items())),
    }


def _describe(definition: dict[str, Any], help_text: str) -> None:
    """Replace pydantic's generated titles ("Apiversion") with help that shows on hover."""
    if help_text:
        definition["description"] = help_text
    else:
        definition.pop("description", None)
    for name, prop in definition.get("properties", {}).items():
        prop.pop("title", None)
        _drop_null_from_required_lists(prop)
        if name in FIELD_HELP:
            prop["description"] = FIELD_HELP[name]


def _drop_null_from_required_lists(prop: dict[str, Any]) -> None:
    """``between: ~`` reads as an empty list, which a list of at least N entries refuses."""
    if prop.get("minItems", 0) > 0 and "anyOf" in prop:
        branches = [b for b in prop.pop("anyOf") if b != {"type": "null"}]
        if len(branches) == 1:
            prop.update(branches[0])
        else:
            prop["anyOf"] = branches


def schema_json() -> str:
    return json.dumps(framework_schema(), indent=2, ensure_ascii=False) + "\n"


def framework_files_at(output: Path) -> list[Path]:
    """For `schema -o`, which reads no framework: a YAML file or a config there is someone's input,
    which the write must refuse to replace."""
    from kpiframe.load.config import find_config_file

    inputs = [output] if output.suffix.lower() in (".yaml", ".yml") else []
    config = find_config_file(output.parent) if output.parent.is_dir() else None
    return inputs + ([config] if config is not None else [])
