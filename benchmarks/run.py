"""Measure `kpiframe check` against the floor and its peers on generated frameworks.

    python -m benchmarks.run [--sizes 100,1000,10000] [--dense] [--keep DIR] [--repeat 3]
                             [--timeout 1800] [--no-peers] [--peers-up-to N] [--no-startup] [--json OUT]
    python -m benchmarks.run --targets      # every target of issues 8 and 17, judged in one run
    python -m benchmarks.run --views        # only issue 17's: text views and JSON on a messy register

Every figure is one fresh child process (so imports and caches never leak between figures),
timed from spawn to exit; peak memory is that child's ru_maxrss from os.wait4. Each time is
printed as a ratio to the floor measured in the same run on the same files: the floor is a
Python process that does nothing but `yaml.load_all(..., Loader=yaml.CSafeLoader)` on every
*.yaml/*.yml file. A figure whose command is missing or fails prints "n/a" with the reason.
The output is markdown, ready for the README's performance section.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import text_views
from benchmarks.generate import GENERATOR_VERSION, MANIFEST_NAME

REPO_ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
REPEAT_ONLY_BELOW_SECONDS = 5.0  # slow figures are stable enough (and too slow) to repeat

FLOOR_SCRIPT = r"""
import os, sys, yaml
documents = []
for folder, subfolders, names in os.walk(sys.argv[1]):
    subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
    for name in sorted(names):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                documents.extend(yaml.load_all(handle, Loader=yaml.CSafeLoader))
print(len(documents))
"""

IMPORT_FIVE = "import typer, rich, yaml, pydantic, networkx"
IMPORT_FIVE_AS_USED = "import typer, yaml, networkx, rich.console; from pydantic import BaseModel"

# check-jsonschema validates one document per file; this schema accepts any framework document.
PERMISSIVE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Any kpiframe document (permissive)",
    "type": "object",
    "required": ["kind", "id"],
    "properties": {"kind": {"type": "string"}, "id": {"type": "string"}},
}
MAX_ARGV_BYTES = 1_000_000  # stay well under ARG_MAX when listing files on the command line


# --------------------------------------------------------------------------------------------
# Running one child and what we learn from it
# --------------------------------------------------------------------------------------------

@dataclass
class ChildRun:
    argv: list[str]
    seconds: float
    returncode: int | None  # None: could not start, or killed at the timeout
    stdout: str
    stderr: str
    peak_mb: float | None
    failure: str = ""
    cpu_seconds: float | None = None  # user + system time of the child and the helpers it waited for

    @property
    def last_error_line(self) -> str:
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        return lines[-1][:160] if lines else f"exit {self.returncode}"


def run_child(argv: list[str], timeout: float, cwd: Path = REPO_ROOT) -> ChildRun:
    """Run argv once; wall time from spawn to exit, peak RSS of the child (and what it waited for)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        try:
            child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd)
        except OSError as error:
            return ChildRun(argv, 0.0, None, "", "", None, failure=f"cannot start: {error}")
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            child.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it is reaped
        out.seek(0)
        err.seek(0)
        run = ChildRun(argv, seconds, child.returncode, out.read().decode("utf-8", "replace"),
                       err.read().decode("utf-8", "replace"), usage.ru_maxrss * 1024 / 1e6,
                       cpu_seconds=usage.ru_utime + usage.ru_stime)
    if timed_out.is_set():
        run.returncode, run.failure = None, f"timed out after {timeout:.0f} s"
    return run


def best_of(argv: list[str], repeat: int, timeout: float, cwd: Path = REPO_ROOT) -> ChildRun:
    """The fastest of `repeat` runs (the least disturbed one); slow commands run once."""
    best = run_child(argv, timeout, cwd)
    for _ in range(repeat - 1):
        if best.returncode is None or best.seconds >= REPEAT_ONLY_BELOW_SECONDS:
            break
        again = run_child(argv, timeout, cwd)
        if again.returncode == best.returncode and again.seconds < best.seconds:
            best = again
    return best


@dataclass
class Figure:
    """One row of a table: seconds and peak memory, or why there is no number."""

    name: str
    seconds: float | None = None
    peak_mb: float | None = None
    note: str = ""
    phase: bool = False  # a per-phase row reported by `kpiframe check --timings`


