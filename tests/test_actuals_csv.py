"""The CSV actuals reader: good files, each mistake with its line and column, encodings."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpiframe.actuals_csv import (
    CSV_HEADER,
    DANGLING_REFERENCE,
    INVALID_VALUE,
    LIMIT_EXCEEDED,
    UNREADABLE_FILE,
    CsvActual,
    CsvProblem,
    parse_actuals_csv,
    read_actuals_csv,
    unknown_kpi_problems,
)

NAME = "data/actuals.csv"


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "actuals.csv"
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def read(tmp_path: Path, content: str | bytes, **kwargs) -> tuple[list[CsvActual], list[CsvProblem]]:
    return read_actuals_csv(write(tmp_path, content), NAME, **kwargs)


def only_problem(tmp_path: Path, content: str | bytes) -> CsvProblem:
    _, problems = read(tmp_path, content)
    assert len(problems) == 1, problems
    return problems[0]


# --- good files -----------------------------------------------------------------------------------


def test_reads_rows_with_file_and_line(tmp_path):
    actuals, problems = read(tmp_path, "kpi,date,value\nrevenue,2026-01-31,12\nchurn,2026-02-28,-3.5\n")
    assert problems == []
    assert actuals == [
        CsvActual("revenue", date(2026, 1, 31), 12.0, NAME, 2, 1),
        CsvActual("churn", date(2026, 2, 28), -3.5, NAME, 3, 1),
    ]


def test_columns_in_any_order_with_extra_columns_and_messy_header(tmp_path):
    content = " Value ,source,KPI,Date\n1e3,BI export,revenue,2026-01-31\n"
    actuals, problems = read(tmp_path, content)
    assert problems == []
    assert [(a.kpi, a.date, a.value, a.kpi_column) for a in actuals] == [
        ("revenue", date(2026, 1, 31), 1000.0, 15)
    ]


def test_fields_are_trimmed_and_quoted_fields_are_read(tmp_path):
    content = 'kpi,date,value,note\n "revenue" , 2026-01-31 ,"1200","said ""hi"", twice"\n'
    actuals, problems = read(tmp_path, content)
    assert problems == []
    assert (actuals[0].kpi, actuals[0].value) == ("revenue", 1200.0)


def test_blank_lines_and_empty_rows_are_skipped_and_lines_still_count(tmp_path):
    content = "\nkpi,date,value\n\nrevenue,2026-01-31,1\n  \n,,\nrevenue,2026-02-28,2\n"
    actuals, problems = read(tmp_path, content)
    assert problems == []
    assert [a.line for a in actuals] == [4, 7]


def test_bom_and_crlf_are_tolerated(tmp_path):
    content = "\ufeffkpi,date,value\r\nrevenue,2026-01-31,1\r\nrevenue,2026-02-28,2\r\n"
    actuals, problems = read(tmp_path, content)
    assert problems == []
    assert [(a.line, a.value) for a in actuals] == [(2, 1.0), (3, 2.0)]


def test_old_mac_line_ends_are_tolerated(tmp_path):
    actuals, problems = read(tmp_path, "kpi,date,value\rrevenue,2026-01-31,1\r")
    assert problems == [] and actuals[0].line == 2


def test_no_trailing_newline(tmp_path):
    actuals, problems = read(tmp_path, "kpi,date,value\nrevenue,2026-01-31,5")
    assert problems == [] and actuals[0].value == 5.0


@pytest.mark.parametrize(("text", "value"), [("12", 12.0), ("-3.5", -3.5), ("1e3", 1000.0), (".5", 0.5), ("+7", 7.0)])
def test_plain_numbers(tmp_path, text, value):
    actuals, problems = read(tmp_path, f"kpi,date,value\nrevenue,2026-01-31,{text}\n")
    assert problems == [] and actuals[0].value == value


def test_multiline_quoted_field_keeps_following_line_numbers(tmp_path):
    content = 'kpi,date,value,note\nrevenue,2026-01-31,1,"two\nlines"\nrevenue,2026-13-01,2,x\n'
    actuals, problems = read(tmp_path, content)
    assert [a.line for a in actuals] == [2]
    assert [(p.line, p.column) for p in problems] == [(4, 9)]


# --- row mistakes, each with line and column --------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "says"),
    [
        ("revenue,2026-13-45,12", 9, "not a real date"),
        ("revenue,31/01/2026,12", 9, "YYYY-MM-DD"),
        ("revenue,2026-01-31T00:00,12", 9, "YYYY-MM-DD"),
        ("revenue,2026-02-30,12", 9, "not a real date"),
        ("revenue,2026-01-31,twelve", 20, "not a plain number"),
        ('revenue,2026-01-31,"1,200"', 20, "not a plain number"),
        ("revenue,2026-01-31,12%", 20, "not a plain number"),
        ("revenue,2026-01-31,nan", 20, "not a plain number"),
        ("revenue,2026-01-31,inf", 20, "not a plain number"),
        ("revenue,2026-01-31,1e999", 20, "too large"),
        ("revenue,2026-01-31,", 20, "value is empty"),
        (",2026-01-31,12", 1, "kpi is empty"),
        ("revenue,  ,12", 9, "date is empty"),
        ("revenue,2026-01-31", 19, "value (field 3) is missing"),
    ],
)
def test_row_problems_point_at_the_field(tmp_path, row, column, says):
    content = f"kpi,date,value\nrevenue,2026-01-30,1\n{row}\n"
    actuals, problems = read(tmp_path, content)
    assert len(actuals) == 1
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.line, problem.column, problem.kind) == (NAME, 3, column, INVALID_VALUE)
    assert says in problem.message
    assert problem.hint


def test_number_hints_do_not_guess(tmp_path):
    hints = {}
    for text in ['"1,200"', "12%", "€1200", '"3,5"']:
        problem = only_problem(tmp_path, f"kpi,date,value\nrevenue,2026-01-31,{text}\n")
        hints[text] = problem.hint
    assert "1200" in hints['"1,200"'] and "does not guess" in hints['"1,200"']
    assert "%" in hints["12%"]
    assert "currency" in hints["€1200"]
    assert "decimal" in hints['"3,5"']


def test_unquoted_thousands_comma_is_an_extra_column_not_a_number(tmp_path):
    # revenue,2026-01-31,1,200 reads value 1 and ignores the extra field: CSV cannot tell.
    actuals, problems = read(tmp_path, "kpi,date,value\nrevenue,2026-01-31,1,200\n")
    assert problems == [] and actuals[0].value == 1.0


def test_non_ascii_digits_are_not_numbers(tmp_path):
    problem = only_problem(tmp_path, "kpi,date,value\nrevenue,2026-01-31,١٢\n")
    assert problem.kind == INVALID_VALUE


def test_every_bad_row_is_reported_and_good_rows_kept(tmp_path):
    content = "kpi,date,value\nrevenue,2026-01-31,x\nrevenue,2026-02-28,2\nrevenue,bad,3\n"
    actuals, problems = read(tmp_path, content)
    assert [a.line for a in actuals] == [3]
    assert [p.line for p in problems] == [2, 4]


def test_columns_count_characters_not_bytes(tmp_path):
    problem = only_problem(tmp_path, "kpi,date,value\numsätze-ü,2026-01-31,x\n")
    assert problem.column == len("umsätze-ü,2026-01-31,") + 1


def test_unterminated_quote_is_reported_where_it_opens(tmp_path):
    content = 'kpi,date,value\nrevenue,2026-01-31,1\nrevenue,"2026-02-28,2\nrevenue,2026-03-31,3\n'
    actuals, problems = read(tmp_path, content)
    assert [a.line for a in actuals] == [2]
    assert [(p.line, p.column, p.kind) for p in problems] == [(3, 9, INVALID_VALUE)]


# --- header mistakes -----------------------------------------------------------------------------------


def test_missing_column_in_header(tmp_path):
    actuals, problems = read(tmp_path, "kpi,date,amount\nrevenue,2026-01-31,1\n")
    assert actuals == []
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.line, problem.column, problem.kind) == (1, 1, CSV_HEADER)
    assert "value" in problem.message and "amount" in problem.message


def test_no_header_at_all_says_so(tmp_path):
    problem = only_problem(tmp_path, "revenue,2026-01-31,1\n")
    assert problem.kind == CSV_HEADER
    assert "looks like data" in problem.hint


def test_semicolon_file_gets_a_hint(tmp_path):
    problem = only_problem(tmp_path, "kpi;date;value\nrevenue;2026-01-31;1\n")
    assert problem.kind == CSV_HEADER and "semicolon" in problem.hint


def test_duplicate_header_column(tmp_path):
    problem = only_problem(tmp_path, "kpi,date,value,Value\nrevenue,2026-01-31,1,2\n")
    assert (problem.line, problem.column, problem.kind) == (1, 16, CSV_HEADER)


def test_header_after_blank_lines_reports_its_own_line(tmp_path):
    problem = only_problem(tmp_path, "\n\nkpi,when,value\n")
    assert (problem.line, problem.kind) == (3, CSV_HEADER)


@pytest.mark.parametrize("content", ["", "\n\n", "\ufeff"])
def test_empty_file_is_a_header_problem(tmp_path, content):
    problem = only_problem(tmp_path, content)
    assert (problem.line, problem.column, problem.kind) == (1, 1, CSV_HEADER)


def test_header_only_is_fine(tmp_path):
    assert read(tmp_path, "kpi,date,value\n") == ([], [])


# --- encodings and the file system -----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_unreadable_not_a_crash(tmp_path, encoding):
    content = "kpi,date,value\nrevenue,2026-01-31,1\n".encode(encoding)
    if encoding == "utf-16-be":
        content = b"\xfe\xff" + content
    problem = only_problem(tmp_path, content)
    assert problem.kind == UNREADABLE_FILE
    assert "UTF-16" in problem.message or "UTF-32" in problem.message


def test_utf16_without_bom_is_unreadable(tmp_path):
    problem = only_problem(tmp_path, "kpi,date,value\n".encode("utf-16-le"))
    assert problem.kind == UNREADABLE_FILE and "NUL" in problem.message


def test_invalid_utf8_points_at_the_bad_byte(tmp_path):
    content = b"kpi,date,value\nrevenue,2026-01-31,1\nUmsatz-" + b"\xe4" + b",2026-01-31,1\n"
    problem = only_problem(tmp_path, content)
    assert (problem.line, problem.column, problem.kind) == (3, 8, UNREADABLE_FILE)


def test_latin1_file_is_unreadable(tmp_path):
    problem = only_problem(tmp_path, "kpi,date,value\nca,2026-01-31,1 €\n".encode("cp1252"))
    assert problem.kind == UNREADABLE_FILE and problem.line == 2


def test_missing_file(tmp_path):
    actuals, problems = read_actuals_csv(tmp_path / "nope.csv", "nope.csv")
    assert actuals == []
    assert [(p.file, p.line, p.column, p.kind) for p in problems] == [("nope.csv", None, None, UNREADABLE_FILE)]


def test_folder_instead_of_file(tmp_path):
    _, problems = read_actuals_csv(tmp_path, "data")
    assert [p.kind for p in problems] == [UNREADABLE_FILE]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_permissions(tmp_path):
    path = write(tmp_path, "kpi,date,value\n")
    path.chmod(0)
    try:
        _, problems = read_actuals_csv(path, NAME)
    finally:
        path.chmod(0o644)
    assert [p.kind for p in problems] == [UNREADABLE_FILE]


def test_permission_error_is_a_problem(tmp_path, monkeypatch):
    path = write(tmp_path, "kpi,date,value\n")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    _, problems = read_actuals_csv(path, NAME)
    assert [p.kind for p in problems] == [UNREADABLE_FILE]
    assert "Permission denied" in problems[0].message


def test_size_limit(tmp_path):
    content = "kpi,date,value\n" + "revenue,2026-01-31,1\n" * 10
    actuals, problems = read(tmp_path, content, max_bytes=50)
    assert actuals == []
    assert [p.kind for p in problems] == [LIMIT_EXCEEDED]
    assert read(tmp_path, content, max_bytes=len(content))[1] == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data):
    # parse via the public reader: it must return, whatever the bytes.
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_bytes(b"kpi,date,value\n" + data)
        actuals, problems = read_actuals_csv(path, "x.csv")
    assert all(isinstance(p, CsvProblem) for p in problems)
    assert all(isinstance(a, CsvActual) for a in actuals)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('kpidatevlu,"\n\r 0123456789-.e%\ufeff')), max_size=120))
def test_random_csv_text_gives_valid_positions(text):
    _, problems = parse_actuals_csv(text, "x.csv")
    for problem in problems:
        assert problem.line is not None and problem.line >= 1
        assert problem.column is not None and problem.column >= 1


# --- unknown KPI ids -----------------------------------------------------------------------------------------


def test_unknown_kpi_with_suggestion(tmp_path):
    content = "date,kpi,value\n2026-01-31,revenue,1\n2026-01-31,revenu,2\n2026-02-28,revenu,3\n"
    actuals, _ = read(tmp_path, content)
    problems = unknown_kpi_problems(actuals, {"revenue", "churn"})
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.line, problem.column, problem.kind) == (NAME, 3, 12, DANGLING_REFERENCE)
    assert "`revenu`" in problem.message and "(1 more row in this file uses it)" in problem.message
    assert "`revenue`" in problem.hint


def test_unknown_kpi_case_mismatch_hint():
    actual = CsvActual("Revenue", date(2026, 1, 31), 1.0, NAME, 2, 1)
    (problem,) = unknown_kpi_problems([actual], ["revenue"])
    assert "`revenue`" in problem.hint and "lower case" in problem.hint


def test_unknown_kpi_without_anything_close():
    actual = CsvActual("zzz", date(2026, 1, 31), 1.0, NAME, 2, 1)
    (problem,) = unknown_kpi_problems([actual], ["revenue"])
    assert "Did you mean" not in problem.hint


def test_known_kpis_give_no_problems_and_output_is_sorted():
    rows = [
        CsvActual("b", date(2026, 1, 31), 1.0, "z.csv", 5, 1),
        CsvActual("a", date(2026, 1, 31), 1.0, "z.csv", 2, 1),
        CsvActual("ok", date(2026, 1, 31), 1.0, "a.csv", 9, 1),
        CsvActual("c", date(2026, 1, 31), 1.0, "a.csv", 7, 1),
    ]
    problems = unknown_kpi_problems(rows, ["ok"])
    assert [(p.file, p.line) for p in problems] == [("a.csv", 7), ("z.csv", 2), ("z.csv", 5)]
