"""Read the actuals CSV files the config names (`actuals: [data/*.csv]`) into findings and rows.

The CSV format itself is read by :mod:`kpiframe.actuals_csv`; this module decides which files
are read and turns its problems into findings like any YAML mistake.

Decisions:

* Globs are relative to the framework root. Every file any glob matches is read once, in
  sorted order of its path, so that findings come in the same order on every machine (two rows
  for one KPI and date that disagree are an error, whichever file comes first). Folders in `exclude:` and hidden folders are skipped, as for YAML files.
* A glob that matches no file is an ``invalid-value`` finding on the config's entry: a typo
  there would otherwise silently leave every KPI without numbers.
* A glob that is absolute, or climbs out with ``..``, is refused (findings need a path
  relative to the root); so is a matched link that leads outside the root.
* Rows for ids that are not KPIs are dropped, with one ``dangling-reference`` finding per
  file and id. Rows for a KPI whose document has errors are dropped without a word: that
  document's own findings say what is wrong, once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from kpiframe.actuals_csv import (
    CSV_HEADER,
    INVALID_VALUE,
    CsvActual,
    CsvProblem,
    actuals_from_bytes,
    read_actuals_csv,
    unknown_kpi_problems,
)
from kpiframe.findings import Finding
from kpiframe.load.document import RawDocument
from kpiframe.load.source import FileSource

# A header mistake is a value of the wrong form, like any other.
_RULE_OF_KIND = {CSV_HEADER: INVALID_VALUE}

ActualsByKpi = dict[str, list[CsvActual]]


def read_actuals_files(source: FileSource, patterns: list[str], exclude: list[str], max_bytes: int,
                       kpi_ids: Mapping[str, object], config_file: str | None,
                       config_raw: RawDocument | None,
                       invalid_kpis: Collection[str] = ()) -> tuple[ActualsByKpi, list[Finding]]:
    """The rows of every CSV file ``patterns`` match, per KPI id, and a finding for every problem."""
    findings: list[Finding] = []
    files: dict[str, Any] = {}
    for index, pattern in enumerate(patterns):
        matched, problem = _glob(source, pattern, exclude)
        if problem:
            findings.append(_config_finding(config_file, config_raw, index, problem))
        files.update(matched)
    rows: list[CsvActual] = []
    for rel in sorted(files):
        if source.is_outside_link(files[rel]):
            findings.append(Finding(rule="unreadable-file", file=rel, hint="copy the file into the framework folder",
                                    message="link to a file outside the framework folder; not followed"))
            continue
        if isinstance(files[rel], Path):
            actuals, problems = read_actuals_csv(files[rel], rel, max_bytes=max_bytes)
        else:  # a file of a git revision, already fetched: the size check is the CSV reader's
            actuals, problems = actuals_from_bytes(source.read(files[rel], _NO_LIMIT), rel, max_bytes=max_bytes)
        rows += actuals
        findings += [_finding(p) for p in problems]
    findings += [_finding(p) for p in unknown_kpi_problems(rows, {*kpi_ids, *invalid_kpis})]
    by_kpi: ActualsByKpi = {}
    for row in rows:
        if row.kpi in kpi_ids:
            by_kpi.setdefault(row.kpi, []).append(row)
    return by_kpi, findings


_NO_LIMIT = 1 << 62


def _glob(source: FileSource, pattern: str, exclude: list[str]) -> tuple[dict[str, Any], str]:
    """The files ``pattern`` matches, by path relative to the root, or why there are none."""
    pure = PurePosixPath(pattern)
    if not pattern.strip() or pure.is_absolute() or ".." in pure.parts:
        return {}, f"actuals glob '{pattern}' must be a path inside the framework folder, relative to it"
    try:
        matched = source.glob(pattern, exclude)
    except ValueError as error:  # e.g. '**' inside a name: pathlib refuses it
        return {}, f"actuals glob '{pattern}' is not a valid glob: {error}"
    if not matched:
        return {}, f"actuals glob '{pattern}' matches no file"
    return matched, ""


def _config_finding(config_file: str | None, raw: RawDocument | None, index: int, message: str) -> Finding:
    line, column = raw.position(("actuals", index)) if raw is not None else (0, 0)
    return Finding(rule="invalid-value", file=config_file or "", line=line, column=column,
                   message=f"configuration: {message}",
                   hint="globs in `actuals:` are relative to the folder holding kpiframe.yaml, e.g. data/*.csv")


def _finding(p: CsvProblem) -> Finding:
    return Finding(rule=_RULE_OF_KIND.get(p.kind, p.kind), file=p.file, line=p.line or 0, column=p.column or 0,
                   message=_fragment(p.message), hint=_fragment(p.hint))


def _fragment(sentence: str) -> str:
    """'The date is empty.' -> 'the date is empty': the CSV reader writes sentences, while every
    other finding reads as a fragment after its rule name."""
    text = sentence.rstrip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if len(text) > 1 and text[0].isupper() and text[1].islower():  # leaves "KPI ..." alone
        text = text[0].lower() + text[1:]
    return text
