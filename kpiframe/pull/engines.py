"""Connections to sources: DuckDB through its own Python API, everything else through SQLAlchemy.

Every database library is imported here, when `pull` opens a source, never by `check`.

Decisions:

* One source, one database connection (DuckDB) or one connection pool (SQLAlchemy), shared
  by the worker threads of that source: each worker gets its own cursor (DuckDB) or pooled
  connection, so queries run side by side without reconnecting.
* DuckDB is used directly, not through duckdb-engine: SQLAlchemy's layer costs time per query
  and hides ``interrupt()``. A database file is opened read-only (`pull` never writes to a
  warehouse, and a missing file is an error rather than a new empty database). Relative file
  paths in queries (`from 'exports/sales.parquet'`) start at the framework root
  (``file_search_path``), and so does a relative database path in the URL.
* Timeouts cancel the query in the database: DuckDB ``interrupt()``; PostgreSQL also gets a
  server-side ``statement_timeout``; any other driver's ``cancel()`` or ``interrupt()`` when it
  has one (psycopg, sqlite3 do).
* Sessions are read-only where the database allows it (PostgreSQL
  ``default_transaction_read_only``, SQLite ``query_only``), so a query cannot change data.
* ``postgresql://`` without a driver means psycopg (version 3), which the `sql` extra installs;
  SQLAlchemy alone would look for psycopg2.
* SQL is sent to the driver as written (no SQLAlchemy ``text()``), so ``:name`` and ``%`` in a
  query mean what they mean to the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from kpiframe.sources import ResolvedUrl, scrub

MAX_ROWS = 100_000  # a KPI's history; more is a query that forgot to aggregate
FETCH_BATCH = 10_000

# What to install for the SQLAlchemy dialects organizations use most (`pip install ...`).
DIALECT_PACKAGES = {
    "snowflake": "snowflake-sqlalchemy", "bigquery": "sqlalchemy-bigquery",
    "databricks": "databricks-sqlalchemy", "trino": "'trino[sqlalchemy]'", "redshift": "sqlalchemy-redshift",
    "mysql": "pymysql (and write mysql+pymysql://)", "mssql": "pyodbc", "oracle": "oracledb",
    "clickhouse": "clickhouse-sqlalchemy",
}


class MissingExtra(Exception):
    """The `sql` extra is not installed: `pull` says exactly what to install."""


class SourceUnavailable(Exception):
    """A source cannot be connected to; the message is safe to show (secrets masked)."""


class QueryFailed(Exception):
    """A query failed in the database; ``timed_out`` when kpiframe's timeout stopped it."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


@dataclass
class Result:
    columns: int
    rows: list[tuple]
    truncated: bool  # more than MAX_ROWS rows


