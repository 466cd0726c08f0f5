"""Every `kpiframe check --format` as text, for stdout or for `--output-file`.

Each renderer is imported only when chosen, so that `--format json` in CI never imports rich.
"""

from __future__ import annotations

import io
from pathlib import Path

from kpiframe.check import CheckResult

FORMATS = ("text", "json", "github", "sarif", "junit", "gitlab")


def render_check(result: CheckResult, fmt: str, *, elapsed: float = 0.0, timings: bool = False,
                 cwd: Path | None = None, fail_on: str = "error", step_summary: bool = False) -> str:
    """The whole report in format ``fmt``. ``text`` comes without colour (it is going to a file).

    ``fail_on`` is the check's ``--fail-on``, for the formats that say what failed (JUnit);
    ``step_summary``: the findings also go to GitHub's step summary (``github`` says so).
    """
    if fmt == "text":
        return _plain_text(result, elapsed, timings, cwd)
    if fmt == "json":
        from kpiframe.render.json_out import render_check_json

        return render_check_json(result, timings=timings, cwd=cwd)
    if fmt == "github":
        from kpiframe.render.github import render_github

        return render_github(result, cwd, summary=step_summary)
    if fmt == "sarif":
        from kpiframe.render.sarif import render_sarif

        return render_sarif(result, cwd)
    if fmt == "junit":
        from kpiframe.render.junit import render_junit

        return render_junit(result, cwd, fail_on)
    if fmt == "gitlab":
        from kpiframe.render.gitlab import render_gitlab

        return render_gitlab(result, cwd)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def _plain_text(result: CheckResult, elapsed: float, timings: bool, cwd: Path | None) -> str:
    from rich.console import Console

    from kpiframe.render.text import print_check_text

    buffer = io.StringIO()
    console = Console(file=buffer, highlight=False, markup=False, no_color=True, force_terminal=False,
                      width=10_000)
    print_check_text(result, console, elapsed=elapsed, timings=timings, cwd=cwd)
    return buffer.getvalue()
