"""`import ... --update`, as a new user met it (issue 16 trial, items 6, 7, 9, 10 and a small one):
the --as-of the last import used is kept, an id you changed is matched by the source's name, new
KPIs go where their department's KPIs now live, an absent is_key agrees with `key: false`, and
an --update into a folder that does not exist says so."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.importers.provenance import RECORD_FILE
from tests.test_import_update import SOURCE_V1, SOURCE_V2, documents, replace_once, tree_bytes

HEALTHY = """\
- name: Deploy Frequency
  org: Platform
  definition: How often we deploy.
  is_key: true
  health:
    level: 3
    reasons:
    - On target.
- name: Lead Time
  org: Platform
  definition: From commit to production.
  health:
    level: 2
    reasons:
    - Slower in Q3.
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "200"})


def imported(tmp_path: Path, source_text: str, *options: str) -> tuple[Path, Path]:
    source = tmp_path / "platform.yml"
    source.write_text(source_text, encoding="utf-8")
    out = tmp_path / "framework"
    result = run("import", "gitlab-pi", str(source), "--out", str(out), *options)
    assert result.exit_code == 0, result.output
    return source, out


def update(source: Path, out: Path, *options: str):
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update", *options)
    assert result.exit_code == 0, result.output
    return result


# --- item 6: the --as-of of the last import is kept -------------------------------------------------

def test_an_update_without_as_of_keeps_the_last_imports_date_and_says_so(tmp_path: Path):
    source, out = imported(tmp_path, HEALTHY, "--as-of", "2022-11-10")
    before = tree_bytes(out)
    result = update(source, out)
    assert tree_bytes(out) == before  # nothing stripped: the same source changes no byte
    assert "Nothing to change" in result.output
    assert ("  --as-of:         2022-11-10, the last import's (kept in .kpiframe-import.json; give --as-of "
            "DATE when this source describes a later day)") in result.output


def test_a_new_as_of_dates_the_health_and_is_kept_for_the_next_update(tmp_path: Path):
    source, out = imported(tmp_path, HEALTHY, "--as-of", "2022-11-10")
    source.write_text(HEALTHY.replace("level: 2", "level: 1"), encoding="utf-8")
    result = update(source, out, "--as-of", "2023-09-01")
    assert "  --as-of:         2023-09-01 (given)" in result.output
    kpis = documents(out / "kpis" / "platform.yaml")
    assert kpis["lead-time"]["health"]["date"].isoformat() == "2023-09-01"
    assert kpis["lead-time"]["health"]["level"] == "problem"
    assert json.loads((out / RECORD_FILE).read_text(encoding="utf-8"))["options"] == {"as_of": "2023-09-01"}
    again = update(source, out, "--format", "json")
    assert json.loads(again.stdout)["dating"] == [{"option": "--as-of", "date": "2023-09-01", "from": "last import"}]
    assert json.loads(again.stdout)["files_changed"] == []


def test_an_import_without_as_of_says_health_has_no_date(tmp_path: Path):
    source, out = imported(tmp_path, HEALTHY)
    result = update(source, out)
    assert "  --as-of:         none: health is written without a date (give --as-of DATE to date it)" in result.output


# --- item 7: an id the user changed -----------------------------------------------------------------

def test_a_kpi_whose_id_you_changed_is_matched_by_its_name_and_updated_in_place(tmp_path: Path):
    source, out = imported(tmp_path, SOURCE_V1)
    kpis = out / "kpis" / "platform.yaml"
    replace_once(kpis, "id: lead-time\n", "id: lt  # shorter\n")
    source.write_text(SOURCE_V2, encoding="utf-8")
    result = update(source, out)
    assert "documents you added" not in result.output
    assert "removed from the framework" not in result.output.lower()
    assert "  id changed by you: 1 (matched by the source's name, updated in place)" in result.output
    assert "lt: was lead-time" in result.output
    after = documents(kpis)
    assert "lead-time" not in after and "From first commit" in after["lt"]["description"]
    assert "id: lt  # shorter\n" in kpis.read_text(encoding="utf-8")
    record = json.loads((out / RECORD_FILE).read_text(encoding="utf-8"))
    assert record["entries"]["kpi:lead time"]["id"] == "lt"
    again = update(source, out)
    assert "Nothing to change" in again.output and "id changed" not in again.output


