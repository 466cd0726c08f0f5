"""`kpiframe pull` against real engines: DuckDB in-process (Parquet and CSV files made here) and SQLite.

PostgreSQL is in test_pull_postgres.py. Marked `sql`: `pytest -m "not sql"` leaves them out.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app

duckdb = pytest.importorskip("duckdb", reason="the sql extra is not installed: pip install 'kpiframe[sql]'")
pytestmark = pytest.mark.sql

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"


def kpi(kpi_id: str, query: str, department: str = "sales") -> str:
    return textwrap.dedent(f"""\
        ---
        kind: KPI
        id: {kpi_id}
        name: {kpi_id}
        department: {department}
        owner: Dana
        unit: USD
        direction: increase
        supports: [grow]
        """) + textwrap.dedent(query)


def make(root: Path, kpis: list[str], config: str = "organization: Test Co  # keep this comment\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "kpiframe.yaml").write_text(config)
    (root / "kpis.yaml").write_text(GOAL + "".join(kpis))
    return root


def pull(root: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(app, ["pull", str(root), *args], env={"NO_COLOR": "1", **(env or {})})


def query_line(root: Path, kpi_id: str) -> int:
    lines = (root / "kpis.yaml").read_text().splitlines()
    start = lines.index(f"id: {kpi_id}")
    return next(i for i in range(start, len(lines)) if lines[i].startswith("query:")) + 1


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A framework folder with a Parquet and a CSV export, written by DuckDB."""
    root = tmp_path / "fw"
    (root / "exports").mkdir(parents=True)
    con = duckdb.connect()
    con.execute("copy (select date '2026-01-31' + to_months(i)::interval - interval 0 day as day, 1000 + 250 * i as amount "
                "from range(3) t(i)) to '" + str(root / "exports" / "sales.parquet") + "' (format parquet)")
    con.execute("copy (select * from (values (date '2026-03-31', 7.5), (date '2026-06-30', 7.25)) t(day, churn)) "
                "to '" + str(root / "exports" / "churn.csv") + "' (header)")
    con.close()
    return root


SALES = "query:\n  sql: select cast(day as date), amount from 'exports/sales.parquet' order by 1\n"


def test_a_query_per_kpi_from_parquet_and_csv_then_check_reads_them(exports: Path):
    (exports / "queries").mkdir()
    (exports / "queries" / "churn.sql").write_text("-- churn per quarter\nselect day, churn from read_csv('exports/churn.csv')\n")
    root = make(exports, [kpi("new-arr", SALES),
                          kpi("churn", "query: {sql: queries/churn.sql}\ntarget: {value: 5, date: 2026-12-31}\n"
                                       "baseline: {value: 8, date: 2026-01-01}\nreview: quarterly\n")])
    result = pull(root)
    assert result.exit_code == 0, result.output
    assert (root / "data" / "actuals-pulled.csv").read_text() == (
        "kpi,date,value,pulled_from\n"
        "churn,2026-03-31,7.5,default\nchurn,2026-06-30,7.25,default\n"
        "new-arr,2026-01-31,1000,default\nnew-arr,2026-02-28,1250,default\nnew-arr,2026-03-31,1500,default\n")
    assert (root / "kpiframe.yaml").read_text() == (
        "organization: Test Co  # keep this comment\nactuals: [data/actuals-pulled.csv]  # added by kpiframe pull\n")
    assert "Pulled 2 of 2 KPIs from 1 source: 0 failures; 5 rows (5 added, 0 changed, 0 removed). " \
           "Wrote data/actuals-pulled.csv." in result.output
    status = CliRunner().invoke(app, ["status", str(root), "--today", "2026-07-01", "--format", "json"])
    assert '"latest": {\n        "value": 7.25' in status.output or '"value": 7.25' in status.output


def test_re_runs_change_nothing_byte_for_byte(exports: Path):
    root = make(exports, [kpi("new-arr", SALES)], config="actuals: [data/*.csv]\n")
    assert pull(root).exit_code == 0
    written = root / "data" / "actuals-pulled.csv"
    before, stamp = written.read_bytes(), written.stat().st_mtime_ns
    again = pull(root)
    assert again.exit_code == 0 and "data/actuals-pulled.csv unchanged." in again.output
    assert written.read_bytes() == before and written.stat().st_mtime_ns == stamp
    assert (root / "kpiframe.yaml").read_text() == "actuals: [data/*.csv]\n"  # already listed by the glob


