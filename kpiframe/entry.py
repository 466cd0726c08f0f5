"""The `kpiframe` executable. `--version` answers before any heavy library is imported, since
pre-commit and CI call it often; everything else goes to the typer app in kpiframe.cli."""

from __future__ import annotations

import errno
import os
import sys
from typing import NoReturn


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from kpiframe import __version__

        try:
            print(f"kpiframe {__version__}")
        except BrokenPipeError:
            pass
        except OSError as exc:
            os.write(2, f"kpiframe: could not write standard output: {exc.strerror}\n".encode())
            exit_now(2)
        return
    # kpiframe's models are its own business: a pydantic plugin installed beside it (an observability
    # SDK, say) must not watch, or send anywhere, the validation of a framework's documents; and
    # looking for plugins reads every installed package's entry points (~2 ms). Unless the
    # environment says otherwise (PYDANTIC_DISABLE_PLUGINS= turns them back on).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from kpiframe.collector import collector_paused

    with collector_paused():  # what the CLI imports lives to the end: no scans of it while it loads
        from kpiframe.cli import main as run_cli

    try:
        run_cli()
    except SystemExit as stop:
        exit_now(stop.code)
    exit_now(0)


def exit_now(code: object) -> NoReturn:
    """Flush the output and leave without tearing the interpreter down.

    A large framework is millions of objects; freeing them one by one at exit takes longer than
    a whole check of a small framework, for nothing (mypy exits the same way). Every file
    kpiframe writes is closed before this point.
    """
    if code is None:
        code = 0
    elif not isinstance(code, int):  # SystemExit("message"): print it, exit 1, as Python would
        print(code, file=sys.stderr)
        code = 1
    cli = sys.modules.get("kpiframe.cli")
    if cli is not None and cli.terminated_unnoticed(code):  # the output is whole; the user asked to stop
        print("kpiframe: terminated", file=sys.stderr)
        code = 143
    for stream, what in ((sys.stdout, "standard output"), (sys.stderr, "standard error")):
        try:
            if stream is not None:  # None when started with the stream closed (`kpiframe check >&-`)
                stream.flush()
        except (BrokenPipeError, ValueError):  # a closed pipe (`kpiframe check | head`): nothing to deliver
            pass
        except Exception as failed:  # noqa: BLE001 - a full disk, /dev/full: the last output did not arrive
            if isinstance(failed, OSError):
                if failed.errno == errno.EBADF:
                    continue
                failed = f"could not write {what}: {failed.strerror or failed}"  # type: ignore[assignment]
            code = 2
            try:
                os.write(2, f"kpiframe: {failed}\n".encode("utf-8", "backslashreplace"))
            except OSError:
                pass
    os._exit(code)
