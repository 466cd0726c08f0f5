"""The `kpiframe` executable. `--version` answers before any heavy library is imported, since
pre-commit and CI call it often; everything else goes to the typer app in kpiframe.cli."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from kpiframe import __version__

        print(f"kpiframe {__version__}")
        return
    from kpiframe.cli import main as run_cli

    run_cli()