def figure_from(name: str, run: ChildRun, ok_codes: tuple[int, ...] = (0,), note: str = "") -> Figure:
    if run.failure:
        return Figure(name, note=f"n/a: {run.failure}")
    if run.returncode not in ok_codes or "Traceback (most recent call last)" in run.stderr:
        return Figure(name, note=f"n/a: exit {run.returncode}: {run.last_error_line}")
    return Figure(name, run.seconds, run.peak_mb, note)


# --------------------------------------------------------------------------------------------
# The measurements
# --------------------------------------------------------------------------------------------

@dataclass
class SizeResult:
    kpis: int
    dense: bool
    manifest: dict[str, Any]
    generated_seconds: float | None
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)

    @property
    def label(self) -> str:
        return f"{self.kpis:,} KPIs{' (dense)' if self.dense else ''}"


FLOOR = "floor: yaml.load_all, CSafeLoader"
CHECK = "kpiframe check --format json (cold)"
YAMLLINT = "yamllint -d relaxed"
CHECK_JSONSCHEMA = "check-jsonschema, permissive schema"


def prepare_tree(kpis: int, dense: bool, seed: int, workdir: Path, timeout: float,
                 messy: bool = False) -> tuple[Path, dict[str, Any], float | None]:
    """Generate the tree, or reuse one in `workdir` made by this generator with the same arguments."""
    root = workdir / f"kpis-{kpis}{'-dense' if dense else ''}{'-messy' if messy else ''}-seed{seed}"
    manifest_path = root / MANIFEST_NAME
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        wanted = {"generator_version": GENERATOR_VERSION, "kpis": kpis, "dense": dense, "seed": seed}
        if all(manifest.get(key) == value for key, value in wanted.items()) and manifest.get("messy", False) == messy:
            return root, manifest, None
    argv = [PYTHON, "-m", "benchmarks.generate", "--kpis", str(kpis), "--seed", str(seed), "--force", str(root)]
    if dense:
        argv.insert(3, "--dense")
    if messy:
        argv.insert(3, "--messy")
    run = run_child(argv, timeout)
    if run.returncode != 0:
        raise RuntimeError(f"generator failed: {run.last_error_line}")
    return root, json.loads(manifest_path.read_text(encoding="utf-8")), run.seconds


def yaml_files(root: Path) -> list[Path]:
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found += [Path(folder, n) for n in sorted(names) if n.endswith((".yaml", ".yml"))]
    return found


def split_documents(root: Path, mirror: Path) -> int:
    """One file per document (same bytes), because check-jsonschema reads one document per file.
    Reused while it was made from this very tree (the marker holds the tree's manifest)."""
    marker, manifest = mirror / "made-from-manifest.json", (root / MANIFEST_NAME).read_text(encoding="utf-8")
    if marker.exists() and marker.read_text(encoding="utf-8") == manifest:
        return sum(1 for _ in mirror.glob("*.yaml"))
    shutil.rmtree(mirror, ignore_errors=True)
    mirror.mkdir(parents=True)
    count = 0
    for path in yaml_files(root):
        if path.name == "kpiframe.yaml":
            continue  # the config is not a framework document
        for chunk in re.split(r"(?m)^---[ \t]*\n", path.read_text(encoding="utf-8")):
            if chunk.strip():
                count += 1
                (mirror / f"{count:07d}.yaml").write_text(chunk, encoding="utf-8")
    marker.write_text(manifest, encoding="utf-8")
    return count


def argv_batches(prefix: list[str], names: list[str]) -> list[list[str]]:
    batches: list[list[str]] = [[]]
    size = 0
    for name in names:
        if size + len(name) + 1 > MAX_ARGV_BYTES and batches[-1]:
            batches.append([])
            size = 0
        batches[-1].append(name)
        size += len(name) + 1
    return [prefix + batch for batch in batches]


