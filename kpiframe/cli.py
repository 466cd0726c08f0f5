"""Stage 7: the command line. The typer app, the commands mounted in order (each lives in
:mod:`kpiframe.commands`), and :func:`main`, which turns whatever escapes a command into an exit code."""

import copy
import sys

import typer
from typer.core import TyperGroup
from typer.main import get_command_name

try:  # typer 0.2x imports its parameter converters (and much of pydantic) on the first parse; imported
    import typer._adapters  # noqa: F401  here, they load with the CLI, while kpiframe/entry.py pauses the collector
except ImportError:  # an older typer converts without them
    pass

from kpiframe import __version__
from kpiframe.commands import check as check_commands
from kpiframe.commands import history, setup, views
from kpiframe.commands.common import say as _say
from kpiframe.commands.importing import app as import_app
from kpiframe.commands.pull import pull
from kpiframe.commands.record import record
from kpiframe.fsutil import WriteFailed


class _Commands(TyperGroup):
    """Every command: a write that was refused or failed (fsutil.WriteFailed) exits 2 with one line."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except WriteFailed as failed:
            _say(f"kpiframe: {failed}")
            raise typer.Exit(2) from None
        except Terminated:  # before typer turns it, as any KeyboardInterrupt, into a silent 130
            _stop_helpers()
            _say("kpiframe: terminated")
            raise typer.Exit(143) from None
        except KeyboardInterrupt:
            _stop_helpers()
            raise


app = typer.Typer(
    cls=_Commands,
    name="kpiframe",
    help="Lint a performance framework kept as YAML: goals, KPIs, drivers, action plans and trade-offs.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help, as git and ruff print it: rich's help panels show every flag as `--force <bool>`.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"kpiframe {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """kpiframe: every KPI traced to a goal, every target backed by a plan, no department working against another."""


# The order here is the order of `kpiframe --help`.
app.command()(check_commands.check)
app.command("rules")(check_commands.list_rules)
app.command()(check_commands.explain)
app.command()(views.status)
app.command()(views.report)
app.command()(views.tree)
app.command()(views.graph)
app.command()(views.impact)
app.command(context_settings={"ignore_unknown_options": True})(record)  # so that a value may be negative: -5
app.add_typer(import_app, name="import", help="Turn an existing KPI register (spreadsheet CSV, GitLab-style YAML) into a framework.")
app.command("pull")(pull)
app.command()(setup.schema)
app.command()(setup.init)
app.command()(history.diff)
app.command()(history.history)


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command ``args`` start with, when they name one; else the whole app.

    typer builds the options of every command on each run, and only the named one can be reached
    from ``args``: building one instead of sixteen saves ~6 ms, 3% of `kpiframe check examples/acme`.
    Without a command name (`--help`, a typo, completion) the whole app answers, as always."""
    if not args:
        return app
    named = [c for c in app.registered_commands
             if (c.name or (c.callback and get_command_name(c.callback.__name__))) == args[0]]
    groups = [g for g in app.registered_groups if g.name == args[0]]
    if len(named) + len(groups) != 1:
        return app
    lean = copy.copy(app)
    lean.registered_commands, lean.registered_groups = named, groups
    return lean


class Terminated(KeyboardInterrupt):
    """SIGTERM (`docker stop`, a CI timeout): handled as Ctrl-C is, so helpers are stopped and
    reaped and no temporary file is left, then exit 143 (128 + SIGTERM) as the shell expects."""


def _stop_helpers() -> None:
    """No helper outlives an interrupted command, even one forked just as the signal came."""
    if "kpiframe.forking" in sys.modules:
        sys.modules["kpiframe.forking"].stop_all()


_SIGTERM_SEEN: list[bool] = []


def _on_sigterm(signum, frame) -> None:  # type: ignore[no-untyped-def]
    _SIGTERM_SEEN.append(True)  # in case the exception is swallowed (raised inside a __del__)
    raise Terminated


def terminated_unnoticed(code: int) -> bool:
    """True when SIGTERM came but its exception was lost and the command ran on to ``code``."""
    return bool(_SIGTERM_SEEN) and code != 143


def main() -> None:
    """Entry point: a bug in kpiframe exits 2 with a short report, never a traceback."""
    import signal

    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 console must not turn a file name into a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    from kpiframe.fsutil import guard_standard_streams
    from kpiframe.stage import Stage

    guard_standard_streams()
    signal.signal(signal.SIGTERM, _on_sigterm)
    stage = Stage()
    try:
        _app_for(sys.argv[1:])(obj=stage)
    except SystemExit:
        raise
    except Terminated:
        _stop_helpers()
        _say("kpiframe: terminated")
        sys.exit(143)
    except KeyboardInterrupt:
        _stop_helpers()
        _say("kpiframe: interrupted")
        sys.exit(130)
    except WriteFailed as failed:  # raised outside a command (typer printing its own usage error)
        _say(f"kpiframe: {failed}")
        sys.exit(2)
    except MemoryError:
        _say("kpiframe: the framework needs more memory than is available; see `limits:` in the README "
             "(Limits and guarantees) to bound what one file may hold. (exit code 2)")
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the last line of defence, by design
        from kpiframe.forking import WorkerError

        where = stage.where()
        if _out_of_descriptors(exc):
            _say(f"kpiframe: out of file descriptors{where}: {exc.strerror if isinstance(exc, OSError) else exc}; "
                 "raise the limit (`ulimit -n`) or close other programs. (exit code 2)")
            sys.exit(2)
        if isinstance(exc, WorkerError) and exc.args and str(exc).startswith("MemoryError"):
            _say("kpiframe: the framework needs more memory than is available; see `limits:` in the README "
                 "(Limits and guarantees) to bound what one file may hold. (exit code 2)")
            sys.exit(2)
        what = str(exc) if isinstance(exc, WorkerError) else f"{type(exc).__name__}: {exc}"  # named there
        _say(f"kpiframe: internal error{where}: {what}. This is a bug in kpiframe, "
             "not in your framework; please report it with the file named here. (exit code 2)")
        sys.exit(2)


def _out_of_descriptors(exc: Exception) -> bool:
    import errno

    if isinstance(exc, OSError):
        return exc.errno in (errno.EMFILE, errno.ENFILE)
    return "Too many open files" in str(exc)  # as a helper process reports it
