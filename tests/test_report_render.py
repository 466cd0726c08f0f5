"""Every diagram of the report renders, and none is wider than about 3:1 (issue 17, item 4).

The diagrams are drawn by the real renderer: mermaid-cli (`mmdc`, from npm, installed by .ci/run
into .ci/node) driving the system's headless Chromium (Debian's `chromium`). Each report is
rendered in one `mmdc` call (it renders every ```mermaid block of a Markdown file, one browser
for all), and each SVG's viewBox is read. Without mmdc or Chromium these tests skip and say which
is missing; a render that fails, fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.generate import generate
from kpiframe.cli import app
from tests.conftest import EXAMPLES, REPO

MMDC = REPO / ".ci" / "node" / "node_modules" / ".bin" / "mmdc"
CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)
CORPUS = REPO.parent / "shared" / "corpus" / "gitlab-pi"
MAX_RATIO = 3.0
ENV = {"NO_COLOR": "1", "KPIFRAME_TODAY": None, "COLUMNS": None}

needs_renderer = pytest.mark.skipif(
    not MMDC.exists() or CHROMIUM is None,
    reason=("mermaid-cli is not installed in .ci/node (npm install --prefix .ci/node @mermaid-js/mermaid-cli)"
            if not MMDC.exists() else "no chromium on PATH (Debian: apt-get install chromium)"))


def report_markdown(path: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["report", str(path), "--today", "2026-09-30", *args], env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


def render_all(markdown: str, work: Path) -> list[tuple[float, float]]:
    """Render every mermaid block of ``markdown``; the (width, height) of each SVG, in order."""
    blocks = re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S)
    assert blocks, "the report has no diagram"
    work.mkdir(parents=True, exist_ok=True)
    config = work / "puppeteer.json"
    args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    config.write_text(json.dumps({"executablePath": CHROMIUM, "args": args}), encoding="utf-8")
    source = work / "in.md"
    source.write_text("".join(f"```mermaid\n{b}```\n\n" for b in blocks), encoding="utf-8")
    done = subprocess.run([str(MMDC), "-p", str(config), "-i", str(source), "-o", str(work / "out.md"),
                           "-e", "svg", "-q"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})
    assert done.returncode == 0, f"mermaid-cli failed:\n{done.stdout}\n{done.stderr}"
    sizes = []
    for index in range(1, len(blocks) + 1):
        svg = (work / f"out-{index}.svg").read_text(encoding="utf-8")
        head = svg[:svg.index(">")]
        _, _, width, height = (float(v) for v in re.search(r'viewBox="([^"]+)"', head).group(1).split())
        sizes.append((width, height))
    return sizes


def assert_readable(sizes: list[tuple[float, float]], what: str) -> None:
    wide = [(i + 1, round(w), round(h)) for i, (w, h) in enumerate(sizes) if w > MAX_RATIO * h]
    assert not wide, f"{what}: diagrams wider than {MAX_RATIO}:1 (number, width, height): {wide}"


@needs_renderer
@pytest.mark.parametrize("example", ["acme", "silos"])
def test_every_diagram_of_the_examples_renders_no_wider_than_3_to_1(example: str, tmp_path: Path):
    sizes = render_all(report_markdown(EXAMPLES / example), tmp_path)
    assert_readable(sizes, example)


@needs_renderer
def test_a_300_kpi_framework_renders_every_diagram_no_wider_than_3_to_1(tmp_path: Path):
    generate(tmp_path / "fw", 300)
    markdown = report_markdown(tmp_path / "fw")
    sizes = render_all(markdown, tmp_path / "render")
    assert len(sizes) > 3  # split: one per company goal or department, and the exceptions
    assert_readable(sizes, "generated 300 KPIs")


@needs_renderer
@pytest.mark.skipif(not CORPUS.is_dir(), reason="GitLab corpus not present next to the repository")
def test_the_imported_gitlab_register_renders_every_diagram_no_wider_than_3_to_1(tmp_path: Path):
    out = tmp_path / "gitlab"
    result = CliRunner().invoke(app, ["import", "gitlab-pi", str(CORPUS / "www-gitlab-com_2022-11-10"),
                                      "--out", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    sizes = render_all(report_markdown(out), tmp_path / "render")
    assert_readable(sizes, "GitLab import")