def need(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise MissingExtra("`kpiframe pull` needs the sql extra, which is not installed: "
                           "pip install 'kpiframe[sql]'") from None


class Session:
    """One worker's cursor or connection: run one query at a time, and cancel it from another thread."""

    def __init__(self, execute: Callable[[str], Result], cancel: Callable[[], None] | None,
                 close: Callable[[], None]) -> None:
        self._execute, self._cancel, self._close = execute, cancel, close
        self._lock = threading.Lock()
        self.cancelled = False
        self.busy = False

    def run(self, sql: str) -> Result:
        with self._lock:
            self.cancelled = False
            self.busy = True
        try:
            return self._execute(sql)
        finally:
            self.busy = False

    def cancel(self) -> bool:
        """Ask the database to stop the running query; False when this driver cannot."""
        with self._lock:
            self.cancelled = True
        if self._cancel is None:
            return False
        try:
            self._cancel()
        except Exception:  # noqa: BLE001 - a cancel that fails leaves the timeout to the caller
            return False
        return True

    def close(self) -> None:
        try:
            self._close()
        except Exception:  # noqa: BLE001 - closing after a failure must not hide the failure
            pass


class Source:
    """An open source: hands out sessions to worker threads."""

    def __init__(self, name: str, url: ResolvedUrl, root: Path, timeout: float, concurrency: int) -> None:
        self.name, self.url, self.root = name, url, root
        self.timeout, self.concurrency = timeout, concurrency
        self.scheme = url.url.split(":", 1)[0].split("+", 1)[0].lower()

    def open(self) -> None:
        raise NotImplementedError

    def session(self) -> Session:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def safe(self, error: BaseException | str) -> str:
        """An error message with every secret of this source masked, on one line."""
        text = str(error).strip() or type(error).__name__
        return " ".join(scrub(text, self.url.secrets).split())


def open_source(name: str, url: ResolvedUrl, root: Path, timeout: float, concurrency: int) -> Source:
    """Connect (raises SourceUnavailable, MissingExtra)."""
    scheme = url.url.split(":", 1)[0].lower()
    source: Source = DuckDBSource(name, url, root, timeout, concurrency) if scheme == "duckdb" else \
        SQLAlchemySource(name, url, root, timeout, concurrency)
    try:
        source.open()
    except (MissingExtra, SourceUnavailable):
        raise
    except Exception as error:  # noqa: BLE001 - a library's surprise, said without its secrets
        raise SourceUnavailable(f"{type(error).__name__}: {source.safe(error)}") from None
    return source


# --------------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------------

class DuckDBSource(Source):
    def open(self) -> None:
        duckdb = need("duckdb")
        rest = self.url.url.split("://", 1)[1]
        path_text, _, query = rest.partition("?")
        database = unquote(path_text[1:] if path_text.startswith("/") else path_text)  # duckdb:///x -> x
        config = dict(parse_qsl(query))
        memory = database in ("", ":memory:") or database.startswith(":memory:")
        if not memory:
            path = Path(database)
            path = path if path.is_absolute() else self.root / path
            if not path.is_file():
                raise SourceUnavailable(f"the DuckDB database {self.safe(str(path))} does not exist")
            database = str(path)
        try:
            self.connection = duckdb.connect(database, read_only=not memory, config=config)
        except Exception as error:  # noqa: BLE001 - every driver error is the source's problem
            raise SourceUnavailable(self.safe(error)) from None
        self.search_path = str(self.root).replace("'", "''")

    def session(self) -> Session:
        cursor = self.connection.cursor()
        cursor.execute(f"SET file_search_path = '{self.search_path}'")

        def execute(sql: str) -> Result:
            try:
                relation = cursor.execute(sql)
                columns = len(cursor.description or ())
                rows = relation.fetchmany(MAX_ROWS + 1)
            except Exception as error:  # noqa: BLE001
                raise QueryFailed(self.safe(error)) from None
            return Result(columns, rows[:MAX_ROWS], len(rows) > MAX_ROWS)

        return Session(execute, cursor.interrupt, cursor.close)

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001
            pass


# --------------------------------------------------------------------------------------------
# Any SQLAlchemy dialect
# --------------------------------------------------------------------------------------------

class SQLAlchemySource(Source):
    def open(self) -> None:
        need("sqlalchemy")
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            url = make_url(self.url.url)
        except ArgumentError:
            raise SourceUnavailable(f"{self.url.shown} is not a URL SQLAlchemy can read") from None
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
                and not url.database.startswith("file:") and not Path(url.database).is_absolute():
            url = url.set(database=str(self.root / url.database))
        if url.get_backend_name() == "sqlite" and url.database and not url.database.startswith("file:") \
                and url.database != ":memory:" and not Path(url.database).is_file():
            raise SourceUnavailable(f"the SQLite database {self.safe(url.database)} does not exist")
        connect_args: dict[str, Any] = {}
        self.backend = url.get_backend_name()
        if self.backend == "postgresql" and url.get_driver_name() in ("psycopg", "psycopg2"):
            connect_args["connect_timeout"] = max(1, int(min(self.timeout, 30)))
        if self.backend == "sqlite":
            connect_args["check_same_thread"] = False  # each connection stays in one worker; cancel comes from another
        try:
            self.engine = create_engine(url, pool_size=self.concurrency, max_overflow=0, connect_args=connect_args,
                                        pool_pre_ping=False)
        except NoSuchModuleError:
            package = DIALECT_PACKAGES.get(self.backend)
            raise SourceUnavailable(f"no SQLAlchemy dialect for '{url.drivername}' is installed"
                                    + (f": pip install {package}" if package else "")) from None
        except ImportError as error:
            raise SourceUnavailable(f"the database driver for '{url.drivername}' is not installed "
                                    f"({self.safe(error)})") from None
        except Exception as error:  # noqa: BLE001
            raise SourceUnavailable(self.safe(error)) from None
        # Connect once now: an unreachable source fails once, not once per query.
        self._first = self._connect()

    def _connect(self) -> Any:
        try:
            proxy = self.engine.raw_connection()
        except Exception as error:  # noqa: BLE001
            raise SourceUnavailable(self.safe(getattr(error, "orig", None) or error)) from None
        driver = proxy.driver_connection
        cursor = proxy.cursor()
        try:
            if self.backend == "postgresql":
                cursor.execute(f"SET statement_timeout = {int(self.timeout * 1000)}")
                cursor.execute("SET default_transaction_read_only = on")
            elif self.backend == "sqlite":
                cursor.execute("PRAGMA query_only = ON")
            proxy.commit()
        except Exception as error:  # noqa: BLE001
            proxy.close()
            raise SourceUnavailable(self.safe(getattr(error, "orig", None) or error)) from None
        finally:
            cursor.close()
        return proxy, driver

    def session(self) -> Session:
        if self._first is not None:
            (proxy, driver), self._first = self._first, None
        else:
            proxy, driver = self._connect()
        cancel = getattr(driver, "cancel_safe", None) or getattr(driver, "cancel", None) \
            or getattr(driver, "interrupt", None)

        def execute(sql: str) -> Result:
            cursor = proxy.cursor()
            try:
                cursor.execute(sql)
                columns = len(cursor.description or ())
                rows: list[tuple] = []
                while columns and len(rows) <= MAX_ROWS:
                    batch = cursor.fetchmany(FETCH_BATCH)
                    if not batch:
                        break
                    rows.extend(tuple(row) for row in batch)
            except Exception as error:  # noqa: BLE001
                message = self.safe(getattr(error, "orig", None) or error)
                timed_out = "statement timeout" in message
                raise QueryFailed(message, timed_out=timed_out) from None
            finally:
                try:
                    cursor.close()
                    proxy.rollback()  # end the (read-only) transaction the query opened
                except Exception:  # noqa: BLE001 - a broken connection shows in the next query
                    pass
            return Result(columns, rows[:MAX_ROWS], len(rows) > MAX_ROWS)

        return Session(execute, cancel, proxy.close)

    def close(self) -> None:
        try:
            self.engine.dispose()
        except Exception:  # noqa: BLE001
            pass
