"""Every rule's documented examples: the failing one fires the rule, the passing one does not.

The examples are what `kpiframe explain` shows, so this keeps the documentation honest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kpiframe.check import CheckOptions, load_framework, run_check
from kpiframe.rules.registry import all_rules
from tests.conftest import TODAY, by_rule, check_tree, write_tree

# Failing examples that cannot be written as YAML text (a UTF-16 file, a symlink); tested in
# test_loader.py and test_linked_files.py.
NOT_TEXT = {"unreadable-file", "linked-file"}
# A suppression is only judged stale when the rule it names runs too.
ALSO_SELECT = {"unused-suppression": ("orphan-kpi",)}


def _check_example(tmp_path: Path, rule, text: str, config: str | None = None):
    files = {"example.yaml": text}
    config = rule.config if config is None else config
    if config:
        files["kpiframe.yaml"] = config
    root = write_tree(tmp_path / "head", files)
    select = (rule.slug, *ALSO_SELECT.get(rule.slug, ()))
    if not rule.base:
        return by_rule(check_tree(root, select=select), rule.slug)
    # A rule that compares with a base revision: the base is the same file as it was before.
    base = load_framework(write_tree(tmp_path / "base", {**files, "example.yaml": rule.base}),
                          CheckOptions(today=TODAY)).framework
    return by_rule(run_check(root, CheckOptions(today=TODAY, select=select), base=base, since="main"), rule.slug)


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.slug not in NOT_TEXT], ids=lambda r: r.slug)
def test_failing_example_fires(tmp_path: Path, rule):
    assert _check_example(tmp_path, rule, rule.failing), f"{rule.slug}: failing example found nothing"


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.base], ids=lambda r: r.slug)
def test_rules_that_compare_with_a_base_are_silent_without_one(tmp_path: Path, rule):
    root = write_tree(tmp_path, {"example.yaml": rule.failing})
    assert by_rule(check_tree(root, select=(rule.slug,)), rule.slug) == []


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.slug)
def test_passing_example_is_clean(tmp_path: Path, rule):
    assert _check_example(tmp_path, rule, rule.passing, rule.passing_config or None) == []


def test_every_rule_is_documented():
    for rule in all_rules():
        assert rule.summary and rule.rationale and rule.fix, rule.slug
        assert rule.code.startswith("KF") and rule.slug == rule.slug.lower()
