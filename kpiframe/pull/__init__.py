"""`kpiframe pull`: run each KPI's query and write the rows to the pulled actuals CSV.

Nothing here prints; :mod:`kpiframe.render.pull_view` shows a :class:`PullResult`. Database
libraries are imported only by :mod:`kpiframe.pull.engines`, when a source is opened.

Decisions:

* The framework is read as `check` reads it (schema rules only). A KPI that cannot be read is
  not pulled, and its previous rows are kept; the summary says how many errors `check` reports.
* Each failure (the query, its source, or its rows) is a finding at the KPI's `query:` line,
  and the other queries still run. A failed KPI keeps its previous rows: a timeout tonight
  does not erase last month's numbers.
* Exit codes: 0 every query succeeded; 1 some failed; 2 nothing could run (no query reached a
  database: every source unusable, the `sql` extra missing), or the file or kpiframe.yaml could
  not be written, or the request itself is wrong (an unknown `--kpi`).
* The file is written only when its bytes change, atomically, and never over a file `pull`
  did not write. `--dry-run` reports the same changes and writes nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kpiframe.findings import Finding, Severity
from kpiframe.pull.csvfile import KpiChange, NotOurFile, Rows, compare, read_previous, render
from kpiframe.sources import (
    DEFAULT_SOURCE,
    EMBEDDED_URL,
    MissingVariable,
    ResolvedQuery,
    ResolvedUrl,
    known_sources,
    redact,
    resolve_query,
    source_problems,
    substitute,
)

INSTALL_HINT = "pip install 'kpiframe[sql]'"


class PullRefused(Exception):
    """Nothing can be pulled as asked (exit 2); ``findings`` say why when they can."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


@dataclass(frozen=True)
class PullOptions:
    kpis: tuple[str, ...] = ()
    department: str | None = None
    dry_run: bool = False
    timeout: float | None = None  # seconds per query; None: `pull.timeout` in kpiframe.yaml
    environ: Mapping[str, str] | None = None  # where ${VAR} come from; None: os.environ


@dataclass
class PullResult:
    root: Path
    output: str  # relative to the root
    dry_run: bool
    selected: int = 0  # KPIs with a query, as selected
    executed: int = 0  # queries that reached a database
    pulled: int = 0  # KPIs whose rows were read
    rows: int = 0  # rows those queries returned
    failures: list[Finding] = field(default_factory=list)
    changes: list[KpiChange] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # name -> URL with secrets masked
    wrote: bool = False
    unchanged_file: bool = False
    config_note: str = ""
    config_failed: bool = False
    write_error: str = ""
    framework_errors: int = 0
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.executed == 0 or self.config_failed or self.write_error:
            return 2
        return 1 if self.failures else 0


ProgressCallback = Callable[[int, int, str], None]  # done, total, KPI id


def run_pull(path: Path, options: PullOptions = PullOptions(),
             on_progress: ProgressCallback | None = None) -> PullResult:
    from kpiframe.check import CheckOptions, UsageError, run_check

    started = time.perf_counter()
    try:
        checked = run_check(path, CheckOptions(select=("KF0",)))
    except UsageError as error:
        raise PullRefused(str(error)) from None
    framework = checked.framework
    config = framework.config
    _refuse_broken_settings(framework, checked.findings)
    root = framework.root
    result = PullResult(root=root, output=config.pull.output, dry_run=options.dry_run)
    result.framework_errors = sum(1 for f in checked.findings  # the config's are `pull`'s own business
                                  if f.severity is Severity.ERROR and f.file != framework.config_file)
    selected = _select(framework, options)
    result.selected = len(selected)
    output_path = root / config.pull.output
    try:
        previous = read_previous(output_path, config.pull.output)
    except NotOurFile as error:
        raise PullRefused(str(error)) from None

    timeout = options.timeout if options.timeout is not None else float(config.pull.timeout)
    environ = os.environ if options.environ is None else options.environ
    queries = {kpi.id: resolve_query(kpi, root, config.limits.max_file_bytes) for kpi in selected}
    jobs, urls = _plan(framework, queries, environ, result)
    pulled: Rows = {}
    if jobs:
        pulled = _run(framework, jobs, urls, result, timeout, config.pull.concurrency, on_progress)
    after = _merge(framework, previous, pulled, full=not options.kpis and options.department is None)
    result.changes = compare(previous, after)
    for change in result.changes:
        if change.kpi not in framework.kpis and change.removed and not change.added:
            change.why_removed = "no KPI has this id any more"
        elif change.kpi in framework.kpis and framework.kpis[change.kpi].query is None:
            change.why_removed = "the KPI has no query any more"
    result.failures.sort(key=Finding.sort_key)
    inputs = checked.inputs()
    if result.executed and not options.dry_run:
        _write(output_path, render(after), result, _others(inputs, output_path))
    if result.executed and not result.write_error:
        _list_in_config(framework, result, _others(inputs, framework.root / (framework.config_file or "-")))
    result.seconds = time.perf_counter() - started
    return result


