"""`kpiframe tree` prints byte for byte what rich's ``Tree`` prints, in every console mode.

The tree is laid out line by line for speed (issue 17); rich's own rendering of the same tree
(:func:`build_tree`) is the reference. Each framework is printed in a pipe without colour and in a
forced terminal at 200, 100, 60 and narrower widths, where long labels wrap under the
continuation guide.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from benchmarks.generate import build
from kpiframe.check import LoadOptions, load_framework
from kpiframe.render.tree_view import UNLIMITED_WIDTH, build_tree, print_tree
from kpiframe.report.model import build_alignment_view
from tests.conftest import EXAMPLES, write_tree

MODES: dict[str, dict[str, str]] = {
    "pipe": {"NO_COLOR": "1"},
    "colour-200": {"FORCE_COLOR": "1", "COLUMNS": "200"},
    "colour-100": {"FORCE_COLOR": "1", "COLUMNS": "100"},
    "colour-60": {"FORCE_COLOR": "1", "COLUMNS": "60"},
    "no-colour-terminal-80": {"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "80"},
}
NARROW: dict[str, dict[str, str]] = {
    "colour-30": {"FORCE_COLOR": "1", "COLUMNS": "30"},
    "colour-13": {"FORCE_COLOR": "1", "COLUMNS": "13"},  # deeper than the width: rich crops
}
LONG = "Reduce the number of customers who leave in their first ninety days after going live"


def console(mode: dict[str, str]) -> Console:
    """A console as `make_console` makes one, in the given environment, printing to a string."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    return Console(file=io.StringIO(), highlight=False, markup=False, _environ={**environ, **mode})


def rendered_by_rich(view, mode: dict[str, str]) -> str:
    out = console(mode)
    if not out.is_terminal:
        out.width = max(out.width, UNLIMITED_WIDTH)
    out.print(build_tree(view))
    return out.file.getvalue()  # type: ignore[attr-defined]


def rendered(view, mode: dict[str, str], *, by_rich: bool = False) -> str:
    """``print_tree``'s output; ``by_rich``: it is expected to hand the tree to rich, else to lay it out itself."""
    out = console(mode)
    handed: list[object] = []
    real_print = out.print

    def print_and_note(*args: object, **kwargs: object) -> None:
        handed.append(args)
        real_print(*args, **kwargs)  # type: ignore[arg-type]

    out.print = print_and_note  # type: ignore[method-assign]
    print_tree(view, out)
    assert bool(handed) == by_rich
    return out.file.getvalue()  # type: ignore[attr-defined]


def view_of(root: Path, today: str, department: str | None = None):
    loaded = load_framework(root, LoadOptions(today=date.fromisoformat(today)))
    return build_alignment_view(loaded.analysis, loaded.root, department=department)


def long_labels(root: Path, odd_title: str = "") -> Path:
    """Deep goals with long titles (breakable and not), wide characters, many plans; ``odd_title``
    for one more company goal."""
    unbroken = "x" * 70
    return write_tree(root, {
        "kpiframe.yaml": "organization: Long Labels Ltd\nas_of: 2026-06-30\ndepartments: [sales]\n",
        "goals.yaml": f"""
            kind: Goal
            id: grow
            title: {LONG} {LONG}
            level: company
            ---
            kind: Goal
            id: sales-grow
            title: {unbroken}
            level: department
            department: sales
            parent: grow
            ---
            kind: Goal
            id: team-grow
            title: 顧客の維持率を改善する 顧客の維持率を改善する 顧客の維持率を改善する 顧客の維持率を改善する
            level: team
            department: sales
            parent: sales-grow
            ---
            kind: Goal
            id: idle
            title: Keep the lights on
            level: company
            """ + (f"""
            ---
            kind: Goal
            id: odd
            title: {odd_title}
            level: company
            """ if odd_title else ""),
        "kpis.yaml": f"""
            kind: KPI
            id: churn-90
            name: {LONG}
            department: sales
            owner: Dana
            supports: [team-grow]
            unit: "%"
            direction: decrease
            review: monthly
            baseline: {{value: 20, date: 2026-01-01}}
            target: {{value: 10, date: 2026-12-31}}
            actuals: [{{date: 2026-05-31, value: 19}}]
            ---
            kind: KPI
            id: nps
            name: Net promoter score
            department: sales
            owner: Dana
            supports: [sales-grow]
            unit: points
            direction: increase
            review: monthly
            baseline: {{value: 20, date: 2026-01-01}}
            target: {{value: 40, date: 2026-12-31}}
            """,
        "plans.yaml": "\n---\n".join(f"""
            kind: ActionPlan
            id: plan-{n}
            title: {LONG}, step {n}
            addresses: [churn-90]
            owner: Dana
            department: sales
            start: 2026-01-01
            due: 2026-0{n}-28
            status: in_progress
            """ for n in range(1, 4)),
    })


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("messy")
    texts, _ = build(200, messy=True)
    return write_tree(root, texts)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, department", [("acme", None), ("acme", "sales"), ("silos", None)])
def test_tree_of_the_examples_is_what_rich_prints(name: str, department: str | None, mode: str):
    view = view_of(EXAMPLES / name, "2026-09-30", department)
    assert rendered(view, MODES[mode]) == rendered_by_rich(view, MODES[mode])


@pytest.mark.parametrize("mode", MODES)
def test_tree_of_a_messy_register_is_what_rich_prints(messy: Path, mode: str):
    view = view_of(messy, "2026-09-30")
    assert rendered(view, MODES[mode]) == rendered_by_rich(view, MODES[mode])


@pytest.mark.parametrize("mode", [*MODES, *NARROW])
def test_tree_with_long_labels_wraps_as_rich_does(tmp_path: Path, mode: str):
    view = view_of(long_labels(tmp_path / "fw"), "2026-06-30")
    env = MODES.get(mode) or NARROW[mode]
    output = rendered(view, env, by_rich=mode == "colour-13")
    assert output == rendered_by_rich(view, env)
    if mode == "colour-60":  # the goal's title goes on under its own guide, not under its sibling's
        lines = output.splitlines()
        first = next(i for i, line in enumerate(lines) if "Reduce the number" in line)
        assert lines[first].startswith("├── ") and lines[first + 1].startswith("│   ")


@pytest.mark.parametrize("title", ['"A title\\twith a tab"', '"A title\\non two lines"'])
@pytest.mark.parametrize("mode", ["pipe", "colour-60"])
def test_a_label_rich_would_reshape_is_printed_by_rich(tmp_path: Path, title: str, mode: str):
    view = view_of(long_labels(tmp_path / "fw", title), "2026-06-30")
    assert rendered(view, MODES[mode], by_rich=True) == rendered_by_rich(view, MODES[mode])
