"""`check --since`, `diff` and `history` on real git repositories built in temporary folders."""

from __future__ import annotations

import json
import os
import subprocess

from typer.testing import CliRunner

from kpiframe.cli import app
from tests.gitfixture import Repo

CONFIG = "organization: Test Co\nas_of: 2026-06-30\ndepartments: [sales]\n"
GOAL = """\
kind: Goal
id: grow-revenue
title: Grow revenue
level: company
"""
PLAN = """\
kind: ActionPlan
id: outbound-push
title: Outbound push
addresses: [new-arr]
owner: Dana Kim
status: in_progress
due: 2026-11-30
"""


def kpi(target: int = 12, *extra: str, target_date: str = "2026-12-31", direction: str = "increase",
        baseline: int = 8) -> str:
    return "\n".join(["kind: KPI", "id: new-arr", "name: New ARR", "department: sales", "owner: Dana Kim",
                      "supports: [grow-revenue]", "unit: M USD", f"direction: {direction}",
                      f"baseline: {{value: {baseline}, date: 2026-01-01}}",
                      f"target: {{value: {target}, date: {target_date}}}", "review: quarterly",
                      "actuals: [{date: 2026-06-30, value: 10}]", *extra]) + "\n"


def framework(repo: Repo, folder: str = "", *, kpi_text: str | None = None) -> None:
    base = f"{folder}/" if folder else ""
    repo.write(f"{base}kpiframe.yaml", CONFIG)
    repo.write(f"{base}goals.yaml", GOAL)
    repo.write(f"{base}kpis/sales.yaml", kpi_text if kpi_text is not None else kpi())
    repo.write(f"{base}plans.yaml", PLAN)


def run(*args: str, cwd=None):
    old = os.getcwd()
    os.chdir(cwd or old)
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)


def test_check_since_reports_a_relaxed_target_at_its_line(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(10))
    result = run("check", str(repo.path), "--since", "main", "--format", "json")
    assert result.exit_code == 1, result.output
    [finding] = [f for f in json.loads(result.output)["findings"] if f["rule"] == "target-relaxed"]
    assert (finding["file"], finding["line"], finding["column"], finding["code"]) == ("kpis/sales.yaml", 10, 1, "KF401")
    assert finding["message"] == ("KPI 'new-arr': target relaxed since main, from 12 M USD by 2026-12-31 to "
                                  "10 M USD by 2026-12-31, with no entry in `revisions:`")


