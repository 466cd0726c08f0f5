"""The loader: positions, duplicate keys, YAML 1.1 pitfalls, encodings, hostile structure."""

from __future__ import annotations

from pathlib import Path

from kpiframe.load import Limits, Text, parse_text, read_yaml_file
from kpiframe.load.discover import discover_files


def test_positions_point_at_keys_and_values():
    parsed = parse_text("kind: KPI\nid: new-arr\ntarget:\n  value: 12\n  date: 2026-12-31\n", "k.yaml")
    doc = parsed.documents[0]
    assert doc.position(("target", "value")) == (4, 10)
    assert doc.position(("target", "value"), key=True) == (4, 3)
    assert doc.position(("target", "missing")) == (4, 3)  # nearest ancestor: the target mapping
    assert doc.position(()) == (1, 1)


def test_positions_after_a_unicode_line_separator_count_lines_as_editors_do_and_survive_packing():
    # YAML reads U+2028 as a line break, editors do not: line 4 in the editor, not 5.
    parsed = parse_text('title: "a\u2028b"\nid: x\ntarget:\n  value: 12\n', "k.yaml")
    doc = parsed.documents[0]
    expected = doc.position(("target", "value")), doc.position(("target", "value"), key=True)
    assert expected == ((4, 10), (4, 3))
    doc.pack_positions()  # as a parse worker sends it
    assert doc.packed_positions is not None
    assert (doc.position(("target", "value")), doc.position(("target", "value"), key=True)) == expected


def test_multi_document_files_keep_each_documents_start_line():
    parsed = parse_text("kind: Driver\nid: a\n---\nkind: Driver\nid: b\n", "d.yaml")
    assert [(d.data["id"], d.line) for d in parsed.documents] == [("a", 1), ("b", 4)]


def test_duplicate_key_is_reported_and_first_value_kept():
    parsed = parse_text("id: a\ndirection: increase\ndirection: decrease\n", "d.yaml")
    assert parsed.documents[0].data["direction"] == "increase"
    [finding] = parsed.findings
    assert (finding.rule, finding.line, finding.column) == ("duplicate-key", 3, 1)
    assert "first at line 2" in finding.message


def test_yaml_11_words_and_numbers_stay_the_text_typed():
    parsed = parse_text("a: no\nb: off\nc: yes\non: x\nd: 012\ne: 1:30\nf: 1e3\ng: 2026-01-01\n", "y.yaml")
    data = parsed.documents[0].data
    assert data == {"a": "no", "b": "off", "c": "yes", "on": "x", "d": "012", "e": "1:30", "f": "1e3",
                    "g": "2026-01-01"}


def test_null_words_become_none_and_quoted_scalars_are_marked_text():
    data = parse_text("a: ~\nb:\nc: null\nd: '12'\ne: |\n  block\n", "n.yaml").documents[0].data
    assert data["a"] is None and data["b"] is None and data["c"] is None
    assert isinstance(data["d"], Text) and data["d"] == "12"
    assert isinstance(data["e"], Text)


def test_syntax_error_keeps_earlier_documents_and_reports_line():
    parsed = parse_text("kind: Driver\nid: ok\n---\nkind: Driver\nid: [broken\n", "s.yaml")
    assert [d.data["id"] for d in parsed.documents] == ["ok"]
    [finding] = parsed.findings
    assert finding.rule == "yaml-syntax" and finding.line == 6


def test_tab_indentation_gets_a_specific_hint():
    [finding] = parse_text("a:\n\tb: 1\n", "t.yaml").findings
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", 2, 1)
    assert "tab" in finding.message and "spaces" in finding.hint


def test_python_tags_are_refused_not_constructed():
    [finding] = parse_text("a: !!python/object/apply:os.system ['echo hi']\n", "p.yaml").findings
    assert finding.rule == "yaml-syntax" and "!!python/object/apply:os.system" in finding.message


def test_alias_bomb_stops_at_the_alias_budget():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    [finding] = parse_text("\n".join(lines) + "\n", "bomb.yaml").findings
    assert finding.rule == "limit-exceeded" and "alias" in finding.message