def measure_check_jsonschema(root: Path, timeout: float) -> Figure:
    mirror = root.parent / f"{root.name}.split"
    documents = split_documents(root, mirror)
    schema = mirror.parent / f"{root.name}.schema.json"
    schema.write_text(json.dumps(PERMISSIVE_SCHEMA, indent=2), encoding="utf-8")
    names = sorted(p.name for p in mirror.glob("*.yaml"))
    runs = [run_child(argv, timeout, cwd=mirror)
            for argv in argv_batches(["check-jsonschema", "--schemafile", str(schema)], names)]
    failed = next((r for r in runs if r.failure or r.returncode not in (0, 1)), None)
    if failed:
        return figure_from(CHECK_JSONSCHEMA, failed)
    parse_errors = sum(r.stdout.count("Failed to parse") + r.stderr.count("Failed to parse") for r in runs)
    note = f"{documents:,} one-document files" + (f" in {len(runs)} batches" if len(runs) > 1 else "")
    if parse_errors:
        note += f"; {parse_errors} failed to parse (1 expected: ruamel.yaml rejects the deliberate duplicate key)"
    return Figure(CHECK_JSONSCHEMA, sum(r.seconds for r in runs), max(r.peak_mb or 0 for r in runs), note)


def timings_rows(summary: dict[str, Any]) -> list[Figure]:
    """Per-phase rows from `summary.timings`, in seconds. Accepted shapes (seconds unless *_ms/ms):
    {"parse": 1.2, ...}, {"parse": {"seconds": 1.2}}, [{"phase": "parse", "seconds": 1.2}, ...]."""
    timings = summary.get("timings")
    if isinstance(timings, dict):
        items = list(timings.items())
    elif isinstance(timings, list):
        items = [(t.get("phase") or t.get("name"), t) for t in timings if isinstance(t, dict)]
    else:
        return []
    rows = []
    for name, value in items:
        seconds: Any = value
        if isinstance(value, dict):
            seconds = value.get("seconds", value.get("s"))
            if seconds is None and isinstance(value.get("ms"), (int, float)):
                seconds = value["ms"] / 1000
        elif isinstance(name, str) and name.endswith("_ms") and isinstance(value, (int, float)):
            name, seconds = name[:-3], value / 1000
        if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
            rows.append(Figure(f"phase: {name}", float(seconds), phase=True))
    return rows


def unreported_time(phases: list[Figure], wall_seconds: float) -> list[Figure]:
    """What the phases leave out of the same run's wall time: start-up, imports, output, exit."""
    if not phases or any(p.name in ("phase: total", "phase: elapsed") for p in phases):
        return []
    rest = wall_seconds - sum(p.seconds or 0.0 for p in phases)
    return [Figure("phase: other (start-up, imports, unreported phases, exit)", max(rest, 0.0), phase=True,
                   note=f"wall {wall_seconds:.2f} s of the --timings run minus its phases")]


# In a dense tree these findings are capped per department pair or merged per loop, so a
# designed pair or loop member may legitimately sit behind the cap.
CAPPED_RULES = ("department-conflict", "department-tension", "influence-cycle")


def describe_findings(report: dict[str, Any], manifest: dict[str, Any], dense: bool = False) -> list[str]:
    findings = report.get("findings", [])
    by_severity: dict[str, int] = {}
    fired: dict[str, int] = {}
    for finding in findings:
        by_severity[str(finding.get("severity"))] = by_severity.get(str(finding.get("severity")), 0) + 1
        fired[str(finding.get("rule"))] = fired.get(str(finding.get("rule")), 0) + 1
    severities = ", ".join(f"{n:,} {s}" for s, n in sorted(by_severity.items()))
    notes = [f"findings: {len(findings):,} ({severities or 'none'}) from {len(fired)} rules"]
    missing_rules = sorted(set(manifest.get("defects", {})) - set(fired))
    if missing_rules:
        notes.append("rules of deliberate defects that never fired: " + ", ".join(missing_rules))
    unmatched = unreported_defects(findings, manifest)
    total = sum(len(subjects) for subjects in manifest.get("defects", {}).values())
    hidden = [u for u in unmatched if dense and u.split(":")[0] in CAPPED_RULES]
    missed = [u for u in unmatched if u not in hidden]
    line = f"deliberate defects reported on their subject: {total - len(unmatched)} of {total}"
    if hidden:
        line += f"; {len(hidden)} conflict/tension/loop defects not named individually (capped or merged in the dense case)"
    if missed:
        line += f"; missed: {', '.join(missed[:8])}{' ...' if len(missed) > 8 else ''}"
    notes.append(line)
    summary = report.get("summary") if isinstance(report.get("summary"), dict) else {}
    counters = {k: v for k, v in summary.items() if ("cap" in k or "resolved" in k) and isinstance(v, (int, float))}
    if counters:
        notes.append("summary: " + ", ".join(f"{k} {v:,}" for k, v in counters.items()))
    return notes


