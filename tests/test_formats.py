"""`kpiframe check --format github|sarif|junit|gitlab` and `--output-file`: what CI systems read.

The framework lives in `kpis/` under the folder kpiframe runs in (as in a repository), so the
paths CI systems see must be `kpis/...`, not relative to the framework root.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import xmlschema
from typer.testing import CliRunner

from kpiframe.check import CheckResult
from kpiframe.cli import app
from kpiframe.findings import Finding, Severity
from kpiframe.render.github import render_github, workflow_command
from kpiframe.render.gitlab import render_gitlab
from kpiframe.render.junit import render_junit
from kpiframe.render.rules_doc import explain_text
from kpiframe.render.sarif import render_sarif, sarif_result
from kpiframe.rules.registry import all_rules
from tests.conftest import REPO, check_tree, write_tree
from tests.consumer_schemas import consumer_schema

FRAMEWORK = {
    "kpis/kpiframe.yaml": "organization: Test Co\ndepartments: [sales]\n",
    "kpis/kpis.yaml": """\
        kind: Goal
        id: grow
        title: Grow
        level: company
        ---
        kind: KPI
        id: lonely
        name: Lonely
        department: sales
        owner: Dana
        unit: USD
        direction: increase
        ---
        kind: KPI
        id: legacy
        name: Legacy
        department: sales
        owner: Dana
        unit: USD
        direction: increase
        ignore:
          - {rule: orphan-kpi, reason: "Kept for the board pack until Q4"}
        ---
        kind: Driver
        id: a
        title: A
        influences: [{target: b, effect: increase}]
        ---
        kind: Driver
        id: b
        title: B
        influences: [{target: a, effect: increase}]
        """,
}
# What the framework above produces, by (code, line): an error, a warning and an info finding.
EXPECTED = {("KF101", 6): "error", ("KF105", 2): "warning", ("KF205", 27): "info"}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository folder holding the framework in kpis/; the working directory during the test."""
    root = write_tree(tmp_path / "repo", FRAMEWORK)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def result(repo: Path) -> CheckResult:
    return check_tree(repo / "kpis")


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30"})


def test_the_fixture_has_one_finding_of_each_severity(result: CheckResult):
    assert {(f.code, f.line): f.severity.value for f in result.findings} == EXPECTED
    assert [f.code for f in result.suppressed] == ["KF101"]


# --------------------------------------------------------------------------- github

# ::command prop=value,prop=value::data -- values without , : or line breaks, data on one line.
WORKFLOW_COMMAND = re.compile(r"^::(?P<command>error|warning|notice) (?P<props>[^:\r\n]*)::(?P<data>[^\r\n]*)$")
PROPERTY = re.compile(r"^(?P<name>file|line|col|endLine|endColumn|title)=(?P<value>[^,:\r\n]*)$")


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    match = WORKFLOW_COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    props = {}
    for part in match["props"].split(","):
        prop = PROPERTY.match(part)
        assert prop, f"bad property {part!r} in {line!r}"
        props[prop["name"]] = unescape(prop["value"])
    return match["command"], props, unescape(match["data"])


def unescape(text: str) -> str:
    """What the Actions runner does with an escaped value (%25 last, so '%253A' stays '%3A')."""
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def test_github_lines_are_workflow_commands_with_paths_from_the_repository(result: CheckResult, repo: Path):
    lines = render_github(result, repo).splitlines()
    parsed = [parse_workflow_command(line) for line in lines]
    by_title = {props["title"]: (command, props, data) for command, props, data in parsed}
    assert set(by_title) == {"KF101 orphan-kpi", "KF105 unmeasured-goal", "KF205 influence-cycle"}
    command, props, data = by_title["KF101 orphan-kpi"]
    assert command == "error"
    assert props == {"file": "kpis/kpis.yaml", "line": "6", "col": "1", "title": "KF101 orphan-kpi"}
    assert data == ("KPI 'lonely' supports no goal\n"
                    "hint: add `supports: [<goal id>]` naming the goal this KPI measures")
    assert by_title["KF105 unmeasured-goal"][0] == "warning"
    assert by_title["KF205 influence-cycle"][0] == "notice"


