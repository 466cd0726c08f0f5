"""Hostile values that once crashed a command (exit 2, "a bug in kpiframe"): each is now a
finding or correct output in every view (issue 15, item 4). The YAML-level cases are in the
corpus too (tests/hostile/end-of-calendar.yaml, unknown-escape.yaml, surrogate-pair.yaml)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from pydantic_core import PydanticCustomError
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.load.document import Text
from kpiframe.model import types
from kpiframe.progress import is_stale, next_due
from tests.conftest import write_tree

runner = CliRunner()
VIEWS = [("check",), ("check", "-f", "json"), ("check", "-f", "sarif"), ("status",), ("status", "-f", "json"),
         ("tree",), ("report",), ("report", "-f", "json"), ("graph",), ("impact", "k")]


def run_view(args: tuple[str, ...], root) -> str:
    command = [args[0], *(["k"] if args[0] == "impact" else []), str(root), *args[1 + (args[0] == "impact"):]]
    result = runner.invoke(app, command)
    assert result.exit_code in (0, 1), f"{args}: {result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.stdout


# --- dates at the end of the calendar ------------------------------------------------------------

END = """
    kind: Goal
    id: g
    title: G
    level: company
    ---
    kind: KPI
    id: k
    name: K
    department: sales
    owner: O
    supports: [g]
    unit: USD
    direction: increase
    review: {review}
    baseline: {{value: 1, date: 9999-01-01}}
    target: {{value: 2, date: 9999-12-31}}
    actuals: [{{date: {actual}, value: 1.5}}]
    ---
    kind: ActionPlan
    id: p
    title: P
    addresses: [k]
    owner: O
    due: 9999-12-31
    status: in_progress
    milestones: [{{title: M, due: 9999-12-31}}]
    """


@pytest.mark.parametrize("review, actual", [("monthly", "9999-12-31"), ("weekly", "9999-12-28"),
                                            ("quarterly", "9999-10-15"), ("yearly", "9999-01-01")])
def test_as_of_9999_12_31_works_in_every_view_and_says_which_date_it_cannot_extend(tmp_path, review, actual):
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": "organization: End Co\nas_of: 9999-12-31\ndepartments: [sales]\n",
                                        "kpis.yaml": END.format(review=review, actual=actual)})
    for view in VIEWS:
        run_view(view, root)
    findings = json.loads(run_view(("check", "-f", "json"), root))["findings"]
    (stale,) = [f for f in findings if f["rule"] == "stale-kpi"]
    assert stale["line"] == 14
    assert f"one {review} review after {actual} is past 9999-12-31" in stale["message"]


def test_cadence_arithmetic_stops_at_the_end_of_the_calendar():
    assert next_due(date(9999, 12, 28), "weekly") is None
    assert next_due(date(9999, 12, 1), "monthly") is None
    assert next_due(date(9999, 11, 30), "monthly") == date(9999, 12, 30)
    late = is_stale(date(9999, 11, 30), None, "monthly", date(9999, 12, 31))  # due, but grace runs past the end
    assert not late.stale and late.next_due == date(9999, 12, 30) and late.beyond_calendar is None
    end = is_stale(date(9999, 12, 31), None, "monthly", date(9999, 12, 31))
    assert not end.stale and end.beyond_calendar == date(9999, 12, 31)


# --- a NUL byte in one CSV cell -------------------------------------------------------------------

CSV_FRAMEWORK = {
    "kpiframe.yaml": "organization: N\nas_of: 2026-06-30\ndepartments: [sales]\nactuals: [data/*.csv]\n",
    "kpis.yaml": END.replace("9999", "2026").replace("actuals: [{{date: {actual}, value: 1.5}}]", "actuals: []")
                    .format(review="monthly"),
}


def test_a_nul_byte_in_one_csv_cell_loses_only_that_row(tmp_path):
    root = write_tree(tmp_path / "fw", CSV_FRAMEWORK)
    (root / "data").mkdir()
    (root / "data" / "a.csv").write_bytes(b"kpi,date,value\nk,2026-04-30,1.1\nk,2026-05-31,1\x002\nk,2026-06-15,1.3\n")
    payload = json.loads(run_view(("check", "-f", "json"), root))
    (nul,) = [f for f in payload["findings"] if f["file"] == "data/a.csv"]
    assert (nul["rule"], nul["line"], nul["column"]) == ("invalid-value", 3, 15)
    assert "NUL byte" in nul["message"] and "not read" in nul["message"]
    status = json.loads(run_view(("status", "-f", "json"), root))
    assert "2026-06-15" in json.dumps(status)  # the rows around it were read


def test_a_csv_that_is_utf16_without_a_byte_order_mark_is_still_unreadable(tmp_path):
    root = write_tree(tmp_path / "fw", CSV_FRAMEWORK)
    (root / "data").mkdir()
    (root / "data" / "a.csv").write_bytes("kpi,date,value\nk,2026-04-30,1.1\n".encode("utf-16-le"))
    (found,) = [f for f in json.loads(run_view(("check", "-f", "json"), root))["findings"] if f["file"] == "data/a.csv"]
    assert found["rule"] == "unreadable-file" and "UTF-16" in found["message"]


# --- very large and very small numbers ------------------------------------------------------------

HUGE_INTEGER = "9" * 300  # under the 308 digits a number may have


def test_huge_and_tiny_numbers_are_readable_and_bounded_in_every_view(tmp_path):
    kpis = (END.replace("9999", "2026").format(review="monthly", actual="2026-06-15")
            .replace("{value: 1, date: 2026-01-01}", "{value: 1.7e308, date: 2026-01-01}")
            .replace("{value: 2, date: 2026-12-31}", f"{{value: {HUGE_INTEGER}, date: 2026-12-31}}")
            .replace("value: 1.5}", "value: 5e-324}"))
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": "organization: B\nas_of: 2026-06-30\ndepartments: [sales]\n",
                                        "kpis.yaml": kpis})
    for view in VIEWS:
        text = run_view(view, root)
        assert not re.search(r"\d{20}", text), f"{view}: a number written out in full"
        if view[0] in ("status", "tree") and len(view) == 1:
            assert max(map(len, text.splitlines())) < 200, f"{view}: a table sized by a number"
    status = run_view(("status",), root)
    assert "1.7e+308" in status and "1e+300" in status and "4.94e-324" in status


_NUMBER_TEXTS = ["12", "0012", "2400000", "0.93", "12.", ".5", ".", "..5", "1.2.3", "-3", "+4.5", "1e5", "1E-3",
                 " 12", "12 ", "1_000", "١٢", "²", "12٫5", "inf", ".inf", ".nan", "NaN", "", "1" * 400 + ".5",
                 "9" * 5000, "0x1f", "12%"]
_DATE_TEXTS = ["2026-06-15", "2026-13-45", "2026-02-30", " 2026-06-15", "2026-06-15 ", "2026-W24-1", "20260615",
               "２０２６-06-15", "2026-6-15", ""]


def _outcome(parse, value):
    try:
        return "ok", parse(value), type(parse(value))
    except PydanticCustomError as error:
        return "error", error.type, error.message()


@pytest.mark.parametrize("text", _NUMBER_TEXTS)
def test_the_number_shortcut_reads_every_text_as_the_careful_reading_does(text):
    assert _outcome(types.parse_number, text) == _outcome(types._parse_any_number, text)
    assert _outcome(types.parse_number, Text(text)) == _outcome(types._parse_any_number, Text(text))


@pytest.mark.parametrize("text", _DATE_TEXTS)
def test_the_date_shortcut_reads_every_text_as_the_careful_reading_does(text):
    assert _outcome(types.parse_date, text) == _outcome(types._parse_any_date, text)
    assert _outcome(types.parse_date, Text(text)) == _outcome(types._parse_any_date, Text(text))
