"""`kpiframe import csv`: a spreadsheet KPI register becomes goals and KPIs, with no silent guesses.

Fixtures in tests/data/import/csv/ are invented for these tests. Row numbers are spreadsheet rows:
the header is row 1.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from kpiframe.commands.importing import app as import_app
from kpiframe.importers import ImportInputError, ImportRefused, import_csv
from kpiframe.importers.csv_register import normalise_header

FIXTURES = Path(__file__).parent / "data" / "import" / "csv"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
KPI_FIELDS = {"kind", "apiVersion", "id", "name", "department", "owner", "supports", "unit", "direction",
              "baseline", "target", "review", "source", "actuals", "influences", "description", "ignore"}
GOAL_FIELDS = {"kind", "apiVersion", "id", "title", "level", "parent", "department", "owner", "period",
               "description", "ignore"}


def load_framework(out: Path) -> tuple[dict, dict[str, dict]]:
    """The generated config and every document by id, checked against the format's contract."""
    config = yaml.safe_load((out / "kpiframe.yaml").read_text(encoding="utf-8"))
    documents: dict[str, dict] = {}
    paths = sorted((out / "kpis").glob("*.yaml")) + ([out / "goals.yaml"] if (out / "goals.yaml").exists() else [])
    for path in paths:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert ID_RE.match(document["id"]) and document["id"] not in documents
            if document["kind"] == "Goal":
                assert set(document) <= GOAL_FIELDS and document["level"] == "company"
            else:
                assert document["kind"] == "KPI" and set(document) <= KPI_FIELDS
                for required in ("name", "department"):
                    assert isinstance(document[required], str) and document[required].strip()
                for optional in ("owner", "unit"):  # left out when the register does not say
                    assert optional not in document or (isinstance(document[optional], str)
                                                        and document[optional].strip())
                assert document.get("direction", "increase") in ("increase", "decrease")
                assert document["department"] in config["departments"]
                for measurement in ("baseline", "target"):
                    if measurement in document:
                        assert set(document[measurement]) == {"value", "date"}
                        assert isinstance(document[measurement]["value"], (int, float))
                        assert isinstance(document[measurement]["date"], date)
            documents[document["id"]] = document
    for document in documents.values():
        for goal in document.get("supports", []):
            assert documents[goal]["kind"] == "Goal"
    return config, documents


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def places(summary) -> set[tuple[int, str, str]]:
    return {(a.line, a.field, a.text) for a in summary.attention}


@pytest.fixture
def imported(tmp_path: Path):
    out = tmp_path / "framework"
    summary = import_csv(FIXTURES / "register.csv", out, mapping=None, force=False)
    config, documents = load_framework(out)
    return summary, config, documents


# --- headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("header, normalised", [
    ("Higher is better?", "higher is better"),
    ("Target_Date (YYYY-MM-DD)", "target date"),
    ("  KPI  Name ", "kpi name"),
    ("Data-Source", "data source"),
])
def test_headers_are_compared_without_case_or_punctuation(header, normalised):
    assert normalise_header(header) == normalised


def test_common_header_spellings_are_recognised(imported):
    summary, _, documents = imported
    arr = documents["new-arr"]  # KPI, Team, DRI, Objective, Higher is better?, Deadline, Frequency, Data source
    assert arr == {
        "kind": "KPI", "id": "new-arr", "name": "New ARR", "department": "sales", "owner": "Jane Doe",
        "supports": ["grow-recurring-revenue"], "unit": "USD", "direction": "increase",
        "baseline": {"value": 1200000, "date": date(2025, 1, 1)},
        "target": {"value": 1800000, "date": date(2026, 12, 31)},
        "review": "monthly", "source": "CRM",
        "description": "Net new annual recurring revenue\n\nRegion: EMEA\nImported from register.csv",
    }
    assert (1, "Region", "Region") in places(summary)  # the one column nobody could map