def test_github_escapes_percent_newlines_colons_and_commas():
    finding = Finding(rule="orphan-kpi", code="KF101", severity=Severity.ERROR, file="x.yaml", line=3, column=7,
                      message="100% done, or: not\r\nreally %0A", hint="a, b: c")
    line = workflow_command(finding, "odd,dir/a:b %.yaml")
    assert "\n" not in line and "\r" not in line
    assert "file=odd%2Cdir/a%3Ab %25.yaml," in line
    assert line.endswith("::100%25 done, or: not%0D%0Areally %250A%0Ahint: a, b: c")
    command, props, data = parse_workflow_command(line)
    assert props["file"] == "odd,dir/a:b %.yaml"
    assert data == "100% done, or: not\r\nreally %0A\nhint: a, b: c"


def test_github_omits_line_and_col_for_a_whole_file_and_file_for_no_file():
    whole = Finding(rule="unreadable-file", code="KF009", file="a.yaml", message="m")
    assert workflow_command(whole, "kpis/a.yaml") == "::error file=kpis/a.yaml,title=KF009 unreadable-file::m"
    assert workflow_command(whole, "") == "::error title=KF009 unreadable-file::m"


def many(severity: Severity, n: int, code: str, rule: str) -> list[Finding]:
    return [Finding(rule=rule, code=code, severity=severity, file=f"f{i:02}.yaml", line=i + 1, column=1,
                    message=f"{rule} {i}") for i in range(n)]


def annotated(lines: list[str]) -> list[tuple[str, dict[str, str], str]]:
    """What GitHub turns into annotations: the first 10 commands of each kind in a step."""
    seen: dict[str, int] = {}
    shown = []
    for command, props, data in map(parse_workflow_command, lines):
        seen[command] = seen.get(command, 0) + 1
        if seen[command] <= 10:
            shown.append((command, props, data))
    return shown


def test_github_prints_errors_then_warnings_then_notices(result: CheckResult, repo: Path):
    findings = (many(Severity.INFO, 2, "KF205", "influence-cycle") + many(Severity.WARNING, 2, "KF105", "unmeasured-goal")
                + many(Severity.ERROR, 2, "KF101", "orphan-kpi"))
    findings.sort(key=Finding.sort_key)  # file order mixes the severities
    lines = render_github(replace(result, findings=findings), repo).splitlines()
    assert [parse_workflow_command(line)[1]["file"] for line in lines] == [
        "kpis/f00.yaml", "kpis/f01.yaml"] * 3  # each kind in file order
    assert [parse_workflow_command(line)[0] for line in lines] == ["error"] * 2 + ["warning"] * 2 + ["notice"] * 2


def test_github_says_how_many_findings_pass_its_annotation_limits(result: CheckResult, repo: Path):
    findings = (many(Severity.ERROR, 18, "KF101", "orphan-kpi") + many(Severity.WARNING, 19, "KF105", "unmeasured-goal")
                + many(Severity.INFO, 3, "KF205", "influence-cycle"))
    lines = render_github(replace(result, findings=findings), repo).splitlines()
    assert len(lines) == 18 + 19 + 1 + 3  # every finding stays in the log
    shown = annotated(lines)
    assert [c for c, _, _ in shown] == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 4
    command, props, data = shown[20]
    assert props == {"title": "kpiframe: more findings than GitHub annotates"}
    assert data == ("kpiframe found 18 errors, 19 warnings and 3 info findings. GitHub shows at most 10 error, "
                    "10 warning and 10 notice annotations per step, so 8 errors and 9 warnings are not annotated: "
                    "every finding is listed in this step's log.")
    assert [d for c, _, d in shown[21:]] == ["influence-cycle 0", "influence-cycle 1", "influence-cycle 2"]
    with_summary = render_github(replace(result, findings=findings), repo, summary=True)
    assert "every finding is listed in this step's log and in the job summary." in with_summary


def test_github_counts_its_own_notice_against_the_notice_limit(result: CheckResult, repo: Path):
    ten = render_github(replace(result, findings=many(Severity.INFO, 10, "KF205", "influence-cycle")), repo)
    assert "more findings than GitHub annotates" not in ten and len(ten.splitlines()) == 10
    eleven = render_github(replace(result, findings=many(Severity.INFO, 11, "KF205", "influence-cycle")), repo).splitlines()
    shown = annotated(eleven)
    assert shown[0][1]["title"] == "kpiframe: more findings than GitHub annotates"
    assert "so 2 info findings are not annotated" in shown[0][2] and len(shown) == 10