def _refuse_broken_settings(framework, findings: list[Finding]) -> None:
    """`pull` does not guess settings: a broken `pull`, `actuals` or `sources` stops it."""
    raw = framework.config_raw
    data = raw.data if raw is not None and isinstance(raw.data, dict) else {}
    from pydantic import ValidationError

    from kpiframe.model import Config

    broken = []
    for key in ("pull", "actuals", "sources"):
        if key in data:
            try:
                Config.model_validate({key: data[key]})
            except ValidationError:
                broken.append(key)
    if broken:
        config_findings = [f for f in findings if f.file == framework.config_file]
        raise PullRefused(f"{framework.config_file}: fix {', '.join(f'`{k}`' for k in broken)} first; "
                          "`pull` does not guess settings", config_findings)


def _select(framework, options: PullOptions) -> list:
    from kpiframe.suggest import closest

    with_query = [kpi for _, kpi in sorted(framework.kpis.items()) if kpi.query is not None]
    if options.kpis:
        chosen = []
        for kpi_id in dict.fromkeys(options.kpis):
            kpi = framework.kpis.get(kpi_id)
            if kpi is None:
                near = closest(kpi_id, list(framework.kpis))
                raise PullRefused(f"no KPI {kpi_id!r}" + (f"; did you mean {near!r}?" if near else ""))
            if kpi.query is None:
                raise PullRefused(f"KPI {kpi_id!r} has no `query:`, so there is nothing to pull for it")
            chosen.append(kpi)
        with_query = chosen
    if options.department is not None:
        known = set(framework.config.department_ids or ()) | {k.department for k in framework.kpis.values()}
        if options.department not in known:
            raise PullRefused(f"no department {options.department!r}; known: {', '.join(sorted(known)) or 'none'}")
        with_query = [kpi for kpi in with_query if kpi.department == options.department]
    if not with_query:
        where = f" in department {options.department!r}" if options.department else ""
        raise PullRefused(f"nothing to pull: no KPI{where} has a `query:` (see the README: Actuals from a warehouse)")
    return with_query


def _failure(kpi, kind: str, message: str, hint: str = "") -> Finding:
    line, column = kpi.origin.position(("query",), key=True)
    return Finding(rule=kind, message=f"{kpi.label}: {message}", file=kpi.origin.file, line=line, column=column,
                   subject=kpi.id, hint=hint, severity=Severity.ERROR)


def _plan(framework, queries: dict[str, ResolvedQuery | None], environ: Mapping[str, str], result: PullResult):
    """The jobs that can run and their sources' URLs; a failure in ``result`` for every query that cannot."""
    from kpiframe.pull.runner import Job

    config = framework.config
    known = known_sources(config)
    usable: dict[str, str | None] = {}  # source -> why it cannot be used, or None
    urls: dict[str, ResolvedUrl] = {}  # filled in: they hold secrets, so they never go into the result
    jobs, failures = [], result.failures
    for kpi_id, query in queries.items():
        kpi = framework.kpis[kpi_id]
        assert query is not None
        if query.problems:
            failures.append(_failure(kpi, "invalid-query", _after_label(query.problems[0].message, kpi),
                                     query.problems[0].hint))
            continue
        if query.source not in known:
            failures.append(_failure(kpi, "unknown-source", f"`query.source` '{query.source}' is not a source in "
                                     "kpiframe.yaml", "add it under `sources:`, or leave `source` out"))
            continue
        if query.source not in usable:
            usable[query.source], url = _source_problem(framework, query.source, environ)
            if url is not None:
                urls[query.source] = url
                result.sources[query.source] = url.shown
        problem = usable[query.source]
        if problem:
            failures.append(_failure(kpi, "source-unusable", problem,
                                     "see `kpiframe check`, and the README: Actuals from a warehouse"))
            continue
        jobs.append(Job(kpi_id, query.source, query.sql or ""))
    return jobs, urls


def _after_label(message: str, kpi) -> str:
    prefix = f"{kpi.label}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def _source_problem(framework, name: str, environ: Mapping[str, str]) -> tuple[str | None, ResolvedUrl | None]:
    config = framework.config
    template = config.sources.get(name, EMBEDDED_URL if name == DEFAULT_SOURCE else None)
    where = f" ({framework.config_file}:{framework.config_raw.position(('sources', name))[0]})" \
        if name in config.sources and framework.config_raw is not None else ""
    problems = source_problems(name, template)
    if problems:
        return f"source '{name}' cannot be used{where}: " + _strip_source(problems[0].message, name), None
    try:
        return None, substitute(template, environ)
    except MissingVariable as missing:
        return f"source '{name}'{where}: {missing}", None


def _strip_source(message: str, name: str) -> str:
    prefix = f"source '{name}': "
    return message[len(prefix):] if message.startswith(prefix) else message


