"""Measure `kpiframe pull` against its floor: the same queries in a plain loop with DuckDB's Python API.

    python -m benchmarks.pull [--kpis 1000] [--rows 10000000] [--keep DIR] [--repeat 3] [--json OUT]

Needs the sql extra (`pip install -e '.[sql]'`). It writes, in DIR (a temporary folder without
--keep; with --keep an existing tree of the same size is reused):

* ``warehouse.duckdb``: one table of daily metrics, ``daily_metrics(day, metric, region, value)``,
  ``--rows`` rows in all: ``--kpis`` metrics x 4 regions x as many days as that takes (2,500 for
  the defaults, about 7 years), clustered by metric as a metrics table usually is (so a query
  for one metric reads its own row groups, not all 10 million rows);
* a framework of ``--kpis`` KPIs, each with a query on that database: the monthly sum, average
  or maximum of its metric over every region (about 83 rows per KPI), 100 KPIs per file.

Two figures, each a fresh child process timed from spawn to exit, best of ``--repeat`` (the two
alternate, so that the load of a shared machine hits both alike):

* **floor**: ``duckdb.connect(db, read_only=True)`` and, in a loop, ``execute(sql).fetchall()``
  for the same queries, nothing else (the queries are read from a JSON file);
* **kpiframe pull**: ``python -m kpiframe pull DIR``, with the pulled CSV removed before each
  run, so that every run reads the framework, runs every query, checks every row, and writes
  the whole file.

Issue 19's targets: kpiframe pull within 1.5x of the floor, and under 15 s. The ratio judged is
the median over the back-to-back pairs (each pull against the floor run just before it, under
the same load); the best against the best is printed too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.run import PYTHON, best_of

GENERATOR_VERSION = 2
REGIONS = ("amer", "apac", "emea", "latam")
AGGREGATES = ("sum", "avg", "max")
DEPARTMENTS = ("sales", "marketing", "operations", "finance", "customer-success")

FLOOR_SCRIPT = r"""
import json, sys, duckdb
queries = json.load(open(sys.argv[2]))
con = duckdb.connect(sys.argv[1], read_only=True)
rows = 0
for sql in queries:
    rows += len(con.execute(sql).fetchall())
