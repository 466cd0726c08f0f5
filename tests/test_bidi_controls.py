"""Unicode bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F) in framework text:
reported where they are, like control characters, and shown escaped (\\u202e) in every output, so
a right-to-left override cannot flip the figures and dates a report or a terminal shows after it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES

ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": "100", "FORCE_COLOR": None}
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def spoofed(tmp_path: Path) -> Path:
    root = tmp_path / "silos"
    shutil.copytree(EXAMPLES / "silos", root)
    finance = root / "finance.yaml"
    text = finance.read_text(encoding="utf-8")
    text = text.replace('unit: "%"', 'unit: "%\u202e"', 1).replace("name: Gross margin", "name: Gross \u2067margin", 1)
    finance.write_text(text, encoding="utf-8")
    config = root / "kpiframe.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "organization: Northgate Systems", "organization: Northgate \u202dSystems"), encoding="utf-8")
    return root


def run(*args: str):
    return CliRunner().invoke(app, [*args], env=ENV)


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_bidi_control_is_a_finding_at_its_place_with_a_hint(spoofed: Path):
    result = run("check", str(spoofed), "--today", "2026-09-30", "--format", "json")
    findings = json.loads(result.output)["findings"]
    bidi = [(f["file"], f["line"], f["message"]) for f in findings if "bidirectional" in f["message"]]
    assert sorted(bidi) == [
        ("finance.yaml", line_of(spoofed / "finance.yaml", "Gross \u2067margin"),
         "a value holds the bidirectional control U+2067, shown as \\u2067"),
        ("finance.yaml", line_of(spoofed / "finance.yaml", 'unit: "%\u202e"'),
         "a value holds the bidirectional control U+202E, shown as \\u202e"),
        ("kpiframe.yaml", line_of(spoofed / "kpiframe.yaml", "organization"),
         "a value holds the bidirectional control U+202D, shown as \\u202d"),
    ]
    assert all(f["hint"].startswith("remove it;") for f in findings if "bidirectional" in f["message"])
    # The settings are still read: the departments are known, so no knock-on findings.
    assert not [f for f in findings if f["rule"] == "unknown-department"]


@pytest.mark.parametrize("command", [["check"], ["status"], ["tree"], ["report"], ["report", "--format", "json"],
                                     ["status", "--format", "json"], ["graph", "--format", "dot"]])
def test_no_output_shows_a_bidi_control_raw(spoofed: Path, command: list[str]):
    result = run(*command, str(spoofed), "--today", "2026-09-30")
    assert "Traceback" not in result.output
    assert not set(BIDI) & set(result.output), f"a bidi control reached `{' '.join(command)}`"


def test_the_report_shows_them_escaped(spoofed: Path):
    text = run("report", str(spoofed), "--today", "2026-09-30").output
    # Markdown source: the backslash is escaped, so GitHub shows \u202d.
    assert text.splitlines()[0] == "# Gap report: Northgate \\\\u202dSystems"
    assert "Gross \\\\u2067margin" in text


def test_a_file_name_with_a_bidi_control_is_shown_escaped(spoofed: Path):
    (spoofed / "finance.yaml").rename(spoofed / "fin\u202eance.yaml")
    result = run("check", str(spoofed), "--today", "2026-09-30")
    assert not set(BIDI) & set(result.output)
    assert "fin\\u202eance.yaml:" in result.output