def test_a_shared_named_source_is_opened_read_only(tmp_path: Path):
    root = tmp_path / "fw"
    root.mkdir()
    database = root / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create table daily as select date '2026-01-01' + i::int as day, i % 3 as region, i * 1.0 as v "
                "from range(90) t(i)")
    con.close()
    before = database.read_bytes()
    queries = [kpi(f"k{n}", f"query:\n  source: warehouse\n  sql: select date_trunc('month', day), sum(v) from daily "
                            f"where region = {n} group by 1\n") for n in range(3)]
    make(root, queries, config="sources:\n  warehouse: duckdb:///warehouse.duckdb\n")
    result = pull(root)
    assert result.exit_code == 0, result.output
    rows = (root / "data" / "actuals-pulled.csv").read_text().splitlines()
    assert rows[1:4] == ["k0,2026-01-01,165,warehouse", "k0,2026-02-01,405,warehouse", "k0,2026-03-01,735,warehouse"]
    assert len(rows) == 1 + 9
    assert database.read_bytes() == before


FAILING = {
    "sql-error": ("select day, amount from no_such_table", "query-error", "the query failed in source 'default': "
                  "Catalog Error: Table with name no_such_table does not exist!"),
    "three-columns": ("select date '2026-01-31', 1, 2", "query-result", "the query returns 3 columns"),
    "text-value": ("select date '2026-01-31', 'twelve'", "query-result", "the value of 2026-01-31 (row 1) is 'twelve', not a number"),
    "null-date": ("select null::date, 1", "query-result", "row 1 has no date (NULL)"),
    "bad-date": ("select '31/01/2026', 1", "query-result", "row 1: the first column must be a date, got '31/01/2026'"),
    "time-of-day": ("select timestamp '2026-01-31 12:30:00', 1", "query-result", "row 1 has a time of day"),
    "twice": ("select * from (values (date '2026-01-31', 1), (date '2026-01-31', 2))", "query-result",
              "the query returns two rows for 2026-01-31 (1 and 2)"),
    "null-value": ("select date '2026-01-31', null::double", "query-result", "the value of 2026-01-31 (row 1) is NULL"),
    "nan": ("select date '2026-01-31', 'nan'::double", "query-result", "is nan, not a finite number"),
}


def test_each_failure_is_a_finding_at_the_query_line_and_the_others_still_run(exports: Path):
    queries = [kpi(name, f'query: {{sql: "{sql}"}}\n') for name, (sql, _, _) in FAILING.items()]
    root = make(exports, [kpi("new-arr", SALES), *queries])
    result = pull(root)
    assert result.exit_code == 1, result.output
    for name, (_, kind, message) in FAILING.items():
        line = query_line(root, name)
        shown = [row for row in result.output.splitlines() if row.lstrip().startswith(f"{line}:1 ")]
        assert len(shown) == 1, (name, result.output)
        assert kind in shown[0] and f"KPI '{name}': " in shown[0] and message in shown[0], shown[0]
    assert f"Pulled 1 of {len(FAILING) + 1} KPIs from 1 source: {len(FAILING)} failures" in result.output
    assert (root / "data" / "actuals-pulled.csv").read_text().count("new-arr,") == 3


def test_a_failed_query_keeps_its_previous_rows_and_changed_numbers_are_reported(exports: Path):
    root = make(exports, [kpi("new-arr", SALES)])
    assert pull(root).exit_code == 0
    con = duckdb.connect()
    con.execute("copy (select * from (values (date '2026-01-31', 1000), (date '2026-02-28', 1300), "
                "(date '2026-04-30', 1800)) t(day, amount)) to '" + str(exports / "exports" / "sales.parquet")
                + "' (format parquet)")
    con.close()
    dry = pull(root, "--dry-run")
    assert dry.exit_code == 0
    assert "new-arr  2026-02-28  1250 -> 1300" in dry.output
    assert "new-arr  1 added, 1 changed, 1 removed" in dry.output
    assert "2026-02-28,1250," in (root / "data" / "actuals-pulled.csv").read_text()  # nothing written
    real = pull(root)
    assert real.exit_code == 0 and "new-arr  2026-02-28  1250 -> 1300" in real.output
    assert "new-arr,2026-02-28,1300,default" in (root / "data" / "actuals-pulled.csv").read_text()
    (exports / "exports" / "sales.parquet").unlink()
    failed = pull(root)
    assert failed.exit_code == 1 and "query-error" in failed.output
    assert "new-arr,2026-04-30,1800,default" in (root / "data" / "actuals-pulled.csv").read_text()


