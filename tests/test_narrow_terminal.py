"""A 60-column terminal (issue 17, item 2): `status` keeps every KPI's id and status whole, with a
symbol that reads without colour; `check` keeps a wrapped message and its hint under each other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES

TODAY = "2026-06-30"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
NARROW = {"COLUMNS": "60", "FORCE_COLOR": "1", "NO_COLOR": None, "KPIFRAME_TODAY": None}
NARROW_NO_COLOUR = {**NARROW, "NO_COLOR": "1"}


def kpi(kpi_id: str, *, actuals: str = "", target: str = "target: {value: 200, date: 2026-12-31}",
        health: str = "") -> str:
    return f"""
        kind: KPI
        id: {kpi_id}
        name: {kpi_id}
        department: customer-success
        owner: Dana
        supports: [grow]
        unit: accounts
        direction: increase
        review: monthly
        baseline: {{value: 100, date: 2026-01-01}}
        {target}
        {actuals}
        {health}
        """


# At 2026-06-30 half the year has passed: 150 is on track, 130 at risk, 101 off track, 200 met.
FILES = {
    "kpiframe.yaml": "organization: Test Co\ndepartments: [customer-success]\n",
    "goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n",
    "kpis.yaml": "---".join([
        kpi("renewals-on-time", actuals="actuals: [{date: 2026-06-15, value: 150}]"),
        kpi("expansion-accounts", actuals="actuals: [{date: 2026-06-15, value: 130}]"),
        kpi("logo-churn", actuals="actuals: [{date: 2026-06-15, value: 101}]"),
        kpi("reference-customers", actuals="actuals: [{date: 2026-06-15, value: 200}]"),
        kpi("health-checks-done"),
        kpi("advocates", target="", actuals="actuals: [{date: 2026-06-15, value: 5}]"),
        kpi("escalations", health="health: {level: problem, date: 2026-06-20}"),
    ]),
}


@pytest.fixture
def root(framework) -> Path:
    return framework(FILES)


def run(env: dict[str, str | None], *args: str):
    return CliRunner().invoke(app, list(args), env=env)


def plain(output: str) -> list[str]:
    return ANSI.sub("", output).splitlines()


def rows(lines: list[str]) -> dict[str, str]:
    """Each table row (they start with a space, as the table's edge) by the KPI id that starts it."""
    found = {}
    for line in lines:
        cells = line.split()
        if not line.startswith(" ") or not cells:
            continue
        if cells[0] == "★":  # a key KPI
            cells = cells[1:]
        if cells and re.fullmatch(r"[a-z][a-z0-9-]+", cells[0]) and len(cells) > 1:
            found[cells[0]] = line
    return found


def test_narrow_status_shows_every_id_and_status_whole(root: Path):
    result = run(NARROW_NO_COLOUR, "status", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    lines = plain(result.output)
    table = rows(lines)
    assert {kpi_id: " ".join(line.split()[-2:]) for kpi_id, line in table.items()
            if kpi_id not in ("health-checks-done", "advocates", "escalations")} == {
        "renewals-on-time": "✓ ok",
        "expansion-accounts": "! risk",
        "logo-churn": "✗ off",
        "reference-customers": "◆ met",
    }
    assert table["health-checks-done"].split()[-3:] == ["?", "no", "data"]
    assert table["advocates"].split()[-3:] == ["?", "no", "target"]
    # No numbers, but the owner says problem: off track by the owner's health, and it says so.
    assert table["escalations"].split()[-3:] == ["✗", "off", "(health)"]
    assert all(cell_len(line) <= 60 for line in lines)


def test_narrow_status_drops_the_least_important_columns_first(root: Path):
    lines = plain(run(NARROW_NO_COLOUR, "status", str(root), "--today", TODAY).output)
    header = next(line for line in lines if line.split()[:1] == ["KPI"])
    assert header.split() == ["KPI", "Latest", "Target", "Status"]
    wide = plain(run({**NARROW_NO_COLOUR, "COLUMNS": "200"}, "status", str(root), "--today", TODAY).output)
    assert "Department" in next(line for line in wide if line.split()[:1] == ["KPI"])


def test_narrow_status_explains_its_symbols(root: Path):
    lines = plain(run(NARROW_NO_COLOUR, "status", str(root), "--today", TODAY).output)
    legend = " ".join(line.strip() for line in lines if "✗ off-track" in line or "(health)" in line)
    for words in ("✗ off-track", "! at-risk", "✓ on-track", "◆ achieved", "? no data to judge",
                  "(health): judged by the owner's health"):
        assert words in legend


def test_narrow_status_is_coloured_by_status(root: Path):
    output = run(NARROW, "status", str(root), "--today", TODAY).output
    assert "\x1b[1;31m✗ off\x1b[0m" in output
    assert "\x1b[33m! risk\x1b[0m" in output
    assert "\x1b[32m✓ ok\x1b[0m" in output


def test_narrow_status_of_the_examples_fits_and_keeps_each_id(tmp_path: Path):
    result = run(NARROW_NO_COLOUR, "status", str(EXAMPLES / "acme"))
    lines = plain(result.output)
    assert all(cell_len(line) <= 60 for line in lines)
    table = rows(lines)
    assert "services-gross-margin" in table and "days-sales-outstanding" in table
    assert table["gross-logo-churn"].split()[-2:] == ["✗", "off"]


def test_status_in_a_pipe_keeps_every_column_whatever_the_width(root: Path):
    env = {"COLUMNS": "60", "FORCE_COLOR": None, "NO_COLOR": "1", "KPIFRAME_TODAY": None}
    lines = plain(run(env, "status", str(root), "--today", TODAY).output)
    header = next(line for line in lines if line.split()[:1] == ["KPI"])
    assert "Department" in header and "Baseline" in header


def test_narrow_check_puts_the_message_and_its_hint_under_each_other():
    result = run(NARROW_NO_COLOUR, "check", str(EXAMPLES / "silos"))
    lines = plain(result.output)
    head = next(i for i, line in enumerate(lines) if "KF105 unmeasured-goal" in line)
    assert lines[head].endswith("KF105 unmeasured-goal")
    assert lines[head + 1] == "    Goal 'delight-customers' is not measured by any KPI"
    assert lines[head + 2] == "    hint: add a KPI with `supports: [delight-customers]`, or"
    assert lines[head + 3] == "          under one of its sub-goals"
    assert all(cell_len(line) <= 60 for line in lines)


def test_narrow_check_wraps_a_long_message_under_itself():
    lines = plain(run(NARROW_NO_COLOUR, "check", str(EXAMPLES / "silos")).output)
    head = next(i for i, line in enumerate(lines) if "KF205 influence-cycle" in line)
    message = lines[head + 1:next(i for i in range(head + 1, len(lines)) if "hint:" in lines[i])]
    assert len(message) > 1 and all(line.startswith("    ") and not line.startswith("     ") for line in message)
    assert " ".join(line.strip() for line in message).startswith("feedback loop: delivery-capacity -(+)->")


def test_check_in_a_pipe_keeps_one_line_per_finding():
    env = {"COLUMNS": "60", "FORCE_COLOR": None, "NO_COLOR": "1", "KPIFRAME_TODAY": None}
    lines = plain(run(env, "check", str(EXAMPLES / "silos")).output)
    assert any(line.startswith("examples/silos/company.yaml:19:5") and line.endswith("is not measured by any KPI")
               for line in lines)


def test_narrow_status_folds_an_id_too_long_for_the_width_and_keeps_it_whole(framework):
    long_id = "accounts-renewed-on-time-in-the-quarter-by-the-customer-success-team"
    files = {**FILES, "kpis.yaml": kpi(long_id, actuals="actuals: [{date: 2026-06-15, value: 150}]")}
    lines = plain(run(NARROW_NO_COLOUR, "status", str(framework(files)), "--today", TODAY).output)
    assert all(cell_len(line) <= 60 for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith(" accounts-"))
    assert lines[start].endswith("✓ ok")
    folded = [lines[start].split()[0], *(line.split()[0] for line in lines[start + 1:start + 3] if line.strip())]
    assert "".join(folded) == long_id


def test_a_tab_or_line_break_in_a_cell_keeps_the_narrow_layout(framework):
    """One unit with a tab (or a name with a line break) used to hand the whole table back to rich's
    squeezed layout: ids cut, the Status column gone (trial 17). It is shown as a space instead."""
    files = {**FILES, "kpis.yaml": FILES["kpis.yaml"].replace("unit: accounts", 'unit: "accounts\\tk"', 1)
             .replace("name: logo-churn", 'name: "logo\\nchurn"', 1)}
    lines = plain(run(NARROW_NO_COLOUR, "status", str(framework(files)), "--today", TODAY).output)
    header = next(line for line in lines if line.split()[:1] == ["KPI"])
    assert header.split() == ["KPI", "Latest", "Target", "Status"]
    table = rows(lines)
    assert " ".join(table["renewals-on-time"].split()[-2:]) == "✓ ok"
    assert " ".join(table["logo-churn"].split()[-2:]) == "✗ off"
    assert all(cell_len(line) <= 60 and "\t" not in line for line in lines)


def test_narrow_check_puts_a_long_place_on_its_own_line_and_fits_every_line():
    """`path:line:col  severity  CODE slug` alone was 71 cells on silos: the terminal broke it mid-word."""
    lines = plain(run(NARROW_NO_COLOUR, "check", str(EXAMPLES / "silos")).output)
    assert all(cell_len(line) <= 60 for line in lines), [line for line in lines if cell_len(line) > 60]
    head = next(i for i, line in enumerate(lines) if "KF008 dangling-reference" in line)
    assert lines[head - 1] == "examples/silos/marketing.yaml:18:9"
    assert lines[head].startswith("    error    KF008 dangling-reference")
    assert lines[head + 1].startswith("    ") and not lines[head + 1].startswith("     ")