def unreported_defects(findings: list[dict[str, Any]], manifest: dict[str, Any]) -> list[str]:
    """`rule: id` for each deliberate defect no finding of that rule names (as subject, related
    id or in its message). A finding without a subject (e.g. a duplicate key, found before the
    document's id is known) matches its rule's defects by rule alone."""
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        by_rule.setdefault(str(finding.get("rule")), []).append(finding)
    unmatched = []
    for rule, subjects in sorted(manifest.get("defects", {}).items()):
        for subject in subjects:
            ids = subject if isinstance(subject, list) else [subject]
            if not any(_names_any(finding, ids) for finding in by_rule.get(rule, [])):
                unmatched.append(f"{rule}: {'/'.join(map(str, ids))}")
    return unmatched


def _names_any(finding: dict[str, Any], ids: list[str]) -> bool:
    if not finding.get("subject"):
        return True
    named = {finding.get("subject"), *(finding.get("related") or [])}
    message = str(finding.get("message", ""))
    return any(i in named or i in message for i in ids)


def measure_size(kpis: int, dense: bool, args: argparse.Namespace, workdir: Path) -> SizeResult:
    log(f"[{kpis:,}{' dense' if dense else ''}] generating")
    root, manifest, generated = prepare_tree(kpis, dense, args.seed, workdir, args.timeout)
    result = SizeResult(kpis, dense, manifest, generated)

    log(f"[{kpis:,}] floor")
    floor_run = best_of([PYTHON, "-c", FLOOR_SCRIPT, str(root)], args.repeat, args.timeout)
    floor = figure_from(FLOOR, floor_run, note=f"{floor_run.stdout.strip() or '?'} documents")
    result.figures.append(floor)

    log(f"[{kpis:,}] kpiframe check")
    check_run = best_of([*args.kpiframe, "check", str(root), "--format", "json"], args.repeat, args.timeout)
    check = figure_from(CHECK, check_run, ok_codes=(0, 1))
    report = parse_report(check_run) if check.seconds is not None else None
    if check.seconds is not None and report is None:
        check = Figure(CHECK, note="n/a: output is not a kpiframe JSON report")
    result.figures.append(check)
    if report is not None:
        result.notes += describe_findings(report, manifest, dense)
        timed = run_child([*args.kpiframe, "check", str(root), "--format", "json", "--timings"], args.timeout)
        timed_report = parse_report(timed) if timed.returncode in (0, 1) else None
        phases = timings_rows(timed_report.get("summary", {})) if timed_report else []
        result.figures += phases + unreported_time(phases, timed.seconds)
        if not phases:
            result.notes.append("no per-phase timings (`check --timings --format json` gave no summary.timings)")

    if args.peers and kpis > args.peers_up_to:
        result.notes.append(f"peers not run above {args.peers_up_to:,} KPIs (--peers-up-to)")
    elif args.peers and dense and args.targets:
        result.notes.append("peers not run on the dense tree (no target compares them there)")
    elif args.peers:
        if shutil.which("yamllint"):
            log(f"[{kpis:,}] yamllint")
            run = run_child(["yamllint", "-d", "relaxed", str(root)], args.timeout)
            result.figures.append(figure_from(YAMLLINT, run, ok_codes=(0, 1, 2),
                                              note=f"exit {run.returncode}, {run.stdout.count(chr(10)):,} output lines"))
        else:
            result.figures.append(Figure(YAMLLINT, note="n/a: not installed"))
        if shutil.which("check-jsonschema"):
            log(f"[{kpis:,}] check-jsonschema")
            result.figures.append(measure_check_jsonschema(root, args.timeout))
        else:
            result.figures.append(Figure(CHECK_JSONSCHEMA, note="n/a: not installed"))
    return result


@dataclass
class ViewsResult:
    pairs: list[text_views.Pair]
    findings: int | None
    rounds: int