def test_github_step_summary_gets_the_report_findings_table(repo: Path, tmp_path: Path):
    summary = tmp_path / "step_summary.md"
    summary.write_text("## an earlier step's summary\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["check", "kpis", "--format", "github"],
                             env={"KPIFRAME_TODAY": "2026-06-30", "GITHUB_STEP_SUMMARY": str(summary)})
    assert out.exit_code == 1
    assert out.stdout.startswith("::error file=kpis/kpis.yaml,line=6,col=1,title=KF101 orphan-kpi::")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## an earlier step's summary\n\n### kpiframe check\n\n"
                           "1 error, 1 warning, 1 info finding, 1 suppressed (today 2026-06-30).\n\n")
    report = run_cli("report", "kpis").stdout
    table = report[report.index("| Code | Severity | Where | Message |"):].rstrip("\n")
    assert text.endswith(table + "\n")  # the same rows as the gap report's appendix
    assert "| KF101 | error, suppressed | kpis\\.yaml:14 |" in table
    # other formats leave it alone
    CliRunner().invoke(app, ["check", "kpis", "--format", "sarif"],
                       env={"KPIFRAME_TODAY": "2026-06-30", "GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.read_text(encoding="utf-8") == text


def test_github_step_summary_that_cannot_be_written_exits_2(repo: Path, tmp_path: Path):
    out = CliRunner().invoke(app, ["check", "kpis", "--format", "github"],
                             env={"KPIFRAME_TODAY": "2026-06-30", "GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "x.md")})
    assert out.exit_code == 2
    assert "kpiframe: could not write the step summary" in out.stderr and "GITHUB_STEP_SUMMARY" in out.stderr


# --------------------------------------------------------------------------- sarif

def sarif_validator() -> jsonschema.Draft4Validator:
    """The official SARIF 2.1.0 schema (draft-04, as its SOURCE.md says)."""
    schema = json.loads(consumer_schema("sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_valid_sarif(log: dict) -> None:
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_the_official_sarif_schema_is_a_valid_schema():
    jsonschema.Draft4Validator.check_schema(sarif_validator().schema)


def test_sarif_is_valid_and_describes_every_rule(result: CheckResult, repo: Path):
    log = json.loads(render_sarif(result, repo))
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "kpiframe" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = all_rules()
    assert [r["id"] for r in driver["rules"]] == [r.code for r in rules]
    for described, rule in zip(driver["rules"], rules):
        assert described["name"] == rule.slug
        assert described["shortDescription"]["text"] == rule.summary
        assert described["fullDescription"]["text"] == rule.rationale
        assert described["help"]["text"] == explain_text(rule)  # what `kpiframe explain` prints
        assert rule.fix in described["help"]["markdown"] and rule.failing in described["help"]["markdown"]
        expected_level = {"error": "error", "warning": "warning", "info": "note"}[rule.severity.value]
        assert described["defaultConfiguration"]["level"] == expected_level


def test_sarif_results_point_at_rules_and_places(result: CheckResult, repo: Path):
    run = json.loads(render_sarif(result, repo))["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    rules = run["tool"]["driver"]["rules"]
    active = [r for r in run["results"] if "suppressions" not in r]
    assert {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["level"]
            for r in active} == {("KF101", 6): "error", ("KF105", 2): "warning", ("KF205", 27): "note"}
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        location = r["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "kpis/kpis.yaml", "uriBaseId": "%SRCROOT%"}
        assert location["region"]["startColumn"] >= 1
    [suppressed] = [r for r in run["results"] if "suppressions" in r]
    assert suppressed["ruleId"] == "KF101"
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "ignore: Kept for the board pack until Q4"}]
    fingerprints = [r["partialFingerprints"]["kpiframe/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_rules_link_to_the_readme_and_the_run_has_a_category(result: CheckResult, repo: Path):
    run = json.loads(render_sarif(result, repo))["runs"][0]
    home = run["tool"]["driver"]["informationUri"]
    assert [r["helpUri"] for r in run["tool"]["driver"]["rules"]] == [home + "#rules"] * len(all_rules())
    assert urlsplit(home + "#rules").scheme == "https" and "## Rules\n" in (REPO / "README.md").read_text(encoding="utf-8")
    # GitHub keeps one result set per category: the id up to its last "/"
    assert run["automationDetails"] == {"id": "kpiframe/kpis/"}
    assert json.loads(render_sarif(result, repo / "kpis"))["runs"][0]["automationDetails"] == {"id": "kpiframe/"}


def test_sarif_paths_are_relative_to_the_git_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    git_repo = tmp_path / "checkout"
    write_tree(git_repo / "strategy", FRAMEWORK)
    subprocess.run(["git", "init", "-q", str(git_repo)], check=True)
    monkeypatch.chdir(git_repo / "strategy" / "kpis")  # run from inside the framework, not the root
    out = run_cli("check", ".", "--format", "sarif")
    assert out.exit_code == 1
    log = json.loads(out.stdout)
    assert_valid_sarif(log)
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == git_repo.resolve().as_uri() + "/"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {
        "strategy/kpis/kpis.yaml"}
    assert run["automationDetails"] == {"id": "kpiframe/strategy/kpis/"}


@pytest.mark.parametrize("mistake", [
    lambda run: run["results"][0].update(level="info"),                       # SARIF says "note"
    lambda run: run["results"][0]["locations"][0]["physicalLocation"].update(region={"startLine": 0}),
    lambda run: run["results"][0].update(line=6),                              # not a result property
    lambda run: run["tool"]["driver"]["rules"][0].update(shortDescription="text, not an object"),
    lambda run: run["tool"]["driver"].pop("name"),
])
def test_sarif_validation_catches_the_mistakes_a_renderer_could_make(result: CheckResult, repo: Path, mistake):
    log = json.loads(render_sarif(result, repo))
    mistake(log["runs"][0])
    assert list(sarif_validator().iter_errors(log))


def test_sarif_omits_the_region_for_a_whole_file_finding():
    finding = Finding(rule="unreadable-file", code="KF009", file="a.yaml", message="m")
    entry = sarif_result(finding, {"unreadable-file": 8}, "kpis/a.yaml", "f")
    assert entry["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "kpis/a.yaml", "uriBaseId": "%SRCROOT%"}}}]


def test_sarif_of_a_clean_framework_is_valid_with_no_results(tmp_path: Path):
    root = write_tree(tmp_path, {"kpiframe.yaml": "organization: T\n"})
    log = json.loads(render_sarif(check_tree(root), tmp_path))
    assert_valid_sarif(log)
    assert log["runs"][0]["results"] == []


# --------------------------------------------------------------------------- junit

def assert_valid_junit(text: str) -> None:
    schema = xmlschema.XMLSchema(str(consumer_schema("jenkins-junit-10.xsd")))
    errors = list(schema.iter_errors(text))
    assert not errors, "\n".join(str(e.reason) + " at " + str(e.path) for e in errors[:5])


def junit_cases(text: str) -> dict[str, ET.Element]:
    suite = ET.fromstring(text).find("testsuite")
    return {f"{c.get('classname')} / {c.get('name')}": c for c in suite.findall("testcase")}


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_junit_is_valid_against_the_jenkins_schema(result: CheckResult, repo: Path, fail_on: str):
    assert_valid_junit(render_junit(result, repo, fail_on))


def test_junit_of_a_clean_framework_is_valid_with_one_passing_case(tmp_path: Path):
    root = write_tree(tmp_path, {"kpiframe.yaml": "organization: T\n"})
    text = render_junit(check_tree(root), tmp_path)
    assert_valid_junit(text)
    suite = ET.fromstring(text).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("1", "0", "0")
    [case] = suite.findall("testcase")
    assert case.get("name") == "kpiframe check: no findings" and len(case) == 0


def test_junit_fails_only_at_or_above_fail_on_and_lists_the_rest(result: CheckResult, repo: Path):
    text = render_junit(result, repo)  # --fail-on error, the default
    root = ET.fromstring(text)
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "1", "0", "1")
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "1", None)
    cases = junit_cases(text)
    assert set(cases) == {"kpis/kpis.yaml / KF101 orphan-kpi: lonely", "kpis/kpis.yaml / KF105 unmeasured-goal: grow",
                          "kpis/kpis.yaml / KF205 influence-cycle: a", "kpis/kpis.yaml / KF101 orphan-kpi: legacy"}
    failure = cases["kpis/kpis.yaml / KF101 orphan-kpi: lonely"].find("failure")
    assert failure.get("message") == "kpis/kpis.yaml:6:1: KPI 'lonely' supports no goal"
    assert failure.get("type") == "KF101 error"
    assert failure.text.startswith("kpis/kpis.yaml:6:1: error: KPI 'lonely' supports no goal\nhint: ")
    warning = cases["kpis/kpis.yaml / KF105 unmeasured-goal: grow"]
    assert [child.tag for child in warning] == ["system-out"]  # listed, not failed: the build exits 0 for it
    assert warning.find("system-out").text.startswith("kpis/kpis.yaml:2:5: warning: ")
    assert "feedback loop" in cases["kpis/kpis.yaml / KF205 influence-cycle: a"].find("system-out").text
    skipped = cases["kpis/kpis.yaml / KF101 orphan-kpi: legacy"].find("skipped")
    assert skipped.get("message") == "suppressed by ignore: Kept for the board pack until Q4"
    assert all(c.get("file") is None and c.get("line") is None for c in cases.values())


def test_junit_failures_follow_fail_on_like_the_exit_code(result: CheckResult, repo: Path):
    def failed(fail_on: str) -> set[str]:
        return {name for name, case in junit_cases(render_junit(result, repo, fail_on)).items()
                if case.find("failure") is not None}

    assert failed("warning") == {"kpis/kpis.yaml / KF101 orphan-kpi: lonely", "kpis/kpis.yaml / KF105 unmeasured-goal: grow"}
    assert failed("never") == set()
    assert ET.fromstring(render_junit(result, repo, "never")).find("testsuite").get("failures") == "0"


def test_junit_from_the_command_line_shows_no_failed_test_when_the_build_passes(repo: Path):
    out = run_cli("check", "kpis", "--format", "junit", "--ignore", "orphan-kpi")  # a warning and an info left
    assert out.exit_code == 0, out.output
    assert "<failure" not in out.stdout and out.stdout.count("<system-out>") == 2
    out = run_cli("check", "kpis", "--format", "junit", "--ignore", "orphan-kpi", "--fail-on", "warning")
    assert out.exit_code == 1 and out.stdout.count("<failure") == 1 and 'type="KF105 warning"' in out.stdout


def test_junit_names_survive_lines_moving_and_repeat_names_are_numbered(repo: Path):
    before = junit_cases(render_junit(check_tree(repo / "kpis"), repo))
    path = repo / "kpis" / "kpis.yaml"
    path.write_text("# a comment pushes every line down\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = junit_cases(render_junit(check_tree(repo / "kpis"), repo))
    assert list(before) == list(after)
    assert after["kpis/kpis.yaml / KF101 orphan-kpi: lonely"].find("failure").get("message").startswith("kpis/kpis.yaml:8:1:")
    twice = [Finding(rule="duplicate-key", code="KF002", file="a.yaml", line=n, column=1, message="m", subject="k")
             for n in (3, 9)]
    names = list(junit_cases(render_junit(replace(check_tree(repo / "kpis"), findings=twice), repo)))
    assert names == ["kpis/a.yaml / KF002 duplicate-key: k", "kpis/a.yaml / KF002 duplicate-key: k (2)",
                     "kpis/kpis.yaml / KF101 orphan-kpi: legacy"]


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold(result: CheckResult, repo: Path):
    odd = Finding(rule="orphan-kpi", code="KF101", file="<a&b>.yaml", line=1, column=1,
                  message='KPI "x" <b>&amp; \x01 bell\x07', subject="x\x02")
    text = render_junit(replace(result, findings=[odd]), repo)
    assert_valid_junit(text)
    case = ET.fromstring(text).find("testsuite/testcase")
    assert case.get("name") == "KF101 orphan-kpi: x\ufffd"
    assert case.find("failure").get("message") == 'kpis/<a&b>.yaml:1:1: KPI "x" <b>&amp; \ufffd bell\ufffd'


# --------------------------------------------------------------------------- gitlab

def test_gitlab_code_quality_shape_and_severities(result: CheckResult, repo: Path):
    issues = json.loads(render_gitlab(result, repo))
    assert isinstance(issues, list) and len(issues) == 3
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["location"]["path"] == "kpis/kpis.yaml"
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert {i["check_name"]: i["severity"] for i in issues} == {
        "KF101 orphan-kpi": "major", "KF105 unmeasured-goal": "minor", "KF205 influence-cycle": "info"}
    assert len({i["fingerprint"] for i in issues}) == 3


def test_gitlab_entries_are_valid_against_the_schema_gitlab_applies(result: CheckResult, repo: Path):
    schema = json.loads(consumer_schema("gitlab-codeclimate.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    whole = Finding(rule="unreadable-file", code="KF009", file="broken.yaml", message="m")
    for report in (render_gitlab(result, repo), render_gitlab(replace(result, findings=[whole]), repo)):
        for entry in json.loads(report):
            errors = list(validator.iter_errors(entry))
            assert not errors, [e.message for e in errors]


def test_gitlab_fingerprints_survive_lines_moving(repo: Path):
    before = json.loads(render_gitlab(check_tree(repo / "kpis"), repo))
    path = repo / "kpis" / "kpis.yaml"
    path.write_text("# a comment pushes every line down\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = json.loads(render_gitlab(check_tree(repo / "kpis"), repo))
    assert [i["location"]["lines"]["begin"] + 2 for i in before] == [i["location"]["lines"]["begin"] for i in after]
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]


def test_gitlab_places_a_whole_file_finding_on_line_1(result: CheckResult, repo: Path):
    whole = Finding(rule="unreadable-file", code="KF009", file="broken.yaml", message="m")
    [issue] = json.loads(render_gitlab(replace(result, findings=[whole]), repo))
    assert issue["location"] == {"path": "kpis/broken.yaml", "lines": {"begin": 1}}


# --------------------------------------------------------------------------- the command line

@pytest.mark.parametrize("fmt", ["github", "sarif", "junit", "gitlab", "json"])
def test_every_format_prints_to_stdout_with_the_usual_exit_code(repo: Path, fmt: str):
    out = run_cli("check", "kpis", "--format", fmt)
    assert out.exit_code == 1, out.output
    assert out.stdout.strip()
    assert run_cli("check", "kpis", "--format", fmt, "--fail-on", "never").exit_code == 0


def test_output_file_writes_the_report_and_prints_only_the_summary(repo: Path):
    out = run_cli("check", "kpis", "--format", "sarif", "--output-file", "reports/kpiframe.sarif")
    assert out.exit_code == 1
    assert out.stdout.startswith("1 file, 1 goal, 2 KPIs, 2 drivers. 1 error, 1 warning, 1 info, 1 suppressed")
    assert out.stdout.count("\n") == 1
    assert_valid_sarif(json.loads((repo / "reports" / "kpiframe.sarif").read_text(encoding="utf-8")))
    assert sorted(p.name for p in (repo / "reports").iterdir()) == ["kpiframe.sarif"]  # no temporary file left


def test_output_file_replaces_an_old_report_and_text_goes_without_colour(repo: Path):
    (repo / "report.txt").write_text("old report\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["check", "kpis", "-o", "report.txt"], env={"KPIFRAME_TODAY": "2026-06-30"})
    assert out.exit_code == 1
    text = (repo / "report.txt").read_text(encoding="utf-8")
    assert "old report" not in text and "\x1b[" not in text
    assert "KF101 orphan-kpi  KPI 'lonely' supports no goal" in text
    assert sorted(p.name for p in repo.iterdir()) == ["kpis", "report.txt"]


def test_output_file_in_a_folder_that_cannot_be_created_is_a_usage_error(repo: Path):
    (repo / "taken").write_text("a file, not a folder\n", encoding="utf-8")
    out = run_cli("check", "kpis", "-f", "json", "-o", "taken/report.json")
    assert out.exit_code == 2
    assert "could not write taken/report.json" in out.stderr
