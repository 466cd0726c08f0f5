"""`kpiframe import ... --out DIR --update`: the source's changes come in, the user's edits stay.

Small GitLab-style and CSV registers are written by the tests themselves; one test runs on GitLab's
real published files (the 2022 snapshot, then the 2023 one) when ../shared/corpus/gitlab-pi/
exists next to the repository, and skips otherwise.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.importers.provenance import RECORD_FILE

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "gitlab-pi"

SOURCE_V1 = """\
- name: Deploy Frequency
  org: Platform
  definition: How often we deploy.
  dri: <a href="https://example.com/ann">Ann Lee</a>
  target: at or above 10 per day
- name: Lead Time
  org: Platform
  definition: From commit to production.
  dri: <a href="https://example.com/bo">Bo Chan</a>
- name: Change Failure Rate
  org: Platform
  definition: Share of deploys that fail.
- name: Old Metric
  org: Platform
  definition: Going away.
"""

# Deploy Frequency: owner changed upstream (the user changed it too: a conflict; its description,
# which quotes the DRI, is refreshed).
# Lead Time: definition changed (refreshed; the user's supports, comments and target stay).
# Change Failure Rate: unchanged (the user's description edit is kept).
# Old Metric: gone (absent, left in place). Mean Time To Restore: new.
SOURCE_V2 = """\
- name: Deploy Frequency
  org: Platform
  definition: How often we deploy.
  dri: <a href="https://example.com/cy">Cy Diaz</a>
  target: at or above 10 per day
- name: Lead Time
  org: Platform
  definition: From first commit to running in production.
  dri: <a href="https://example.com/bo">Bo Chan</a>
- name: Change Failure Rate
  org: Platform
  definition: Share of deploys that fail.
- name: Mean Time To Restore
  org: Platform
  definition: How long an outage lasts.