def test_deep_nesting_is_reported_without_crashing_the_interpreter():
    deep = "a: " + "[" * 100_000 + "]" * 100_000 + "\n"
    [finding] = parse_text(deep, "deep.yaml").findings
    assert finding.rule == "limit-exceeded" and "nesting" in finding.message


def test_recursive_alias_is_reported():
    [finding] = parse_text("a: &a [*a]\n", "r.yaml").findings
    assert finding.rule == "yaml-syntax" and "alias" in finding.message


def test_value_budget_limits_huge_lists():
    text = "a:\n" + "".join(f"- {i}\n" for i in range(2000))
    [finding] = parse_text(text, "big.yaml", Limits(max_nodes=1000)).findings
    assert finding.rule == "limit-exceeded"


def test_encodings(tmp_path: Path):
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbfkind: Driver\nid: a\n")
    (tmp_path / "u16.yaml").write_bytes("kind: Driver\n".encode("utf-16"))
    (tmp_path / "bad.yaml").write_bytes(b"kind: Driver\nid: \xff\xfe\n")
    (tmp_path / "crlf.yaml").write_bytes(b"kind: Driver\r\nid: c\r\n")
    assert read_yaml_file(tmp_path / "bom.yaml", "bom.yaml").documents[0].data["kind"] == "Driver"
    assert read_yaml_file(tmp_path / "crlf.yaml", "crlf.yaml").documents[0].data["id"] == "c"
    [u16] = read_yaml_file(tmp_path / "u16.yaml", "u16.yaml").findings
    assert u16.rule == "unreadable-file" and "UTF-16" in u16.message
    [bad] = read_yaml_file(tmp_path / "bad.yaml", "bad.yaml").findings
    assert (bad.rule, bad.line, bad.column) == ("unreadable-file", 2, 5)


def test_file_size_limit_is_checked_before_reading(tmp_path: Path):
    (tmp_path / "big.yaml").write_text("a: " + "x" * 200 + "\n")
    [finding] = read_yaml_file(tmp_path / "big.yaml", "big.yaml", Limits(max_file_bytes=100)).findings
    assert finding.rule == "limit-exceeded" and "bytes" in finding.message


def test_discovery_is_sorted_skips_hidden_config_and_excluded(tmp_path: Path):
    for rel in ["b.yaml", "a/z.yml", "a/y.yaml", ".git/x.yaml", "kpiframe.yaml", "drafts/d.yaml", "notes.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x: 1\n")
    files, findings = discover_files(tmp_path, ["drafts/**"])
    assert [rel for _, rel in files] == ["a/y.yaml", "a/z.yml", "b.yaml"]
    assert findings == []


def test_symlink_out_of_the_root_is_reported_not_followed(tmp_path: Path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("kind: Driver\nid: secret\n")
    root = tmp_path / "fw"
    root.mkdir()
    (root / "link.yaml").symlink_to(outside)
    (root / "loop").symlink_to(root)
    files, findings = discover_files(root)
    assert files == []
    # The loop, a link to the root itself, is not walked: its files are read once, at their real place.
    assert [(f.rule, f.file) for f in findings] == [("unreadable-file", "link.yaml"), ("linked-file", "loop")]


def test_unclosed_quote_is_reported_where_it_opens():
    [finding] = parse_text('kind: KPI\nid: a\nname: "New ARR\nunit: u\n', "q.yaml").findings
    assert (finding.line, finding.column) == (3, 7) and "never closed" in finding.message


def test_unquoted_percent_and_colon_values_get_a_quoting_hint():
    [percent] = parse_text("kind: KPI\nid: a\nunit: %\n", "p.yaml").findings
    assert (percent.line, percent.column) == (3, 7) and percent.hint == 'quote it: "%" (`kpiframe check --fix` does)'
    assert (percent.fix.old, percent.fix.new, percent.fix.description) == ("%", '"%"', "unit '%' quoted")
    [colon] = parse_text("kind: Goal\nid: a\ntitle: Phase 2: rollout\n", "c.yaml").findings
    assert colon.line == 3 and "must be quoted" in colon.hint