def measure_views(args: argparse.Namespace, workdir: Path) -> ViewsResult:
    """Issue 17: the text views against JSON, and JSON against the floor, on a messy register."""
    kpis = text_views.MESSY_KPIS
    log(f"[{kpis:,} messy] generating")
    root, _, _ = prepare_tree(kpis, False, args.seed, workdir, args.timeout, messy=True)
    clean, _, _ = prepare_tree(kpis, False, args.seed, workdir, args.timeout)
    commands = text_views.view_commands(args.kpiframe, [PYTHON, "-c", FLOOR_SCRIPT], root, clean)

    def run(argv: list[str]) -> ChildRun:
        log(f"[{kpis:,} messy] {' '.join(argv[len(args.kpiframe):])[:60]}")
        return run_child(argv, args.timeout)

    pairs, outputs = text_views.measure_pairs(commands, args.repeat, run)
    report = parse_report(ChildRun([], 0.0, 0, outputs.get("check --format json", ""), "", None))
    return ViewsResult(pairs, len(report["findings"]) if report else None, args.repeat)


def parse_report(run: ChildRun) -> dict[str, Any] | None:
    try:
        report = json.loads(run.stdout)
    except ValueError:
        return None
    return report if isinstance(report, dict) and isinstance(report.get("findings"), list) else None


def measure_startup(args: argparse.Namespace) -> list[Figure]:
    commands = [
        ("python -c pass", [PYTHON, "-c", "pass"], (0,)),
        (f'python -c "{IMPORT_FIVE}"', [PYTHON, "-c", IMPORT_FIVE], (0,)),
        (f'python -c "{IMPORT_FIVE_AS_USED}"', [PYTHON, "-c", IMPORT_FIVE_AS_USED], (0,)),
        ("kpiframe --version", [*args.kpiframe, "--version"], (0,)),
        ("kpiframe check examples/acme", [*args.kpiframe, "check", str(REPO_ROOT / "examples" / "acme")], (0, 1)),
        ("kpiframe check examples/acme --format json",
         [*args.kpiframe, "check", str(REPO_ROOT / "examples" / "acme"), "--format", "json"], (0, 1)),
    ]
    for tool in ("yamllint", "check-jsonschema"):
        if shutil.which(tool):
            commands.append((f"{tool} --version", [tool, "--version"], (0,)))
    figures = []
    for name, argv, ok in commands:
        log(f"[start-up] {name}")
        figures.append(figure_from(name, best_of(argv, max(args.repeat, 5), args.timeout), ok_codes=ok))
    return figures


# --------------------------------------------------------------------------------------------
# Targets from issue 8, judged on what this run measured
# --------------------------------------------------------------------------------------------

@dataclass
class Target:
    text: str
    measured: str
    met: bool | None  # None: not measured in this run


def ratio_target(text: str, value: float | None, limit_of: float | None, limit: float, unit: str = "x") -> Target:
    if value is None or limit_of is None or limit_of <= 0:
        return Target(text, "n/a", None)
    ratio = value / limit_of
    return Target(text, f"{ratio:.2f}{unit}", ratio <= limit)


def seconds_of(result: SizeResult | None, name: str) -> float | None:
    found = result.get(name) if result else None
    return found.seconds if found else None


def conflict_seconds(result: SizeResult) -> tuple[float | None, str]:
    """The conflict phase if --timings names one, else the rules phase, else the whole check."""
    phases = [f for f in result.figures if f.phase]
    for needle in ("conflict", "rules"):
        for phase in phases:
            if needle in phase.name:
                return phase.seconds, phase.name
    return seconds_of(result, CHECK), "whole check (no conflict phase reported)"


def judge_view_targets(views: ViewsResult) -> list[Target]:
    targets = []
    for pair in views.pairs:
        if pair.limit is None:
            continue
        cpu, wall, judged = pair.cpu_ratio, pair.wall_ratio, text_views.judged_ratio(pair)
        measured = "n/a" if judged is None else f"{cpu:.2f}x CPU, {wall:.2f}x wall"
        targets.append(Target(text_views.target_text(pair), measured, None if judged is None else judged <= pair.limit))
    return targets


