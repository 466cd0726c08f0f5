"""`kpiframe pull` from a real PostgreSQL server that these tests start and stop (tests/pgserver.py).

Skipped, with the reason, only when no server can be started (`.ci/run` installs one).
Every test also checks that the password appears in no output and no file the run wrote.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests import pgserver

pytest.importorskip("sqlalchemy", reason="the sql extra is not installed: pip install 'kpiframe[sql]'")
pytest.importorskip("psycopg", reason="the sql extra is not installed: pip install 'kpiframe[sql]'")
pytestmark = pytest.mark.sql

PASSWORD = "Pg-s3cret/with@odd:chars"
WRONG = "wr0ng-Passw0rd-2b"


@pytest.fixture(scope="module")
def server():
    try:
        started = pgserver.start(PASSWORD)
    except RuntimeError as why:
        pytest.skip(f"no PostgreSQL server could be started: {why}")
    with started.connect() as con:
        con.execute("create table bookings (booked_on date, region text, amount numeric(12, 2))")
        con.execute("insert into bookings select date '2026-01-01' + i, case when i % 2 = 0 then 'emea' else 'amer' "
                    "end, 100.25 + i from generate_series(0, 180) i")
    yield started
    started.stop()


def framework(root: Path, server, queries: dict[str, str], url: str | None = None) -> Path:
    root.mkdir(parents=True)
    (root / "kpiframe.yaml").write_text("organization: T\nsources:\n"
                                        f"  warehouse: {url or server.url()}\n"
                                        f"  other: {server.url()}\n"
                                        "pull: {concurrency: 2}\n")
    documents = ["kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"]
    for kpi_id, query in queries.items():
        documents.append(textwrap.dedent(f"""\
            kind: KPI
            id: {kpi_id}
            name: {kpi_id}
            department: sales
            owner: Dana
            unit: USD
            direction: increase
            supports: [grow]
            query:
              source: warehouse
              sql: "{query}"
            """))
    (root / "kpis.yaml").write_text("---\n".join(documents))
    return root


def pull(root: Path, *args: str, password: str = PASSWORD):
    result = CliRunner().invoke(app, ["pull", str(root), *args],
                                env={"NO_COLOR": "1", "KPI_TEST_PASSWORD": password})
    assert_no_secret(root, result.output, password)
    return result


def assert_no_secret(root: Path, output: str, password: str) -> None:
    """The password, plain or URL-encoded, is in no output and in no file under the framework."""
    from urllib.parse import quote

    forms = {password, quote(password, safe=""), quote(password)}
    for form in forms:
        assert form not in output
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(form.encode() in data for form in forms), path


MONTHLY = "select date_trunc('month', booked_on)::date, sum(amount) from bookings where region = '{region}' group by 1"


def test_a_query_per_kpi_on_a_shared_source(tmp_path: Path, server):
    root = framework(tmp_path / "fw", server, {
        "emea": MONTHLY.format(region="emea"), "amer": MONTHLY.format(region="amer"),
        "daily": "select booked_on, amount::float8 from bookings where booked_on < date '2026-01-04'",
        "weekly": "select date_trunc('week', booked_on), count(*) from bookings group by 1 having count(*) = 7 limit 2",
    })
    result = pull(root)
    assert result.exit_code == 0, result.output
    rows = (root / "data" / "actuals-pulled.csv").read_text().splitlines()
    assert rows[0] == "kpi,date,value,pulled_from"
    assert "daily,2026-01-01,100.25,warehouse" in rows and "daily,2026-01-03,102.25,warehouse" in rows
    assert "emea,2026-01-01,1844,warehouse" in rows  # numeric(12, 2) 1844.00: 16 days of 100.25 + i
    assert sum(1 for row in rows if row.startswith("amer,")) == 6
    assert "Pulled 4 of 4 KPIs from 1 source: 0 failures" in result.output
    again = pull(root)
    assert "data/actuals-pulled.csv unchanged." in again.output


def test_failures_timeout_and_sql_error_on_postgres(tmp_path: Path, server):
    root = framework(tmp_path / "fw", server, {
        "slow": "select current_date, 1 from pg_sleep(30)",
        "typo": "select booked_on, amount from booking",
        "ok": MONTHLY.format(region="emea"),
    })
    result = pull(root, "--timeout", "1")
    assert result.exit_code == 1, result.output
    assert "query-timeout  KPI 'slow': timed out after 1 s (source 'warehouse')" in result.output
    assert "query-error  KPI 'typo': the query failed in source 'warehouse': relation \"booking\" does not exist" \
           in result.output
    assert "ok,2026-01-01," in (root / "data" / "actuals-pulled.csv").read_text()


def test_a_wrong_password_fails_the_source_without_showing_either_password(tmp_path: Path, server):
    root = framework(tmp_path / "fw", server, {"emea": MONTHLY.format(region="emea")})
    result = pull(root, password=WRONG)
    assert result.exit_code == 2
    assert "source-unreachable  KPI 'emea': source 'warehouse' is unreachable:" in result.output
    assert "password authentication failed" in result.output
    assert_no_secret(root, result.output, PASSWORD)


def test_an_unreachable_server_is_one_failure_per_query_and_exit_2(tmp_path: Path, server):
    url = server.url().replace(f":{server.port}/", ":1/")
    root = framework(tmp_path / "fw", server, {"a": MONTHLY.format(region="emea"), "b": "select 1, 2"}, url=url)
    result = pull(root, "--timeout", "5")
    assert result.exit_code == 2, result.output
    assert result.output.count("source-unreachable") == 2
    assert "Nothing could run; nothing written." in result.output


def test_pull_cannot_change_the_warehouse(tmp_path: Path, server):
    root = framework(tmp_path / "fw", server, {"sneaky": "delete from bookings returning booked_on, amount"})
    result = pull(root)
    assert result.exit_code == 1
    assert "cannot execute DELETE in a read-only transaction" in result.output
    with server.connect() as con:
        assert con.execute("select count(*) from bookings").fetchone()[0] == 181
