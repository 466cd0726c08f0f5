"""The schemas: messages a business user understands, pointing at the offending key or value."""

from __future__ import annotations

import pytest

from kpiframe.load import parse_text
from kpiframe.model.validate import validate_document

KPI = """\
kind: KPI
id: new-arr
name: New ARR
department: sales
owner: Dana Kim
unit: USD
direction: increase
"""


def validate(text: str):
    [raw] = parse_text(text, "f.yaml").documents
    return validate_document(raw)


def test_a_complete_kpi_is_valid_with_numbers_dates_and_lists():
    document, findings = validate(KPI + "supports: [grow]\ntarget: {value: 1.5e6, date: 2026-12-31}\n"
                                        "actuals:\n  - {date: 2026-03-31, value: 012}\n")
    assert findings == []
    assert document.target.value == 1_500_000 and document.actuals[0].value == 12
    assert document.supports == ["grow"]


@pytest.mark.parametrize("kind, body", [
    ("Goal", "title: Grow\nlevel: company\n"),
    ("Driver", "title: Workload\ninfluences: [{target: x, effect: decrease}]\n"),
    ("ActionPlan", "title: Plan\naddresses: [a]\nstatus: in_progress\nmilestones:\n  - {title: M, due: 2026-01-01, done: yes}\n"),
    ("Tradeoff", "between: [a, b]\nresolution: Agreed\nowners: [Ann]\n"),
])
def test_each_kind_validates(kind, body):
    document, findings = validate(f"kind: {kind}\nid: x1\n{body}")
    assert findings == [] and document.kind_name == kind


def test_enum_message_names_the_document_the_field_and_the_choices():
    _, [finding] = validate(KPI.replace("increase", "up"))
    assert finding.rule == "invalid-value"
    assert finding.message == "KPI 'new-arr': `direction` must be increase or decrease, got 'up'"
    assert (finding.line, finding.column) == (7, 12)


def test_unknown_field_suggests_the_closest_and_points_at_the_key():
    _, [finding] = validate(KPI + "tagret:\n  value: 3\n")
    assert finding.rule == "unknown-field" and finding.hint == "did you mean `target`?"
    assert (finding.line, finding.column) == (8, 1)


def test_unknown_nested_field_suggests_from_the_nested_mapping():
    _, findings = validate(KPI + "target: {valeu: 3, date: 2026-01-01}\n")
    [finding] = [f for f in findings if f.rule == "unknown-field"]
    assert "`value`" in finding.hint and (finding.line, finding.column) == (8, 10)


def test_quoted_number_is_an_error_not_a_conversion():
    _, findings = validate(KPI + 'target: {value: "12%", date: 2026-12-31}\n')
    [finding] = [f for f in findings if "target.value" in f.message]
    assert "quoted text '12%'" in finding.message and finding.line == 8


def test_yes_as_a_name_stays_text():
    document, findings = validate(KPI.replace("New ARR", "no"))
    assert findings == [] and document.name == "no"


def test_number_where_an_id_was_meant_is_read_as_the_id():
    document, findings = validate(KPI + "supports: [2026]\n")
    assert findings == [] and document.supports == ["2026"]


def test_impossible_date_and_infinite_value_are_reported():
    _, findings = validate(KPI + "target: {value: .inf, date: 2026-13-45}\n")
    messages = sorted(f.message for f in findings)
    assert any("real date" in m for m in messages) and any("finite" in m for m in messages)


def test_missing_required_field_is_reported_at_the_document():
    _, [finding] = validate(KPI.replace("department: sales\n", ""))
    assert finding.message == "KPI 'new-arr': `department` is required" and finding.line == 1


def test_id_pattern_message():
    _, [finding] = validate(KPI.replace("id: new-arr", "id: New ARR"))
    assert "lowercase id" in finding.message and finding.line == 2


def test_wrong_api_version():
    _, [finding] = validate("apiVersion: kpiframe/v2\n" + KPI)
    assert "kpiframe/v1" in finding.message and finding.line == 1


def test_unknown_kind_suggests_the_right_casing():
    _, [finding] = validate("kind: kpi\nid: a\n")
    assert finding.rule == "unknown-kind" and finding.hint == "did you mean `KPI`?"


def test_a_list_document_is_reported():
    _, [finding] = validate("- a\n- b\n")
    assert finding.rule == "invalid-value" and "mapping" in finding.message


def test_goal_levels_need_parent_and_department():
    _, findings = validate("kind: Goal\nid: g\ntitle: G\nlevel: team\n")
    assert {f.message for f in findings} == {"Goal 'g': a team goal needs a `parent` goal",
                                             "Goal 'g': a team goal needs a `department`"}
    _, [finding] = validate("kind: Goal\nid: g\ntitle: G\nlevel: company\nparent: x\n")
    assert finding.line == 5 and "company goal has no `parent`" in finding.message


def test_tradeoff_needs_exactly_two_kpis_and_an_owner():
    _, findings = validate("kind: Tradeoff\nid: t\nbetween: [a, b, c]\nresolution: r\nowners: []\n")
    assert sorted(f.line for f in findings) == [3, 5]


def test_target_date_before_baseline_date():
    _, [finding] = validate(KPI + "baseline: {value: 1, date: 2026-06-01}\ntarget: {value: 2, date: 2026-01-01}\n")
    assert "before `baseline.date`" in finding.message and finding.line == 9


def test_keys_that_look_like_pydantic_location_tags_are_reported_not_crashed_on():
    _, findings = validate(KPI + "x[: 1\nint: 2\n")
    assert [(f.rule, f.line, f.message.split("`")[1]) for f in findings] == [
        ("unknown-field", 8, "x["), ("unknown-field", 9, "int")]


def test_thousands_separator_in_a_flow_mapping_gets_a_hint():
    _, findings = validate(KPI + "target: {value: 1,200, date: 2026-12-31}\n")
    [finding] = [f for f in findings if f.rule == "unknown-field"]
    assert "1200" in finding.hint and finding.line == 8
