"""The report's Exceptions diagram at size: the unresolved conflicts (what leadership must settle)
are never cut ahead of the KPIs behind, and "N more not drawn" counts what is really not drawn."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import write_tree
from tests.test_report import assert_mermaid_plausible, markdown_of, mermaid_blocks
from tests.test_report_render import assert_readable, needs_renderer, render_all

BEHIND = 150  # more KPIs behind than three 40-node parts hold


def _many_behind_and_one_conflict() -> dict[str, str]:
    docs = ["kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"]
    for i in range(BEHIND):
        docs.append(f"kind: KPI\nid: late-{i:03d}\nname: Late {i}\ndepartment: ops\nowner: O\nunit: x\n"
                    "direction: increase\nsupports: [grow]\nbaseline: {value: 0, date: 2026-01-01}\n"
                    "target: {value: 100, date: 2026-12-31}\nactuals: [{date: 2026-06-01, value: 1}]\n")
    # An on-track KPI in sales that lowers one in ops: one unresolved conflict, listed last.
    docs.append("kind: KPI\nid: zz-hurter\nname: Hurter\ndepartment: sales\nowner: S\nunit: x\n"
                "direction: increase\nsupports: [grow]\nbaseline: {value: 0, date: 2026-01-01}\n"
                "target: {value: 100, date: 2026-12-31}\nactuals: [{date: 2026-06-01, value: 60}]\n"
                "influences: [{target: zz-hurt, effect: decrease}]\n")
    docs.append("kind: KPI\nid: zz-hurt\nname: Hurt\ndepartment: ops\nowner: O\nunit: x\n"
                "direction: increase\nsupports: [grow]\nbaseline: {value: 0, date: 2026-01-01}\n"
                "target: {value: 100, date: 2026-12-31}\nactuals: [{date: 2026-06-01, value: 60}]\n")
    return {"kpiframe.yaml": "organization: Late Co\ndepartments: [ops, sales]\n", "fw.yaml": "---\n".join(docs)}


def test_the_unresolved_conflicts_are_drawn_however_many_kpis_are_behind(tmp_path: Path):
    text = markdown_of(write_tree(tmp_path / "fw", _many_behind_and_one_conflict()), "2026-06-30")
    assert "- **`zz-hurter` (sales) works against" in text or "zz-hurter" in text.split("## Conflicts")[1]
    exceptions = text.split("### Exceptions")[1:]
    blocks = [mermaid_blocks(part)[0] for part in exceptions]
    drawn: set[str] = set()
    conflict_edges = []
    for block in blocks:
        nodes, edges = assert_mermaid_plausible(block)
        assert len(nodes) <= 40
        drawn |= set(nodes)
        conflict_edges += [(a, b) for a, arrow, b in edges if arrow == '-. "-" .->']
    assert conflict_edges == [("n_zz_hurter", "n_zz_hurt")]
    # The conflict comes first: it is in the first part.
    assert "n_zz_hurter" in assert_mermaid_plausible(blocks[0])[0]
    behind_drawn = sum(1 for n in drawn if n.startswith("n_late_"))
    assert behind_drawn < BEHIND  # the test needs some left out
    counts = re.findall(r"^(\d+) more KPIs behind not drawn", "".join(exceptions), flags=re.M)
    assert counts == [str(BEHIND - behind_drawn)]


@needs_renderer
def test_the_exceptions_parts_render_no_wider_than_3_to_1(tmp_path: Path):
    text = markdown_of(write_tree(tmp_path / "fw", _many_behind_and_one_conflict()), "2026-06-30")
    exceptions = "".join(text.split("### Exceptions")[1:])
    sizes = render_all(exceptions, tmp_path / "render")
    assert len(sizes) == 3
    assert_readable(sizes, "exceptions of 150 KPIs behind and a conflict")
