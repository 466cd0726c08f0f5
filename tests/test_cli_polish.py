"""The command line reads well: option errors without typer's noise, flags as flags, plurals right."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": "2026-06-30", "COLUMNS": "100"}


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


@pytest.mark.parametrize(("args", "said"), [
    (("check", "-f", "jsn"), "Invalid value for '--format' / '-f': 'jsn' is not one of text, json, github, sarif, "
                             "junit, gitlab; did you mean 'json'?"),
    (("check", "--fail-on", "warn"), "Invalid value for '--fail-on': 'warn' is not one of error, warning, never; "
                                     "did you mean 'warning'?"),
    (("status", "--sort", "Status"), "'Status' is not one of department, status, id; did you mean 'status'?"),
    (("report", "-f", "md"), "'md' is not one of markdown, json"),
    (("graph", "--format", "svg"), "'svg' is not one of mermaid, dot, json"),
    (("impact", "x", "-f", "yaml"), "'yaml' is not one of text, json"),
])
def test_an_option_value_that_is_not_a_choice_says_the_choices_and_the_nearest(args, said):
    result = run(*args, str(EXAMPLES / "acme")) if args[0] != "impact" else run(*args)
    assert result.exit_code == 2
    assert said in result.stderr
    assert "Value error" not in result.stderr


def test_choices_still_work_and_are_shown_with_their_default():
    assert run("graph", str(EXAMPLES / "silos"), "--format", "dot").stdout.startswith("digraph")
    shown = run("graph", "--help").stdout
    assert "-f, --format mermaid|dot|json" in shown and "[default: mermaid]" in " ".join(shown.split())


@pytest.mark.parametrize("command", ["check", "init", "import csv", "status", "graph"])
def test_flags_are_shown_as_flags_without_a_type(command):
    shown = run(*command.split(), "--help").stdout
    assert "<bool>" not in shown and "<list[str]>" not in shown and "<str>" not in shown.split("Options:")[1]
    assert "\n  --help " in shown


def test_counts_agree_with_their_nouns(tmp_path):
    run("init", str(tmp_path / "fw"))
    summary = run("check", str(tmp_path / "fw")).stdout.splitlines()[-1]
    assert summary.startswith("5 files, 2 goals, 2 KPIs, 1 driver, 1 action plan, 1 trade-off. 0 errors, 0 warnings, 0 info, "
                              "1 conflict resolved by a trade-off (")
    acme = run("check", str(EXAMPLES / "acme"), "--today", "2026-09-30").stdout.splitlines()[-1]
    assert "24 files, 19 goals, 32 KPIs, 6 drivers, 22 action plans, 7 trade-offs." in acme
    assert ", 9 conflicts resolved by trade-offs (" in acme
