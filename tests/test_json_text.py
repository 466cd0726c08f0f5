"""The fast indented JSON writers give exactly what ``json.dumps(indent=2, ensure_ascii=False)`` gives."""

from __future__ import annotations

import json

import pytest

from kpiframe.check import CheckOptions, run_check
from kpiframe.findings import Finding, Severity
from kpiframe.render import json_out
from kpiframe.render.json_out import JSON_VERSION, render_check_json
from kpiframe.render.json_text import dumps_indented
from kpiframe.render.locations import FilePaths
from tests.conftest import EXAMPLES, TODAY

HOSTILE = "Evil \"quoted\" \\ back\nline\ttab \x00\x1f\x7f \u2028\u2029 é 顧客 😀 \ud800 </script>"
VALUES = [
    {}, [], "", 0, -1, 10**30, 1.5, -0.0, 1e308, 5e-324, float("inf"), float("-inf"), float("nan"), True, False, None,
    {"a": [], "b": {}, "c": [[]], "d": [{}], "e": None},
    {"findings": [{"code": "KF105", "message": HOSTILE, "line": 19, "related": [HOSTILE, "x"], "hint": None}],
     "summary": {"findings": {"error": 0, "warning": 2}, "ratio": 0.25, "ok": True}},
    [1, [2, [3, [4, {"deep": [5]}]]]],
    ("a", "tuple"),
    {1: "an int key", "b": 2},  # json.dumps turns the key into a string: handed to it
    {"set": {1}},  # json.dumps raises TypeError: so must this
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
@pytest.mark.parametrize("indent", [2, 4])
def test_same_text_as_json_dumps(value, indent: int):
    try:
        expected = json.dumps(value, indent=indent, ensure_ascii=False)
    except TypeError:
        with pytest.raises(TypeError):
            dumps_indented(value, indent)
        return
    assert dumps_indented(value, indent) == expected


def _general_json(result) -> str:
    """`check --format json` as the general writer gives it: every finding a dict."""
    paths = FilePaths.for_people(result.root)
    payload = {"version": JSON_VERSION, "findings": [json_out._finding(f, paths) for f in result.findings],
               "suppressed": [json_out._finding(f, paths) for f in result.suppressed], "summary": result.summary()}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


HOSTILE_FINDINGS = [
    Finding(rule="orphan-kpi", code="KF101", message=HOSTILE, file="kpis/a b.yaml", line=3, column=7, subject=HOSTILE,
            related=(HOSTILE, "x"), hint=HOSTILE),
    Finding(rule="orphan-kpi", code="KF101", severity=Severity.INFO, message="", file="", subject=None, hint=""),
    Finding(rule="stale-kpi", code="KF310", severity=Severity.WARNING, message="m", file="kpis/é.yaml", line=10**20,
            suppressed_by=HOSTILE),
    Finding(rule="stale-kpi", code="KF310", message=HOSTILE, file=HOSTILE, line=True, column=-1,  # type: ignore[arg-type]
            related=["a list"], suppressed_by="ignore: why"),  # type: ignore[arg-type]
    Finding(rule="stale-kpi", code="KF310", message=None, file="x", hint=None),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("example", ["acme", "silos", "hostile"])
def test_check_json_writes_each_finding_as_the_general_writer_would(example: str, monkeypatch):
    """`render_check_json` writes findings from a template (speed): the same text, to the byte,
    for the examples' findings and for findings holding every kind of awkward value."""
    result = run_check(EXAMPLES / "acme" if example == "hostile" else EXAMPLES / example, CheckOptions(today=TODAY))
    if example == "hostile":
        result.findings, result.suppressed = HOSTILE_FINDINGS, HOSTILE_FINDINGS[::-1]
    assert result.findings
    expected = _general_json(result)
    if example != "hostile":  # real findings never need the general writer
        monkeypatch.setattr(json_out, "_finding", None)
    assert render_check_json(result) == expected


@pytest.mark.parametrize("value", VALUES[:-1], ids=range(len(VALUES) - 1))
def test_nested_text_is_indented_as_at_its_depth(value):
    expected = json.dumps({"a": {"b": value}}, indent=2, ensure_ascii=False)
    assert '{\n  "a": {\n    "b": ' + dumps_indented(value, level=2) + "\n  }\n}" == expected
