"""`kpiframe import gitlab-pi`: GitLab-style performance indicators become KPI documents, nothing lost.

Fixtures in tests/data/import/gitlab/ are invented for these tests. One test runs on GitLab's real
published files when ../shared/corpus/gitlab-pi/ exists next to the repository, and skips otherwise.
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
from kpiframe.importers import ImportInputError, ImportRefused, import_gitlab_pi, parse_target_text

FIXTURES = Path(__file__).parent / "data" / "import" / "gitlab"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "gitlab-pi"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
KPI_FIELDS = {"kind", "apiVersion", "id", "name", "department", "owner", "supports", "unit", "direction",
              "key", "threshold", "health", "baseline", "target", "review", "source", "actuals", "influences",
              "description", "ignore"}


def load_framework(out: Path) -> tuple[dict, dict[str, dict]]:
    """The generated config and every document by id, checked against the format's contract."""
    config = yaml.safe_load((out / "kpiframe.yaml").read_text(encoding="utf-8"))
    documents: dict[str, dict] = {}
    for path in sorted((out / "kpis").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert document["kind"] == "KPI"
            assert set(document) <= KPI_FIELDS, set(document) - KPI_FIELDS
            for required in ("id", "name", "department"):
                assert isinstance(document[required], str) and document[required].strip(), (required, document)
            for optional in ("owner", "unit"):  # left out when the source does not state them
                assert optional not in document or (isinstance(document[optional], str)
                                                    and document[optional].strip()), (optional, document)
            assert ID_RE.match(document["id"]) and document["id"] not in documents
            assert document.get("direction", "increase") in ("increase", "decrease")
            assert document.get("key", True) is True  # written only when true
            assert "threshold" not in document or set(document["threshold"]) == {"value"}
            assert "health" not in document or document["health"]["level"] in ("okay", "attention", "problem")
            assert document["department"] in config["departments"]
            assert path.stem == document["department"]
            documents[document["id"]] = document
    return config, documents


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def imported(tmp_path: Path):
    out = tmp_path / "framework"
    summary = import_gitlab_pi([FIXTURES], out, force=False)
    config, documents = load_framework(out)
    return summary, config, documents


# --- target phrases -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value, unit, direction", [
    ("at or above 84%", 84, "percent", "increase"),
    ("Below 2500ms at the 90th percentile", 2500, "ms", "decrease"),
    ("less than $10K/Month", 10000, "USD per month", "decrease"),
    ("> 90%", 90, "percent", "increase"),
    ("<= 5", 5, None, "decrease"),
    ("95%", 95, "percent", None),
    ("equal or greater than 99.95%", 99.95, "percent", "increase"),
    ("Greater than 6 MRs per Month", 6, "MRs per month", "increase"),
    ("Below or equal to 4 working days", 4, "working days", "decrease"),
    ("at 90 mins", 90, "minutes", None),
    ("<.58 average location factor", 0.58, "average location factor", "decrease"),
    ("7 days (until further data is provided)", 7, "days", None),
    ("Above 8% of all MRs", 8, "percent", "increase"),
    ("The target for this metric is at or below 30", 30, None, "decrease"),
])
def test_unambiguous_target_phrases_are_read(text, value, unit, direction):
    parsed = parse_target_text(text)
    assert parsed is not None
    assert (parsed.value, parsed.unit, parsed.direction) == (value, unit, direction)


@pytest.mark.parametrize("text", [
    "TBD",
    "See Sisense for target",
    "Greater than TBD MRs per month",
    "Less than 10% are over 14 days",  # a second number makes the reading uncertain
    "5% increase in overall score from previous benchmarking, maintaining an overall score above 79/100.",
    "at or within 5% of Fiscal Year Operating plan",
    "The target for this metric is at or below 10:1",
    "Headcount and non-headcount expenses to be at or below 10% of ARR",
    "77 (out of 100)",
    "1,200",  # twelve hundred, or one point two?
    "Above 10M",  # millions, minutes or metres?
    '<a href="https://example.com/">Scorecard</a> of 3.14',
])
def test_ambiguous_target_phrases_are_not_guessed(text):
    assert parse_target_text(text) is None