def judge_targets(results: list[SizeResult], startup: list[Figure]) -> list[Target]:
    by_key = {(r.kpis, r.dense): r for r in results}
    ten, hundred, dense = by_key.get((10000, False)), by_key.get((100000, False)), by_key.get((10000, True))
    check_10k = seconds_of(ten, CHECK)
    targets = [
        ratio_target("check at 10,000 KPIs <= 1.0x the floor", check_10k, seconds_of(ten, FLOOR), 1.0),
        ratio_target("check at 10,000 KPIs <= 0.07x yamllint", check_10k, seconds_of(ten, YAMLLINT), 0.07),
        ratio_target("check at 10,000 KPIs <= 0.07x check-jsonschema", check_10k,
                     seconds_of(ten, CHECK_JSONSCHEMA), 0.07),
        ratio_target("check at 100,000 KPIs <= 11x check at 10,000", seconds_of(hundred, CHECK), check_10k, 11.0),
    ]
    for size, result, limit in (("10,000", ten, 300.0), ("100,000", hundred, 2500.0)):
        figure = result.get(CHECK) if result else None
        if figure is None or figure.peak_mb is None:
            targets.append(Target(f"peak memory at {size} KPIs <= {limit:,.0f} MB", "n/a", None))
        else:
            targets.append(Target(f"peak memory at {size} KPIs <= {limit:,.0f} MB",
                                  f"{figure.peak_mb:,.0f} MB", figure.peak_mb <= limit))
    if dense is None:
        targets.append(Target("dense 10,000 KPIs: conflict check < 10 s", "n/a", None))
    else:
        seconds, source = conflict_seconds(dense)
        targets.append(Target("dense 10,000 KPIs: conflict check < 10 s",
                              "n/a" if seconds is None else f"{seconds:.2f} s ({source})",
                              None if seconds is None else seconds < 10))
    by_name = {f.name: f.seconds for f in startup}
    targets.append(ratio_target("kpiframe --version <= 1.5x yamllint --version",
                                by_name.get("kpiframe --version"), by_name.get("yamllint --version"), 1.5))
    targets.append(ratio_target(f"kpiframe check examples/acme <= 1.5x `{IMPORT_FIVE}`",
                                by_name.get("kpiframe check examples/acme"),
                                by_name.get(f'python -c "{IMPORT_FIVE}"'), 1.5))
    return targets


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    import yaml  # only for its version; the runner itself parses nothing

    libyaml = getattr(getattr(yaml, "_yaml", None), "get_version_string", lambda: "absent")()
    return (f"{cpus} CPUs (nproc), {cpu}{memory}; {platform.python_implementation()} "
            f"{platform.python_version()} on {platform.system()} {platform.release()}; "
            f"PyYAML {yaml.__version__} with libyaml {libyaml}")


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds:.3f}" if seconds < 1 else f"{seconds:.2f}"


def size_table(result: SizeResult) -> list[str]:
    m = result.manifest
    generated = "reused" if result.generated_seconds is None else f"generated in {result.generated_seconds:.1f} s"
    lines = [
        f"### {result.label}",
        "",
        f"{m['files']:,} files, {m['documents']:,} documents, {m['bytes'] / 1e6:.1f} MB, "
        f"{m['influence_links']:,} influence links; {generated}.",
        "",
        "| figure | seconds | x floor | peak MB | note |",
        "|---|---:|---:|---:|---|",
    ]
    floor = seconds_of(result, FLOOR)
    for figure in result.figures:
        ratio = f"{figure.seconds / floor:.2f}x" if figure.seconds is not None and floor else ""
        peak = f"{figure.peak_mb:,.0f}" if figure.peak_mb is not None else ""
        name = f"&nbsp;&nbsp;{figure.name}" if figure.phase else figure.name
        lines.append(f"| {name} | {fmt_seconds(figure.seconds)} | {ratio} | {peak} | {figure.note} |")
    lines += [""] + [f"- {note}" for note in result.notes]
    return lines


def startup_table(figures: list[Figure]) -> list[str]:
    pass_seconds = next((f.seconds for f in figures if f.name == "python -c pass"), None)
    lines = ["### Start-up (best of at least 5)", "", "| command | seconds | x `python -c pass` | note |",
             "|---|---:|---:|---|"]
    for figure in figures:
        ratio = f"{figure.seconds / pass_seconds:.1f}x" if figure.seconds is not None and pass_seconds else ""
        lines.append(f"| `{figure.name}` | {fmt_seconds(figure.seconds)} | {ratio} | {figure.note} |")
    return lines


