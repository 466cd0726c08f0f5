"""The pipeline as a library: loading without rules, and checks that do not share state."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from typer.testing import CliRunner

from kpiframe.check import CheckOptions, LoadOptions, load_framework, run_check
from kpiframe.cli import app
from kpiframe.render.json_out import render_check_json
from kpiframe.rules.registry import RULES, all_rules
from kpiframe.stage import Stage
from tests.conftest import EXAMPLES, TODAY


def _check_json(name: str) -> str:
    return render_check_json(run_check(EXAMPLES / name, CheckOptions(today=TODAY)))


def test_two_checks_in_threads_give_what_they_give_one_after_the_other():
    names = ["acme", "silos"] * 3
    sequential = {name: _check_json(name) for name in names}
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def run(i: int, name: str) -> None:
        try:
            results[i] = _check_json(name)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, name)) for i, name in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert [results[i] for i in range(len(names))] == [sequential[name] for name in names]


def test_loading_runs_no_rule_and_keeps_the_loaders_findings(framework, monkeypatch):
    def must_not_run(ctx):
        raise AssertionError("a rule ran")
        yield

    for rule in all_rules():
        if rule.check is not None:
            monkeypatch.setitem(RULES, rule.slug, dataclasses.replace(rule, check=must_not_run))
    root = framework({"kpis.yaml": "kind: KPI\nid: a\nname: A\n  bad: indent\n"})
    loaded = load_framework(root, LoadOptions(today=TODAY))
    assert [(f.rule, f.file, f.line) for f in loaded.findings] == [("yaml-syntax", "kpis.yaml", 4)]
    assert loaded.today == TODAY and loaded.root == root


def test_views_run_no_rule(monkeypatch):
    """`status`, `tree`, `graph` and `impact` show the framework; a broken rule cannot stop them."""
    def broken(ctx):
        raise KeyError("simulated bug")
        yield

    for rule in all_rules():
        if rule.check is not None:
            monkeypatch.setitem(RULES, rule.slug, dataclasses.replace(rule, check=broken))
    acme = str(EXAMPLES / "acme")
    for args in (["status", acme], ["tree", acme], ["graph", acme], ["impact", "new-arr-booked", acme]):
        result = CliRunner().invoke(app, [*args, "--today", TODAY.isoformat()] if args[0] in ("status", "tree")
                                    else args)
        assert result.exit_code == 0, (args, result.output)
    assert CliRunner().invoke(app, ["check", acme]).exit_code != 0


def test_the_stage_names_the_rule_that_failed(monkeypatch):
    rule = next(r for r in all_rules() if r.slug == "orphan-kpi")

    def broken(ctx):
        raise KeyError("simulated bug")
        yield

    monkeypatch.setitem(RULES, rule.slug, dataclasses.replace(rule, check=broken))
    stage = Stage()
    with pytest.raises(KeyError):
        run_check(EXAMPLES / "acme", CheckOptions(today=TODAY), stage)
    assert (stage.name, stage.where()) == (f"running rule {rule.code} orphan-kpi",
                                           f" while running rule {rule.code} orphan-kpi")
