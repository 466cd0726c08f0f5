"""`kpiframe record KPI --health LEVEL`: the owner's assessment set in the KPI's file, or refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import write_tree

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30"}
CONFIG = "organization: Test Co\ndepartments: [sales]\nactuals: [data/actuals.csv]\n"
GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"
KPIS = (
    "# Sales KPIs, reviewed monthly\n"
    "kind: KPI\nid: new-arr\nname: New ARR\ndepartment: sales\nowner: Dana\nunit: USD k\n"
    "direction: increase\nsupports: [grow]   # the one goal\n"
    "review: monthly\n"
    "---\n"
    "kind: KPI\nid: win-rate\nname: Win rate\ndepartment: sales\nowner: Lee\nunit: \"%\"\n"
    "direction: increase\nsupports: [grow]\n"
    "health:\n  level: okay   # said in the May review\n  date: 2026-05-31\n  note: Pipeline is healthy\n"
    "review: monthly  # monthly call\n"
    "---\n"
    "kind: KPI\nid: old-metric\nname: Old\ndepartment: sales\nowner: Lee\nunit: x\ndirection: increase\n"
    "supports: [grow]\nretired: {date: 2026-01-01, reason: replaced}\n"
)


def run(*args: str, today: str = "2026-06-30"):
    return CliRunner().invoke(app, list(args), env={**ENV, "KPIFRAME_TODAY": today})


@pytest.fixture
def fw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG, "goals.yaml": GOAL, "kpis.yaml": KPIS,
                                         "data/actuals.csv": "kpi,date,value\n"})
    monkeypatch.chdir(root)
    return root


def documents(root: Path) -> dict[str, dict]:
    return {d["id"]: d for d in yaml.safe_load_all((root / "kpis.yaml").read_text(encoding="utf-8"))}


def test_a_health_is_added_after_the_documents_last_field_and_the_status_printed(fw: Path):
    result = run("record", "new-arr", "--health", "problem", "--note", "Two deals slipped: Q3 at risk")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("new-arr: health problem on 2026-06-30 (Two deals slipped: Q3 at risk) written in "
                             "kpis.yaml:11; now no-target; off-track by its owner's health\n")
    text = (fw / "kpis.yaml").read_text(encoding="utf-8")
    assert text == KPIS.replace(
        "review: monthly\n---\nkind: KPI\nid: win-rate",
        "review: monthly\nhealth: {level: problem, date: 2026-06-30, note: 'Two deals slipped: Q3 at risk'}\n"
        "---\nkind: KPI\nid: win-rate")
    assert documents(fw)["new-arr"]["health"]["note"] == "Two deals slipped: Q3 at risk"
    check = run("check", "--select", "uncorrected-off-track")
    assert check.exit_code == 1 and "off-track by its owner's health (problem on 2026-06-30)" in check.stdout


def test_an_existing_health_is_replaced_and_every_other_byte_kept(fw: Path):
    result = run("record", "win-rate", "--health", "attention", "--date", "2026-06-15")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("win-rate: health attention on 2026-06-15 written in kpis.yaml:21, replacing okay on "
                             "2026-05-31 (Pipeline is healthy); now no-target; at-risk by its owner's health\n")
    text = (fw / "kpis.yaml").read_text(encoding="utf-8")
    assert text == KPIS.replace(
        "health:\n  level: okay   # said in the May review\n  date: 2026-05-31\n  note: Pipeline is healthy\n",
        "# said in the May review\nhealth: {level: attention, date: 2026-06-15}\n")
    assert "review: monthly  # monthly call" in text


def test_the_same_health_again_writes_nothing(fw: Path):
    assert run("record", "new-arr", "--health", "okay", "--date", "2026-06-01").exit_code == 0
    before = (fw / "kpis.yaml").read_bytes()
    again = run("record", "new-arr", "--health", "okay", "--date", "2026-06-01")
    assert again.exit_code == 0
    assert "health okay on 2026-06-01 is already written (kpis.yaml); nothing written" in again.stdout
    assert (fw / "kpis.yaml").read_bytes() == before


def test_a_value_and_a_health_together_one_line_both_written(fw: Path):
    result = run("record", "new-arr", "150", "--health", "attention", "--note", "late deals")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("new-arr: recorded 150 USD k on 2026-06-30 in data/actuals.csv; health attention on "
                             "2026-06-30 (late deals) written in kpis.yaml:11; now no-target; at-risk by its owner's "
                             "health\n")
    assert (fw / "data/actuals.csv").read_text() == "kpi,date,value,note\nnew-arr,2026-06-30,150,late deals\n"
    assert documents(fw)["new-arr"]["health"] == {"level": "attention", "date": date(2026, 6, 30),
                                                 "note": "late deals"}


@pytest.mark.parametrize(("args", "said"), [
    (("new-ar", "--health", "okay"), "no KPI 'new-ar'; did you mean 'new-arr'?"),
    (("grow", "--health", "okay"), "'grow' is a Goal, not a KPI"),
    (("old-metric", "--health", "okay"), "KPI 'old-metric' is retired"),
    (("new-arr", "--health", "atention"), "'atention' is not one of okay, attention, problem; did you mean "
                                          "'attention'?"),
    (("new-arr", "--health", "okay", "--date", "2026-07-01"),
     "--date 2026-07-01 is after today (2026-06-30): an owner's health cannot be dated before the owner judged"),
    (("win-rate", "--health", "problem", "--date", "2026-05-01"),
     "KPI 'win-rate' already has a later health (okay on 2026-05-31); an assessment for 2026-05-01 would "
     "replace a newer one"),
    (("new-arr",), "give the VALUE to record, --health LEVEL, or both"),
    (("new-arr", "150", "--health", "okay", "--date", "2026-07-01"), "is after today"),  # nothing half-written
])
def test_refusals_say_why_and_write_nothing(fw: Path, args, said):
    before = {p: p.read_bytes() for p in fw.rglob("*") if p.is_file()}
    result = run("record", *args)
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.stderr.split())
    assert {p: p.read_bytes() for p in fw.rglob("*") if p.is_file()} == before


def test_a_kpi_written_as_one_flow_mapping_is_left_to_a_person(fw: Path):
    (fw / "kpis.yaml").write_text("{kind: KPI, id: new-arr, name: New ARR, department: sales, owner: Dana, "
                                  "unit: x, direction: increase, supports: [grow]}\n", encoding="utf-8")
    result = run("record", "new-arr", "--health", "okay")
    assert result.exit_code == 2
    assert "written as one flow mapping" in result.stderr and "set it by hand: `health: {level: okay, date: 2026-06-30}`" in result.stderr


def test_the_write_is_atomic_and_a_file_without_a_last_line_break_gets_one(fw: Path):
    kpis = fw / "kpis.yaml"
    kpis.write_text(KPIS.split("---\n")[0].rstrip("\n"), encoding="utf-8")  # no line break at the end
    kpis.chmod(0o640)
    inode = kpis.stat().st_ino
    assert run("record", "new-arr", "--health", "okay").exit_code == 0
    assert kpis.read_text(encoding="utf-8").endswith("review: monthly\nhealth: {level: okay, date: 2026-06-30}\n")
    assert kpis.stat().st_ino != inode and kpis.stat().st_mode & 0o777 == 0o640
    assert not [p for p in fw.iterdir() if p.name.startswith(".")]


def test_the_command_line_levels_are_the_models():
    from typing import get_args

    from kpiframe.commands.record import HEALTH_LEVELS
    from kpiframe.model.documents import HealthLevel
    from kpiframe.record_health import LEVELS

    assert HEALTH_LEVELS == LEVELS == get_args(HealthLevel)


def test_with_health_alone_the_one_positional_after_the_kpi_may_be_the_framework_path(fw: Path, monkeypatch):
    monkeypatch.chdir(fw.parent)
    result = run("record", "new-arr", "fw", "--health", "attention")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("new-arr: health attention on 2026-06-30 written in fw/kpis.yaml:11; ")
    assert documents(fw)["new-arr"]["health"]["level"] == "attention"
    (fw.parent / "150").mkdir()
    ambiguous = run("record", "new-arr", "150", "--health", "okay")
    assert ambiguous.exit_code == 2 and "'150' is both a number and a path here" in ambiguous.stderr


# --- issue 16 trial, items 3, 4 and a note with a line break ------------------------------------

BLOCK_HEALTH = (
    "kind: KPI\nid: renewals\nname: Renewals\ndepartment: sales\nowner: Lee\nunit: \"%\"\n"
    "direction: increase\nsupports: [grow]\n"
    "health:   # owner's call\n"
    "  level: attention   # was okay\n"
    "  # reviewed monthly\n"
    "  date: 2026-06-01\n"
    "  note: renewals slipping  # per CS\n"
    "review: monthly\n"
)


def test_comments_inside_a_block_health_move_above_it_none_is_lost(fw: Path):
    (fw / "kpis.yaml").write_text(BLOCK_HEALTH, encoding="utf-8")
    result = run("record", "renewals", "--health", "problem")
    assert result.exit_code == 0, result.output
    assert "written in kpis.yaml:13" in result.stdout
    assert (fw / "kpis.yaml").read_text(encoding="utf-8") == BLOCK_HEALTH.replace(
        "health:   # owner's call\n  level: attention   # was okay\n  # reviewed monthly\n  date: 2026-06-01\n"
        "  note: renewals slipping  # per CS\n",
        "# owner's call\n# was okay\n# reviewed monthly\n# per CS\nhealth: {level: problem, date: 2026-06-30}\n")


def test_a_folded_note_is_an_ordinary_layout_and_is_replaced(fw: Path):
    folded = BLOCK_HEALTH.replace("  note: renewals slipping  # per CS\n",
                                  "  note: >\n    renewals slipping\n    in the north\n\n")
    (fw / "kpis.yaml").write_text(folded, encoding="utf-8")
    result = run("record", "renewals", "--health", "problem", "--note", 'He said: "no" # really')
    assert result.exit_code == 0, result.output
    text = (fw / "kpis.yaml").read_text(encoding="utf-8")
    assert "health: {level: problem, date: 2026-06-30, note: 'He said: \"no\" # really'}\n\nreview: monthly\n" in text
    assert documents(fw)["renewals"]["health"]["note"] == 'He said: "no" # really'
    assert documents(fw)["renewals"]["review"] == "monthly"


def test_a_refusal_gives_the_whole_line_to_add_by_hand_with_the_note_quoted(fw: Path):
    (fw / "kpis.yaml").write_text("{kind: KPI, id: renewals, name: Renewals, department: sales, owner: Lee, "
                                  "unit: x, direction: increase, supports: [grow]}\n", encoding="utf-8")
    result = run("record", "renewals", "--health", "problem", "--note", 'He said: "no" # really')
    assert result.exit_code == 2
    hint = result.output.split("set it by hand: `", 1)[1].split("`", 1)[0]
    assert yaml.safe_load(hint) == {"health": {"level": "problem", "date": date(2026, 6, 30),
                                               "note": 'He said: "no" # really'}}


def test_a_note_keeps_its_line_breaks_on_one_line_of_yaml(fw: Path):
    result = run("record", "new-arr", "--health", "attention", "--note", "Two deals slipped\nQ3 at risk")
    assert result.exit_code == 0, result.output
    assert "(Two deals slipped Q3 at risk)" in result.stdout  # the status is one line
    assert ('health: {level: attention, date: 2026-06-30, note: "Two deals slipped\\nQ3 at risk"}\n'
            in (fw / "kpis.yaml").read_text(encoding="utf-8"))
    assert documents(fw)["new-arr"]["health"]["note"] == "Two deals slipped\nQ3 at risk"
