"""Every speed-up is an optimization, never a change of answer: a generated framework gives the
same findings with parallel or serial parsing, with its rules shared with a helper or not, and
with the garbage collector paused or not."""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import date

import pytest

from benchmarks.generate import generate
from kpiframe import check as check_module
from kpiframe.analysis import SummaryFacts
from kpiframe.check import CheckOptions, run_check
from kpiframe.forking import WorkerError
from kpiframe.load import parallel
from kpiframe.render.json_out import render_check_json
from kpiframe.rules import engine, registry
from kpiframe.stage import Stage


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated") / "fw"
    generate(out, 300)
    return out


def findings_json(root, **options) -> dict:
    payload = json.loads(render_check_json(run_check(root, CheckOptions(today=date(2026, 9, 30), **options))))
    return {"findings": payload["findings"], "suppressed": payload["suppressed"], "summary": payload["summary"]}


def test_parallel_serial_and_gc_settings_agree(generated, monkeypatch):
    baseline = findings_json(generated, jobs=1)
    assert baseline["findings"], "the generated framework has deliberate defects"
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)  # force the workers even on a small tree
    assert findings_json(generated, jobs=2) == baseline
    assert findings_json(generated, jobs=3, pause_gc=False) == baseline
    monkeypatch.setenv("KPIFRAME_GC", "on")
    assert findings_json(generated, jobs=1) == baseline


