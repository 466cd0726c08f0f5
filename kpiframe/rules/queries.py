"""KF0 sources and queries: what `kpiframe pull` will run, judged without connecting to anything.

The answers (which source a query uses, its SQL or why it has none, what is wrong with a URL)
come from :mod:`kpiframe.sources`, which `pull` uses too.
"""

from __future__ import annotations

from collections.abc import Iterator

from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import rule
from kpiframe.rules.snippets import NEW_ARR_KPI
from kpiframe.sources import known_sources, source_problems
from kpiframe.suggest import closest

_QUERY = NEW_ARR_KPI + """\
    query:
      source: {source}
      sql: select booked_on, sum(amount) from bookings group by booked_on
"""


@rule(
    code="KF012", slug="unknown-source", severity="error",
    summary="A KPI's `query.source` names no source under `sources:` in kpiframe.yaml.",
    rationale="""
        `kpiframe pull` runs each KPI's query on the source it names. A misspelt name would
        leave the KPI without numbers on every nightly pull; `check` says so before anything runs.
        A query without `source` uses the source named `default` (the embedded DuckDB unless
        `sources:` defines one).
    """,
    fix="Use a name from `sources:` (the hint suggests the closest), add the source, or leave `source` out for the default.",
    config='sources: {warehouse: "duckdb:///warehouse.duckdb"}',
    failing=_QUERY.format(source="warehous"),
    passing=_QUERY.format(source="warehouse"),
)
def unknown_source(ctx: RuleContext) -> Iterator[Problem]:
    raw = ctx.framework.config_raw
    data = raw.data if raw is not None and isinstance(raw.data, dict) else {}
    if "sources" in data and not isinstance(data["sources"], dict):
        return  # `sources:` itself is broken and reported: every name would be a knock-on finding
    known = known_sources(ctx.config)
    for kpi_id, query in ctx.analysis.resolved_queries.items():
        if query.source in known:
            continue
        kpi = ctx.framework.kpis[kpi_id]
        near = closest(query.source, known - {"default"})
        hint = f"did you mean '{near}'?" if near else "add it under `sources:` in kpiframe.yaml, or leave `source` out"
        yield problem(kpi, f"{kpi.label}: `query.source` '{query.source}' is not a source in kpiframe.yaml",
                      path=("query", "source"), hint=hint)


@rule(
    code="KF013", slug="invalid-query", severity="error",
    summary="A KPI's `query.sql` cannot be used: its .sql file is missing, unreadable or empty, or it could be a path or SQL.",
    rationale="""
        `sql` holds the query itself, or the path of a .sql file relative to the framework folder.
        A file that is not there would make every pull fail for that KPI; a value that reads as
        both (a path with spaces, SQL ending in `.sql`) would be guessed either way, so it is
        reported instead.
    """,
    fix="Create the .sql file or fix its path (relative to the folder holding kpiframe.yaml), or write the SQL inline.",
    failing=NEW_ARR_KPI + "    query: {sql: queries/new-arr.sql}\n",
    passing=NEW_ARR_KPI + "    query: {sql: \"select booked_on, sum(amount) from 'bookings.parquet' group by 1\"}\n",
)
def invalid_query(ctx: RuleContext) -> Iterator[Problem]:
    for kpi_id, query in ctx.analysis.resolved_queries.items():
        kpi = ctx.framework.kpis[kpi_id]
        for found in query.problems:
            yield problem(kpi, found.message, path=found.path, hint=found.hint)


@rule(
    code="KF014", slug="invalid-source", severity="error",
    summary="A source under `sources:` is not a usable connection URL (dialect://..., or one ${VARIABLE}).",
    rationale="""
        A source is named by a URL such as `duckdb:///data/metrics.duckdb` or
        `postgresql://kpi:${WAREHOUSE_PASSWORD}@db/metrics`. A URL without its dialect, or a
        `${...}` that is not a variable name, cannot be connected to; `check` says so before the
        nightly pull does. The URL is never shown with its password.
    """,
    fix="Write the URL as dialect[+driver]://user@host/database, with secrets as ${VARIABLE}.",
    config="sources:\n  warehouse: db.internal/metrics\n",
    passing_config="sources:\n  warehouse: postgresql://kpi@db.internal/metrics\n",
    failing=_QUERY.format(source="warehouse"),
    passing=_QUERY.format(source="warehouse"),
)
def invalid_source(ctx: RuleContext) -> Iterator[Problem]:
    yield from _source_findings(ctx, "invalid")


@rule(
    code="KF015", slug="secret-in-config", severity="error",
    summary="A password or token is written in a source URL instead of coming from an environment variable.",
    rationale="""
        kpiframe.yaml is committed and read by everyone with access to the repository. Secrets
        come only from the environment where `kpiframe pull` runs (`${WAREHOUSE_PASSWORD}`), and
        kpiframe never prints, writes or reports one. `pull` refuses a source with a written password.
    """,
    fix="Replace the password with ${NAME} and set NAME where pull runs; then change the password, since it was committed.",
    config="sources:\n  warehouse: postgresql://kpi:hunter2@db.internal/metrics\n",
    passing_config="sources:\n  warehouse: postgresql://kpi:${WAREHOUSE_PASSWORD}@db.internal/metrics\n",
    failing=_QUERY.format(source="warehouse"),
    passing=_QUERY.format(source="warehouse"),
)
def secret_in_config(ctx: RuleContext) -> Iterator[Problem]:
    yield from _source_findings(ctx, "secret")


def _source_findings(ctx: RuleContext, kind: str) -> Iterator[Problem]:
    framework = ctx.framework
    raw = framework.config_raw
    for name, value in ctx.config.sources.items():
        for found in source_problems(name, value):
            if found.kind != kind:
                continue
            line, column = raw.position(("sources", name)) if raw is not None else (0, 0)
            yield problem(None, f"configuration: {found.message}", hint=found.hint,
                          file=framework.config_file or "", line=line, column=column)
