"""Every speed-up is an optimization, never a change of answer: a generated framework gives the
same findings with parallel or serial parsing and with the garbage collector paused or not."""

from __future__ import annotations

import json
from datetime import date

import pytest

from benchmarks.generate import generate
from kpiframe.check import CheckOptions, run_check
from kpiframe.load import parallel
from kpiframe.render.json_out import render_check_json


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated") / "fw"
    generate(out, 300)
    return out


def findings_json(root, **options) -> dict:
    payload = json.loads(render_check_json(run_check(root, CheckOptions(today=date(2026, 9, 30), **options))))
    return {"findings": payload["findings"], "suppressed": payload["suppressed"]}


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
    chunks = parallel._chunks(files, 3)
    assert len(chunks) == 3 and [f for chunk in chunks for f in chunk] == files
