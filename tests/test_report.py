"""`kpiframe report`: the gap report a strategy lead pastes into a pull request or a wiki.

Snapshots: the Markdown of the examples at their own date is checked in under tests/snapshots/.
After a deliberate change, regenerate them and review the diff:

    KPIFRAME_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_report.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe import fsutil
from kpiframe.cli import app
from tests.conftest import EXAMPLES, REPO, write_tree

SNAPSHOTS = Path(__file__).parent / "snapshots"
EXAMPLE_TODAY = "2026-09-30"  # both examples' as_of
SECTIONS = ["# Gap report: ", "## Summary", "## Alignment", "## Performance gaps", "## Execution gaps", "## Conflicts",
            "## Departments", "## Picture", "## Appendix: findings"]
ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": None, "FORCE_COLOR": None}


def report(*args: str):
    return CliRunner().invoke(app, ["report", *args], env=ENV)


def markdown_of(path: Path, today: str = EXAMPLE_TODAY) -> str:
    result = report(str(path), "--today", today)
    assert result.exit_code == 0, result.output
    return result.output


# --------------------------------------------------------------------------- Markdown structure helpers


def split_cells(row: str) -> list[str]:
    """Split a GFM table row the way GitHub does: a backslash escapes the next character."""
    cells, current, i = [], "", 0
    body = row.strip()
    assert body.startswith("|") and body.endswith("|") and not body.endswith("\\|"), row
    body = body[1:-1]
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            current += body[i:i + 2]
            i += 2
            continue
        if body[i] == "|":
            cells.append(current)
            current = ""
        else:
            current += body[i]
        i += 1
    return cells + [current]


def tables(markdown: str) -> list[list[str]]:
    """Every block of consecutive lines starting with '|' (outside code fences)."""
    found, block, fenced = [], [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("|") and not fenced:
            block.append(line)
            continue
        if block:
            found.append(block)
            block = []
    return found + ([block] if block else [])


def assert_tables_well_formed(markdown: str) -> int:
    blocks = tables(markdown)
    for block in blocks:
        assert len(block) >= 3, f"a table needs a header, a separator and rows: {block}"
        width = len(split_cells(block[0]))
        assert all(re.fullmatch(r"-+:?", c) for c in split_cells(block[1])), block[1]
        for row in block:
            assert len(split_cells(row)) == width, f"{len(split_cells(row))} cells, header has {width}: {row}"
    return len(blocks)


def mermaid_blocks(markdown: str) -> list[str]:
    """The flowcharts (the pictures of goals and KPIs)."""
    return [b for b in re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S) if b.startswith("flowchart")]


def xychart_blocks(markdown: str) -> list[str]:
    """The trend charts."""
    return [b for b in re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S) if not b.startswith("flowchart")]


NODE = re.compile(r'    (n_[A-Za-z0-9_]+)\["([^"]*)"\]')
EDGE = re.compile(r'    (n_[A-Za-z0-9_]+) (-->|-\.->|-\. "[^"]*" \.->|-\. "[^"]*" \.-|-->\|"[^"]*"\|) (n_[A-Za-z0-9_]+)')


def assert_mermaid_plausible(block: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Every line is a node, an edge or a style; edges and styles only name declared nodes."""
    lines = block.rstrip("\n").split("\n")
    assert lines[0] in ("flowchart TD", "flowchart BT", "flowchart LR"), lines[0]
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    link_indices: list[int] = []
    for line in lines[1:]:
        if (m := NODE.fullmatch(line)):
            assert m.group(1) not in nodes, f"node declared twice: {line}"
            nodes[m.group(1)] = m.group(2)
        elif (m := EDGE.fullmatch(line)):
            edges.append((m.group(1), m.group(2), m.group(3)))
        elif line.startswith("    classDef "):
            assert re.fullmatch(r"    classDef [a-z_]+ [a-z-]+:[^;]+", line), line
        elif line.startswith("    class "):
            members = line.split()[1].split(",")
            assert all(n in nodes for n in members), line
        elif re.fullmatch(r"    n_[A-Za-z0-9_]+( ~~~ n_[A-Za-z0-9_]+)+", line):  # a column: invisible links
            chain = line.split(" ~~~ ")
            assert all(n.strip() in nodes for n in chain), line
            edges += [(a.strip(), "~~~", b.strip()) for a, b in zip(chain, chain[1:])]
        elif line.startswith("    linkStyle "):
            link_indices += [int(i) for i in line.split()[1].split(",")]
        else:
            raise AssertionError(f"not a node, edge or style line: {line!r}")
    for source, _, target in edges:
        assert source in nodes and target in nodes, (source, target)
    assert all(0 <= i < len(edges) for i in link_indices)
    return nodes, edges


