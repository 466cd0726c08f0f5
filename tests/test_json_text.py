"""The fast indented JSON writer gives exactly what ``json.dumps(indent=2, ensure_ascii=False)`` gives."""

from __future__ import annotations

import json

import pytest

from kpiframe.render.json_text import dumps_indented

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