def test_other_spellings_and_a_semicolon_delimiter(tmp_path: Path):
    summary = import_csv(FIXTURES / "semicolon.csv", tmp_path / "out", mapping=None, force=False)
    _, documents = load_framework(tmp_path / "out")
    lead_time = documents["lead-time"]  # Metric;Dept;Owner;Goal;Unit;Direction;Target;Target date;Review
    assert (lead_time["department"], lead_time["owner"], lead_time["unit"]) == ("operations", "Kim", "days")
    assert lead_time["direction"] == "decrease"  # "lower"
    assert lead_time["target"] == {"value": 12, "date": date(2026, 9, 30)}
    assert lead_time["review"] == "monthly"  # "Monthly"
    assert lead_time["supports"] == ["deliver-faster"]
    assert summary.attention == []


def test_map_overrides_header_recognition(tmp_path: Path):
    register = FIXTURES / "custom_headers.csv"  # Indicator,Area,Responsible,Value wanted,When
    unmapped = import_csv(register, tmp_path / "plain", mapping=None, force=False)
    assert {a.field for a in unmapped.attention if a.line == 1} == {"Area", "Value wanted", "When"}
    summary = import_csv(register, tmp_path / "mapped", force=False,
                         mapping={"area": "department", "Value wanted": "target", "WHEN": "target date"})
    _, documents = load_framework(tmp_path / "mapped")
    refund = documents["refund-rate"]
    assert (refund["department"], refund["owner"]) == ("finance", "Lee")
    assert refund["target"] == {"value": 2, "date": date(2026, 3, 31)}
    assert not any(a.line == 1 for a in summary.attention)


def test_a_register_without_a_name_column_or_with_a_bad_map_is_refused(tmp_path: Path):
    register = tmp_path / "r.csv"
    register.write_text("Team,Owner\nSales,Jo\n", encoding="utf-8")
    with pytest.raises(ImportInputError, match="no column for the KPI name"):
        import_csv(register, tmp_path / "out", mapping=None, force=False)
    with pytest.raises(ImportInputError, match="unknown field 'title'"):
        import_csv(register, tmp_path / "out", mapping={"Team": "title"}, force=False)
    with pytest.raises(ImportInputError, match="no column 'Metric'"):
        import_csv(register, tmp_path / "out", mapping={"Metric": "name"}, force=False)
    assert not (tmp_path / "out").exists()


def test_a_register_that_is_not_utf8_is_refused(tmp_path: Path):
    register = tmp_path / "latin1.csv"
    register.write_bytes("Name,Team\nUmsatz Zürich,Sales\n".encode("latin-1"))
    with pytest.raises(ImportInputError, match="not UTF-8"):
        import_csv(register, tmp_path / "out", mapping=None, force=False)


# --- rows -------------------------------------------------------------------------------------------


def test_goal_column_becomes_company_goals_that_kpis_support(imported):
    summary, _, documents = imported
    assert summary.goals == ["grow-recurring-revenue", "run-efficiently", "keep-customers"]
    assert documents["run-efficiently"] == {
        "kind": "Goal", "id": "run-efficiently", "title": "Run efficiently", "level": "company",
        "description": "Imported from register.csv, column 'Objective' (first on row 3).",
    }
    assert documents["gross-margin"]["supports"] == ["grow-recurring-revenue", "run-efficiently"]  # "a; b"
    assert "supports" not in documents["customer-churn-2"]  # no goal given: an orphan for check to show


def test_unreadable_values_are_kept_as_text_and_reported(imported):
    summary, _, documents = imported
    churn = documents["customer-churn"]  # target "Above 95%", deadline "next spring", frequency "every sprint"
    assert "target" not in churn and "review" not in churn
    for text in ("Target: Above 95%", "Deadline: next spring", "Frequency: every sprint"):
        assert text in churn["description"]
    assert "it reads as 95 percent, direction increase" in churn["description"]
    assert {(4, "Target", "Above 95%"), (4, "Deadline", "next spring"), (4, "Frequency", "every sprint"),
            (5, "Target", "TBD")} <= places(summary)


