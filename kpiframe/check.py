"""The pipeline: :func:`load_framework` / :func:`load_source` (load -> model -> graph, no rules)
and :func:`run_check` / :func:`check_loaded` (the same load, then the rules, into one result).

Nothing here prints. Every renderer takes a :class:`CheckResult` or a :class:`LoadedFramework`.
Views that show the framework rather than judge it (`status`, `tree`, `graph`, `impact`) load it
and ask its :class:`~kpiframe.analysis.Analysis`; they never run rules. ``stage`` arguments
record where a load or check is, for the internal-error message (:mod:`kpiframe.stage`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import networkx as nx

from kpiframe.analysis import Analysis, SummaryFacts
from kpiframe.collector import collector_paused
from kpiframe.findings import Finding, Severity
from kpiframe.graph import build_graph
from kpiframe.load.actuals import read_actuals_files
from kpiframe.load.config import find_config_file
from kpiframe.load.document import RawDocument
from kpiframe.load.parallel import default_jobs, parse_files
from kpiframe.load.source import DiskSource, FileSource
from kpiframe.model import KINDS, Config, Document, Framework
from kpiframe.model.configfile import config_from_bytes, read_config
from kpiframe.model.validate import validate_document
from kpiframe.rules import RuleContext
from kpiframe.rules.engine import RuleSelection, run_rules, settle_findings
from kpiframe.stage import Stage


class UsageError(Exception):
    """The user asked for something impossible (a path that is not a folder): exit code 2."""


@dataclass(frozen=True)
class LoadOptions:
    today: date | None = None
    pause_gc: bool = True
    jobs: int | None = None  # processes for the parse; None: KPIFRAME_JOBS, else one per core
    today_from: str = "--today"  # where ``today`` came from, when it is given


@dataclass(frozen=True)
class CheckOptions(LoadOptions):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # Run some of a large framework's rules in a forked helper (rules.engine.run_rules). The
    # answers the helper computes stay there, so only a caller that reads no analysis afterwards
    # (the `check` command) asks for it; the report, which reads it, gets each answer computed once.
    share_rules: bool = False


# Below this many documents the rules take too little time to be worth a helper (a fork, and
# the findings sent back, cost about 10 ms).
SHARE_RULES_MIN_DOCUMENTS = 2_000


@dataclass
class CheckResult:
    root: Path
    framework: Framework
    today: date
    findings: list[Finding]
    suppressed: list[Finding]
    timings: dict[str, float]
    facts: SummaryFacts = field(default_factory=SummaryFacts)  # numbers rules want in the summary
    context: RuleContext | None = None
    today_from: str = "--today"  # where today came from, and why (see resolve_today)

    @property
    def analysis(self) -> Analysis:
        assert self.context is not None
        return self.context.analysis

    @property
    def graph(self) -> nx.DiGraph:
        return self.analysis.graph

    def inputs(self) -> list[Path]:
        """Every file the check read (YAML, the config, the actuals CSVs): no output may replace one."""
        return framework_inputs(self.root, self.framework)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def exit_code(self, fail_on: str = "error") -> int:
        return 1 if any(f.severity.fails(fail_on) for f in self.findings) else 0

    def summary(self) -> dict:
        return {
            "root": str(self.root),
            "organization": self.framework.config.organization,
            "today": self.today.isoformat(),
            "today_from": self.today_from,
            "files": len(self.framework.files),
            "documents": self.framework.document_counts(),
            "invalid_documents": self.framework.invalid_counts(),
            "findings": {s.value: self.count(s) for s in Severity},
            "suppressed": len(self.suppressed),
            **self.facts.as_dict(),
        }


def framework_inputs(root: Path, framework: Framework) -> list[Path]:
    """Every file read for ``framework`` (YAML, the config, the actuals CSVs)."""
    paths = [root / rel for rel in framework.files]
    if framework.config_file:
        paths.append(root / framework.config_file)
    for pattern in framework.config.actuals:
        try:
            paths += root.glob(pattern)
        except (ValueError, NotImplementedError, OSError):  # a bad glob is a finding already
            pass
    return paths


def resolve_root(path: Path) -> tuple[Path, Path | None]:
    """The framework root and its config file: the folder holding the nearest config, else ``path``."""
    if not path.exists():
        raise UsageError(f"{path}: no such folder")
    if not path.is_dir():
        raise UsageError(f"{path}: is a file; kpiframe checks a framework folder (try its folder: {path.parent})")
    config_file = find_config_file(path)
    return (config_file.parent if config_file else path), config_file


def missing_config_notice(path: Path, result: CheckResult | LoadedFramework) -> str | None:
    """One line for stderr when no configuration was found, else None.

    Without kpiframe.yaml the path itself is the root and the system date is today, which is
    right for a quick look and wrong for a pre-commit hook run from the wrong folder: say so,
    once, where it does not disturb the report on stdout.
    """
    if result.framework.config_file is not None:
        return None
    return f"kpiframe: no kpiframe.yaml found above {path}: using defaults and {result.today_from} ({result.today})"


def resolve_today(explicit: date | None, config: Config, config_file: str | None = None,
                  config_raw: RawDocument | None = None, explicit_from: str = "--today") -> tuple[date, str]:
    """--today (or KPIFRAME_TODAY) beats the config's as_of, which beats the system date; and
    where the date came from, saying why when an `as_of` was written but is not a date."""
    if explicit is not None:
        return explicit, explicit_from
    if config.as_of is not None:
        return config.as_of, f"as_of in {config_file}"
    written = config_raw is not None and isinstance(config_raw.data, dict) and config_raw.data.get("as_of") is not None
    if written:
        return date.today(), f"the system date, since `as_of` in {config_file} is not a valid date"
    return date.today(), "the system date"


def today_for_folder(folder: Path, explicit: date | None, explicit_from: str = "--today") -> tuple[date, str]:
    """Today as `check` takes it for the framework whose root is ``folder`` (its kpiframe.yaml's
    `as_of`, when the folder has one): for a command that writes a framework, such as an import."""
    config_path = folder / "kpiframe.yaml"
    if explicit is not None or not config_path.is_file():
        return resolve_today(explicit, Config(), explicit_from=explicit_from)
    config, raw, _ = read_config(config_path, "kpiframe.yaml")
    return resolve_today(explicit, config, (folder / "kpiframe.yaml").as_posix(), raw)


@dataclass
class FileLoad:
    """What parsing and validating one file gave. Kept so that a file that is the same in another
    revision is not parsed again (`kpiframe diff`, `check --since`)."""

    findings: list[Finding] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    invalid: list[tuple[str, RawDocument]] = field(default_factory=list)  # (kind, document) that failed validation


def run_check(path: Path, options: CheckOptions = CheckOptions(), stage: Stage | None = None, *,
              base: Framework | None = None, since: str = "") -> CheckResult:
    """:func:`load_framework`, then the selected rules, and their findings settled."""
    root, config_file = resolve_root(path)
    return check_source(DiskSource(root, config_file), options, base=base, since=since, stage=stage)


@dataclass
class LoadedFramework:
    """A framework read and modelled, its graph built, no rules run: what views and comparisons need."""

    root: Path
    framework: Framework
    graph: nx.DiGraph
    today: date
    findings: list[Finding]  # the loader's and validator's
    timings: dict[str, float]
    config_raw: RawDocument | None = None  # kpiframe.yaml with its positions, for findings about it
    jobs: int = 1  # processes the parse used
    today_from: str = "--today"  # where today came from (see resolve_today)
    analysis: Analysis = field(init=False, repr=False)  # the shared answers, computed on first use

    def __post_init__(self) -> None:
        self.analysis = Analysis(self.framework, self.graph, self.today)

    def inputs(self) -> list[Path]:
        """Every file the load read (YAML, the config, the actuals CSVs): no output may replace one."""
        return framework_inputs(self.root, self.framework)

    def settled_findings(self) -> tuple[list[Finding], list[Finding]]:
        """The loader's findings as the configuration shapes them (codes, severities, rules
        switched off, suppressions): (active, suppressed)."""
        selection = RuleSelection.build(self.framework.config, config_raw=self.config_raw)
        return settle_findings([*self.findings, *selection.config_findings], self.framework, selection)


def load_framework(path: Path, options: LoadOptions = LoadOptions(), stage: Stage | None = None) -> LoadedFramework:
    """Read, validate and link the framework at ``path``; no rule runs (raises
    :class:`UsageError` for a path that is not a folder)."""
    root, config_file = resolve_root(path)
    return load_source(DiskSource(root, config_file), options, stage=stage)


def load_source(source: FileSource, options: LoadOptions = LoadOptions(), *,
                reuse: Mapping[str, FileLoad] | None = None, loads: dict[str, FileLoad] | None = None,
                timings: dict[str, float] | None = None, stage: Stage | None = None) -> LoadedFramework:
    """Read the framework ``source`` holds (a folder, or a git revision's tree); run no rule.

    ``reuse``: files known to be byte-identical to ones already loaded, with what loading them
    gave (they are not parsed again); ``loads``: filled with what each file read here gave.
    """
    timings = {} if timings is None else timings
    stage = stage or Stage()
    with _gc_paused(options.pause_gc):
        with _timed(timings, "discover"):
            framework, findings, config_raw = _start_framework(source, stage)
            files, discovery = source.yaml_files(framework.config.exclude)
            findings += discovery
        jobs = default_jobs() if options.jobs is None else options.jobs
        _parse_and_validate(files, framework, findings, jobs, timings, source, reuse or {}, loads, stage)
        with _timed(timings, "actuals"):
            stage.enter("reading actuals")
            findings += _read_actuals(source, framework, config_raw)
        with _timed(timings, "graph"):
            graph = build_graph(framework)
    today, today_from = resolve_today(options.today, framework.config, framework.config_file, config_raw,
                                      options.today_from)
    return LoadedFramework(source.root, framework, graph, today, findings, timings, config_raw, jobs, today_from)


def check_source(source: FileSource, options: CheckOptions = CheckOptions(), *,
                 reuse: Mapping[str, FileLoad] | None = None, loads: dict[str, FileLoad] | None = None,
                 base: Framework | None = None, since: str = "", stage: Stage | None = None) -> CheckResult:
    """Load the framework ``source`` holds and run the rules (see :func:`load_source`).

    ``base``: the framework at the revision named ``since`` (`check --since`), for the rules
    that compare with it; without it they are silent.
    """
    stage = stage or Stage()
    loaded = load_source(source, options, reuse=reuse, loads=loads, stage=stage)
    return check_loaded(loaded, options, base=base, since=since, stage=stage)


def check_loaded(loaded: LoadedFramework, options: CheckOptions = CheckOptions(), *,
                 base: Framework | None = None, since: str = "", stage: Stage | None = None) -> CheckResult:
    """Run the rules on a loaded framework."""
    stage = stage or Stage()
    framework, timings, findings = loaded.framework, loaded.timings, list(loaded.findings)
    with _gc_paused(options.pause_gc):
        context = RuleContext(loaded.analysis, base=base, since=since)
        selection = RuleSelection.build(framework.config, options.select, options.ignore, loaded.config_raw)
        with _timed(timings, "rules"):
            stage.enter("running rules")
            findings += selection.config_findings
            share = options.share_rules and loaded.jobs > 1 and len(framework.documents) >= SHARE_RULES_MIN_DOCUMENTS
            found, facts = run_rules(context, selection, stage, share=share)  # facts: before views compute more
            findings += found
            active, suppressed = settle_findings(findings, framework, selection)
    stage.enter("rendering")
    return CheckResult(root=loaded.root, framework=framework, today=loaded.today, findings=active,
                       suppressed=suppressed, timings=timings, facts=facts, context=context,
                       today_from=loaded.today_from)


def _start_framework(source: FileSource, stage: Stage):
    findings: list[Finding] = []
    config, raw = Config(), None
    rel = source.config_rel
    if rel is not None:
        stage.enter("reading", rel)
        if isinstance(source, DiskSource) and source.config_file is not None:  # it is when rel is
            config, raw, findings = read_config(source.config_file, rel)
        else:
            config, raw, findings = config_from_bytes(source.config_bytes(), rel)
    return Framework(root=source.root, config=config, config_file=rel, config_raw=raw), findings, raw


def _parse_and_validate(files, framework: Framework, findings: list[Finding], jobs: int,
                        timings: dict[str, float], source: FileSource, reuse: Mapping[str, FileLoad],
                        loads: dict[str, FileLoad] | None, stage: Stage) -> None:
    """Parse every file and validate its documents as soon as it is parsed.

    Validating file by file lets this process validate while parse workers are still busy with
    later files. The "parse" timing is the loop's time less the validation (so it includes any
    wait for a worker). Files in ``reuse`` are not read: what loading them gave is replayed, in
    file order with the others.
    """
    limits = framework.config.limits.as_limits()
    start = time.perf_counter()
    validating = 0.0
    to_parse = [(handle, rel) for handle, rel in files if rel not in reuse]
    source.prepare([handle for handle, _ in to_parse])  # before any parse worker forks: they inherit it
    parsed_files = parse_files(to_parse, limits, jobs=jobs, read=source.read, size=source.size,
                               on_file=stage.on_file("parsing"))
    for _, rel in files:
        framework.files.append(rel)
        if rel in reuse:
            _replay(reuse[rel], framework, findings)
            if loads is not None:
                loads[rel] = reuse[rel]
            continue
        parsed = next(parsed_files)
        load = FileLoad(findings=list(parsed.findings))
        documents = [d for d in parsed.documents if d.data is not None]
        if not documents and not parsed.findings:
            load.findings.append(Finding(rule="invalid-value", file=rel, line=1, column=1,
                                         message="the file holds no document",
                                         hint="add a document (kind: KPI, Goal, ...), or delete the file"))
        began = time.perf_counter()
        _validate_documents(documents, load, stage)
        _replay(load, framework, findings)
        if loads is not None:
            loads[rel] = load
        validating += time.perf_counter() - began
    timings["parse"] = time.perf_counter() - start - validating
    timings["validate"] = validating


def _validate_documents(raws, load: FileLoad, stage: Stage) -> None:
    for raw in raws:
        stage.enter("validating", raw.file)
        kind = raw.data.get("kind") if isinstance(raw.data, dict) else None
        document, problems = validate_document(raw)
        load.findings += problems
        if document is not None:
            load.documents.append(document)
            raw.data = None  # the model holds the values now; keep only the positions (memory)
        elif isinstance(kind, str) and kind in KINDS:
            load.invalid.append((kind, raw))


def _replay(load: FileLoad, framework: Framework, findings: list[Finding]) -> None:
    findings += load.findings
    for document in load.documents:
        framework.add(document)
    for kind, raw in load.invalid:
        framework.add_invalid(kind, raw)


def _read_actuals(source: FileSource, framework: Framework, config_raw) -> list[Finding]:
    """Read the config's `actuals:` CSV files into ``framework.csv_actuals``; their problems are findings."""
    config = framework.config
    framework.csv_actuals, findings = read_actuals_files(
        source, config.actuals, config.exclude, config.limits.max_file_bytes, framework.kpis,
        framework.config_file, config_raw, framework.invalid_of("KPI"))
    return findings


@contextmanager
def _timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - start


def _gc_paused(pause: bool) -> AbstractContextManager[None]:
    # A check allocates millions of small objects that all live until it ends, so the cyclic
    # collector's repeated scans of them are pure cost (several times the parse itself on a large
    # framework); see kpiframe.collector. KPIFRAME_GC=on keeps the collector running (the
    # benchmark compares both).
    return collector_paused(pause and os.environ.get("KPIFRAME_GC") != "on")
