"""The README is the front door: its rule table and its commands must stay true."""

from __future__ import annotations

from kpiframe.render.rules_doc import README_END, README_START, rules_markdown
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_rule_table_matches_the_rules():
    table = README[README.index(README_START) + len(README_START): README.index(README_END)].strip("\n") + "\n"
    assert table == rules_markdown(), "run `python -m kpiframe.render.rules_doc` to regenerate the README table"


def test_readme_shows_both_setup_commands_and_ci_runs_the_test_one():
    # A virtual environment first: Debian's, Ubuntu's and Homebrew's Python refuse a bare `pip install`.
    assert "python3 -m venv .venv && . .venv/bin/activate && pip install . && kpiframe check examples/acme" in README
    assert "pipx install . && kpiframe check examples/acme" in README
    assert "pip install -e '.[test]' && python -m pytest" in README
    ci = (REPO / ".ci" / "run").read_text()
    assert "pip install --quiet -e '.[test]'" in ci and "python -m pytest" in ci


def _readme_block(command: str) -> str:
    start = README.index(f"$ {command}\n") + len(command) + 3
    return README[start:README.index("```", start)]


def _normalise(text: str) -> str:
    import re

    return re.sub(r", \d+\.\d\ds\)", ", <time>)", text).rstrip()


def test_readme_real_runs_are_what_check_prints_today(monkeypatch):
    from typer.testing import CliRunner

    from kpiframe.cli import app

    monkeypatch.chdir(REPO)  # where a reader of the README runs them: paths are printed from there
    for example in ("acme", "silos"):
        shown = _readme_block(f"kpiframe check examples/{example}")
        out = CliRunner().invoke(app, ["check", f"examples/{example}"], env={"NO_COLOR": "1"})
        assert _normalise(out.output) == _normalise(shown), f"README output of {example} is out of date"


def test_readme_record_example_is_what_record_prints(tmp_path, monkeypatch):
    import shlex
    import shutil

    from typer.testing import CliRunner

    from kpiframe.cli import app

    start = README.index("## Recording check-ins")
    block = README[README.index("```sh\n", start) + 6:]
    command = block[:block.index("\n")]
    shown = README[README.index("```text\n", start) + 8:]
    shown = shown[:shown.index("```")]
    shutil.copytree(REPO / "examples" / "acme", tmp_path / "examples" / "acme")
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(app, shlex.split(command)[1:], env={"NO_COLOR": "1"})
    assert out.exit_code == 0, out.output
    assert out.stdout == shown


def test_readme_record_health_example_is_what_record_prints(tmp_path, monkeypatch):
    import shlex
    import shutil

    from typer.testing import CliRunner

    from kpiframe.cli import app

    start = README.index("**The owner's assessment:** `--health")
    block = README[README.index("  $ kpiframe record", start) + 4:]
    command, shown = block.split("\n")[:2]
    shutil.copytree(REPO / "examples" / "acme", tmp_path / "examples" / "acme")
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(app, shlex.split(command)[1:], env={"NO_COLOR": "1"})
    assert out.exit_code == 0, out.output
    assert out.stdout == shown.strip() + "\n"


def test_readme_pins_commits_not_tags_that_do_not_exist():
    import re

    assert not re.search(r"kpiframe@v\d|rev: v\d", README), "kpiframe has no release tags: snippets name a commit"
    assert "kpiframe has no release tags yet" in README


def test_readme_format_reference_quotes_a_percent_unit():
    kpi_reference = README[README.index("### KPI\n"):README.index("### Driver\n")]
    assert 'quote a percent sign: unit: "%"' in kpi_reference