def test_a_kpi_whose_id_and_name_you_changed_is_not_called_a_document_you_added(tmp_path: Path):
    source, out = imported(tmp_path, SOURCE_V1)
    kpis = out / "kpis" / "platform.yaml"
    replace_once(kpis, "id: lead-time\nname: Lead Time\n", "id: lt\nname: LT\n")
    result = update(source, out)
    assert "documents you added" not in result.output
    assert "documents the import did not write: 1 KPI" in result.output
    assert "removed from the framework: 1" in result.output


# --- item 9: a department's file the user renamed ---------------------------------------------------

def test_new_kpis_go_to_the_file_their_department_now_lives_in(tmp_path: Path):
    source, out = imported(tmp_path, SOURCE_V1)
    (out / "kpis" / "platform.yaml").rename(out / "kpis" / "delivery.yaml")
    source.write_text(SOURCE_V2, encoding="utf-8")
    update(source, out)
    assert not (out / "kpis" / "platform.yaml").exists()
    assert "mean-time-to-restore" in documents(out / "kpis" / "delivery.yaml")


def test_a_department_split_over_two_files_gets_the_default_file_and_the_summary_says_why(tmp_path: Path):
    source, out = imported(tmp_path, SOURCE_V1)
    kpis = out / "kpis" / "platform.yaml"
    text = kpis.read_text(encoding="utf-8")
    start = text.index("kind: KPI\nid: lead-time")
    end = text.index("---\n", start)
    (out / "kpis" / "delivery.yaml").write_text(text[start:end], encoding="utf-8")
    (out / "kpis" / "quality.yaml").write_text(text[:start] + text[end + 4:], encoding="utf-8")
    kpis.unlink()
    source.write_text(SOURCE_V2, encoding="utf-8")
    result = update(source, out)
    assert "mean-time-to-restore" in documents(kpis)
    assert ("kpis/platform.yaml  mean-time-to-restore: platform's KPIs are in 2 files (kpis/delivery.yaml, "
            "kpis/quality.yaml), so it went to the file a fresh import writes") in result.output


# --- item 10: an absent is_key means not key ----------------------------------------------------------

def test_key_false_and_a_source_that_drops_is_key_agree(tmp_path: Path):
    source, out = imported(tmp_path, HEALTHY)
    kpis = out / "kpis" / "platform.yaml"
    replace_once(kpis, "key: true\n", "key: false  # not for leadership\n")
    source.write_text(HEALTHY.replace("  is_key: true\n", ""), encoding="utf-8")
    result = update(source, out)
    assert "conflicts:       0" in result.output
    assert "key: false  # not for leadership\n" in kpis.read_text(encoding="utf-8")
    assert "(description 1)" in result.output  # its handbook facts no longer say is_key: yes
    assert update(source, out).output.count("Nothing to change") == 1


def test_a_source_that_drops_is_key_removes_the_key_you_did_not_touch(tmp_path: Path):
    source, out = imported(tmp_path, HEALTHY)
    source.write_text(HEALTHY.replace("  is_key: true\n", ""), encoding="utf-8")
    update(source, out)
    assert "key" not in documents(out / "kpis" / "platform.yaml")["deploy-frequency"]


# --- small: a folder that does not exist --------------------------------------------------------------

def test_update_into_a_folder_that_does_not_exist_says_so(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(tmp_path / "nothere"), "--update")
    assert result.exit_code == 2
    assert f"{tmp_path / 'nothere'} does not exist" in result.output
    assert not (tmp_path / "nothere").exists()
    assert yaml  # (imported for documents' YAML)


def test_a_csv_update_keeps_the_baseline_and_target_dates_the_last_import_was_given(tmp_path: Path):
    register = tmp_path / "sheet.csv"
    register.write_text("KPI,Team,Owner,Unit,Direction,Baseline,Target\n"
                        "Uptime,Ops,Ana,%,increase,99.1,99.9\n", encoding="utf-8")
    out = tmp_path / "framework"
    first = run("import", "csv", str(register), "--out", str(out), "--baseline-date", "2026-01-01",
                "--target-date", "2026-12-31")
    assert first.exit_code == 0, first.output
    before = tree_bytes(out)
    result = run("import", "csv", str(register), "--out", str(out), "--update", "--target-date", "2027-06-30")
    assert result.exit_code == 0, result.output
    assert "  --baseline-date: 2026-01-01, the last import's (kept in .kpiframe-import.json;" in result.output
    assert "  --target-date:   2027-06-30 (given)" in result.output
    uptime = documents(out / "kpis" / "ops.yaml")["uptime"]
    assert uptime["baseline"]["date"].isoformat() == "2026-01-01"
    assert uptime["target"]["date"].isoformat() == "2027-06-30"
    assert tree_bytes(out) != before