def test_without_since_the_comparison_rules_are_silent(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(10))
    result = run("check", str(repo.path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


def test_a_revision_entry_accounts_for_the_relaxed_target(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(10, "revisions:", "  - {date: 2026-06-30, field: target, from: 12, to: 10, "
                                          "reason: Two deals slipped, approved_by: Maya Chen}"))
    result = run("check", str(repo.path), "--since", "main")
    assert result.exit_code == 0, result.output


def test_a_later_target_date_is_a_relaxation_and_an_earlier_one_is_not(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(12, target_date="2027-03-31"))
    assert run("check", str(repo.path), "--since", "main").exit_code == 1
    repo.write("kpis/sales.yaml", kpi(14, target_date="2026-11-30"))
    assert run("check", str(repo.path), "--since", "main").exit_code == 0


def test_baseline_change_is_a_warning_and_direction_flip_an_error(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(12, baseline=7))
    result = run("check", str(repo.path), "--since", "main", "--format", "json")
    assert result.exit_code == 0
    assert [(f["rule"], f["severity"], f["line"]) for f in json.loads(result.output)["findings"]] == [
        ("baseline-changed", "warning", 9)]
    repo.write("kpis/sales.yaml", kpi(6, direction="decrease", baseline=8))
    rules = {f["rule"] for f in json.loads(run("check", str(repo.path), "--since", "main", "-f", "json").output)["findings"]}
    assert "direction-flipped" in rules and "target-relaxed" not in rules  # a flipped bar is not judged


def test_a_deleted_kpi_is_a_warning_and_retiring_it_is_the_way(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", "kind: Driver\nid: pipeline\ntitle: Pipeline\n")
    repo.write("plans.yaml", PLAN.replace("[new-arr]", "[]"))
    result = run("check", str(repo.path), "--since", "main", "--format", "json")
    deleted = [f for f in json.loads(result.output)["findings"] if f["rule"] == "kpi-deleted"]
    assert [(f["severity"], f["file"], f["line"], f["subject"]) for f in deleted] == [
        ("warning", "kpis/sales.yaml", 1, "new-arr")]
    repo.write("kpis/sales.yaml", kpi(12, "retired: {date: 2026-06-30, reason: Replaced by NRR}"))
    repo.write("plans.yaml", PLAN.replace("in_progress", "done"))
    result = run("check", str(repo.path), "--since", "main", "--format", "json")
    assert [f["rule"] for f in json.loads(result.output)["findings"]] == ["unmeasured-goal"]


def test_diff_json_has_the_documented_shape(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(10))
    repo.write("plans.yaml", PLAN.replace("due: 2026-11-30", "due: 2027-01-31"))
    result = run("diff", "main", str(repo.path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["version", "base", "head", "changes", "new_findings", "fixed_findings"]
    assert data["base"]["revision"] == "main" and len(data["base"]["commit"]) == 40
    assert data["head"]["revision"] is None
    changes = {(c["kind"], c["subject"], c["field"]): c for c in data["changes"]}
    target = changes[("KPI", "new-arr", "target")]
    assert target == {"kind": "KPI", "subject": "new-arr", "field": "target", "change": "relaxed",
                      "before": {"value": 12, "date": "2026-12-31"}, "after": {"value": 10, "date": "2026-12-31"},
                      "file": "kpis/sales.yaml", "line": 10}
    assert changes[("ActionPlan", "outbound-push", "due")]["change"] == "moved-later"
    assert data["changes"][0]["field"] == "target"  # relaxed bars first
    assert [f["rule"] for f in data["new_findings"]] == ["target-relaxed"]


def test_diff_markdown_puts_relaxed_targets_and_new_problems_first(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(10))
    repo.write("plans.yaml", PLAN.replace("Outbound push", "Outbound | push"))
    result = run("diff", "main", str(repo.path), "--format", "markdown")
    text = result.output
    assert text.startswith("### kpiframe: changes since `main`")
    assert text.index("**Targets, thresholds") < text.index("**New findings**") < text.index("<details>")
    assert "| `new-arr` | target | **relaxed** |" in text
    assert "Outbound \\| push" in text  # framework text cannot break the table


def test_diff_between_two_revisions_and_documents_moved_between_files(repo):
    framework(repo)
    first = repo.commit("Framework")
    repo.git("mv", "plans.yaml", "plans-sales.yaml")
    repo.write("goals.yaml", GOAL + "---\nkind: Goal\nid: win\ntitle: Win\nlevel: department\nparent: grow-revenue\n"
                                    "department: sales\n")
    second = repo.commit("Move the plans, add a goal")
    repo.write("goals.yaml", GOAL)  # uncommitted: not part of --to
    data = json.loads(run("diff", first, str(repo.path), "--to", second, "-f", "json").output)
    got = {(c["subject"], c["field"], c["change"]) for c in data["changes"]}
    assert ("outbound-push", "file", "moved") in got and ("win", None, "added") in got
    assert data["head"]["commit"] == second


def test_framework_in_a_sub_folder_and_config_as_it_was(repo):
    repo.write("README.md", "a bigger repository\n")
    framework(repo, "strategy")
    repo.write("strategy/kpiframe.yaml", CONFIG.replace("[sales]", "[sales, ops]"))
    repo.commit("Framework")
    repo.write("strategy/kpiframe.yaml", CONFIG)
    result = run("diff", "main", "strategy", "-f", "json", cwd=repo.path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["changes"] == [] and data["new_findings"] == [] and data["fixed_findings"] == []
    result = run("check", "--since", "HEAD", cwd=repo.path / "strategy" / "kpis")
    assert result.exit_code == 0, result.output


def test_an_unavailable_revision_in_a_shallow_clone_exits_2_with_the_fix(repo, tmp_path):
    framework(repo)
    repo.commit("one")
    repo.write("kpis/sales.yaml", kpi(11))
    repo.commit("two")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    result = run("check", str(clone), "--since", "HEAD~1")
    assert result.exit_code == 2
    assert "shallow" in result.output and "fetch-depth: 0" in result.output and "git fetch origin main" in result.output


def test_outside_a_repository_is_a_usage_error(tmp_path, git_env):
    (tmp_path / "kpiframe.yaml").write_text(CONFIG)
    result = run("diff", "main", str(tmp_path))
    assert result.exit_code == 2 and "not in a git repository" in result.output


def test_reading_revisions_changes_nothing_in_the_repository(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(10))
    index = repo.path / ".git" / "index"
    status = repo.git("status", "--porcelain")  # (refreshes the index itself, so before measuring)
    before = (index.stat().st_mtime_ns, sorted(os.listdir(repo.path / ".git")))
    run("diff", "main", str(repo.path))
    run("check", str(repo.path), "--since", "main")
    run("history", "new-arr", str(repo.path))
    assert (index.stat().st_mtime_ns, sorted(os.listdir(repo.path / ".git"))) == before
    assert repo.git("status", "--porcelain") == status


def test_history_lists_commits_fields_revisions_and_actuals(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(10, "revisions:", "  - {date: 2026-03-31, field: target, from: 12, to: 10, "
                                          "reason: Two deals slipped, approved_by: Maya Chen}").replace(
        "actuals: [{date: 2026-06-30, value: 10}]", "actuals: [{date: 2026-06-30, value: 10.5}]"))
    repo.commit("Lower the ARR target", author="Maya Chen")
    repo.git("mv", "kpis/sales.yaml", "kpis/revenue.yaml")
    repo.commit("Rename the sales file")
    repo.write("goals.yaml", GOAL.replace("Grow revenue", "Grow"))
    repo.commit("Unrelated")
    result = run("history", "new-arr", str(repo.path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(c["event"], c["subject"], c["file"]) for c in data["commits"]] == [
        ("added", "Framework", "kpis/sales.yaml"),
        ("changed", "Lower the ARR target", "kpis/sales.yaml"),
        ("moved", "Rename the sales file", "kpis/revenue.yaml")]
    second = data["commits"][1]
    assert second["author"] == "Maya Chen" and second["date"] == "2026-01-02"
    assert {"field": "target", "change": "relaxed", "before": {"value": 12, "date": "2026-12-31"},
            "after": {"value": 10, "date": "2026-12-31"}} in second["changes"]
    assert data["revisions"][0]["reason"] == "Two deals slipped"
    assert [(a["value"], a["replaced"]) for a in data["actuals"]] == [(10, True), (10.5, False)]
    text = run("history", "new-arr", str(repo.path)).output
    assert "Lower the ARR target" in text and "Two deals slipped (approved by Maya Chen)" in text


def test_history_of_an_unknown_kpi_exits_2(repo):
    framework(repo)
    repo.commit("Framework")
    result = run("history", "no-such-kpi", str(repo.path))
    assert result.exit_code == 2 and "no KPI 'no-such-kpi'" in result.output


def test_git_is_called_without_the_users_configuration_leaking_in(repo):
    # the fixture's environment has no global or system config: a commit still works (identity from env)
    framework(repo)
    repo.commit("Framework")
    out = subprocess.run(["git", "config", "--list", "--show-origin"], cwd=repo.path, capture_output=True,
                         text=True, env={**os.environ}).stdout
    assert "global" not in out


def test_report_since_starts_with_the_changes(repo):
    framework(repo)
    repo.commit("Framework")
    repo.write("kpis/sales.yaml", kpi(10))
    result = run("report", str(repo.path), "--since", "main")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.index("## Changes since `main`") < text.index("## ", text.index("## Changes since") + 3)
    assert "| `new-arr` | target | **relaxed** |" in text
    data = json.loads(run("report", str(repo.path), "--since", "main", "-f", "json").output)
    assert list(data)[:2] == ["version", "changes_since"]
    assert data["changes_since"]["changes"][0]["change"] == "relaxed"


def test_retired_kpis_are_hidden_from_status_tree_and_report_unless_all(tmp_path):
    repo = Repo(tmp_path)
    framework(repo, kpi_text=kpi(12, "retired: {date: 2026-06-30, reason: Replaced by NRR}"))
    repo.write("plans.yaml", PLAN.replace("in_progress", "done"))
    for command in (["status", "-f", "json"], ["tree"], ["report"]):
        hidden = run(*command, str(tmp_path)).output
        shown = run(*command, str(tmp_path), "--all").output
        assert "new-arr" not in hidden.replace("outbound-push", "") or command == ["report"], command
        assert "new-arr" in shown, command
    report = run("report", str(tmp_path)).output
    assert "New ARR" not in report and "New ARR" in run("report", str(tmp_path), "--all").output


def test_the_scripted_before_after_in_examples_runs_as_the_readme_shows(git_env):
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "examples" / "before-after.sh"
    done = subprocess.run(["sh", str(script)], capture_output=True, text=True,
                          env={**os.environ, "KPIFRAME": f"{sys.executable} -m kpiframe", "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Changes from revision main (22a6a302ff42) to the working tree" in out  # fixed dates: a fixed commit
    assert "  relaxed      KPI new-arr-booked: target relaxed (value: 9000, date: 2026-12-31 -> value: 7500, " \
           "date: 2026-12-31)  acme/kpis/sales.yaml:12" in out
    assert "acme/kpis/sales.yaml:12:1  error    KF401 target-relaxed" in out
    assert "0 errors, 0 warnings, 0 info (today 2026-09-30" in out.split("## Fixed")[1]
    assert out.count("(exit 1)") == 1 and out.rstrip().endswith("(exit 0)")