def test_chunks_keep_file_order_and_cover_every_file(generated, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    files = sorted((p, p.relative_to(generated).as_posix()) for p in generated.rglob("*.yaml"))
    own, pieces, piece_bytes = parallel._split(files, 3)
    assert own and len(pieces) > 2, "this process and both workers get files"
    assert own + [f for piece in pieces for f in piece] == files
    assert piece_bytes == [sum(path.stat().st_size for path, _ in piece) for piece in pieces]


def test_pieces_too_big_for_the_shared_buffer_come_back_through_the_pipe(generated, monkeypatch):
    baseline = findings_json(generated, jobs=1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "SLOT_FACTOR", 0)
    monkeypatch.setattr(parallel, "SLOT_SPARE", 1)  # every slot one page: every piece overflows
    assert findings_json(generated, jobs=2) == baseline


def test_a_worker_parsed_document_reports_the_same_positions(generated, monkeypatch):
    """Worker documents travel with their positions packed; unpacking gives the same places."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    files = sorted((p, p.relative_to(generated).as_posix()) for p in generated.rglob("*.yaml"))
    serial = list(parallel.parse_files(files, parallel.Limits(), jobs=1))
    shared = list(parallel.parse_files(files, parallel.Limits(), jobs=2))
    assert [p.file for p in shared] == [p.file for p in serial]
    last = shared[-1].documents[0]
    assert last.packed_positions is not None, "the last file was parsed by a worker"
    expected = serial[-1].documents[0]
    for path in list(expected.value_positions)[:50]:
        assert last.position(path) == expected.position(path)
        assert last.position(path, key=True) == expected.position(path, key=True)


def test_without_processes_to_be_had_everything_runs_here(generated, monkeypatch):
    """A sandbox that forbids fork or shared memory gets the same answer, one core slower."""
    baseline = findings_json(generated, jobs=1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)

    def no_fork():
        raise OSError("fork not permitted")

    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setattr(parallel.mmap, "mmap", lambda *args: no_fork())
    assert findings_json(generated, jobs=2) == baseline


def test_a_parse_worker_that_dies_has_its_files_parsed_here(generated, monkeypatch):
    baseline = findings_json(generated, jobs=1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    parent, real_read = os.getpid(), parallel.read_yaml_file

    def dies_in_a_worker(path, rel, limits, *how):
        if os.getpid() != parent and rel.startswith("tradeoffs/"):
            os._exit(9)  # as if killed by the out-of-memory killer
        return real_read(path, rel, limits, *how)

    monkeypatch.setattr(parallel, "read_yaml_file", dies_in_a_worker)
    assert findings_json(generated, jobs=2) == baseline


def test_a_bug_in_a_parse_worker_is_reported_with_its_file(generated, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    parent, real_read = os.getpid(), parallel.read_yaml_file

    def fails_in_a_worker(path, rel, limits, *how):
        if os.getpid() != parent and rel.startswith("tradeoffs/"):
            raise KeyError("simulated bug")
        return real_read(path, rel, limits, *how)

    monkeypatch.setattr(parallel, "read_yaml_file", fails_in_a_worker)
    stage = Stage()
    with pytest.raises(WorkerError, match="KeyError: 'simulated bug'"):
        run_check(generated, CheckOptions(today=date(2026, 9, 30), jobs=2), stage)
    assert stage.file.startswith("tradeoffs/")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the worker was reaped


@pytest.mark.parametrize("value, jobs", [("0", 1), ("1", 1), ("3", 3), ("999", 16), ("many", None), ("²", None), ("٩", None)])
def test_kpiframe_jobs(monkeypatch, value, jobs):
    monkeypatch.setenv("KPIFRAME_JOBS", value)
    expected = jobs if jobs is not None else min(parallel.MAX_JOBS, len(os.sched_getaffinity(0)))
    assert parallel.default_jobs() == expected


@pytest.mark.parametrize("depth, expected", [(300, "unknown-field"), (480, "limit-exceeded")])
def test_deep_nesting_is_judged_the_same_by_a_worker(tmp_path, monkeypatch, depth, expected):
    """A worker parses a few frames deeper in the stack than this process; with the nesting
    limit raised, a document just under Python's recursion limit must not fail only there."""
    root = tmp_path / "fw"
    generate(root, 300)
    config = root / "kpiframe.yaml"
    config.write_text(config.read_text() + "limits: {max_depth: 1000}\n")
    nested = "".join(f"{'  ' * level}k{level}:\n" for level in range(depth)) + f"{'  ' * depth}leaf: 1\n"
    (root / "zz").mkdir()
    (root / "zz" / "deep.yaml").write_text("kind: Driver\nid: deep\ntitle: Deep\nnotes:\n" +
                                           "".join("  " + line + "\n" for line in nested.splitlines()))
    serial = findings_json(root, jobs=1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    assert findings_json(root, jobs=2) == serial
    assert [f["rule"] for f in serial["findings"] if f["file"] == "zz/deep.yaml"] == [expected]




# The rules of a large framework shared with a forked helper (rules.engine.run_rules)

def _with_rule(monkeypatch, slug: str, check) -> None:
    monkeypatch.setitem(registry.RULES, slug, dataclasses.replace(registry.RULES[slug], check=check))


def test_rules_shared_with_a_helper_give_the_same_findings_and_summary(generated, monkeypatch):
    baseline = findings_json(generated, jobs=1)
    monkeypatch.setattr(check_module, "SHARE_RULES_MIN_DOCUMENTS", 0)
    started = []
    real_fork_work = engine.fork_work

    def counting(*args, **kwargs):
        beside = real_fork_work(*args, **kwargs)
        started.append(beside)
        return beside

    monkeypatch.setattr(engine, "fork_work", counting)
    assert findings_json(generated, jobs=2, share_rules=True) == baseline
    assert started and started[0] is not None, "a helper ran some of the rules"
    assert "kpis_by_status" in baseline["summary"], "a fact computed in the helper came back"
    assert findings_json(generated, jobs=1, share_rules=True) == baseline  # KPIFRAME_JOBS=1: no helper
    assert len(started) == 1


def test_a_rules_helper_that_dies_has_its_rules_run_here(generated, monkeypatch):
    baseline = findings_json(generated, jobs=1)
    monkeypatch.setattr(check_module, "SHARE_RULES_MIN_DOCUMENTS", 0)
    parent, stale = os.getpid(), registry.RULES["stale-kpi"].check

    def dies_in_the_helper(ctx):
        if os.getpid() != parent:
            os._exit(9)  # as if killed by the out-of-memory killer
        return stale(ctx)

    _with_rule(monkeypatch, "stale-kpi", dies_in_the_helper)
    assert findings_json(generated, jobs=2, share_rules=True) == baseline


def test_a_bug_in_a_rules_helper_is_reported_with_its_rule(generated, monkeypatch):
    monkeypatch.setattr(check_module, "SHARE_RULES_MIN_DOCUMENTS", 0)
    parent = os.getpid()

    def fails_in_the_helper(ctx):
        if os.getpid() != parent:
            raise KeyError("simulated bug")
        return iter(())

    _with_rule(monkeypatch, "stale-kpi", fails_in_the_helper)
    stage = Stage()
    with pytest.raises(WorkerError, match="KeyError: 'simulated bug'"):
        run_check(generated, CheckOptions(today=date(2026, 9, 30), jobs=2, share_rules=True), stage)
    assert stage.name == "running rule KF310 stale-kpi"
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the helper was reaped


def test_the_helper_takes_whole_families_from_the_last_up_to_half_the_rules():
    rules = [r for r in registry.all_rules() if r.check is not None]
    theirs = engine.helper_share(rules)
    assert theirs == rules[len(rules) - len(theirs):] and 0 < len(theirs) <= len(rules) // 2
    families = {r.code[:3] for r in theirs}
    assert not families & {r.code[:3] for r in rules[:len(rules) - len(theirs)]}, "no family is split"
    only_one_family = [r for r in rules if r.code.startswith("KF3")]
    assert engine.helper_share(only_one_family) == [], "one family is never split"


def test_summary_facts_merge_takes_each_fact_from_the_process_that_computed_it():
    here = SummaryFacts(capped_conflicts=2, resolved_conflicts=1)
    helper = SummaryFacts(kpis_by_status={"on-track": 3})
    assert SummaryFacts.merged([here, helper]).as_dict() == {
        "capped_conflicts": 2, "kpis_by_status": {"on-track": 3}, "resolved_conflicts": 1}
