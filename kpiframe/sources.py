"""Sources and queries as written: what `check` can judge without connecting, and what `pull` runs.

Shared by the source and query rules (``kpiframe.rules.queries``) and by ``kpiframe pull``.
Plain standard library: `check` must never import a database driver.

Decisions:

* A source is a name under `sources:` and a URL, ``dialect[+driver]://...``, or one whole
  ``${VAR}`` (the entire URL from the environment). Secrets come only from the environment:
  ``${NAME}`` placeholders are replaced when `pull` connects, never by `check`, so a check's
  output does not depend on the environment.
* A password written in a URL (the ``user:password@`` part, or a query parameter whose name
  says password, secret, token or key) is a finding, and never shown: every URL kpiframe prints
  goes through :func:`redact`.
* A query without ``source`` runs on the source named ``default``: the one under `sources:` if
  there is one, else an embedded DuckDB whose relative file paths start at the framework root.
* ``sql`` is a file when it is one word ending in ``.sql`` (``queries/new-arr.sql``), and
  inline SQL otherwise. A value ending in ``.sql`` that also has spaces or several lines could
  be either (``queries/new arr.sql``, ``select 1 -- from x.sql``): that is a finding, not a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

DEFAULT_SOURCE = "default"
EMBEDDED_URL = "duckdb:///:memory:"
MASK = "***"

_PLACEHOLDER = re.compile(r"\$\{([^{}]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SECRET_PARAM = re.compile(r"pass|secret|token|key|credential|pwd", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# URLs: their parts, placeholders, secrets
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UrlParts:
    """Where the secrets of a URL can be: the password, and query parameters named like one."""

    scheme: str
    password: tuple[int, int] | None  # (start, end) of the password in the text
    secret_params: tuple[tuple[int, int], ...]  # (start, end) of each secret parameter's value


def split_url(text: str) -> UrlParts | None:
    """The parts of ``scheme://user:password@host/path?params``, or None without a scheme."""
    match = _SCHEME.match(text)
    if match is None:
        return None
    start = match.end()
    slash = text.find("/", start)
    mark = text.find("?", start)
    netloc_end = min(i for i in (slash, mark, len(text)) if i >= 0)
    netloc = text[start:netloc_end]
    password = None
    at = netloc.rfind("@")
    if at >= 0:
        colon = netloc.find(":", 0, at)
        if colon >= 0:
            password = (start + colon + 1, start + at)
    params: list[tuple[int, int]] = []
    query_start = text.find("?", start)
    if query_start >= 0:
        position = query_start + 1
        for pair in text[query_start + 1:].split("&"):
            name, sep, _ = pair.partition("=")
            if sep and _SECRET_PARAM.search(name):
                params.append((position + len(name) + 1, position + len(pair)))
            position += len(pair) + 1
    return UrlParts(match.group(1).lower(), password, tuple(params))


def redact(text: str) -> str:
    """The URL with its password and secret parameters masked: the only form ever shown."""
    parts = split_url(text)
    if parts is None:
        return MASK if text.strip() else text  # not a URL: it could be anything, show nothing of it
    spans = ([parts.password] if parts.password else []) + list(parts.secret_params)
    for start, end in sorted(spans, reverse=True):
        if end > start:
            text = text[:start] + MASK + text[end:]
    return text


@dataclass(frozen=True)
class SourceProblem:
    kind: str  # "invalid" (invalid-source) or "secret" (secret-in-config)
    message: str
    hint: str


