"""`kpiframe explain` works for every rule, by code and by slug, as the README promises."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.rules.registry import all_rules

runner = CliRunner()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_explain_prints_why_how_and_both_examples(rule):
    by_code = runner.invoke(app, ["explain", rule.code])
    assert by_code.exit_code == 0, by_code.output
    text = by_code.stdout
    assert text.startswith(f"{rule.code} {rule.slug} ({rule.severity.value} by default, family {rule.family})")
    for section in ("Why:", "How to fix:", "Fails:", "Passes:"):
        assert f"\n{section}\n" in text
    assert rule.summary in text
    assert runner.invoke(app, ["explain", rule.slug]).stdout == text
    assert runner.invoke(app, ["explain", rule.code.lower()]).stdout == text


def test_explain_an_unknown_rule_is_a_usage_error():
    result = runner.invoke(app, ["explain", "KF999"])
    assert result.exit_code == 2
    assert "no rule 'KF999'" in result.stderr