# --------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("example", ["acme", "silos"])
def test_markdown_matches_the_snapshot(example: str):
    text = markdown_of(EXAMPLES / example)
    snapshot = SNAPSHOTS / f"report-{example}.md"
    if os.environ.get("KPIFRAME_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(text, encoding="utf-8", newline="")
    assert snapshot.exists(), "no snapshot yet: run with KPIFRAME_UPDATE_SNAPSHOTS=1"
    assert text == snapshot.read_text(encoding="utf-8"), (
        f"the report of examples/{example} changed; if that is intended, regenerate with "
        "KPIFRAME_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_report.py and review the diff")


def test_the_readme_excerpt_is_real_output():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Gap reports"):]
    start = section.index("```markdown\n") + len("```markdown\n")
    excerpt = section[start:section.index("\n```\n", start)]
    report_lines = set(markdown_of(EXAMPLES / "acme").splitlines())
    shown = [line for line in excerpt.splitlines() if line and line != "..."]
    assert len(shown) > 10
    assert [line for line in shown if line not in report_lines] == []


@pytest.mark.parametrize("example", ["acme", "silos"])
def test_examples_have_every_section_in_order_well_formed_tables_and_plausible_mermaid(example: str):
    text = markdown_of(EXAMPLES / example)
    positions = [text.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    assert assert_tables_well_formed(text) >= 4
    blocks = mermaid_blocks(text)
    assert len(blocks) > 1  # both are split: too wide (silos) or too many nodes (acme) for one diagram
    for block in blocks:
        assert block.startswith("flowchart TD\n")
        nodes, _ = assert_mermaid_plausible(block)
        assert 0 < len(nodes) <= 40


def test_acme_report_reads_as_a_healthy_framework_with_its_gaps_worst_first():
    text = markdown_of(EXAMPLES / "acme")
    assert "**Verdict:** Passes the check with 5 warnings; 6 of 32 KPIs behind (2 off track, 4 at risk)" in text
    assert "| KPIs traced to a company goal | 100% | 32 of 32 |" in text
    assert "| KPIs with an active action plan | 91% | 29 of 32 |" in text
    assert "| KPIs with current numbers | 97% | 31 of 32 |" in text
    assert "| Cross-department conflicts without a trade-off | 0% | 0 of 9 |" in text
    gaps = text.split("## Performance gaps")[1].split("## Execution gaps")[0]
    order = re.findall(r"\(`([a-z0-9.-]+)`\) \|", gaps)
    # key KPIs first (gross-logo-churn), then worst first
    assert order == ["gross-logo-churn", "on-time-go-lives", "opex-ratio", "services-gross-margin",
                     "pipeline-coverage", "support-first-response-hours"]
    assert "- **`bookings-vs-delivery`** between `new-arr-booked` (sales) and `on-time-go-lives` (operations)." in text
    # One diagram per company goal, then the exceptions: the six KPIs behind, and nothing else.
    picture = text.split("## Picture")[1].split("## Appendix")[0]
    assert re.findall(r"^### (.*)$", picture, flags=re.M) == [
        "Grow ARR from 48.0M to 60.0M USD", "Keep customers live, successful and expanding (NRR of 112% or better)",
        "Reach an 8% non-GAAP operating margin while growing",
        "Deliver what we sell, on the date we promised, on a reliable platform",
        "Keep the people who build Acme and hire the ones we need", "Exceptions"]
    blocks = mermaid_blocks(text)
    nodes, edges = assert_mermaid_plausible(blocks[-1])
    assert set(nodes) == {"n_gross_logo_churn", "n_on_time_go_lives", "n_opex_ratio", "n_services_gross_margin",
                    "n_pipeline_coverage", "n_support_first_response_hours"}
    # A trade-off is drawn where both its KPIs are (here: both under Grow ARR), distinctly from alignment edges.
    _, edges = assert_mermaid_plausible(blocks[0])
    assert [(a, b) for a, arrow, b in edges if "trade-off" in arrow] == [("n_marketing_qualified_leads", "n_win_rate")]


def test_silos_report_names_the_silo_failures_in_words():
    text = markdown_of(EXAMPLES / "silos")
    assert text.count("- **`new-deals-closed` (sales) works against") == 2
    assert ("Improving New deals closed in the quarter (sales) raises Project work sold and waiting for a "
            "delivery team, which raises Delivery operating cost per month; operations wants Delivery "
            "operating cost per month lower.") in text
    assert "- Orphan KPI Outbound calls per rep per week (`sales-calls-per-week`" in text
    assert "- Untraced goal **Be seen as the category leader** (`marketing-brand-leader`" in text
    assert "- **Customers who recommend us** (`delight-customers`, company goal, Alex Romero)" in text
    assert "| Delivery operating cost per month (`operating-cost`) | Morgan Hale | 🔴 off-track |" in text
    # The exceptions diagram draws each unresolved conflict along its path, through the driver, in red.
    exceptions = mermaid_blocks(text.split("### Exceptions")[1])[0]
    nodes, edges = assert_mermaid_plausible(exceptions)
    assert nodes["n_delivery_workload"].endswith("<br/>driver")
    path = [(a, arrow, b) for a, arrow, b in edges if arrow.startswith("-.")]
    assert path == [("n_new_deals_closed", '-. "+" .->', "n_delivery_workload"),
                    ("n_delivery_workload", '-. "+" .->', "n_operating_cost"),
                    ("n_delivery_workload", '-. "-" .->', "n_projects_on_time")]
    assert "linkStyle 0,1,2 stroke:#d62728" in exceptions
    # The KPI judged only by its owner's health is drawn as what course correction acts on.
    assert nodes["n_event_leads_cost"] == "Cost of a lead from<br/>events<br/>marketing<br/>no-direction, owner says problem"
    assert "class n_operating_cost,n_projects_on_time,n_content_downloads,n_event_leads_cost off_track" in exceptions


# --------------------------------------------------------------------------- escaping


AWKWARD = {
    "kpiframe.yaml": "organization: 'Ünïcödé | \"Quoted\" Co'\ndepartments: [sales, operations]\nas_of: 2026-06-30\n",
    "goals.yaml": """
        kind: Goal
        id: end
        title: 'Grow "fast" [now] {ok} (yes) <b>bold</b> #1 & `x` | pipe — Ünïcödé 中文'
        level: company
        ---
        kind: Goal
        id: sales.goal
        title: 'Sales | goal \\ with a backslash\\'
        level: department
        department: sales
        parent: end
    """,
    "kpis.yaml": """
        kind: KPI
        id: new-arr
        name: 'Deals "closed" [Q3] | Ω *bold* _x_'
        department: sales
        owner: 'Dana | Kim'
        supports: [sales.goal]
        unit: 'USD|k'
        direction: increase
        baseline: {value: 10, date: 2026-01-01}
        target: {value: 20, date: 2026-12-31}
        actuals: [{date: 2026-06-01, value: 10.5}]
        influences: [{target: new_arr, effect: decrease}]
        ---
        kind: KPI
        id: new_arr
        name: "Line one\\nline two"
        department: operations
        owner: Ops
        supports: [end]
        unit: x
        direction: increase
    """,
}


def test_labels_with_quotes_brackets_pipes_and_non_ascii_survive(tmp_path: Path):
    text = markdown_of(write_tree(tmp_path / "fw", AWKWARD), "2026-06-30")
    assert text.startswith("# Gap report: Ünïcödé \\| \"Quoted\" Co\n")
    assert assert_tables_well_formed(text) >= 4
    (block,) = mermaid_blocks(text)
    nodes, edges = assert_mermaid_plausible(block)
    # 'end' is a Mermaid keyword and new-arr / new_arr would collide: ids are prefixed and made unique.
    assert {"n_end", "n_sales_goal", "n_new_arr", "n_new_arr_2"} == set(nodes)
    # Wrapped at ~24 characters (a diagram stays narrow), each line escaped.
    assert nodes["n_end"] == ("Grow #quot;fast#quot; [now] {ok}<br/>(yes) #lt;b#gt;bold#lt;/b#gt; #35;1 #amp;<br/>"
                              "#96;x#96; | pipe — Ünïcödé 中文<br/>company goal")
    assert nodes["n_new_arr_2"].startswith("Line one line two")  # one line: a newline would end the statement
    assert ("n_new_arr", '-. "conflict" .->', "n_new_arr_2") in edges
    # In Markdown text the same title is escaped, not interpreted.
    assert ("### Grow \"fast\" \\[now\\] {ok} (yes) \\<b\\>bold\\</b\\> \\#\u20601 & \\`x\\` \\| pipe — Ünïcödé 中文"
            in text)
    assert "Deals \"closed\" \\[Q3\\] \\| Ω \\*bold\\* \\_x\\_" in text


def test_split_cells_honours_escaped_pipes_and_backslashes():
    assert split_cells(r"| a \| b | c\\ | d |") == [r" a \| b ", " c\\\\ ", " d "]


# --------------------------------------------------------------------------- big frameworks


def _big_framework(companies: int = 3, departments: int = 3, kpis: int = 6) -> dict[str, str]:
    docs = []
    for c in range(companies):
        docs.append(f"kind: Goal\nid: c{c}\ntitle: Company goal {c}\nlevel: company\n")
        for d in range(departments):
            docs.append(f"kind: Goal\nid: c{c}.d{d}\ntitle: Goal {d} of {c}\nlevel: department\n"
                        f"department: dep{d}\nparent: c{c}\n")
            for k in range(kpis):
                # The first KPI of each department goal hurts a KPI under the next company goal.
                hurts = f"influences: [{{target: k{(c + 1) % companies}-{(d + 1) % departments}-{k}, effect: decrease}}]\n"
                docs.append(f"kind: KPI\nid: k{c}-{d}-{k}\nname: KPI {k}\ndepartment: dep{d}\nowner: O\nunit: x\n"
                            f"direction: increase\nsupports: [c{c}.d{d}]\n" + (hurts if k == 0 else ""))
    return {"kpiframe.yaml": "organization: Big Co\n", "fw.yaml": "---\n".join(docs)}


def test_a_big_framework_gets_one_diagram_per_company_goal_and_an_exceptions_diagram(tmp_path: Path):
    text = markdown_of(write_tree(tmp_path / "fw", _big_framework()), "2026-06-30")  # 3 + 9 goals, 54 KPIs
    picture = text.split("## Picture")[1]
    assert re.findall(r"^### (.*)$", picture, flags=re.M) == [
        "Company goal 0", "Company goal 1", "Company goal 2", "Exceptions"]
    blocks = mermaid_blocks(text)
    for block in blocks[:3]:
        nodes, edges = assert_mermaid_plausible(block)
        assert len(nodes) == 22  # the company goal, its 3 department goals and their 18 KPIs
        # Six KPIs under a goal are stacked in columns, so the picture is not one wide row.
        assert sum(1 for _, arrow, _ in edges if arrow == "~~~") >= 9
    # Every unresolved conflict is in the exceptions, with only the KPIs on its path.
    nodes, edges = assert_mermaid_plausible(blocks[3])
    assert len({(a, b) for a, arrow, b in edges if arrow == '-. "-" .->'}) == 9
    assert len(nodes) == 9


def test_a_department_too_big_for_three_diagrams_is_drawn_with_its_goals_only(tmp_path: Path):
    files = _big_framework(companies=2, departments=2, kpis=3)
    files["more.yaml"] = "---\n".join(
        f"kind: KPI\nid: extra-{i}\nname: Extra {i}\ndepartment: dep0\nowner: O\nunit: x\n"
        f"direction: increase\nsupports: [c0.d0]\n" for i in range(250))
    text = markdown_of(write_tree(tmp_path / "fw", files), "2026-06-30")
    picture = text.split("## Picture")[1]
    # Company goal 0 is too big for one diagram: one per department under it.
    assert re.findall(r"^### (.*)$", picture, flags=re.M) == [
        "Company goal 0: dep0", "Company goal 0: dep1", "Company goal 1", "Exceptions"]
    blocks = mermaid_blocks(text)
    nodes, _ = assert_mermaid_plausible(blocks[0])
    assert set(nodes) == {"n_c0", "n_c0_d0"}
    assert nodes["n_c0_d0"] == "Goal 0 of 0<br/>department goal · dep0<br/>253 KPIs, 0 behind"
    assert "Too many KPIs to draw here: its goals only" in text
    nodes, _ = assert_mermaid_plausible(blocks[1])
    assert "n_k0_1_0" in nodes  # dep1 under the same company goal is small enough to draw in full
    assert all(len(assert_mermaid_plausible(b)[0]) <= 40 for b in blocks)


def test_a_department_of_a_company_goal_is_cut_into_parts_that_keep_the_goals_above(tmp_path: Path):
    files = _big_framework(companies=1, departments=2, kpis=3)
    files["more.yaml"] = "---\n".join(
        f"kind: KPI\nid: extra-{i}\nname: Extra {i}\ndepartment: dep0\nowner: O\nunit: x\n"
        f"direction: increase\nsupports: [c0.d0]\n" for i in range(60))
    text = markdown_of(write_tree(tmp_path / "fw", files), "2026-06-30")
    picture = text.split("## Picture")[1]
    assert re.findall(r"^### (.*)$", picture, flags=re.M)[:3] == [
        "Company goal 0: dep0 (part 1 of 2)", "Company goal 0: dep0 (part 2 of 2)", "Company goal 0: dep1"]
    for block in mermaid_blocks(text)[:2]:
        nodes, _ = assert_mermaid_plausible(block)
        assert {"n_c0", "n_c0_d0"} <= set(nodes) and len(nodes) <= 40


# --------------------------------------------------------------------------- writing


def test_output_file_is_written_atomically_and_the_exit_code_is_0_even_with_errors(tmp_path: Path):
    target = tmp_path / "out" / "gap-report.md"
    result = report(str(EXAMPLES / "silos"), "-o", str(target))
    assert result.exit_code == 0, result.output  # silos fails `check`; a report is not a check
    assert f"to {target}" in result.output
    assert target.read_text(encoding="utf-8") == markdown_of(EXAMPLES / "silos")
    assert os.listdir(target.parent) == ["gap-report.md"]


@pytest.mark.parametrize("interruption", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_an_interrupted_write_leaves_the_old_report_and_no_partial_file(tmp_path: Path, monkeypatch, interruption):
    target = tmp_path / "gap-report.md"
    target.write_text("the old report\n", encoding="utf-8")

    def fail_after_writing(fd: int) -> None:  # the text is in the temporary file: stop before the rename
        raise interruption

    monkeypatch.setattr(fsutil.os, "fsync", fail_after_writing)
    result = report(str(EXAMPLES / "acme"), "-o", str(target))
    if isinstance(interruption, OSError):
        assert result.exit_code == 2
        assert "could not write" in result.output
    else:
        assert result.exit_code != 0  # the interruption stops the command
    assert target.read_text(encoding="utf-8") == "the old report\n"
    assert os.listdir(tmp_path) == ["gap-report.md"]


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_output_is_byte_identical_across_runs_and_hash_seeds(fmt: str):
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        env.pop("KPIFRAME_TODAY", None)
        done = subprocess.run([sys.executable, "-m", "kpiframe", "report", str(EXAMPLES / "acme"), "--format", fmt],
                              capture_output=True, env=env, cwd=REPO, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0]


# --------------------------------------------------------------------------- empty and broken


def test_an_empty_folder_gets_a_complete_report(tmp_path: Path):
    text = markdown_of(tmp_path)
    positions = [text.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    assert "**Verdict:** Nothing to report yet: no framework documents were found." in text
    assert "| KPIs traced to a company goal | n/a | 0 of 0 |" in text
    assert "No findings." in text
    assert_tables_well_formed(text)


def test_a_broken_framework_reports_what_it_could_read_and_lists_the_errors(framework):
    root = framework({
        "broken.yaml": "kind: KPI\nid: lost\nname: [\n",
        "goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n",
        "kpis.yaml": "kind: KPI\nid: arr\nname: ARR\ndepartment: sales\nowner: Dana\nunit: USD\n"
                     "direction: increase\nsupports: [grow]\n---\nkind: KPI\nid: half\nname: Half a KPI\n",
    })
    text = markdown_of(root, "2026-06-30")
    assert "**Verdict:** Fails the check with" in text
    assert "**Not included:** 1 KPI and 1 file could not be read; the appendix lists why." in text
    assert "- KPI ARR (`arr`, sales, Dana): ⚪ no-target" in text  # what could be read is reported
    appendix = text.split("## Appendix: findings")[1]
    assert "| KF001 | error | broken\\.yaml:4 | invalid YAML" in appendix
    assert "| KF005 | error | kpis\\.yaml:10 | KPI 'half': \\`department\\` is required |" in appendix
    assert_tables_well_formed(text)


def test_suppressed_findings_are_listed_and_marked(framework):
    root = framework({
        "goals.yaml": "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n",
        "kpis.yaml": "kind: KPI\nid: legacy\nname: Legacy\ndepartment: sales\nowner: Dana\nunit: x\n"
                     "direction: increase\nignore: [{rule: orphan-kpi, reason: Retired in Q4}]\n"
                     "---\nkind: KPI\nid: arr\nname: ARR\ndepartment: sales\nowner: Dana\nunit: x\n"
                     "direction: increase\nsupports: [grow]\n",
    })
    text = markdown_of(root, "2026-06-30")
    assert ("| KF101 | error, suppressed | kpis\\.yaml:1 | KPI 'legacy' supports no goal "
            "(suppressed: ignore: Retired in Q4) |") in text
    # Suppressed or not, the fact is shown: the KPI is still an orphan.
    assert "- Orphan KPI Legacy (`legacy`" in text


def test_a_suppressed_conflict_is_still_unresolved_and_says_it_was_accepted(framework):
    root = framework({
        "fw.yaml": """
            kind: KPI
            id: deals
            name: Deals
            department: sales
            owner: Dana
            unit: deals
            direction: increase
            influences: [{target: workload, effect: increase}]
            ignore: [{rule: department-conflict, reason: Settled in the Q3 review}]
            ---
            kind: Driver
            id: workload
            title: Delivery workload
            influences: [{target: cost, effect: increase}]
            ---
            kind: KPI
            id: cost
            name: Cost
            department: operations
            owner: Priya
            unit: USD
            direction: decrease
        """,
    })
    text = markdown_of(root, "2026-06-30")
    assert ("- **`deals` (sales) works against `cost` (operations).** Improving Deals (sales) raises Delivery "
            "workload, which raises Cost; operations wants Cost lower.") in text
    assert "To settle it: a trade-off agreed by Dana and Priya. Accepted without a trade-off for now " \
           "(ignore: Settled in the Q3 review)." in text
    assert "| Cross-department conflicts without a trade-off | 100% | 1 of 1 |" in text


# --------------------------------------------------------------------------- JSON


def test_json_has_the_same_content_as_data():
    result = report(str(EXAMPLES / "silos"), "--format", "json", "--today", EXAMPLE_TODAY)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert list(data) == ["version", "header", "alignment", "performance_gaps", "execution", "conflicts",
                          "departments", "diagrams", "findings", "goals", "kpis", "plans", "names", "summary"]
    assert data["version"] == 1
    header = data["header"]
    assert header["organization"] == "Northgate Systems" and header["today"] == EXAMPLE_TODAY
    assert header["verdict"] == "fail"
    assert {line["key"]: (line["count"], line["total"]) for line in header["scorecard"]} == {
        "traced_kpis": (10, 12), "measured_goals": (7, 8), "kpis_with_active_plan": (5, 12),
        "current_kpis": (10, 12), "on_course_kpis": (7, 12), "unjudged_kpis": (2, 12), "unresolved_conflicts": (2, 2)}
    assert header["cannot_be_judged"] == {"total": 2, "no_target": 1, "no_baseline": 0, "no_numbers": 0,
                                          "no_direction": 1}
    # event-leads-cost: no numbers to judge, its owner says problem
    assert data["performance_gaps"] == ["projects-on-time", "operating-cost", "content-downloads", "event-leads-cost"]
    cost = data["kpis"]["operating-cost"]
    assert cost["status"] == "off-track" and cost["latest"] == {"value": 866, "date": EXAMPLE_TODAY}
    assert cost["gap_units"] == 135.75 and cost["plans"] == ["vendor-renegotiation", "delivery-automation-pilot"]
    assert data["plans"]["vendor-renegotiation"]["overdue_days"] == 92
    assert data["alignment"]["orphan_kpis"] == ["sales-calls-per-week"]
    assert [e["goal"] for e in data["alignment"]["trees"][0]["entries"]] == [
        "grow-revenue", "marketing-more-leads", "sales-hit-the-number"]
    assert [(c["a"], c["b"]) for c in data["conflicts"]["unresolved"]] == [
        ("new-deals-closed", "operating-cost"), ("new-deals-closed", "projects-on-time")]
    assert len(data["findings"]) == 32 and data["findings"][0]["code"] == "KF105"
    summary = data["summary"]
    assert summary["key_basis"] == "largest-gaps" and summary["key_behind"] == data["performance_gaps"]
    assert summary["uncorrected"] == ["projects-on-time", "operating-cost", "content-downloads", "event-leads-cost"]
    assert summary["stale"] == ["payroll-cost"] and summary["kpis_without_owner"] == ["event-leads-cost"]
    assert summary["trends"][0] == {
        "kpi": "projects-on-time", "dates": ["2025-12-31", "2026-07-31", "2026-08-31", "2026-09-30"],
        "actuals": [88, 81, 77, 74], "expected": [88.0, 92.07, 92.66, 93.24], "target": 95,
        "target_date": "2026-12-31", "basis": "target", "earlier": 0}
    assert (header["key_kpis"], header["behind_by_health"], header["department"]) == (0, 1, None)
    exceptions = data["diagrams"][-1]
    assert exceptions["kind"] == "exceptions" and exceptions["title"] == "Exceptions"
    assert {"source": "new-deals-closed", "target": "delivery-workload", "kind": "influence", "sign": 1} \
        in exceptions["edges"]


def test_json_report_of_an_empty_folder(tmp_path: Path):
    result = report(str(tmp_path), "--format", "json", "--today", "2026-06-30")
    data = json.loads(result.stdout)
    assert data["header"]["verdict"] == "empty"
    assert data["kpis"] == {} and data["findings"] == [] and data["diagrams"][0]["nodes"] == []
    assert all(line["percent"] is None for line in data["header"]["scorecard"])


def test_a_path_that_is_not_a_folder_is_a_usage_error(tmp_path: Path):
    result = report(str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert "no such folder" in result.output
