"""The statuses settle each KPI's actuals without making a Reading per actual (status.settled_readings,
a speed-up): it must give exactly what readings_of + settle_readings give, and the readings ahead of
today, on the examples and on generated frameworks with disputed and future-dated actuals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benchmarks.generate import generate
from kpiframe.check import LoadOptions, load_framework
from kpiframe.status import readings_of, settle_readings, settled_readings
from tests.conftest import EXAMPLES, TODAY


def frameworks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    clean = tmp_path_factory.mktemp("clean") / "fw"
    generate(clean, 300)
    messy = tmp_path_factory.mktemp("messy") / "fw"
    generate(messy, 300, messy=True)  # an actual after as_of on most KPIs: readings ahead
    return [EXAMPLES / "acme", EXAMPLES / "silos", clean, messy]


def test_settled_readings_agree_with_readings_of_and_settle_readings(tmp_path_factory):
    checked = disputed = ahead = 0
    for root in frameworks(tmp_path_factory):
        loaded = load_framework(root, LoadOptions(today=TODAY))
        framework = loaded.framework
        for today in (TODAY, date(2026, 3, 31)):
            for kpi in framework.kpis.values():
                readings = readings_of(kpi, framework)
                expected = (*settle_readings(readings), tuple(r for r in readings if r.date > today))
                assert settled_readings(kpi, framework, today) == expected, (root, kpi.id)
                checked += 1
                disputed += bool(expected[1])
                ahead += bool(expected[2])
    assert checked > 600 and disputed and ahead  # the cases the speed-up has to get right are there