# --- mapping the fixture -----------------------------------------------------------------------------


def test_every_entry_becomes_a_kpi_and_the_counts_say_so(imported):
    summary, _, documents = imported
    assert summary.entries_read == 10  # the list item that is a plain string is not an entry
    assert summary.kpis_written == len(documents) == 10
    assert summary.targets_parsed == 7
    assert summary.targets_written == 0
    assert summary.goals == []
    assert len(summary.files_written) == 5  # two departments, kpiframe.yaml, the import record


def test_org_spellings_become_one_department_listed_in_the_config(imported):
    summary, config, documents = imported
    assert config["departments"] == ["customer-care", "platform-team", "unassigned"] == summary.departments
    assert config["organization"] == "GitLab"
    assert documents["satisfaction-score"]["department"] == "customer-care"  # org "Customer-care"
    assert documents["first-reply-time"]["department"] == "customer-care"  # org "Customer Care"


def test_owner_is_the_text_of_the_dri_link(imported):
    _, _, documents = imported
    assert documents["first-reply-time"]["owner"] == "Jane Doe"
    assert documents["deploy-lead-time"]["owner"] == "Ana & Bo"
    assert documents["tooling-spend"]["owner"] == "Sam Rivera"
    dri_as_written = 'DRI (as written): <a href="https://gitlab.example/jdoe">Jane Doe</a>'
    assert dri_as_written in documents["first-reply-time"]["description"]


def test_missing_dri_leaves_the_owner_out_and_says_so(imported):
    summary, _, documents = imported
    assert "owner" not in documents["escalation-rate"]
    assert ("gitlab/customer_care.yml", 43, "dri", "no DRI: owner left out") in {
        (a.source, a.line, a.field, a.why) for a in summary.attention}
    assert "left out because the source does not state them: owner (no DRI)" in documents["escalation-rate"]["description"]


def test_target_phrases_give_unit_and_direction(imported):
    _, _, documents = imported
    readings = {kpi_id: (documents[kpi_id]["unit"], documents[kpi_id]["direction"])
                for kpi_id in ("first-reply-time", "satisfaction-score", "tooling-spend", "deploy-lead-time")}
    assert readings == {
        "first-reply-time": ("ms", "decrease"),  # Below 2500ms at the 90th percentile
        "satisfaction-score": ("percent", "increase"),  # at or above 84%
        "tooling-spend": ("USD per month", "decrease"),  # less than $10K/Month
        "deploy-lead-time": ("percent", "increase"),  # "> 90%"
    }


def test_standing_levels_become_thresholds_and_nothing_else_does(imported):
    summary, _, documents = imported
    assert not any("target" in document for document in documents.values())  # no date: never a `target`
    thresholds = {kpi_id: d["threshold"]["value"] for kpi_id, d in documents.items() if "threshold" in d}
    assert thresholds == {"first-reply-time": 2500, "satisfaction-score": 84, "tooling-spend": 10000,
                          "deploy-lead-time": 90, "open-incidents": 5}
    assert summary.thresholds_written == 5 and summary.targets_parsed == 7
    assert ("threshold ≤ 10000 USD per month and direction decrease read from the target 'less than $10K/Month' "
            "(kpiframe holds a threshold inclusively: ≤)") in documents["tooling-spend"]["description"]
    no_comparator = [a for a in summary.attention if a.why.startswith("target states no comparator")]
    assert {a.text for a in no_comparator} == {"12%", ".25"}  # a number, but a level to hold? which way?
    assert ("target '12%' reads as 12 percent but states no comparator, so whether it is a level to hold "
            "and which way is better are unknown: no threshold written") in documents["escalation-rate"]["description"]