def test_a_timeout_stops_the_query_in_duckdb(exports: Path):
    root = make(exports, [kpi("new-arr", SALES),
                          kpi("forever", 'query: {sql: "select date \'2026-01-01\', sum(a.range) from range(10000000000000) a"}\n')])
    result = pull(root, "--timeout", "0.5")
    assert result.exit_code == 1, result.output
    line = query_line(root, "forever")
    assert f"{line}:1  error    query-timeout  KPI 'forever': timed out after 0.5 s (source 'default')" in result.output
    assert "new-arr,2026-01-31" in (root / "data" / "actuals-pulled.csv").read_text()


def test_hand_entered_actuals_are_never_overwritten(exports: Path):
    root = make(exports, [kpi("new-arr", SALES)], config="actuals: [data/hand.csv]\npull: {output: data/hand.csv}\n")
    (root / "data").mkdir()
    (root / "data" / "hand.csv").write_text("kpi,date,value\nnew-arr,2026-01-31,999\n")
    result = pull(root)
    assert result.exit_code == 2
    assert "data/hand.csv exists and was not written by `kpiframe pull`" in result.output
    assert (root / "data" / "hand.csv").read_text() == "kpi,date,value\nnew-arr,2026-01-31,999\n"


def test_nothing_could_run_exits_2_and_writes_nothing(tmp_path: Path):
    root = make(tmp_path / "fw", [kpi("a", "query: {source: warehouse, sql: select 1}\n"),
                                  kpi("b", "query: {source: vault, sql: select 1}\n")],
                config="sources:\n  warehouse: duckdb:///missing.duckdb\n  vault: postgresql://kpi:${NO_SUCH_VARIABLE}@h/db\n")
    result = pull(root, env={"NO_SUCH_VARIABLE": None})
    assert result.exit_code == 2, result.output
    assert "source-unreachable  KPI 'a': source 'warehouse' is unreachable: the DuckDB database" in result.output
    assert "source-unusable  KPI 'b': source 'vault' (kpiframe.yaml:3): the environment variable NO_SUCH_VARIABLE " \
           "is not set" in result.output
    assert "Nothing could run; nothing written." in result.output
    assert not (root / "data").exists()
    assert (root / "kpiframe.yaml").read_text().count("actuals") == 0


def test_a_written_password_stops_that_source_without_showing_it(tmp_path: Path):
    root = make(tmp_path / "fw", [kpi("a", "query: {source: warehouse, sql: select 1}\n")],
                config="sources:\n  warehouse: postgresql://kpi:hunter2@127.0.0.1:1/db\n")
    result = pull(root)
    assert result.exit_code == 2
    assert "hunter2" not in result.output
    assert "source 'warehouse' cannot be used (kpiframe.yaml:2): the password is written in the URL " \
           "(postgresql://kpi:***@127.0.0.1:1/db)" in result.output


def test_selection_by_kpi_and_department_and_wrong_requests(exports: Path):
    root = make(exports, [kpi("new-arr", SALES), kpi("ops", SALES, department="operations"), kpi("plain", "")])
    only = pull(root, "--kpi", "ops")
    assert only.exit_code == 0 and "Pulled 1 of 1 KPI" in only.output
    assert {row.split(",")[0] for row in (root / "data" / "actuals-pulled.csv").read_text().splitlines()[1:]} == {"ops"}
    sales = pull(root, "--department", "sales")
    assert sales.exit_code == 0 and "Pulled 1 of 1 KPI" in sales.output
    assert pull(root, "--kpi", "new-ar").output.strip().endswith("no KPI 'new-ar'; did you mean 'new-arr'?")
    assert pull(root, "--kpi", "plain").exit_code == 2
    assert pull(root, "--department", "finance").exit_code == 2