def source_problems(name: Any, value: Any) -> list[SourceProblem]:
    """What is wrong with one `sources:` entry as written (nothing from the environment)."""
    problems: list[SourceProblem] = []
    if not isinstance(name, str) or not _SOURCE_NAME.fullmatch(name):
        problems.append(SourceProblem(
            "invalid", f"source name {str(name)!r} is not a lowercase id",
            "name sources like ids: letters, digits, '.', '_' or '-', e.g. warehouse"))
    if not isinstance(value, str) or not value.strip():
        problems.append(SourceProblem(
            "invalid", f"source '{name}' must be a connection URL, got {'nothing' if value is None else 'no text'}",
            "write a URL such as duckdb:///data/metrics.duckdb or postgresql://kpi:${WAREHOUSE_PASSWORD}@db/metrics"))
        return problems
    for placeholder in _PLACEHOLDER.finditer(value):
        if not _ENV_NAME.fullmatch(placeholder.group(1)):
            problems.append(SourceProblem(
                "invalid", f"source '{name}': `{placeholder.group(0)}` is not an environment variable name",
                "write ${NAME} with letters, digits and '_', e.g. ${WAREHOUSE_PASSWORD}"))
    if "${" in _PLACEHOLDER.sub("", value):
        problems.append(SourceProblem(
            "invalid", f"source '{name}': a `${{` is not closed by `}}`",
            "write environment variables as ${NAME}"))
    whole_variable = _PLACEHOLDER.fullmatch(value.strip()) is not None
    parts = split_url(value.strip())
    if parts is None and not whole_variable:
        problems.append(SourceProblem(
            "invalid", f"source '{name}' is not a URL of the form dialect://... (got {redact(value)})",
            "e.g. duckdb:///data/metrics.duckdb, sqlite:///data/metrics.db, postgresql://user@host/db"))
    if parts is not None:
        text = value.strip()
        spans = ([("the password", parts.password)] if parts.password else []) + \
            [("a secret parameter", span) for span in parts.secret_params]
        for what, (start, end) in spans:
            if end > start and not _PLACEHOLDER.fullmatch(text[start:end]):
                problems.append(SourceProblem(
                    "secret", f"source '{name}': {what} is written in the URL ({redact(text)})",
                    "take it from the environment: write ${WAREHOUSE_PASSWORD} in its place and set that "
                    "variable where `kpiframe pull` runs; then change the password, since this one was committed"))
    return problems


class MissingVariable(Exception):
    """A ``${NAME}`` whose environment variable is not set (the message names it, no value)."""


@dataclass
class ResolvedUrl:
    """A source's URL with its placeholders filled in, and every secret it holds."""

    url: str
    secrets: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return scrub(redact(self.url), self.secrets)


def substitute(template: str, environ: Mapping[str, str]) -> ResolvedUrl:
    """Fill in ``${NAME}`` from ``environ``.

    A whole-URL variable is used as it is. A value placed in the ``user:password@`` part or the
    query string is percent-encoded, so a password with ``@`` or ``/`` cannot break the URL.
    """
    template = template.strip()
    whole = _PLACEHOLDER.fullmatch(template)
    if whole:
        url = _lookup(whole.group(1), environ)
        resolved = ResolvedUrl(url)
    else:
        parts = split_url(template)
        userinfo_end = _userinfo_end(template)
        query_start = template.find("?")
        pieces: list[str] = []
        secrets: list[str] = []
        last = 0
        for placeholder in _PLACEHOLDER.finditer(template):
            value = _lookup(placeholder.group(1), environ)
            encode = (placeholder.start() < userinfo_end) or (0 <= query_start < placeholder.start())
            pieces += [template[last:placeholder.start()], quote(value, safe="") if encode else value]
            last = placeholder.end()
            secret_spans = ([parts.password] if parts and parts.password else []) + \
                list(parts.secret_params if parts else ())
            if any(start <= placeholder.start() < end for start, end in secret_spans):
                secrets.append(value)
        pieces.append(template[last:])
        resolved = ResolvedUrl("".join(pieces), secrets)
    parts = split_url(resolved.url)
    if parts is not None:
        for start, end in ([parts.password] if parts.password else []) + list(parts.secret_params):
            if end > start:
                resolved.secrets.append(resolved.url[start:end])
    # the decoded and encoded forms both count: a driver may show either
    resolved.secrets = sorted({form for s in resolved.secrets if s
                               for form in (s, unquote(s), quote(s, safe=""))}, key=len, reverse=True)
    return resolved


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret masked: what a driver's error message may hold."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def _lookup(name: str, environ: Mapping[str, str]) -> str:
    value = environ.get(name)
    if value is None:
        raise MissingVariable(f"the environment variable {name} is not set")
    return value


def _userinfo_end(template: str) -> int:
    match = _SCHEME.match(template)
    if match is None:
        return 0
    start = match.end()
    ends = [i for i in (template.find("/", start), template.find("?", start)) if i >= 0]
    netloc_end = min(ends) if ends else len(template)
    at = template.rfind("@", start, netloc_end)
    return at if at >= 0 else 0


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueryProblem:
    path: tuple
    message: str
    hint: str