def test_unknown_direction_and_unit_are_left_out_and_counted(imported):
    summary, _, documents = imported
    escalation = documents["escalation-rate"]  # target "12%": a unit, but which way is better?
    assert escalation["unit"] == "percent" and "direction" not in escalation
    assert "left out because the source does not state them: owner (no DRI), direction" in escalation["description"]
    backlog = documents["backlog-age"]  # target "TBD"
    assert "unit" not in backlog and "direction" not in backlog and "threshold" not in backlog
    places = {(a.line, a.why) for a in summary.attention if a.source == "gitlab/customer_care.yml"}
    assert (58, "target not read (it states no number): nothing written, text kept in the description") in places
    assert (58, "no unit stated: unit left out") in places
    whys = [a.why for a in summary.attention]
    assert whys.count("no better direction stated (no comparator in the target): direction left out") == 5
    assert whys.count("no unit stated: unit left out") == 5  # .25, TBD, "<= 5", none, none


def test_ambiguous_target_texts_write_nothing_and_say_why(tmp_path: Path):
    source = tmp_path / "quality.yml"
    source.write_text(
        "- name: Undefined Labels\n  org: Quality\n  target: < 5% change in proportion of MRs with undefined label\n"
        "- name: Old Tickets\n  org: Quality\n  target: Less than 10% are over 14 days\n"
        "- name: Spend Ratio\n  org: Quality\n  target: The target for this metric is at or below 10:1\n",
        encoding="utf-8")
    summary = import_gitlab_pi([source], tmp_path / "out", force=False)
    _, documents = load_framework(tmp_path / "out")
    for document in documents.values():
        assert not {"threshold", "unit", "direction"} & set(document), document
    assert ("target '< 5% change in proportion of MRs with undefined label' is not read because it states a change "
            "or a distance from something, not a level: no threshold, unit or direction is written from it"
            in documents["undefined-labels"]["description"])
    reasons = sorted(a.why for a in summary.attention if a.field == "target" and a.why.startswith("target not read"))
    assert reasons == [
        "target not read (a second number qualifies it): nothing written, text kept in the description",
        "target not read (a second number qualifies it): nothing written, text kept in the description",
        "target not read (it states a change or a distance from something, not a level): nothing written, "
        "text kept in the description"]


def test_is_key_yes_is_read_as_true(imported):
    summary, _, documents = imported
    assert {kpi_id for kpi_id, d in documents.items() if d.get("key")} == {
        "first-reply-time", "escalation-rate", "deploy-lead-time", "open-incidents"}
    assert summary.key_written == 4
    assert "Key performance indicator (is_key): yes" in documents["first-reply-time"]["description"]  # is_key: yes
    assert "Key performance indicator (is_key): no" in documents["satisfaction-score"]["description"]  # is_key: no
    assert "Key performance indicator (is_key): yes" in documents["escalation-rate"]["description"]  # is_key: true


def test_health_levels_become_the_owners_assessment_without_a_date(imported):
    summary, _, documents = imported
    assert documents["first-reply-time"]["health"] == {
        "level": "attention", "note": "Slower since the March migration; Staffing plan under review"}
    assert documents["satisfaction-score"]["health"] == {"level": "okay", "note": "Stable"}
    assert documents["escalation-rate"]["health"] == {"level": "problem", "note": "Escalations doubled this quarter"}
    for kpi_id in ("tooling-spend", "backlog-age", "docs-visits"):  # levels 0, -1 and 0: not assessments
        assert "health" not in documents[kpi_id]
    assert summary.health_written == 6
    whys = [a.why for a in summary.attention if a.field == "health"]
    assert whys.count("health level 0 (Unknown): no `health` written") == 2
    assert whys.count("health level -1 (Confidential): no `health` written") == 1
    assert whys.count("no health level: no `health` written") == 1  # the blank-named entry
    assert whys.count("health has no date (the source gives none; --as-of DATE dates it)") == 6