print(rows)
"""


def query(index: int) -> str:
    aggregate = AGGREGATES[index % len(AGGREGATES)]
    return (f"select date_trunc('month', day)::date as month, {aggregate}(value) from daily_metrics "
            f"where metric = 'metric-{index:05d}' group by 1 order by 1")


def generate(folder: Path, kpis: int, rows: int) -> None:
    import duckdb

    manifest = folder / "benchmark-manifest.json"
    wanted = {"generator": GENERATOR_VERSION, "kpis": kpis, "rows": rows}
    if manifest.exists() and json.loads(manifest.read_text()) == wanted:
        return
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    days = max(1, rows // (kpis * len(REGIONS)))
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    regions = ", ".join(f"'{r}'" for r in REGIONS)
    con.execute(f"""
        create table daily_metrics as
        select date '2019-01-01' + d.range::int as day,
               printf('metric-%05d', m.range) as metric,
               r.region,
               round(1000 + 10 * m.range + d.range * (1 + m.range % 7) + hash(d.range, m.range, r.region) % 97, 2)
                   as value
        from range({days}) d, range({kpis}) m, (select unnest([{regions}]) as region) r
        order by metric, day, region
    """)
    con.close()
    (folder / "kpiframe.yaml").write_text(
        "organization: Benchmark Co\nas_of: 2026-09-30\n"
        f"departments: [{', '.join(DEPARTMENTS)}]\n"
        "sources:\n  warehouse: duckdb:///warehouse.duckdb\n"
        "actuals: [data/actuals-pulled.csv]\n")
    goals = ["kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"]
    (folder / "goals.yaml").write_text("".join(goals))
    (folder / "kpis").mkdir()
    for start in range(0, kpis, 100):
        documents = []
        for index in range(start, min(kpis, start + 100)):
            documents.append(
                f"kind: KPI\nid: kpi-{index:05d}\nname: Metric {index}\n"
                f"department: {DEPARTMENTS[index % len(DEPARTMENTS)]}\nowner: Owner {index % 37}\nunit: USD\n"
                "direction: increase\nsupports: [grow]\nreview: monthly\n"
                f"query:\n  source: warehouse\n  sql: \"{query(index)}\"\n")
        (folder / "kpis" / f"kpis-{start // 100:03d}.yaml").write_text("---\n".join(documents))
    (folder / "data").mkdir()
    (folder / "queries.json").write_text(json.dumps([query(i) for i in range(kpis)]))
    manifest.write_text(json.dumps(wanted))


def measure(folder: Path, repeat: int, timeout: float) -> dict:
    """Floor and pull runs alternate, so that a change in the machine's load hits both alike;
    the best run of each is kept."""
    output = folder / "data" / "actuals-pulled.csv"
    floor_argv = [PYTHON, "-c", FLOOR_SCRIPT, str(folder / "warehouse.duckdb"), str(folder / "queries.json")]
    floors, pulls = [], []
    for _ in range(repeat):
        floors.append(best_of(floor_argv, 1, timeout))
        output.unlink(missing_ok=True)
        pulls.append(best_of([PYTHON, "-m", "kpiframe", "pull", str(folder)], 1, timeout))
    floor = min(floors, key=lambda r: r.seconds if r.returncode == 0 else float("inf"))
    pull = min(pulls, key=lambda r: r.seconds if r.returncode == 0 else float("inf"))
    csv_rows = len(output.read_text().splitlines()) - 1 if output.exists() else 0
    pairs = sorted(p.seconds / f.seconds for f, p in zip(floors, pulls))
    return {
        "pair_ratio_median": pairs[len(pairs) // 2],
        "floor_seconds": floor.seconds, "floor_rows": int(floor.stdout.strip() or 0), "floor_exit": floor.returncode,
        "pull_seconds": pull.seconds, "pull_exit": pull.returncode, "pull_rows": csv_rows,
        "pull_peak_mb": pull.peak_mb, "floor_peak_mb": floor.peak_mb,
        "floor_runs": [round(r.seconds, 2) for r in floors], "pull_runs": [round(r.seconds, 2) for r in pulls],
        "pull_summary": pull.stdout.strip().splitlines()[-1] if pull.stdout.strip() else pull.last_error_line,
    }


def report(figures: dict, kpis: int, rows: int) -> str:
    best = figures["pull_seconds"] / figures["floor_seconds"]
    ratio = figures["pair_ratio_median"]
    ok = figures["pull_exit"] == 0 and figures["pull_rows"] == figures["floor_rows"]
    lines = [
        f"`kpiframe pull`: {kpis:,} KPIs' queries on one DuckDB database of {rows:,} rows of daily metrics",
        "",
        "| figure | seconds | x floor | peak MB | rows |",
        "|---|---:|---:|---:|---:|",
        f"| floor: the same queries in a loop, DuckDB's Python API | {figures['floor_seconds']:.2f} | 1.00x | "
        f"{figures['floor_peak_mb']:.0f} | {figures['floor_rows']:,} |",
        f"| kpiframe pull (reads the framework, checks and writes every row) | {figures['pull_seconds']:.2f} | "
        f"{best:.2f}x | {figures['pull_peak_mb']:.0f} | {figures['pull_rows']:,} |",
        "",
        f"- within 1.5x of the floor: {'met' if ratio <= 1.5 and ok else 'NOT met'} (median of the back-to-back "
        f"pairs: {ratio:.2f}x; best against best: {best:.2f}x)",
        f"- under 15 s: {'met' if figures['pull_seconds'] < 15 and ok else 'NOT met'} ({figures['pull_seconds']:.2f} s)",
        f"- every run, in seconds (floor and pull alternate): floor {figures['floor_runs']}, "
        f"pull {figures['pull_runs']}",
        f"- pull's own summary: {figures['pull_summary']}",
    ]
    if not ok:
        lines.append(f"- pull exited {figures['pull_exit']} with {figures['pull_rows']:,} rows "
                     f"(the floor read {figures['floor_rows']:,})")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kpis", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="generate into DIR and reuse it when it has the same size")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    temporary = None if args.keep else tempfile.mkdtemp(prefix="kpiframe-pull-bench-")
    folder = args.keep or Path(temporary) / "tree"
    try:
        print(f"generating {args.rows:,} rows for {args.kpis:,} KPIs in {folder} ...", file=sys.stderr)
        generate(folder, args.kpis, args.rows)
        print("measuring ...", file=sys.stderr)
        figures = measure(folder, args.repeat, args.timeout)
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    print(report(figures, args.kpis, args.rows), end="")
    if args.json:
        args.json.write_text(json.dumps({"kpis": args.kpis, "rows": args.rows, **figures}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
