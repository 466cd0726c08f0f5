"""Findings point where the fix goes (issue 14, item 7)."""

from __future__ import annotations

from tests.conftest import EXAMPLES, by_rule, check_tree

GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"


def kpi(kpi_id: str, department: str, direction: str, *extra: str, owner: str = "Ann") -> str:
    return "\n".join([f"kind: KPI\nid: {kpi_id}\nname: {kpi_id}\ndepartment: {department}\nowner: {owner}",
                      f"supports: [grow]\nunit: u\ndirection: {direction}", *extra]) + "\n"


# --- conflicts at the influences entry where the harmful path starts -----------------------------


def test_a_conflict_is_reported_at_the_influence_where_its_harmful_path_starts(framework):
    deals = kpi("deals", "sales", "increase", "influences:", "  - {target: size, effect: increase}",
                "  - {target: workload, effect: increase}")
    files = {"goals.yaml": GOAL, "sales.yaml": deals, "size.yaml": kpi("size", "sales", "increase"),
             "d.yaml": "kind: Driver\nid: workload\ntitle: W\ninfluences: [{target: cost, effect: increase}]\n",
             "ops.yaml": kpi("cost", "operations", "decrease")}
    [finding] = by_rule(check_tree(framework(files)), "department-conflict")
    assert (finding.file, finding.line, finding.column, finding.subject) == ("sales.yaml", 11, 5, "deals")


def test_a_tension_is_reported_at_its_influence_too(framework):
    speed = kpi("speed", "ops", "increase", "influences: [{target: defects, effect: increase}]")
    files = {"goals.yaml": GOAL, "a.yaml": speed, "b.yaml": kpi("defects", "ops", "decrease")}
    [finding] = by_rule(check_tree(framework(files)), "department-tension")
    assert (finding.file, finding.line, finding.column) == ("a.yaml", 9, 14)


def test_the_silos_conflict_points_at_new_deals_closed_influence():
    [finding] = [f for f in by_rule(check_tree(EXAMPLES / "silos"), "department-conflict")
                 if f.related[0] == "operating-cost"]
    text = (EXAMPLES / "silos" / finding.file).read_text().splitlines()
    assert text[finding.line - 1].strip().startswith("- {target: delivery-workload")


# --- duplicate ids ---------------------------------------------------------------------------------


def test_duplicate_id_is_reported_at_every_later_occurrence_naming_the_first(framework):
    root = framework({
        "a.yaml": "kind: Driver\nid: d\ntitle: A\n",
        "b.yaml": "kind: Driver\nid: d\ntitle: B\n---\nkind: Goal\nid: d\ntitle: C\nlevel: company\n",
        "c.yaml": "kind: KPI\nid: d\nname: X\n",  # invalid, but its id is still taken
    })
    found = [(f.file, f.line, f.subject) for f in by_rule(check_tree(root), "duplicate-id")]
    assert found == [("b.yaml", 2, "d"), ("b.yaml", 6, "d"), ("c.yaml", 2, "d")]
    for finding in by_rule(check_tree(root), "duplicate-id"):
        assert "already used by Driver 'd' at a.yaml:1" in finding.message


def test_a_duplicate_after_a_document_with_errors_names_that_one(framework):
    root = framework({"a.yaml": "kind: Driver\nid: d\ntitel: A\n", "b.yaml": "kind: Driver\nid: d\ntitle: B\n"})
    [finding] = by_rule(check_tree(root), "duplicate-id")
    assert (finding.file, finding.line) == ("b.yaml", 2)
    assert "already used by Driver 'd' at a.yaml:1 (which has errors)" in finding.message


# --- every finding inside a document has the document's id as subject -----------------------------


def test_a_duplicate_key_has_its_document_as_subject(framework):
    root = framework({"k.yaml": "kind: Driver\nid: k-fleet-age\ntitle: T\ntitle: U\n"})
    [finding] = by_rule(check_tree(root), "duplicate-key")
    assert (finding.line, finding.subject) == (4, "k-fleet-age")


def test_loader_findings_name_their_document_even_when_the_id_comes_later(framework):
    root = framework({"k.yaml": "kind: Driver\ntitle: \"bad \\e escape\"\nid: k\n---\n"
                                "kind: Driver\nid: tagged\ntitle: !!python/name:os.system x\n"})
    result = check_tree(root)
    assert [(f.rule, f.subject) for f in result.findings] == [("invalid-value", "k"), ("yaml-syntax", "tagged")]


def test_a_syntax_error_names_its_document_when_the_id_can_be_seen(framework):
    root = framework({"k.yaml": "kind: Driver\nid: ok\ntitle: T\n---\nkind: Driver\nid: broken\ntitle: [x\n"})
    [finding] = check_tree(root).findings
    assert (finding.rule, finding.subject) == ("yaml-syntax", "broken")


def test_findings_inside_documents_all_have_a_subject():
    result = check_tree(EXAMPLES / "silos")
    yaml_findings = [f for f in result.findings if f.file.endswith(".yaml")]
    assert yaml_findings and all(f.subject for f in yaml_findings)
