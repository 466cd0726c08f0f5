"""A Finding is a frozen value whose pickling is written out for speed: it must carry every field."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from kpiframe.findings import Finding, Fix, Severity


def test_a_finding_survives_pickling_whole_and_stays_frozen():
    finding = Finding("stale-kpi", "m", "kpis/a.yaml", 3, 7, "kpi-1", ("x",), "h", "KF310", Severity.WARNING,
                      "ignore: why", Fix("d", 3, 7, "old", "new"))
    assert len(finding.__reduce__()[1]) == len(dataclasses.fields(Finding)), "every field, in order"
    copy = pickle.loads(pickle.dumps(finding))
    assert [getattr(copy, f.name) for f in dataclasses.fields(Finding)] == [
        getattr(finding, f.name) for f in dataclasses.fields(Finding)]
    assert hash(copy) == hash(finding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.line = 4  # type: ignore[misc]