def test_a_framework_without_queries_has_nothing_to_pull(tmp_path: Path):
    root = make(tmp_path / "fw", [kpi("a", "")])
    result = pull(root)
    assert result.exit_code == 2 and "nothing to pull: no KPI has a `query:`" in result.output


def test_sqlite_through_sqlalchemy_with_text_dates_and_a_timeout(tmp_path: Path):
    pytest.importorskip("sqlalchemy")
    root = tmp_path / "fw"
    root.mkdir()
    with sqlite3.connect(root / "metrics.db") as con:
        con.execute("create table signups (day text, n integer)")
        con.executemany("insert into signups values (?, ?)", [("2026-01-31", 10), ("2026-02-28", 12)])
    forever = "with recursive r(i) as (select 1 union all select i + 1 from r) select '2026-01-01', count(*) from r"
    make(root, [kpi("signups", "query: {source: lite, sql: 'select day, n from signups'}\n"),
                kpi("forever", f'query: {{source: lite, sql: "{forever}"}}\n'),
                kpi("typo", "query: {source: lite, sql: 'select day, n from signup'}\n")],
         config="sources: {lite: 'sqlite:///metrics.db'}\n")
    result = pull(root, "--timeout", "0.5")
    assert result.exit_code == 1, result.output
    assert "query-timeout  KPI 'forever': timed out after 0.5 s (source 'lite')" in result.output
    assert "query-error  KPI 'typo': the query failed in source 'lite': no such table: signup" in result.output
    assert "signups,2026-02-28,12,lite" in (root / "data" / "actuals-pulled.csv").read_text()


def test_without_the_extra_pull_says_what_to_install(exports: Path):
    root = make(exports, [kpi("new-arr", SALES)])
    blocked = ("import sys; sys.modules['duckdb'] = None; sys.modules['sqlalchemy'] = None; "
               "sys.argv = ['kpiframe', 'pull', sys.argv[1]]; from kpiframe.cli import main; main()")
    run = subprocess.run([sys.executable, "-c", blocked, str(root)], capture_output=True, text=True,
                         env={**os.environ, "NO_COLOR": "1"})
    assert run.returncode == 2
    assert run.stderr.strip() == "kpiframe: error: `kpiframe pull` needs the sql extra, which is not installed: " \
                                 "pip install 'kpiframe[sql]'"


def test_check_never_imports_a_database_library(exports: Path):
    root = make(exports, [kpi("new-arr", SALES)], config="sources: {w: 'postgresql://kpi@h/db'}\n")
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "kpiframe", "check", str(root), "--format", "json"],
                         capture_output=True, text=True)
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines() if line.startswith("import time:")}
    assert "pydantic" in loaded
    assert not loaded & {"duckdb", "sqlalchemy", "psycopg", "sqlite3", "kpiframe"} - {"kpiframe"}
    assert not any(name.startswith("kpiframe.pull") for name in out.stderr.split())


def test_the_worked_example_pulls_exactly_the_committed_file(tmp_path: Path):
    import shutil

    from tests.conftest import EXAMPLES

    example = tmp_path / "acme-warehouse"
    shutil.copytree(EXAMPLES / "acme-warehouse", example, ignore=shutil.ignore_patterns("warehouse"))
    committed = (example / "data" / "actuals-pulled.csv").read_bytes()
    subprocess.run([sys.executable, str(example / "make_data.py")], check=True, capture_output=True)
    result = pull(example)
    assert result.exit_code == 0, result.output
    assert "data/actuals-pulled.csv unchanged." in result.output
    assert (example / "data" / "actuals-pulled.csv").read_bytes() == committed
    check = CliRunner().invoke(app, ["check", str(example)])
    assert check.exit_code == 0 and "0 errors, 0 warnings" in check.output


def test_a_kpi_whose_document_is_broken_keeps_its_rows(exports: Path):
    root = make(exports, [kpi("new-arr", SALES), kpi("ops", SALES)])
    assert pull(root).exit_code == 0
    (root / "kpis.yaml").write_text((root / "kpis.yaml").read_text().replace("id: ops\n", "id: ops\ntagret: 1\n"))
    result = pull(root)
    assert result.exit_code == 0 and "The framework has 1 error" in result.output
    assert "ops,2026-03-31,1500,default" in (root / "data" / "actuals-pulled.csv").read_text()
