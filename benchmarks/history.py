"""Issue 18's figures: `diff` and `check --since` against one `check`, and `history` over many commits.

    python -m benchmarks.history [--kpis 10000] [--history-kpis 1000] [--commits 200] [--keep DIR]

* A generated framework (see benchmarks/generate.py) is committed to a fresh git repository,
  then a pull request's worth of edits is made in the working tree: ten targets relaxed, one
  plan's due date moved. `check`, `check --since HEAD` and `diff HEAD` (JSON) run on it, each in
  a fresh process, best of --repeat. The same three run once more after every file changed
  (the worst case: nothing can be reused from the base).
* A second generated framework gets --commits commits, each editing one KPI file (an actual
  added, or a target moved); one KPI in four commits is the one `history` is asked about.
  `kpiframe history ID --format json` runs on it.

Targets (issue 18): diff and check --since at most 2.5x one check; history within 10 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.run import (
    PYTHON,
    ChildRun,
    best_of,
    figure_from,
    fmt_seconds,
    log,
    machine_description,
    prepare_tree,
)

GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "Bench",
           "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.com"}
TARGET = re.compile(r"(target:\n  value: )([0-9.]+)")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, check=True,
                          capture_output=True, text=True).stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def kpi_files(root: Path) -> list[Path]:
    return sorted((root / "departments").rglob("*.yaml"))


def make_repository(root: Path) -> None:
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    if git(root, "status", "--porcelain").strip() or not _has_commits(root):
        commit_all(root, "Framework")


def _has_commits(root: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True).returncode == 0


def relax_targets(path: Path, count: int) -> int:
    """Lower the first ``count`` targets in one file by 10% (for a KPI where higher is better that
    is a relaxation, for the others a tightening: either is a change the diff reports)."""
    text = path.read_text(encoding="utf-8")
    done = 0

    def lower(match: re.Match) -> str:
        nonlocal done
        done += 1
        return f"{match.group(1)}{float(match.group(2)) * 0.9:.2f}"

    path.write_text(TARGET.sub(lower, text, count=count), encoding="utf-8")
    return done


def pull_request_edits(root: Path) -> None:
    files = kpi_files(root)
    relax_targets(files[0], 5)
    relax_targets(files[len(files) // 2], 5)
    plan = files[-1]
    plan.write_text(re.sub(r"due: 2026-(\d\d)-(\d\d)", r"due: 2027-\1-\2", plan.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")


def touch_every_file(root: Path) -> None:
    for path in sorted(root.rglob("*.yaml")):
        if ".git" not in path.parts:
            with path.open("a", encoding="utf-8") as handle:
                handle.write("# edited\n")


def measure_since(kpiframe: list[str], root: Path, repeat: int, timeout: float) -> dict[str, ChildRun]:
    runs = {}
    for name, argv in (("check", [*kpiframe, "check", str(root), "--format", "json"]),
                       ("check --since HEAD", [*kpiframe, "check", str(root), "--since", "HEAD", "--format", "json"]),
                       ("diff HEAD", [*kpiframe, "diff", "HEAD", str(root), "--format", "json"])):
        log(f"[history] {name}")
        run = best_of(argv, repeat, timeout)
        if run.returncode not in (0, 1):
            raise SystemExit(f"{name} failed: {run.last_error_line}")
        runs[name] = run
    return runs


def build_history(root: Path, commits: int) -> str:
    """``commits`` commits on the framework, one file each; returns the KPI id asked about."""
    make_repository(root)
    count = int(git(root, "rev-list", "--count", "HEAD").strip())
    files = kpi_files(root)
    subject = re.search(r"^id: (\S+)", files[0].read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]
    for n in range(count - 1, commits):
        path = files[0] if n % 4 == 0 else files[(n * 7919) % len(files)]
        relax_targets(path, 1 + n % 3)
        commit_all(root, f"Edit {n}: {path.name}")
    return subject


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history", description=__doc__.split("\n")[0])
    parser.add_argument("--kpis", type=int, default=10_000)
    parser.add_argument("--history-kpis", type=int, default=1_000)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--kpiframe", default=f"{shlex.quote(PYTHON)} -m kpiframe")
    args = parser.parse_args(argv)
    kpiframe = shlex.split(args.kpiframe)
    temporary = None if args.keep else tempfile.TemporaryDirectory(prefix="kpiframe-history-bench-")
    workdir = args.keep or Path(temporary.name)  # type: ignore[union-attr]
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        log(f"[history] generating {args.kpis:,} KPIs")
        root, _, _ = prepare_tree(args.kpis, False, 1, workdir / "since", args.timeout)
        make_repository(root)
        git(root, "checkout", "-q", "--", ".")
        pull_request_edits(root)
        pr = measure_since(kpiframe, root, args.repeat, args.timeout)
        touch_every_file(root)
        every = measure_since(kpiframe, root, 1, args.timeout)
        git(root, "checkout", "-q", "--", ".")
        log(f"[history] {args.commits} commits on {args.history_kpis:,} KPIs")
        history_root, _, _ = prepare_tree(args.history_kpis, False, 1, workdir / "history", args.timeout)
        subject = build_history(history_root, args.commits)
        log("[history] history")
        history = figure_from("history", best_of([*kpiframe, "history", subject, str(history_root), "--format", "json"],
                                                 args.repeat, args.timeout))
    finally:
        if temporary is not None:
            temporary.cleanup()
    lines = ["## kpiframe history benchmark (issue 18)", "", f"Machine: {machine_description()}.", "",
             f"### {args.kpis:,} KPIs: a pull request's edits (10 targets, 1 due date) vs every file changed", "",
             "Wall-clock seconds, and CPU seconds (user + system, helpers included), each as a ratio to `check`.", "",
             "| command | PR edits: wall | x check | CPU | x check | every file changed: wall | x check | CPU | x check |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in pr:
        cells = []
        for figures in (pr, every):
            run, check = figures[name], figures["check"]
            cells += [fmt_seconds(run.seconds), _ratio(run.seconds, check.seconds),
                      fmt_seconds(run.cpu_seconds), _ratio(run.cpu_seconds, check.cpu_seconds)]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", f"### history of one KPI over {args.commits} commits of {args.history_kpis:,} KPIs", "",
              f"`kpiframe history {subject} --format json`: {fmt_seconds(history.seconds)} s {history.note}", "",
              "### Targets (issue 18)", "", "| target | wall | CPU | status |", "|---|---:|---:|---|"]
    for name in ("diff HEAD", "check --since HEAD"):
        for label, figures in (("PR edits", pr), ("every file changed", every)):
            run, check = figures[name], figures["check"]
            wall, cpu = _ratio(run.seconds, check.seconds), _ratio(run.cpu_seconds, check.cpu_seconds)
            met = run.seconds <= 2.5 * check.seconds
            lines.append(f"| {name} at {args.kpis:,} KPIs ({label}) <= 2.5x check | {wall} | {cpu} | "
                         f"{'met' if met else 'NOT met'} |")
    seconds = history.seconds
    lines.append(f"| history over {args.commits} commits of {args.history_kpis:,} KPIs <= 10 s | "
                 f"{fmt_seconds(seconds)} s | | {'n/a' if seconds is None else 'met' if seconds <= 10 else 'NOT met'} |")
    print("\n".join(lines))
    return 0


def _ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}x" if value is not None and base else "n/a"


if __name__ == "__main__":
    sys.exit(main())