def test_as_of_dates_every_health_and_the_notes_say_so(tmp_path: Path):
    summary = import_gitlab_pi([FIXTURES], tmp_path / "out", force=False, as_of=date(2022, 11, 10))
    _, documents = load_framework(tmp_path / "out")
    assert documents["escalation-rate"]["health"]["date"] == date(2022, 11, 10)
    assert "health dated 2022-11-10 by --as-of: the source gives no date for it" in documents["escalation-rate"][
        "description"]
    assert [a.why for a in summary.attention].count("health dated by --as-of (the source gives no date)") == 6


def test_the_imported_register_checks_and_health_counts_as_the_owners_concern(tmp_path: Path):
    """`check` reads the import with no schema error; missing fields are named; a `problem` health
    with no plan is an uncorrected off-track KPI."""
    from kpiframe.check import CheckOptions, run_check

    import_gitlab_pi([FIXTURES], tmp_path / "out", force=False, as_of=date(2026, 5, 1))
    result = run_check(tmp_path / "out", CheckOptions(today=date(2026, 6, 1)))
    found = {(finding.rule, finding.subject) for finding in result.findings}
    assert not [finding for finding in result.findings if finding.rule == "schema"]
    assert ("missing-owner", "escalation-rate") in found and ("missing-direction", "escalation-rate") in found
    assert ("missing-unit", "backlog-age") in found
    assert ("uncorrected-off-track", "escalation-rate") in found


def test_fields_without_a_kpi_field_are_kept_in_the_description(imported):
    _, _, documents = imported
    description = documents["first-reply-time"]["description"]
    for text in ("Median time from a ticket being opened to the first human reply, measured over business hours.",
                 "Target (as written): Below 2500ms at the 90th percentile",
                 "Health: level 2 (Attention)", "- Slower since the March migration", "- Staffing plan under review",
                 "Parent indicator: /handbook/company/performance-indicators/#customer-experience",
                 "Handbook page (base_path): /handbook/customer-care/performance-indicators/",
                 "- https://example.com/dashboards/frt", "Public: true", "chart: 111", "dashboard: 222",
                 "Imported from gitlab/customer_care.yml"):
        assert text in description
    assert documents["first-reply-time"]["source"] == "Sisense dashboard 222, chart 111"
    assert "Target (as written): .25" in documents["satisfaction-score-2"]["description"]  # as written, not 0.25
    assert "- /handbook/customer-care/escalations/" in documents["escalation-rate"]["description"]  # urls under health
    assert "- Traffic is seasonal" in documents["docs-visits"]["description"]  # lessons


def test_duplicate_names_get_numbered_ids(imported):
    summary, _, documents = imported
    assert documents["satisfaction-score"]["name"] == documents["satisfaction-score-2"]["name"] == "Satisfaction Score"
    duplicates = [a for a in summary.attention if a.field == "name" and a.text == "Satisfaction Score"]
    assert [(a.source, a.line) for a in duplicates] == [("gitlab/customer_care.yml", 65)]


def test_missing_fields_are_filled_visibly(imported):
    summary, _, documents = imported
    assert documents["open-incidents"]["department"] == "unassigned"  # no org
    assert documents["docs-visits"]["description"].startswith("Key performance indicator")  # no definition
    unnamed = [d for d in documents.values() if d["name"].startswith("Unnamed indicator")]
    assert [d["name"] for d in unnamed] == ["Unnamed indicator (gitlab/platform.yaml line 19)"]
    skipped = [a for a in summary.attention if "not an indicator" in a.why]
    assert [(a.line, a.text) for a in skipped] == [(23, "just a string, not an indicator")]


def test_kpis_support_no_goal_because_the_source_names_none(imported):
    _, _, documents = imported
    assert not any("supports" in document for document in documents.values())


def test_strings_that_look_like_yaml_values_are_quoted(tmp_path: Path):
    source = tmp_path / "odd.yml"
    source.write_text("- name: 'yes'\n  org: '2024'\n  definition: 'on'\n  dri: 'no'\n", encoding="utf-8")
    out = tmp_path / "out"
    import_gitlab_pi([source], out, force=False)
    _, documents = load_framework(out)
    assert documents["yes"]["name"] == "yes"
    assert documents["yes"]["department"] == "2024"
    assert documents["yes"]["owner"] == "no"
    assert documents["yes"]["description"].startswith("on")


