"""Hostile text: whatever a framework author writes stays inert in every output (issue 15, item 3).

One framework puts the same payload in every free-text field (names, titles, owners, units,
descriptions, resolutions, milestone titles, suppression reasons, the organization) and in
values that come back inside messages. Each output is then read the way its consumer reads it:

* Markdown with a real CommonMark/GFM parser, markdown-it-py with linkify (bare URLs, www.
  hosts, e-mail addresses) and dollar math: no link, image, HTML or math element comes from the
  text, and its rendered text holds no @mention or #123 reference for GitHub to act on;
* Mermaid (the report's diagrams and `graph --format mermaid`) line by line against the only
  statements kpiframe writes, and with no `%%` at all;
* DOT, SARIF, JUnit, GitLab and GitHub workflow commands by their own syntax.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import write_tree

markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py is in the test extra")
pytest.importorskip("linkify_it", reason="linkify-it-py is in the test extra (markdown-it-py[linkify])")
dollarmath = pytest.importorskip("mdit_py_plugins.dollarmath", reason="mdit-py-plugins is in the test extra")

TODAY = "2026-06-30"
PAYLOAD = ("Evil https://evil.example/x www.evil.example evil.example.com dana@evil.example mailto:a@evil.example "
           "@octocat @acme/security #123 GH-7 9fceb02d0ae598e95dc970b74767f19372d61af8 $x^2$ $$y$$ <img src=x onerror=alert(1)> <script>alert(1)</script> "
           "[link](https://evil.example) ![img](https://evil.example/i.png) <https://evil.example> "
           "%%{init: {'themeCSS': 'path{stroke:none}'}}%% %% comment\n"
           "click n_a href \"javascript:alert(1)\" ::: evil \"] --> n_x[\" end ``` ~~~ | *bold* _it_ "
           "&lt;b&gt; &#60;i&#62; ::error::forged\n::warning file=x::forged % , : ; \\ \n tail")
QUOTED = json.dumps(PAYLOAD)  # a YAML double-quoted scalar: JSON's escapes are YAML's


def hostile_framework(root: Path) -> Path:
    p = QUOTED
    return write_tree(root, {
        "kpiframe.yaml": f"organization: {p}\nas_of: {TODAY}\ndepartments: [sales, operations]\n",
        "goals.yaml": f"""
            kind: Goal
            id: grow
            title: {p}
            level: company
            owner: {p}
            description: {p}
            ---
            kind: Goal
            id: win
            title: {p}
            level: department
            department: sales
            parent: grow
            ---
            kind: Goal
            id: idle
            title: {p}
            level: company
            """,
        "kpis.yaml": f"""
            kind: KPI
            id: deals
            name: {p}
            department: sales
            owner: {p}
            supports: [win]
            unit: {p}
            direction: increase
            review: monthly
            source: {p}
            description: {p}
            baseline: {{value: 100, date: 2026-01-01}}
            target: {{value: 200, date: 2026-12-31}}
            actuals: [{{date: 2026-02-15, value: 90}}]
            influences: [{{target: on-time, effect: decrease}}]
            ---
            kind: KPI
            id: on-time
            name: {p}
            department: operations
            owner: Ops Owner
            supports: [win]
            unit: "%"
            direction: increase
            review: monthly
            baseline: {{value: 80, date: 2026-01-01}}
            target: {{value: 95, date: 2026-12-31}}
            actuals: [{{date: 2026-06-15, value: 70}}]
            ---
            kind: KPI
            id: unplanned
            name: {p}
            department: sales
            owner: {p}
            supports: [win]
            unit: USD
            direction: {p}
            ignore: [{{rule: orphan-kpi, reason: {p}}}]
            """,
        "plans.yaml": f"""
            kind: ActionPlan
            id: push
            title: {p}
            addresses: [deals]
            owner: {p}
            due: 2026-03-31
            status: blocked
            milestones: [{{title: {p}, due: 2026-02-01}}]
            ---
            kind: Driver
            id: lever
            title: {p}
            influences: [{{target: deals, effect: increase}}]
            ---
            kind: Tradeoff
            id: deal
            between: [deals, on-time]
            resolution: {p}
            owners: [{p}, Ops Owner]
            """,
    })


def run(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--today", TODAY] if args[0] != "graph" else list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return hostile_framework(tmp_path_factory.mktemp("hostile") / "fw")


@pytest.fixture(scope="module")
def report(root: Path) -> str:
    text = run("report", str(root))
    assert "Evil" in text  # the payload is there, in many places
    return text


# --- Markdown ------------------------------------------------------------------------------------

def parsed_tokens(text: str):
    parser = markdown_it.MarkdownIt("gfm-like", {"linkify": True}).use(dollarmath.dollarmath_plugin)
    for token in parser.parse(text):
        yield token
        yield from token.children or ()


# The only HTML the report writes: its own folds, whose summaries are counts and fixed words.
OWN_HTML = re.compile(r"<details><summary>[\w ,]+</summary>\n|</details>\n")


def test_markdown_report_has_no_link_image_html_or_math_from_framework_text(report: str):
    tokens = list(parsed_tokens(report))
    kinds = {t.type for t in tokens}
    assert not kinds & {"link_open", "image", "html_inline", "math_inline", "math_block",
                        "math_block_label", "math_inline_double"}, sorted(kinds)
    html = [t.content for t in tokens if t.type == "html_block"]
    assert html and all(OWN_HTML.fullmatch(block) for block in html), html


def test_markdown_report_renders_no_mention_or_issue_reference(report: str):
    # GitHub finds mentions and #123 in the rendered text (outside code), where escapes are gone.
    texts = [t.content for t in parsed_tokens(report) if t.type == "text"]
    assert texts
    for text in texts:
        assert not re.search(r"(?:^|[^\w`])@[A-Za-z0-9]", text), text
        assert not re.search(r"#\d", text), text
        assert not re.search(r"(?i)\bGH-\d", text), text  # GitHub links GH-7 to issue 7
        assert not re.search(r"\b[0-9a-f]{7,40}\b", text), text  # ... and a commit's SHA to the commit


def test_markdown_report_shows_the_text_as_written(report: str):
    # Escapes and the invisible word joiner change how the source reads, not what is shown.
    shown = "".join(t.content for t in parsed_tokens(report) if t.type == "text").replace("\u2060", "")
    assert "https://evil.example/x www.evil.example evil.example.com dana@evil.example" in shown
    assert "@octocat @acme/security #123 GH-7 9fceb02d0ae598e95dc970b74767f19372d61af8" in shown and "$x^2$" in shown and "<img src=x onerror=alert(1)>" in shown


# --- Mermaid -------------------------------------------------------------------------------------

MERMAID_LINE = re.compile(r"""^(?:
    flowchart\ (?:TD|BT|LR)
  | \ {4}n_\w+\["[^"]*"\]                                   # a node and its quoted label
  | \ {4}n_\w+\ (?:-->|-\.->|-\.-)\ n_\w+                   # an edge
  | \ {4}n_\w+\ -->\|"[^"]*"\|\ n_\w+                       # an edge with a label
  | \ {4}n_\w+\ -\.\ "[^"]*"\ \.->?\ n_\w+                  # a dotted edge with a label
  | \ {4}n_\w+(?:\ ~~~\ n_\w+)+                            # a column: invisible links
  | \ {4}classDef\ \w+\ [\w:#,.\-\ ]+
  | \ {4}class\ n_\w+(?:,n_\w+)*\ \w+
  | \ {4}linkStyle\ \d+(?:,\d+)*\ [\w:#,.\-\ ]+
)$""", re.VERBOSE)


def mermaid_blocks(report: str) -> list[str]:
    return [b for b in re.findall(r"```mermaid\n(.*?)```", report, re.S) if not b.startswith("%%{init")]


# A trend chart: kpiframe's own directive, then dates and numbers only.
XYCHART_LINE = re.compile(r"""^(?:
    %%\{init:\ \{"xyChart":\ \{"width":\ 560,\ "height":\ 260\},\ "themeVariables":\ \{"xyChart":\ \{"plotColorPalette":\ "[\#0-9a-f,\ ]+"\}\}\}\}%%
  | xychart-beta
  | \ {4}x-axis\ \["\d{4}-\d\d-\d\d"(?:,\ "\d{4}-\d\d-\d\d")*\]
  | \ {4}y-axis\ -?[\d.]+\ -->\ -?[\d.]+
  | \ {4}(?:bar|line)\ \[-?[\d.]+(?:,\ -?[\d.]+)*\]
)$""", re.VERBOSE)


def test_trend_charts_hold_only_dates_and_numbers(report: str):
    charts = [b for b in re.findall(r"```mermaid\n(.*?)```", report, re.S) if b.startswith("%%{init")]
    assert charts
    for chart in charts:
        for line in chart.splitlines():
            assert XYCHART_LINE.match(line), f"not a statement kpiframe writes: {line!r}"


def assert_inert_mermaid(diagram: str) -> None:
    assert "%%" not in diagram  # no directive, no comment
    for line in diagram.splitlines():
        assert MERMAID_LINE.match(line), f"not a statement kpiframe writes: {line!r}"


def test_mermaid_in_the_report_is_only_kpiframe_statements(report: str):
    blocks = mermaid_blocks(report)
    assert blocks
    for block in blocks:
        assert_inert_mermaid(block)
    assert any("linkStyle" in block and "stroke:#d62728" in block for block in blocks)  # the conflict edge


def test_graph_mermaid_is_only_kpiframe_statements(root: Path):
    diagram = run("graph", str(root), "-f", "mermaid")
    assert_inert_mermaid(diagram)
    assert "Evil" in diagram


# --- DOT, SARIF, JUnit, GitLab, GitHub ------------------------------------------------------------

DOT_STRING = r'"(?:[^"\\\n]|\\.)*"'
DOT_ATTRIBUTES = rf"\[(?:\w+={DOT_STRING}(?:,\ )?)*\];"
DOT_LINE = re.compile(rf"""^(?:
    digraph\ kpiframe\ \{{ | \}} | \ \ \}}
  | \ \ (?:graph|node|edge)\ {DOT_ATTRIBUTES}
  | \ \ subgraph\ {DOT_STRING}\ \{{
  | \ \ \ \ graph\ {DOT_ATTRIBUTES}
  | (?:\ \ |\ \ \ \ ){DOT_STRING}(?:\ ->\ {DOT_STRING})?\ {DOT_ATTRIBUTES}
)$""", re.VERBOSE)


def test_dot_strings_never_end_early(root: Path):
    text = run("graph", str(root), "-f", "dot")
    for line in text.splitlines():
        assert DOT_LINE.match(line), f"not a statement kpiframe writes: {line!r}"
    assert "Evil" in text


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab"])
def test_json_formats_hold_the_text_as_data(root: Path, fmt: str):
    text = run("check", str(root), "-f", fmt)
    assert "Evil" in json.dumps(json.loads(text))


def test_junit_is_well_formed_xml_holding_the_text(root: Path):
    tree = ElementTree.fromstring(run("check", str(root), "-f", "junit"))
    assert "Evil" in ElementTree.tostring(tree, encoding="unicode")


def test_github_annotations_are_one_command_per_finding(root: Path):
    # The runner reads a command only at the start of a line: the payload's line breaks are
    # encoded, so its '::error::forged' stays inside the message.
    lines = run("check", str(root), "-f", "github").splitlines()
    findings = json.loads(run("check", str(root), "-f", "json"))["findings"]
    assert len(lines) == len(findings)
    assert all(re.match(r"^::(error|warning|notice) (file|title)=[^:]*::", line) for line in lines), lines
