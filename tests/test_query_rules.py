"""`check` judges sources and queries without connecting: each finding on its line, no secret shown."""

from __future__ import annotations

from kpiframe.sources import redact, source_problems, substitute
from tests.conftest import by_rule, check_tree

GOAL = """\
kind: Goal
id: grow
title: Grow
level: company
"""


def kpi(query: str) -> str:
    return GOAL + f"""---
kind: KPI
id: new-arr
name: New ARR
department: sales
owner: Dana
unit: USD
direction: increase
supports: [grow]
{query}"""


def test_known_source_and_default_pass(framework):
    root = framework({"a.yaml": kpi("query:\n  source: warehouse\n  sql: select 1, 2\n"),
                      "b.yaml": kpi("query: {sql: 'select 1, 2'}\n").replace("new-arr", "other").replace("id: grow", "id: g2")},
                     config="sources:\n  warehouse: duckdb:///w.duckdb\n")
    result = check_tree(root, select=("KF0",))
    assert result.findings == []


def test_unknown_source_is_reported_on_the_source_line(framework):
    root = framework({"a.yaml": kpi("query:\n  source: warehous\n  sql: select 1, 2\n")},
                     config="sources:\n  warehouse: duckdb:///w.duckdb\n")
    [finding] = by_rule(check_tree(root), "unknown-source")
    assert (finding.file, finding.line, finding.column) == ("a.yaml", 15, 11)
    assert finding.hint == "did you mean 'warehouse'?"


def test_missing_sql_is_an_invalid_value_at_the_query(framework):
    root = framework({"a.yaml": kpi("query:\n  source: default\n")})
    [finding] = by_rule(check_tree(root), "invalid-value")
    assert finding.line == 14 and "`query.sql` is required" in finding.message


def test_sql_file_missing_and_present(framework):
    root = framework({"a.yaml": kpi("query: {sql: queries/new-arr.sql}\n")})
    [finding] = by_rule(check_tree(root), "invalid-query")
    assert (finding.line, finding.column) == (14, 14)
    assert "'queries/new-arr.sql' does not exist" in finding.message
    (root / "queries").mkdir()
    (root / "queries" / "new-arr.sql").write_text("select 1, 2\n")
    assert by_rule(check_tree(root), "invalid-query") == []
    (root / "queries" / "new-arr.sql").write_text("  \n")
    [empty] = by_rule(check_tree(root), "invalid-query")
    assert "is empty" in empty.message


def test_sql_that_could_be_a_path_or_sql_is_reported(framework):
    root = framework({"a.yaml": kpi('query: {sql: "queries/new arr.sql"}\n')})
    [finding] = by_rule(check_tree(root), "invalid-query")
    assert finding.line == 14 and "could be either" in finding.message


def test_sql_file_outside_the_framework_is_refused(framework):
    root = framework({"a.yaml": kpi("query: {sql: ../secret.sql}\n")})
    [finding] = by_rule(check_tree(root), "invalid-query")
    assert "must be inside the framework folder" in finding.message


def test_invalid_source_on_its_config_line(framework):
    root = framework({"a.yaml": kpi("query: {source: warehouse, sql: select 1}\n")},
                     config="organization: T\nsources:\n  warehouse: db.internal/metrics\n  ok: ${WAREHOUSE_URL}\n"
                            "  bad: postgresql://u@h/${not a name}\n")
    found = by_rule(check_tree(root), "invalid-source")
    assert [(f.file, f.line) for f in found] == [("kpiframe.yaml", 3), ("kpiframe.yaml", 5)]
    assert by_rule(check_tree(root), "unknown-source") == []


def test_secret_in_config_is_reported_without_the_secret(framework):
    root = framework({"a.yaml": kpi("query: {source: warehouse, sql: select 1}\n")},
                     config="sources:\n  warehouse: postgresql://kpi:hunter2@db/metrics?sslmode=require\n"
                            "  token: databricks://token:${TOKEN}@host/x?access_token=abc123\n")
    found = by_rule(check_tree(root), "secret-in-config")
    assert [(f.line, f.column) for f in found] == [(2, 14), (3, 10)]
    for finding in found:
        assert "hunter2" not in finding.message + finding.hint and "abc123" not in finding.message
    assert "postgresql://kpi:***@db/metrics?sslmode=require" in found[0].message


def test_a_broken_sources_setting_is_one_finding_not_one_per_query(framework):
    root = framework({"a.yaml": kpi("query: {source: warehouse, sql: select 1}\n")},
                     config="sources: [warehouse]\n")
    result = check_tree(root)
    assert by_rule(result, "unknown-source") == []
    assert [f.line for f in by_rule(result, "invalid-value")] == [1]


def test_redaction_and_substitution():
    assert redact("postgresql://u:p@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("snowflake://u@acct/db?password=x&warehouse=w") == "snowflake://u@acct/db?password=***&warehouse=w"
    assert redact("not a url with secret") == "***"
    resolved = substitute("postgresql://kpi:${PW}@h/db", {"PW": "p@ss/w:rd"})
    assert resolved.url == "postgresql://kpi:p%40ss%2Fw%3Ard@h/db"
    assert "p@ss/w:rd" in resolved.secrets and "p%40ss%2Fw%3Ard" in resolved.secrets
    assert resolved.shown == "postgresql://kpi:***@h/db"
    whole = substitute("${URL}", {"URL": "postgresql://a:b1b2@h/db"})
    assert whole.url == "postgresql://a:b1b2@h/db" and "b1b2" in whole.secrets
    assert source_problems("w", "postgresql://kpi:${PW}@h/db") == []
