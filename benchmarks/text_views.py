"""The views people read, on a findings-heavy register (issue 17): text against JSON, JSON against the floor.

A first import is messy (``benchmarks.generate --messy``: ~30,000 findings at 10,000 KPIs), and
it is where the text views cost most. Each target compares two commands on that tree:

| measured | against | limit |
|---|---|---:|
| `check` (text) | `check --format json` | 1.2x |
| `status` (text) | `status --format json` | 1.3x |
| `tree` (text) | `status --format json` | 1.3x |
| `check --format json` | the floor (`yaml.load_all`, CSafeLoader) | 1.0x |

Decisions: the machine these run on is shared, so one figure is the **median of alternating
pairs** (A, B, A, B, ...: both sides see the same load). A text view and its JSON run the same
single process, so their ratio is judged on **CPU time** (user + system), which another
process's load hardly moves. The floor is one process while ``check`` parses in one worker per
core: its CPU time adds the workers' start-up and is 1.5x the floor's even on a clean tree,
so that target is judged on **wall time**, as issue 8's floor target is; both are shown.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MESSY_KPIS = 10_000


@dataclass
class Pair:
    """One target: ``name`` against ``reference``, run alternately."""

    name: str
    reference: str
    limit: float | None  # None: no target, shown for comparison
    judged_on: str  # "cpu" or "wall"
    cpu: list[float] = field(default_factory=list)
    reference_cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    reference_wall: list[float] = field(default_factory=list)
    failure: str = ""

    @property
    def cpu_ratio(self) -> float | None:
        if self.failure or not self.cpu or not self.reference_cpu:
            return None
        return statistics.median(self.cpu) / statistics.median(self.reference_cpu)

    @property
    def wall_ratio(self) -> float | None:
        if self.failure or not self.wall or not self.reference_wall:
            return None
        return statistics.median(self.wall) / statistics.median(self.reference_wall)


def view_commands(kpiframe: list[str], floor: list[str], root: Path, clean: Path) -> dict[str, list[str]]:
    tree = str(root)
    return {
        "clean: check --format json": [*kpiframe, "check", str(clean), "--format", "json"],
        "clean: floor": [*floor, str(clean)],
        "check (text)": [*kpiframe, "check", tree],
        "check --format json": [*kpiframe, "check", tree, "--format", "json"],
        "status (text)": [*kpiframe, "status", tree],
        "status --format json": [*kpiframe, "status", tree, "--format", "json"],
        "tree (text)": [*kpiframe, "tree", tree],
        "floor": [*floor, tree],
    }


PAIRS = (("check (text)", "check --format json", 1.2, "cpu"), ("status (text)", "status --format json", 1.3, "cpu"),
         ("tree (text)", "status --format json", 1.3, "cpu"), ("check --format json", "floor", 1.0, "wall"),
         # The same ratio on the clean tree of the same size, in the same run: how far the machine's
         # load moves it (issue 8 measured 0.76x there on a quiet machine).
         ("clean: check --format json", "clean: floor", None, "wall"))
OK_CODES = {"check (text)": (0, 1), "check --format json": (0, 1), "clean: check --format json": (0, 1)}


def measure_pairs(commands: dict[str, list[str]], rounds: int, run: Callable[[list[str]], Any],
                  ) -> tuple[list[Pair], dict[str, str]]:
    """Each pair ``rounds`` times, alternately (``run`` runs one child); a failing command leaves its
    pair without a figure. Also the first output of each command."""
    pairs = [Pair(*pair) for pair in PAIRS]
    outputs: dict[str, str] = {}
    for pair in pairs:
        for _ in range(rounds):
            for which, cpu, wall in ((pair.name, pair.cpu, pair.wall),
                                     (pair.reference, pair.reference_cpu, pair.reference_wall)):
                child = run(commands[which])
                if child.failure or child.returncode not in OK_CODES.get(which, (0,)) or child.cpu_seconds is None:
                    pair.failure = f"{which}: {child.failure or child.last_error_line}"
                    break
                outputs.setdefault(which, child.stdout)
                cpu.append(child.cpu_seconds)
                wall.append(child.seconds)
            if pair.failure:
                break
    return pairs, outputs


def pairs_table(pairs: list[Pair], findings: int | None, rounds: int) -> list[str]:
    counted = f", {findings:,} findings; the clean tree of the same size for comparison" if findings is not None else ""
    lines = [f"### Text views on a messy register ({MESSY_KPIS:,} KPIs `--messy`{counted})", "",
             f"Medians of {rounds} alternating pairs; CPU is the child's user + system time (workers included).", "",
             "| figure | CPU s | against | CPU s | CPU ratio | wall s | wall s | wall ratio |",
             "|---|---:|---|---:|---:|---:|---:|---:|"]
    for pair in pairs:
        if pair.failure:
            lines.append(f"| {pair.name} | n/a | {pair.reference} | | | | | {pair.failure} |")
            continue
        lines.append(f"| {pair.name} | {statistics.median(pair.cpu):.2f} | {pair.reference} | "
                     f"{statistics.median(pair.reference_cpu):.2f} | {pair.cpu_ratio:.2f}x | "
                     f"{statistics.median(pair.wall):.2f} | {statistics.median(pair.reference_wall):.2f} | "
                     f"{pair.wall_ratio:.2f}x |")
    return lines


def target_text(pair: Pair) -> str:
    judged = "CPU" if pair.judged_on == "cpu" else "wall"
    return f"messy {MESSY_KPIS:,} KPIs: {pair.name} <= {pair.limit}x {pair.reference} ({judged})"


def judged_ratio(pair: Pair) -> float | None:
    return pair.cpu_ratio if pair.judged_on == "cpu" else pair.wall_ratio