def test_numbers_are_read_only_when_unambiguous(imported):
    summary, _, documents = imported
    assert documents["new-arr"]["baseline"]["value"] == 1200000  # "1,200,000"
    assert documents["gross-margin"]["target"] == {"value": 45, "date": date(2026, 12, 31)}  # "45%" with unit %
    on_time = documents["on-time-delivery"]  # baseline "1,200": twelve hundred or one point two?
    assert "baseline" not in on_time and "Baseline: 1,200" in on_time["description"]
    assert (8, "Baseline", "1,200") in places(summary)


def test_a_value_without_a_date_is_kept_as_text(imported):
    summary, _, documents = imported
    yes = documents["yes"]  # baseline 3 with no baseline date
    assert "baseline" not in yes and "Baseline: 3" in yes["description"]
    assert yes["target"] == {"value": 5, "date": date(2026, 6, 30)}
    assert (6, "Baseline", "3") in places(summary)


def test_missing_unit_direction_and_owner_are_left_out_and_listed(imported):
    summary, _, documents = imported
    margin = documents["gross-margin"]  # no owner, no direction: baseline 40 -> target 45
    assert "owner" not in margin and "direction" not in margin
    assert ("baseline 40 and target 45 suggest 'increase': write it if that is what is better"
            in margin["description"])  # a hint, not a value
    churn2 = documents["customer-churn-2"]
    assert "unit" not in churn2 and "direction" not in churn2
    assert documents["on-time-delivery"]["department"] == "unassigned"  # required: a visible placeholder
    whys = {(a.line, a.why) for a in summary.attention}
    assert (3, "no owner: owner left out") in whys
    assert (3, "no direction: left out (baseline and target suggest one; confirm it)") in whys
    assert (5, "no direction: direction left out") in whys
    assert (5, "no unit: unit left out") in whys
    assert (8, "no department: department set to 'unassigned'") in whys


def test_the_imported_register_checks_with_missing_fields_named(imported, tmp_path: Path):
    """What the importer leaves out, `check` names: missing-owner, missing-direction, missing-unit."""
    from kpiframe.check import CheckOptions, run_check

    result = run_check(imported[0].out, CheckOptions(today=date(2026, 6, 1)))
    found = {(finding.rule, finding.subject) for finding in result.findings}
    assert ("missing-owner", "gross-margin") in found
    assert ("missing-direction", "customer-churn-2") in found
    assert ("missing-unit", "customer-churn-2") in found
    assert not [finding for finding in result.findings if finding.rule == "schema"]


def test_duplicate_names_department_spellings_and_blank_rows(imported):
    summary, config, documents = imported
    assert documents["customer-churn-2"]["name"] == "Customer churn"
    assert (5, "KPI", "Customer churn") in places(summary)
    assert documents["customer-churn"]["department"] == "customer-success"  # "Customer Success"
    assert documents["customer-churn-2"]["department"] == "customer-success"  # "customer success"
    assert config["departments"] == ["customer-success", "finance", "ops", "sales", "unassigned"]
    assert summary.entries_read == summary.kpis_written == 6  # row 7 is blank
    # Named by file, not by row: a row inserted above would otherwise change this description,
    # which `import --update` would take for a change in the source.
    assert "Imported from register.csv\n" in documents["on-time-delivery"]["description"]
    assert "row 8" not in documents["on-time-delivery"]["description"]
    assert "Includes partial shipments, counted once" in documents["on-time-delivery"]["description"]


def test_names_that_look_like_yaml_booleans_stay_text(imported):
    out = imported[0].out
    assert "name: 'Yes'" in (out / "kpis" / "ops.yaml").read_text(encoding="utf-8")
    assert imported[2]["yes"]["name"] == "Yes"