"""


GOALS = """\
# Our goals (written by hand after the import)
kind: Goal
id: ship-faster
title: Ship faster
level: company
owner: CTO
"""


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def documents(path: Path) -> dict[str, dict]:
    return {d["id"]: d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d}


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (old, text)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Path, Path]:
    """A framework imported from SOURCE_V1 and edited by hand; the source file now says SOURCE_V2."""
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    out = tmp_path / "framework"
    imported = run("import", "gitlab-pi", str(source), "--out", str(out))
    assert imported.exit_code == 0, imported.output
    kpis = out / "kpis" / "platform.yaml"
    replace_once(kpis, "owner: Ann Lee\n", "owner: Dana Fox  # took it over in May\n")
    replace_once(kpis, "id: lead-time\n", "id: lead-time\n# linked by hand\nsupports: [ship-faster]\n")
    replace_once(kpis, "name: Lead Time\n", "name: Lead Time\ntarget: {value: 2, date: 2025-12-31}\n")
    text = kpis.read_text(encoding="utf-8")
    cfr = text.index("id: change-failure-rate")
    description = text.index("description: |-\n", cfr) + len("description: |-\n")
    kpis.write_text(text[:description] + "  Counted per release train.\n" + text[description:], encoding="utf-8")
    (out / "goals.yaml").write_text(GOALS, encoding="utf-8")
    (out / "plans.yaml").write_text("kind: ActionPlan\nid: faster-reviews\nname: Faster reviews\nowner: CTO\n"
                                    "addresses: [lead-time]\n", encoding="utf-8")
    source.write_text(SOURCE_V2, encoding="utf-8")
    return source, out


def test_update_refreshes_the_source_and_keeps_every_edit(edited):
    source, out = edited
    before = (out / "kpis" / "platform.yaml").read_text(encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert result.exit_code == 0, result.output
    text = (out / "kpis" / "platform.yaml").read_text(encoding="utf-8")
    kpis = documents(out / "kpis" / "platform.yaml")
    # refreshed: the new definition, the rest of Lead Time as the user left it
    assert "From first commit to running in production." in kpis["lead-time"]["description"]
    assert kpis["lead-time"]["supports"] == ["ship-faster"]
    assert kpis["lead-time"]["target"] == {"value": 2, "date": __import__("datetime").date(2025, 12, 31)}
    assert "# linked by hand\nsupports: [ship-faster]\n" in text
    # conflict: the user's owner and its comment stay
    assert "owner: Dana Fox  # took it over in May\n" in text
    assert kpis["deploy-frequency"]["owner"] == "Dana Fox"
    # kept: the user's sentence in an unchanged entry
    assert "Counted per release train." in kpis["change-failure-rate"]["description"]
    # absent: left in place; new: added with a fresh id, at the end of the department's file
    assert "old-metric" in kpis and list(kpis)[-1] == "mean-time-to-restore"
    # documents the user wrote are untouched
    assert (out / "goals.yaml").read_text(encoding="utf-8") == GOALS
    # nothing else in the file moved: the old text is the new text minus the edits
    assert text.startswith(before[: before.index("id: deploy-frequency")])
    lines = result.output
    assert "refreshed:       2 documents (description 2)" in lines
    assert "kept:            1 field you changed, in 1 document" in lines
    assert "added:           1 document" in lines
    assert "conflicts:       1 (your value kept)" in lines
    assert "absent from this source: 1 (left in place)" in lines
    assert "documents you added: 1 action plan, 1 goal" in lines
    conflict = lines[lines.index("Conflicts:"):]
    assert "kpis/platform.yaml:" in conflict and "deploy-frequency  owner" in conflict
    assert 'yours:       "Dana Fox"' in conflict and 'source was:  "Ann Lee"' in conflict
    assert 'source now:  "Cy Diaz"' in conflict


def test_a_second_update_from_the_same_source_changes_no_byte(edited):
    source, out = edited
    assert run("import", "gitlab-pi", str(source), "--out", str(out), "--update").exit_code == 0
    first = tree_bytes(out)
    again = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert again.exit_code == 0, again.output
    assert tree_bytes(out) == first
    assert "Nothing to change" in again.output
    assert "conflicts:       0" in again.output  # a conflict is reported once, then the record knows


def test_update_summary_as_json(edited):
    source, out = edited
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"] == {"refreshed": 2, "added": 1, "kept": 1, "conflicts": 1, "absent": 1,
                              "removed": 0, "unreconciled": 0, "ids_changed": 0}
    assert [c["field"] for c in data["conflicts"]] == ["owner"]
    assert data["conflicts"][0]["yours"] == "Dana Fox" and data["conflicts"][0]["source_now"] == "Cy Diaz"
    assert data["added"][0]["id"] == "mean-time-to-restore"
    assert data["absent"][0]["id"] == "old-metric"


def test_a_kpi_moved_to_another_file_is_updated_where_it_is(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    out = tmp_path / "framework"
    assert run("import", "gitlab-pi", str(source), "--out", str(out)).exit_code == 0
    kpis = out / "kpis" / "platform.yaml"
    text = kpis.read_text(encoding="utf-8")
    start = text.index("kind: KPI\nid: lead-time")
    end = text.index("---\n", start)
    (out / "delivery.yaml").write_text(text[start:end], encoding="utf-8")
    kpis.write_text(text[:start] + text[end + 4:], encoding="utf-8")
    source.write_text(SOURCE_V2, encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert result.exit_code == 0, result.output
    moved = documents(out / "delivery.yaml")
    assert "From first commit" in moved["lead-time"]["description"]
    assert "lead-time" not in documents(kpis)


def test_a_kpi_the_user_removed_is_reported_and_not_added_again(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    out = tmp_path / "framework"
    assert run("import", "gitlab-pi", str(source), "--out", str(out)).exit_code == 0
    kpis = out / "kpis" / "platform.yaml"
    text = kpis.read_text(encoding="utf-8")
    start = text.index("kind: KPI\nid: lead-time")
    kpis.write_text(text[:start] + text[text.index("---\n", start) + 4:], encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert result.exit_code == 0, result.output
    assert "lead-time" not in documents(kpis)
    assert "removed from the framework: 1 (not added again)" in result.output
    assert "(not in the framework)  lead-time" in result.output


def test_comments_around_a_refreshed_field_stay_where_they_are(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    out = tmp_path / "framework"
    assert run("import", "gitlab-pi", str(source), "--out", str(out)).exit_code == 0
    kpis = out / "kpis" / "platform.yaml"
    replace_once(kpis, "description: |-\n  From commit to production.",
                 "# the handbook's words\ndescription: |-\n  From commit to production.")
    replace_once(kpis, "name: Lead Time\n", "name: Lead Time  # as the handbook says\n")
    source.write_text(SOURCE_V1.replace("From commit to production.", "From merge to production."), encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert result.exit_code == 0, result.output
    after = kpis.read_text(encoding="utf-8")
    assert "name: Lead Time  # as the handbook says\n" in after
    assert "# the handbook's words\ndescription: |-\n  From merge to production." in after


# --- the text edits themselves -----------------------------------------------------------------------


def _edit(text: str, change) -> str:
    from kpiframe.importers.yamledit import parse_yaml_text
    from kpiframe.textedit import apply_edits

    node = parse_yaml_text(Path("x.yaml"), "x.yaml", text).documents[0].node
    return apply_edits(text, [change(text, node)])


def test_a_one_line_value_is_replaced_in_place_keeping_its_comment():
    from kpiframe.importers.yamledit import replace_field

    text = "kind: KPI\nowner: 'Ann'   # until May\nunit: percent\n"
    assert _edit(text, lambda t, n: replace_field(t, n, "owner", "Bo Chan")) == (
        "kind: KPI\nowner: Bo Chan   # until May\nunit: percent\n")


def test_comments_inside_a_replaced_mapping_move_above_it_and_nothing_else_moves():
    from kpiframe.importers.yamledit import replace_field

    text = ("kind: KPI\nhealth:\n  level: okay  # said Ann\n  # checked monthly\n  note: '# not a comment'\n"
            "\n# about the unit\nunit: percent\n")
    assert _edit(text, lambda t, n: replace_field(t, n, "health", {"level": "problem"})) == (
        "kind: KPI\n# said Ann\n# checked monthly\nhealth:\n  level: problem\n\n# about the unit\nunit: percent\n")


def test_a_removed_field_leaves_its_comments_and_the_blank_lines_after_it():
    from kpiframe.importers.yamledit import remove_field

    text = "kind: KPI\ndescription: |-\n  Two\n  lines\n\n# next\nunit: percent  # u\n"
    assert _edit(text, lambda t, n: remove_field(t, n, "description")) == "kind: KPI\n\n# next\nunit: percent  # u\n"


def test_an_added_field_goes_after_the_field_before_it_in_the_import():
    from kpiframe.importers.yamledit import add_field

    text = "kind: KPI\nid: x\nname: X\n# mine\nsupports: [g]\n"
    assert _edit(text, lambda t, n: add_field(t, n, "owner", "Ann", ["kind", "id", "name"])) == (
        "kind: KPI\nid: x\nname: X\nowner: Ann\n# mine\nsupports: [g]\n")


def test_update_needs_the_record_and_contradicts_force(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    out = tmp_path / "framework"
    out.mkdir()
    (out / "goals.yaml").write_text(GOALS, encoding="utf-8")
    missing = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert missing.exit_code == 2
    assert RECORD_FILE in missing.stderr and "new folder" in missing.stderr
    both = run("import", "gitlab-pi", str(source), "--out", str(out), "--update", "--force")
    assert both.exit_code == 2 and "choose one" in both.stderr
    assert (out / "goals.yaml").read_text(encoding="utf-8") == GOALS


def test_a_failed_write_exits_2_and_changes_nothing(edited, monkeypatch):
    import kpiframe.fsutil

    source, out = edited
    before = tree_bytes(out)

    def full_disk(path, text, encoding="utf-8"):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kpiframe.fsutil, "write_atomic", full_disk)
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert result.exit_code == 2
    assert "could not write" in result.output and "No space left on device" in result.output
    assert tree_bytes(out) == before


def test_a_conflicting_document_written_as_a_flow_mapping_is_not_reconciled(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    out = tmp_path / "framework"
    assert run("import", "gitlab-pi", str(source), "--out", str(out)).exit_code == 0
    kpis = out / "kpis" / "platform.yaml"
    flow = ("{kind: KPI, id: lead-time, name: Lead Time, department: platform, owner: Bo Chan, "
            "description: Mine.}\n")
    text = kpis.read_text(encoding="utf-8")
    start = text.index("kind: KPI\nid: lead-time")
    kpis.write_text(text[:start] + flow + text[text.index("---\n", start):], encoding="utf-8")
    source.write_text(SOURCE_V2, encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert result.exit_code == 0, result.output
    assert "not reconciled:  1" in result.output
    assert "lead-time: written as a flow mapping" in result.output
    assert flow in kpis.read_text(encoding="utf-8")


# --- a CSV register --------------------------------------------------------------------------------

REGISTER_V1 = """\
KPI,Team,Owner,Goal,Unit,Direction,Target,Target date
Net revenue retention,Sales,Ana,Grow revenue,percent,increase,110,2025-12-31
Churn rate,Customer Success,Raj,Keep customers,percent,decrease,3,2025-12-31
Pipeline coverage,Sales,Ana,Grow revenue,ratio,increase,3,2025-12-31
"""
REGISTER_V2 = """\
KPI,Team,Owner,Goal,Unit,Direction,Target,Target date
Net revenue retention,Sales,Ana,Grow revenue,percent,increase,115,2026-12-31
Churn rate,Customer Success,Mei,Keep customers,percent,decrease,3,2025-12-31
Expansion revenue,Sales,Ana,Grow revenue,USD,increase,500000,2026-06-30
"""


def test_csv_register_update(tmp_path: Path):
    register = tmp_path / "register.csv"
    register.write_text(REGISTER_V1, encoding="utf-8")
    out = tmp_path / "framework"
    assert run("import", "csv", str(register), "--out", str(out)).exit_code == 0
    sales = out / "kpis" / "sales.yaml"
    replace_once(sales, "id: net-revenue-retention\n", "id: net-revenue-retention\n# reviewed monthly by the CRO\n")
    with (out / "kpis" / "customer-success.yaml").open("a", encoding="utf-8") as handle:
        handle.write("actuals:\n- {date: 2025-01-31, value: 4.2}\n")
    register.write_text(REGISTER_V2, encoding="utf-8")
    result = run("import", "csv", str(register), "--out", str(out), "--update")
    assert result.exit_code == 0, result.output
    kpis = documents(sales)
    assert kpis["net-revenue-retention"]["target"]["value"] == 115
    assert "# reviewed monthly by the CRO\n" in sales.read_text(encoding="utf-8")
    assert kpis["expansion-revenue"]["supports"] == ["grow-revenue"]  # the goal's id, not a new one
    assert "pipeline-coverage" in kpis  # absent from the register: left in place
    churn = documents(out / "kpis" / "customer-success.yaml")["churn-rate"]
    assert churn["owner"] == "Mei" and churn["actuals"] == [{"date": __import__("datetime").date(2025, 1, 31),
                                                              "value": 4.2}]
    goals = documents(out / "goals.yaml")
    assert list(goals) == ["grow-revenue", "keep-customers"]
    assert "absent from this source: 1" in result.output
    first = tree_bytes(out)
    assert run("import", "csv", str(register), "--out", str(out), "--update").exit_code == 0
    assert tree_bytes(out) == first
    check = run("check", str(out), "--today", "2025-06-01", "--format", "json")
    assert check.exit_code in (0, 1), check.output
    assert not [f for f in json.loads(check.stdout)["findings"] if f["rule"] in ("yaml-syntax", "duplicate-id")]


# --- GitLab's published files ------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="GitLab corpus not present next to the repository")
def test_gitlab_2022_import_edited_then_updated_from_the_2023_snapshot(tmp_path: Path):
    out = tmp_path / "gitlab"
    first = run("import", "gitlab-pi", str(CORPUS / "www-gitlab-com_2022-11-10"), "--out", str(out),
                "--as-of", "2022-11-10")  # as the README's case study imports it
    assert first.exit_code == 0, first.output
    ids_before = {i for path in (out / "kpis").glob("*.yaml") for i in documents(path)}
    # the user's edits: goals, links to them, a target, comments, a plan
    (out / "goals.yaml").write_text(GOALS, encoding="utf-8")
    community = out / "kpis" / "community-relations-department.yaml"
    replace_once(community, "id: meetups-per-month\n",
                 "id: meetups-per-month\nsupports: [ship-faster]  # linked by hand\n")
    replace_once(community, "id: wider-community-merged-mrs-per-release\n",
                 "id: wider-community-merged-mrs-per-release\n"
                 "target: {value: 1000, date: 2026-12-31}\n")
    marketing = out / "kpis" / "marketing.yaml"  # not in the 2023 snapshot
    text = marketing.read_text(encoding="utf-8")
    first_id = text.index("\nid: ") + 1
    marketing.write_text(text[:first_id] + "# reviewed in the QBR\n" + text[first_id:], encoding="utf-8")
    (out / "plans.yaml").write_text("kind: ActionPlan\nid: more-meetups\nname: More meetups\nowner: CTO\n"
                                    "addresses: [meetups-per-month]\n", encoding="utf-8")
    edited = {rel: data for rel, data in tree_bytes(out).items() if rel in ("goals.yaml", "plans.yaml",
                                                                            "kpis/marketing.yaml")}
    shutil.copytree(out, tmp_path / "copy")
    shown = run("import", "gitlab-pi", str(CORPUS / "www-gitlab-com_via-CodeWizarz_2023"), "--out",
                str(tmp_path / "copy"), "--update")
    assert shown.exit_code == 0, shown.output
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    command = "$ kpiframe import gitlab-pi www-gitlab-com_via-CodeWizarz_2023 --out gitlab --update\n"
    example = readme[readme.index(command) + len(command):].split("```")[0].splitlines()
    printed = shown.output.replace(str(tmp_path / "copy"), "gitlab").splitlines()
    assert example[-1].startswith("  files changed:   7 (") and printed[len(example) - 1].startswith(example[-1][:-4])
    assert printed[: len(example) - 1] == example[:-1]  # the README's example is what the command prints

    result = run("import", "gitlab-pi", str(CORPUS / "www-gitlab-com_via-CodeWizarz_2023"), "--out", str(out),
                 "--update", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    counts = report["counts"]
    matched = counts["refreshed"] + report["unchanged"] + sum(1 for k in report["kept"]
                                                              if k["id"] not in {r["id"] for r in report["refreshed"]})
    assert matched == 46  # the newer versions of indicators imported from 2022: updated, not copied
    assert counts["added"] == 8 and counts["absent"] == 183 and counts["unreconciled"] == 0
    assert counts["conflicts"] == 0 and counts["removed"] == 0
    ids_after = {i for path in (out / "kpis").glob("*.yaml") for i in documents(path)}
    assert ids_before <= ids_after and len(ids_after) == len(ids_before) + 8
    assert not [i for i in ids_after - ids_before if i.endswith("-2")]
    for rel, data in edited.items():
        assert (out / rel).read_bytes() == data, rel
    text = community.read_text(encoding="utf-8")
    assert "supports: [ship-faster]  # linked by hand\n" in text
    assert "target: {value: 1000, date: 2026-12-31}\n" in text
    meetups = documents(community)["meetups-per-month"]
    assert meetups["department"] == "developer-relations-department"  # the org was renamed upstream
    assert "Developer Relations team" in meetups["description"]
    config = yaml.safe_load((out / "kpiframe.yaml").read_text(encoding="utf-8"))
    assert "developer-relations-department" in config["departments"]
    assert "community-relations-department" in config["departments"]  # still used by absent KPIs

    updated = tree_bytes(out)
    again = run("import", "gitlab-pi", str(CORPUS / "www-gitlab-com_via-CodeWizarz_2023"), "--out", str(out),
                "--update")
    assert again.exit_code == 0, again.output
    assert tree_bytes(out) == updated
    assert "Nothing to change" in again.output


def test_csv_rows_are_matched_by_the_registers_id_column_so_a_renamed_kpi_is_refreshed(tmp_path: Path):
    register = tmp_path / "register.csv"
    register.write_text("KPI,Team,Owner\nChurn rate,CS,Raj\nNPS,CS,Raj\n", encoding="utf-8")
    out = tmp_path / "framework"
    assert run("import", "csv", str(register), "--out", str(out)).exit_code == 0
    # the register gains an id column: rows are still the same KPIs (matched by name once)
    register.write_text("ID,KPI,Team,Owner\nK-1,Churn rate,CS,Raj\nK-2,NPS,CS,Raj\n", encoding="utf-8")
    gained = run("import", "csv", str(register), "--out", str(out), "--update", "--format", "json")
    assert gained.exit_code == 0, gained.output
    assert json.loads(gained.stdout)["counts"]["added"] == 0
    record = json.loads((out / RECORD_FILE).read_text(encoding="utf-8"))
    assert sorted(record["entries"]) == ["kpi:id k-1", "kpi:id k-2"]
    # then a row is renamed: its id says it is the same KPI
    register.write_text("ID,KPI,Team,Owner\nK-1,Customer churn,CS,Raj\nK-2,NPS,CS,Mei\n", encoding="utf-8")
    renamed = run("import", "csv", str(register), "--out", str(out), "--update")
    assert renamed.exit_code == 0, renamed.output
    kpis = documents(out / "kpis" / "cs.yaml")
    assert list(kpis) == ["churn-rate", "nps"]
    assert kpis["churn-rate"]["name"] == "Customer churn" and "ID: K-1" in kpis["churn-rate"]["description"]
    assert kpis["nps"]["owner"] == "Mei"
    assert "added:           0 documents" in renamed.output and "absent from this source: 0" in renamed.output


def test_a_file_that_is_not_valid_yaml_is_reported_and_nothing_in_it_is_re_added(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    out = tmp_path / "framework"
    assert run("import", "gitlab-pi", str(source), "--out", str(out)).exit_code == 0
    kpis = out / "kpis" / "platform.yaml"
    broken = kpis.read_text(encoding="utf-8").replace("name: Lead Time\n", "name: [Lead Time\n")
    kpis.write_text(broken, encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(out), "--update")
    assert result.exit_code == 0, result.output
    assert "kpis/platform.yaml  (the whole file): not valid YAML (line" in result.output
    assert "lead-time: not found (removed, its id changed, or in a file that cannot be read)" in result.output
    assert "removed from the framework: 4 (not added again)" in result.output
    assert kpis.read_text(encoding="utf-8") == broken


def test_a_fresh_import_prints_its_summary_as_json(tmp_path: Path):
    source = tmp_path / "platform.yml"
    source.write_text(SOURCE_V1, encoding="utf-8")
    result = run("import", "gitlab-pi", str(source), "--out", str(tmp_path / "fw"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kpis_written"] == 4 and data["departments"] == ["platform"]
    assert RECORD_FILE in data["files_written"] and "kpis/platform.yaml" in data["files_written"]
    assert all({"source", "line", "field", "text", "why"} == set(item) for item in data["attention"])