def test_a_key_given_twice_keeps_both_values(tmp_path: Path):
    source = tmp_path / "twice.yml"
    source.write_text("- name: Uptime\n  org: Ops\n  target: 99%\n  target: above 99.9%\n", encoding="utf-8")
    summary = import_gitlab_pi([source], tmp_path / "out", force=False)
    _, documents = load_framework(tmp_path / "out")
    description = documents["uptime"]["description"]
    assert "Target (as written): above 99.9%" in description  # the value YAML uses
    assert "target (earlier value, line 3): 99%" in description
    assert ("twice.yml", 3, "target", "99%") in {(a.source, a.line, a.field, a.text) for a in summary.attention}


# --- output folder, re-import, errors -------------------------------------------------------------------


def test_non_empty_out_is_refused_unless_forced(tmp_path: Path):
    out = tmp_path / "framework"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ImportRefused, match="not empty"):
        import_gitlab_pi([FIXTURES], out, force=False)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    import_gitlab_pi([FIXTURES], out, force=True)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "kpis" / "customer-care.yaml").is_file()


def test_reimport_is_byte_identical(tmp_path: Path):
    import_gitlab_pi([FIXTURES], tmp_path / "a", force=False)
    first = tree_bytes(tmp_path / "a")
    import_gitlab_pi([FIXTURES], tmp_path / "a", force=True)
    import_gitlab_pi([FIXTURES], tmp_path / "b", force=False)
    assert tree_bytes(tmp_path / "a") == first == tree_bytes(tmp_path / "b")


def test_unreadable_sources_are_refused_clearly(tmp_path: Path):
    not_a_list = tmp_path / "map.yml"
    not_a_list.write_text("name: x\n", encoding="utf-8")
    broken = tmp_path / "broken.yml"
    broken.write_text("- name: x\n  target: [unclosed\n", encoding="utf-8")
    with pytest.raises(ImportInputError, match="expected a YAML list"):
        import_gitlab_pi([not_a_list], tmp_path / "out", force=False)
    with pytest.raises(ImportInputError, match=r"broken\.yml:\d+: not valid YAML"):
        import_gitlab_pi([broken], tmp_path / "out", force=False)
    with pytest.raises(ImportInputError, match="no such file"):
        import_gitlab_pi([tmp_path / "missing.yml"], tmp_path / "out", force=False)
    assert not (tmp_path / "out").exists()


# --- command line ---------------------------------------------------------------------------------------


def cli() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(import_app, name="import")
    return root


def test_cli_prints_the_summary_and_exits_0(tmp_path: Path):
    result = CliRunner().invoke(cli(), ["import", "gitlab-pi", str(FIXTURES / "customer_care.yml"),
                                        str(FIXTURES / "platform.yaml"), "--out", str(tmp_path / "out"),
                                        "--organization", "Example Co"])
    assert result.exit_code == 0, result.output
    assert "Imported 10 entries from 2 files" in result.stdout
    assert "KPIs written:    10" in result.stdout
    assert "targets parsed:  7" in result.stdout
    assert "customer_care.yml:43  dri" in result.stdout
    config = yaml.safe_load((tmp_path / "out" / "kpiframe.yaml").read_text(encoding="utf-8"))
    assert config["organization"] == "Example Co"