def targets_table(targets: list[Target]) -> list[str]:
    lines = ["### Targets (issues 8 and 17)", "", "| target | measured | status |", "|---|---:|---|"]
    for target in targets:
        status = "n/a" if target.met is None else ("met" if target.met else "NOT met")
        lines.append(f"| {target.text} | {target.measured} | {status} |")
    return lines


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="comma-separated KPI counts (default %(default)s; issue 8 also wants 100000)")
    parser.add_argument("--dense", action="store_true", help="generate dense trees (10 links per node, large cycles)")
    parser.add_argument("--keep", type=Path, help="generate into (and reuse trees from) this folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure under 5 s; the best counts")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a figure is abandoned")
    parser.add_argument("--no-peers", dest="peers", action="store_false", help="skip yamllint and check-jsonschema")
    parser.add_argument("--no-startup", dest="startup", action="store_false", help="skip the start-up figures")
    parser.add_argument("--peers-up-to", type=int, default=10_000, metavar="N",
                        help="run the peers only on sizes up to N KPIs (default %(default)s: they take "
                             "over 10 minutes at 100,000, and the targets compare them at 10,000)")
    parser.add_argument("--targets", action="store_true",
                        help="measure exactly what issue 8's targets need, in one run: 10,000 and 100,000 "
                             "KPIs, the dense 10,000, peers at 10,000, and start-up (about 7 minutes)")
    parser.add_argument("--views", action="store_true",
                        help="measure only issue 17's targets: the text views and `check --format json` on a "
                             f"messy {text_views.MESSY_KPIS:,}-KPI register, alternating pairs (about 3 minutes)")
    parser.add_argument("--kpiframe", default=f"{shlex.quote(PYTHON)} -m kpiframe",
                        help="command that runs kpiframe (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON here")
    args = parser.parse_args(argv)
    args.kpiframe = shlex.split(args.kpiframe)
    try:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes takes comma-separated integers, e.g. 100,1000,10000")
    if args.targets:
        if args.dense:
            parser.error("--targets measures the dense case itself; leave out --dense")
        args.sizes = [10_000, 100_000]
    return args


def compile_package() -> None:
    """Write the bytecode of the kpiframe package the children run, as an install does.

    With PYTHONDONTWRITEBYTECODE set (some shells and CI images set it) and no bytecode in the
    tree, every child would compile each of kpiframe's modules at every start: the start-up
    figures measured that (1.78x instead of 1.38x the libraries' import), not kpiframe. The peers
    and the libraries run from their installed bytecode.
    """
    compileall.compile_dir(REPO_ROOT / "kpiframe", quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    compile_package()
    temporary = None if args.keep else tempfile.TemporaryDirectory(prefix="kpiframe-bench-")
    workdir = args.keep or Path(temporary.name)  # type: ignore[union-attr]
    workdir.mkdir(parents=True, exist_ok=True)
    views = None
    try:
        results = [] if args.views else [measure_size(kpis, args.dense, args, workdir) for kpis in args.sizes]
        if args.targets:
            results.append(measure_size(10_000, True, args, workdir))
        if args.targets or args.views:
            views = measure_views(args, workdir)
        startup = measure_startup(args) if args.startup and not args.views else []
    finally:
        if temporary is not None:
            temporary.cleanup()
    lines = ["## kpiframe benchmark", "", f"Machine: {machine_description()}.", ""]
    for result in results:
        lines += size_table(result) + [""]
    if views is not None:
        lines += text_views.pairs_table(views.pairs, views.findings, views.rounds) + [""]
    if startup:
        lines += startup_table(startup) + [""]
    targets = [] if args.views else judge_targets(results, startup)
    lines += targets_table(targets + (judge_view_targets(views) if views is not None else []))
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine_description(),
            "sizes": [{"kpis": r.kpis, "dense": r.dense, "manifest": {k: v for k, v in r.manifest.items() if k != "defects"},
                       "generated_seconds": r.generated_seconds, "notes": r.notes,
                       "figures": [vars(f) for f in r.figures]} for r in results],
            "startup": [vars(f) for f in startup],
            "views": [vars(p) for p in views.pairs] if views is not None else [],
        }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