@dataclass(frozen=True)
class ResolvedQuery:
    """A KPI's query as `pull` would run it: its source name, and its SQL or why it has none."""

    kpi: str
    source: str  # the name under `sources:`, or "default"
    sql: str | None  # None when the SQL cannot be had (see problems)
    sql_file: str | None  # the .sql file's path relative to the root, when sql names one
    problems: tuple[QueryProblem, ...] = ()


def is_file_reference(sql: str) -> bool:
    text = sql.strip()
    return text.lower().endswith(".sql") and not any(c.isspace() for c in text)


def resolve_query(kpi: Any, root: Path, max_bytes: int) -> ResolvedQuery | None:
    """``kpi.query`` resolved against the framework root (None when the KPI has no query)."""
    query = kpi.query
    if query is None:
        return None
    source = query.source or DEFAULT_SOURCE
    text = query.sql.strip()
    if not text:
        return ResolvedQuery(kpi.id, source, None, None, (QueryProblem(
            ("query", "sql"), f"{kpi.label}: `query.sql` is empty",
            "write the SQL, or the path of a .sql file relative to the framework folder"),))
    if not text.lower().endswith(".sql"):
        return ResolvedQuery(kpi.id, source, query.sql, None)
    if not is_file_reference(text):
        return ResolvedQuery(kpi.id, source, None, None, (QueryProblem(
            ("query", "sql"), f"{kpi.label}: `query.sql` ends in '.sql' like a file path but has spaces or "
                              "several lines like inline SQL: it could be either",
            "a path to a .sql file is one word (rename a file with spaces); inline SQL must not end in '.sql'"),))
    sql, problem = _read_sql_file(kpi.label, text, root, max_bytes)
    if problem is not None:
        return ResolvedQuery(kpi.id, source, None, text, (problem,))
    return ResolvedQuery(kpi.id, source, sql, text)


def _read_sql_file(label: str, rel: str, root: Path, max_bytes: int) -> tuple[str, QueryProblem | None]:
    """The file's SQL, or why it cannot be read. ``rel`` is relative to the framework root."""
    where = ("query", "sql")
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts:
        return "", QueryProblem(where, f"{label}: `query.sql` file '{rel}' must be inside the framework folder",
                                "give the path relative to the folder holding kpiframe.yaml, e.g. queries/new-arr.sql")
    path = root / rel
    try:
        real_root = root.resolve()
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "", QueryProblem(where, f"{label}: `query.sql` file '{rel}' does not exist",
                                "create the file, or fix the path (relative to the folder holding kpiframe.yaml)")
    if real_root not in target.parents:
        return "", QueryProblem(where, f"{label}: `query.sql` file '{rel}' leads outside the framework folder; "
                                       "not followed", "copy the file into the framework folder")
    if not target.is_file():
        return "", QueryProblem(where, f"{label}: `query.sql` '{rel}' is not a file", "name a .sql file")
    try:
        if target.stat().st_size > max_bytes:
            return "", QueryProblem(where, f"{label}: `query.sql` file '{rel}' is over {max_bytes:,} bytes",
                                    "a KPI's query is a few lines; raise limits.max_file_bytes if it is real")
        text = target.read_bytes().decode("utf-8-sig")
    except OSError as error:
        return "", QueryProblem(where, f"{label}: cannot read `query.sql` file '{rel}': {error.strerror}",
                                "make the file readable")
    except UnicodeDecodeError:
        return "", QueryProblem(where, f"{label}: `query.sql` file '{rel}' is not UTF-8 text",
                                "save the file as UTF-8")
    if not text.strip():
        return "", QueryProblem(where, f"{label}: `query.sql` file '{rel}' is empty",
                                "write the query returning (date, value) rows into the file")
    return text, None


def resolved_queries(framework: Any) -> dict[str, ResolvedQuery]:
    """Every KPI's resolved query, by KPI id (KPIs without a query are left out)."""
    max_bytes = framework.config.limits.max_file_bytes
    found = {}
    for kpi in framework.kpis.values():
        resolved = resolve_query(kpi, framework.root, max_bytes)
        if resolved is not None:
            found[kpi.id] = resolved
    return found


def known_sources(config: Any) -> set[str]:
    """The source names a query may use: those under `sources:`, and always "default"."""
    return {str(name) for name in config.sources} | {DEFAULT_SOURCE}