def test_files_are_per_department_with_a_header(imported):
    summary, _, _ = imported
    names = sorted(path.relative_to(summary.out).as_posix() for path in summary.files_written)
    assert names == [".kpiframe-import.json", "goals.yaml", "kpiframe.yaml", "kpis/customer-success.yaml", "kpis/finance.yaml",
                     "kpis/ops.yaml", "kpis/sales.yaml", "kpis/unassigned.yaml"]
    text = (summary.out / "kpis" / "customer-success.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Imported by `kpiframe import csv` from register.csv\n")


# --- output folder and re-import ---------------------------------------------------------------------


def test_non_empty_out_is_refused_unless_forced(tmp_path: Path):
    out = tmp_path / "framework"
    out.mkdir()
    (out / "kpiframe.yaml").write_text("organization: Mine\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="pass --force"):
        import_csv(FIXTURES / "register.csv", out, mapping=None, force=False)
    assert (out / "kpiframe.yaml").read_text(encoding="utf-8") == "organization: Mine\n"
    import_csv(FIXTURES / "register.csv", out, mapping=None, force=True, organization="Acme")
    assert yaml.safe_load((out / "kpiframe.yaml").read_text(encoding="utf-8"))["organization"] == "Acme"


def test_out_that_is_a_file_is_refused(tmp_path: Path):
    out = tmp_path / "file"
    out.write_text("x", encoding="utf-8")
    with pytest.raises(ImportRefused, match="not a folder"):
        import_csv(FIXTURES / "register.csv", out, mapping=None, force=True)


def test_reimport_is_byte_identical(tmp_path: Path):
    import_csv(FIXTURES / "register.csv", tmp_path / "a", mapping=None, force=False)
    first = tree_bytes(tmp_path / "a")
    import_csv(FIXTURES / "register.csv", tmp_path / "a", mapping=None, force=True)
    import_csv(FIXTURES / "register.csv", tmp_path / "b", mapping=None, force=False)
    assert tree_bytes(tmp_path / "a") == first == tree_bytes(tmp_path / "b")


# --- command line ---------------------------------------------------------------------------------------


def cli() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(import_app, name="import")
    return root


def test_cli_imports_with_map_and_prints_where_attention_is_needed(tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli(), ["import", "csv", str(FIXTURES / "register.csv"), "--out", str(out),
                                        "--map", "Region=description", "--organization", "Acme Corp"])
    assert result.exit_code == 0, result.output
    assert "Imported 6 rows from 1 file into" in result.stdout
    assert "goals:           3" in result.stdout
    assert 'register.csv:4  Target  "Above 95%"' in result.stdout
    assert "Region" not in result.stdout  # mapped, so no longer reported
    _, documents = load_framework(out)
    assert "EMEA" in documents["new-arr"]["description"]


def test_cli_exits_2_on_bad_map_or_refusal(tmp_path: Path):
    bad_map = CliRunner().invoke(cli(), ["import", "csv", str(FIXTURES / "register.csv"), "--out",
                                         str(tmp_path / "o"), "--map", "Region"])
    assert bad_map.exit_code == 2
    assert "--map expects COLUMN=FIELD" in bad_map.stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.yaml").write_text("{}", encoding="utf-8")
    refused = CliRunner().invoke(cli(), ["import", "csv", str(FIXTURES / "register.csv"),
                                         "--out", str(tmp_path / "full")])
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1 and "not empty" in refused.stderr
    missing = CliRunner().invoke(cli(), ["import", "csv", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_cli_map_help_lists_exactly_the_fields_the_importer_reads():
    from kpiframe.commands.importing import MAP_FIELDS
    from kpiframe.importers.csv_register import FIELDS

    assert MAP_FIELDS == FIELDS


# --- dates the sheet does not give: --baseline-date, --target-date -------------------------------------


def test_baseline_and_target_dates_given_on_the_command_line_date_rows_without_a_date_column(tmp_path: Path):
    register = tmp_path / "sheet.csv"
    register.write_text("KPI,Team,Owner,Unit,Direction,Baseline,Target\n"
                        "Uptime,Ops,Ana,%,increase,99.1,99.9\n"
                        "Cost,Ops,Bo,USD,decrease,,500\n", encoding="utf-8")
    bare = import_csv(register, tmp_path / "bare", mapping=None, force=False)
    _, documents = load_framework(tmp_path / "bare")
    assert "baseline" not in documents["uptime"] and "target" not in documents["uptime"]  # no dates: dropped
    assert bare.targets_written == 0
    summary = import_csv(register, tmp_path / "dated", mapping=None, force=False,
                         baseline_date=date(2026, 1, 1), target_date=date(2026, 12, 31))
    _, documents = load_framework(tmp_path / "dated")
    assert documents["uptime"]["baseline"] == {"value": 99.1, "date": date(2026, 1, 1)}
    assert documents["uptime"]["target"] == {"value": 99.9, "date": date(2026, 12, 31)}
    assert documents["cost"]["target"] == {"value": 500, "date": date(2026, 12, 31)}
    assert "baseline" not in documents["cost"]  # no value: the date alone is no baseline
    assert summary.targets_written == 2
    assert "baseline date 2026-01-01 given by --baseline-date: the register has no date for it" in documents[
        "uptime"]["description"]
    whys = [a.why for a in summary.attention]
    assert whys.count("baseline dated by --baseline-date (the row gives no date)") == 1
    assert whys.count("target dated by --target-date (the row gives no date)") == 2


def test_a_date_column_and_the_option_together_the_rows_own_date_wins_and_the_summary_says_so(tmp_path: Path):
    register = tmp_path / "sheet.csv"
    register.write_text("KPI,Team,Owner,Unit,Direction,Target,Deadline\n"
                        "Uptime,Ops,Ana,%,increase,99.9,2026-06-30\n"
                        "Cost,Ops,Bo,USD,decrease,500,\n"
                        "Leads,Ops,Cy,count,increase,40,next spring\n", encoding="utf-8")
    summary = import_csv(register, tmp_path / "out", mapping=None, force=False, target_date=date(2026, 12, 31))
    _, documents = load_framework(tmp_path / "out")
    assert documents["uptime"]["target"]["date"] == date(2026, 6, 30)  # the row's own date
    assert documents["cost"]["target"]["date"] == date(2026, 12, 31)  # empty cell: the option
    assert "target" not in documents["leads"]  # a date the row gives but that cannot be read: not replaced
    header_notes = [a for a in summary.attention if a.line == 1 and a.field == "Deadline"]
    assert [a.why for a in header_notes] == [
        "--target-date 2026-12-31 given and the register has a 'Deadline' column: a row's own date wins, "
        "--target-date dates only rows whose 'Deadline' cell is empty"]


def test_cli_date_options_are_read_and_a_bad_date_exits_2(tmp_path: Path):
    register = tmp_path / "sheet.csv"
    register.write_text("KPI,Team,Baseline\nUptime,Ops,99.1\n", encoding="utf-8")
    result = CliRunner().invoke(cli(), ["import", "csv", str(register), "--out", str(tmp_path / "out"),
                                        "--baseline-date", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "baseline dated by --baseline-date (the row gives no date)" in result.stdout
    _, documents = load_framework(tmp_path / "out")
    assert documents["uptime"]["baseline"] == {"value": 99.1, "date": date(2026, 1, 1)}
    bad = CliRunner().invoke(cli(), ["import", "csv", str(register), "--out", str(tmp_path / "bad"),
                                     "--target-date", "31/12/2026"])
    assert bad.exit_code == 2
    assert bad.stderr == "kpiframe import: error: --target-date '31/12/2026' is not a date: write it as YYYY-MM-DD\n"
    assert not (tmp_path / "bad").exists()