def test_cli_exits_2_with_one_line_on_refusal_and_bad_input(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.yaml").write_text("kind: Goal\n", encoding="utf-8")
    refused = CliRunner().invoke(cli(), ["import", "gitlab-pi", str(FIXTURES), "--out", str(out)])
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1 and "not empty" in refused.stderr and "--force" in refused.stderr
    missing = CliRunner().invoke(cli(), ["import", "gitlab-pi", str(tmp_path / "nope.yml"),
                                         "--out", str(tmp_path / "o")])
    assert missing.exit_code == 2
    assert "no such file or folder" in missing.stderr
    forced = CliRunner().invoke(cli(), ["import", "gitlab-pi", str(FIXTURES), "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output


# --- GitLab's published files ------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="GitLab corpus not present next to the repository")
def test_gitlab_corpus_imports_every_entry_without_losing_text(tmp_path: Path):
    out = tmp_path / "gitlab"
    summary = import_gitlab_pi([CORPUS], out, force=False)
    _, documents = load_framework(out)
    entries = [entry for path in sorted(CORPUS.rglob("*.yml"))
               for entry in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert summary.entries_read == len(entries) == summary.kpis_written == len(documents)
    assert "talent-acquisition" in summary.departments
    descriptions = "\n".join(" ".join(d["description"].split()) for d in documents.values())
    for entry in entries:
        for text in [entry.get("definition"), *entry.get("health", {}).get("reasons", []),
                     entry.get("parent"), entry.get("base_path")]:
            if isinstance(text, str) and text.strip():
                assert " ".join(text.split()) in descriptions, (entry["name"], text)
        if isinstance(entry.get("target"), str):
            assert f"Target (as written): {' '.join(entry['target'].split())}" in descriptions, entry["name"]


def test_cli_as_of_dates_health_and_the_summary_counts_key_threshold_and_health(tmp_path: Path):
    result = CliRunner().invoke(cli(), ["import", "gitlab-pi", str(FIXTURES), "--out", str(tmp_path / "out"),
                                        "--as-of", "2022-11-10"])
    assert result.exit_code == 0, result.output
    assert "targets parsed:  7 (written with a date: 0, as a threshold: 5)" in result.stdout
    assert "key KPIs:        4" in result.stdout
    assert "health written:  6" in result.stdout
    assert "   6 health dated by --as-of (the source gives no date)" in result.stdout
    _, documents = load_framework(tmp_path / "out")
    assert documents["first-reply-time"]["health"]["date"] == date(2022, 11, 10)
    bad = CliRunner().invoke(cli(), ["import", "gitlab-pi", str(FIXTURES), "--out", str(tmp_path / "bad"),
                                     "--as-of", "2022-13-01"])
    assert bad.exit_code == 2 and "--as-of '2022-13-01' is not a date" in bad.stderr


@pytest.mark.skipif(not CORPUS.is_dir(), reason="GitLab corpus not present next to the repository")
def test_gitlab_corpus_key_health_and_thresholds_come_from_the_source_and_nothing_is_invented(tmp_path: Path):
    snapshot = CORPUS / "www-gitlab-com_2022-11-10"
    summary = import_gitlab_pi([snapshot], tmp_path / "out", force=False, as_of=date(2022, 11, 10))
    _, documents = load_framework(tmp_path / "out")
    entries = [entry for path in sorted(snapshot.glob("*.yml")) for entry in yaml.safe_load(path.read_text("utf-8"))]
    levels = [str(entry["health"]["level"]) for entry in entries]
    assert summary.key_written == sum(entry.get("is_key") is True for entry in entries) == 94
    assert summary.health_written == sum(level in ("1", "2", "3") for level in levels) == 155
    written = [d["health"]["level"] for d in documents.values() if "health" in d]
    assert (written.count("okay"), written.count("attention"), written.count("problem")) == (
        levels.count("3"), levels.count("2"), levels.count("1"))
    assert all(d["health"]["date"] == date(2022, 11, 10) for d in documents.values() if "health" in d)
    # nothing invented: an owner only from a DRI, a direction only with a threshold (a comparator)
    assert sum("owner" in d for d in documents.values()) == sum(bool(entry.get("dri")) for entry in entries)
    assert all(("direction" in d) == ("threshold" in d) for d in documents.values())
    assert summary.thresholds_written == sum("threshold" in d for d in documents.values()) == 82
    by_name = {d["name"]: d for d in documents.values()}
    assert by_name["Support Satisfaction (SSAT)"]["threshold"] == {"value": 95}
    undefined = [d for d in documents.values() if "< 5% change in proportion" in d["description"]]
    assert len(undefined) == 1 and "threshold" not in undefined[0] and "direction" not in undefined[0]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="GitLab corpus not present next to the repository")
def test_readme_case_study_is_a_real_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The README's GitLab case study shows what import, check and report print on the 2022 snapshot."""
    from kpiframe.cli import app

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    study = readme[readme.index("### Case study: GitLab"):]
    block = study[study.index("```text\n") + 8:]
    block = block[:block.index("```")]
    commands = re.split(r"^\$ (.*)\n", block, flags=re.M)[1:]
    shown = dict(zip(commands[::2], commands[1::2]))
    monkeypatch.chdir(tmp_path)
    env = {"NO_COLOR": "1", "COLUMNS": "200"}
    runner = CliRunner()
    outputs = {}
    for command in shown:
        args = command.split()[1:]
        if args[:2] == ["import", "gitlab-pi"]:
            args[2] = str(CORPUS / args[2])
        result = runner.invoke(app, args, env=env)
        assert result.exit_code in (0, 1), result.output
        outputs[command] = result.stdout
    timing = re.compile(r", \d+\.\d\ds\)")
    for command, text in shown.items():
        printed = [line for line in outputs[command].splitlines() if not line.startswith("         ")]  # places
        for line in text.splitlines():
            if line != "...":
                assert timing.sub("", line) in [timing.sub("", p) for p in printed], (command, line)
    import_shown = shown[next(c for c in shown if " import " in f" {c} ")].splitlines()
    import_printed = [line for line in outputs[next(c for c in shown if " import " in f" {c} ")].splitlines()
                      if not line.startswith("         ")]
    assert import_shown == import_printed  # the whole summary, in order
    verdict = study[study.index("> **Verdict:**") + 2:].splitlines()[0]
    assert verdict in (tmp_path / "gap-report.md").read_text(encoding="utf-8")


def test_odd_is_key_health_and_dri_values_are_left_out_and_said(tmp_path: Path):
    source = tmp_path / "odd.yml"
    source.write_text("- name: Odd\n  org: Ops\n  is_key: maybe\n  dri: <a href=\"https://x.example\"></a>\n"
                      "  health:\n    level: high\n    reasons: [<b>Fine</b> &amp; dandy]\n"
                      "- name: Flat\n  org: Ops\n  is_key: true\n  health: 2\n"
                      "- name: Linked\n  org: Ops\n  health:\n    level: 3\n"
                      "    reasons:\n    - See <a href=\"https://x.example/d\">the dashboard</a> &amp; notes\n    - ''\n",
                      encoding="utf-8")
    summary = import_gitlab_pi([source], tmp_path / "out", force=False)
    _, documents = load_framework(tmp_path / "out")
    odd, flat = documents["odd"], documents["flat"]
    assert not {"key", "owner", "health"} & set(odd)
    assert flat["key"] is True and "health" not in flat
    whys = {(a.line, a.why) for a in summary.attention}
    assert (3, "is_key is not yes or no: `key` left out") in whys
    assert (4, "DRI has no readable name: owner left out") in whys
    assert (5, "health level high (not a level GitLab defines): no `health` written") in whys
    assert (11, "no health level: no `health` written") in whys
    assert "left out because the source does not state them: owner (the DRI names nobody), unit, direction" in odd[
        "description"]
    assert documents["linked"]["health"] == {"level": "okay", "note": "See the dashboard & notes"}  # tags removed
    assert '- See <a href="https://x.example/d">the dashboard</a> &amp; notes' in documents["linked"]["description"]


def test_the_json_summary_counts_thresholds_key_and_health(tmp_path: Path):
    import json

    result = CliRunner().invoke(cli(), ["import", "gitlab-pi", str(FIXTURES), "--out", str(tmp_path / "out"),
                                        "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["targets_parsed"], data["thresholds_written"], data["key_written"], data["health_written"]) == (
        7, 5, 4, 6)