def _run(framework, jobs, urls: dict[str, ResolvedUrl], result: PullResult, timeout: float, concurrency: int,
         on_progress: ProgressCallback | None) -> Rows:
    from kpiframe.pull.engines import MAX_ROWS, MissingExtra, need, open_source
    from kpiframe.pull.rows import read_rows
    from kpiframe.pull.runner import run_jobs

    try:
        for url in urls.values():
            need("duckdb" if url.url.lower().startswith("duckdb:") else "sqlalchemy")
    except MissingExtra as missing:
        raise PullRefused(str(missing)) from None
    total, done = len(jobs), [0]
    pulled: Rows = {}
    hints = {"timeout": "make the query faster, or raise `pull.timeout` in kpiframe.yaml (or --timeout)",
             "error": "run the query in the database's own client to see it fail there, then fix it",
             "unreachable": "check the URL, the network and the credentials in the environment"}
    kinds = {"timeout": "query-timeout", "error": "query-error", "unreachable": "source-unreachable"}

    def take(outcome) -> None:
        """Each outcome as it arrives: its rows are checked while the other queries still run."""
        kpi = framework.kpis[outcome.job.key]
        done[0] += 1
        if outcome.kind != "unreachable":
            result.executed += 1
        if on_progress is not None:
            on_progress(done[0], total, kpi.id)
        if outcome.kind:
            where = f"source '{outcome.job.source}'"
            message = f"{where} is unreachable: {outcome.error}" if outcome.kind == "unreachable" \
                else f"{outcome.error} ({where})" if outcome.kind == "timeout" \
                else f"the query failed in {where}: {outcome.error}"
            result.failures.append(_failure(kpi, kinds[outcome.kind], message, hints[outcome.kind]))
            return
        rows, problem = read_rows(kpi.label, outcome.result.columns, outcome.result.rows, outcome.result.truncated,
                                  MAX_ROWS)
        outcome.result = None  # the rows are kept once, as text
        if problem is not None:
            result.failures.append(_failure(kpi, "query-result", _after_label(problem.message, kpi), problem.hint))
            return
        result.pulled += 1
        result.rows += len(rows)
        source = outcome.job.source
        pulled[kpi.id] = {day: (value, source) for day, value in rows.items()}

    def opener(name: str):
        return open_source(name, urls[name], framework.root, timeout, concurrency)

    try:
        run_jobs(jobs, opener, timeout=timeout, concurrency=concurrency, on_outcome=take)
    except MissingExtra as missing:
        raise PullRefused(str(missing)) from None
    return pulled


def _merge(framework, previous: Rows, pulled: Rows, *, full: bool) -> Rows:
    after = {kpi: dict(days) for kpi, days in previous.items()}
    after.update(pulled)
    if full:
        for kpi_id in list(after):
            kpi = framework.kpis.get(kpi_id)
            if kpi_id in framework.invalid and kpi is None:
                continue  # its document has errors: keep its numbers until it can be read again
            if kpi is None or kpi.query is None:
                del after[kpi_id]
    return after


def _others(inputs: list[Path], own: Path) -> list[Path]:
    """The framework's inputs but ``own``: the pulled file is `pull`'s to rewrite, and
    kpiframe.yaml is edited only to list it (every other input is refused as a target)."""
    mine = own.resolve()
    return [path for path in inputs if path.resolve() != mine]


def _write(path: Path, text: str, result: PullResult, inputs: list[Path]) -> None:
    from kpiframe.fsutil import WriteFailed, write_output

    try:
        if path.read_bytes() == text.encode("utf-8"):
            result.unchanged_file = True
            return
    except OSError:
        pass
    try:
        write_output(path, text, inputs=inputs)
    except WriteFailed as failed:
        result.write_error = str(failed)
        return
    result.wrote = True


def _list_in_config(framework, result: PullResult, inputs: list[Path]) -> None:
    from kpiframe.pull.configedit import CannotEdit, add_entry, listed

    config = framework.config
    if listed(list(config.actuals), result.output):
        return
    entry = result.output
    if result.dry_run:
        result.config_note = f"would add {entry} to `actuals:` in {framework.config_file or 'a new kpiframe.yaml'}"
        return
    if framework.config_file and framework.config_file.endswith("pyproject.toml"):
        result.config_note = (f"add \"{entry}\" to `actuals` under [tool.kpiframe] in {framework.config_file}: "
                              "`check` reads only the files listed there")
        result.config_failed = True
        return
    config_path = framework.root / (framework.config_file or "kpiframe.yaml")
    try:
        text = config_path.read_text(encoding="utf-8") if framework.config_file else ""
        edited = add_entry(text, framework.config_raw, entry)
    except (OSError, UnicodeDecodeError, CannotEdit) as error:
        result.config_note = f"could not edit {config_path.name}: {error}; `check` reads only the files listed there"
        result.config_failed = True
        return
    from kpiframe.fsutil import WriteFailed, write_output

    try:
        write_output(config_path, edited, inputs=inputs)
    except WriteFailed as failed:
        result.config_note = str(failed)
        result.config_failed = True
        return
    result.config_note = f"added {entry} to `actuals:` in {config_path.name}"


__all__ = ["INSTALL_HINT", "PullOptions", "PullRefused", "PullResult", "redact", "run_pull"]
