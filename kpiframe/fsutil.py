"""Every write kpiframe makes goes through here: output files, folders it fills, and its own
standard output and error.

Commands call :func:`write_output` for anything the user named (``-o FILE``, ``-o -``, a file
in a folder an import or ``init`` fills) and :func:`emit` for what they print. A write that
cannot be made raises :class:`WriteFailed`, which the command line turns into exit code 2 and
one line, ``kpiframe: could not write <what>: <OS error>``, so that nothing claims a report was
written when it was not. A reader that goes away (``kpiframe check | head``) is not a failure.

Decisions:

* What a path names decides how it is written. A regular file or a new path is replaced
  atomically (a temporary file in the same folder, renamed over it), so readers see the old
  file or the new one. A symbolic link is followed and the file it finally names is replaced
  the same way: the link stays a link. Anything else that exists (``/dev/null``, a FIFO, a
  terminal) is written through in place: renaming a regular file over ``/dev/null`` as root
  would break every program on the machine. ``/dev/stdout``, ``/dev/fd/N`` and
  ``/proc/self/fd/N`` name one of kpiframe's own open descriptors and are written to that
  descriptor, so that ``-o /dev/stdout > file`` lands where the shell's redirection points.
* ``-`` means standard output.
* A path that is one of the framework's inputs (same file, also through a link or a hard link)
  is refused before anything is written.
* An existing file its owner may not write (no ``u+w`` bit: ``chmod 444``), or that this user
  may not write, is refused before anything is written, as ``cp`` or an editor refuses it: the
  atomic rename needs only the folder to be writable, so without this check ``record``,
  ``--fix`` or ``import --update`` would silently replace a file someone made read-only (and,
  for another user, take it over). Root may write anyone's file, so for root only the mode's
  ``u+w`` bit decides (``os.access`` says yes to root). The same holds for a file the user names
  with ``-o``: a read-only report is one they meant to keep (``cp`` refuses it too).
"""

from __future__ import annotations

import errno
import os
import re
import shlex
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

STDOUT = "-"
_OWN_FD_DIR = re.compile(r"^/proc/(?P<pid>\d+)(?:/task/\d+)?/fd$")
_MAX_LINKS = 40  # as the kernel's own limit on a path's symbolic links


class WriteFailed(Exception):
    """A write was refused or failed; ``str()`` is the one line to print after ``kpiframe: ``."""


def could_not_write(what: object, exc: OSError) -> WriteFailed:
    return WriteFailed(f"could not write {what}: {exc.strerror or exc}")


def write_output(target: str | os.PathLike[str], text: str, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write ``text`` to what ``target`` names (see the module's decisions); ``-`` is stdout.

    ``inputs`` are the files the command read (every framework file, the config, the actuals
    CSV files): a target that is one of them is refused. Raises :class:`WriteFailed`.
    """
    if os.fspath(target) == STDOUT:
        emit(text)
        return
    write_outputs([(target, text)], inputs=inputs)


def write_outputs(items: list[tuple[str | os.PathLike[str], str]], *,
                  inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write several files (a folder an import fills): every target is checked against
    ``inputs`` before the first is written, so a refusal leaves everything as it was."""
    plans = []
    for target, text in items:
        try:
            final, descriptor = resolve_output(target)
        except OSError as exc:
            raise could_not_write(target, exc) from exc
        refuse_inputs(target, final, inputs)
        refuse_read_only(target, final)
        plans.append((target, final, descriptor, text))
    for target, final, descriptor, text in plans:
        try:
            if descriptor is not None:
                _write_descriptor(descriptor, text)
            elif _is_special(final):
                _write_through(final, text)
            else:
                write_atomic(final, text)
        except OSError as exc:
            raise could_not_write(target, exc) from exc


def names_stdout(target: str | os.PathLike[str] | None) -> bool:
    """True when an output option says ``-``: the command prints instead of writing a file."""
    return target is not None and os.fspath(target) == STDOUT


def resolve_output(target: str | os.PathLike[str]) -> tuple[str, int | None]:
    """(the path finally written, or the descriptor of this process it names)."""
    current = os.path.abspath(os.fspath(target))
    for _ in range(_MAX_LINKS):
        if not os.path.islink(current):
            return current, None
        folder = os.path.realpath(os.path.dirname(current))
        own = _OWN_FD_DIR.match(folder)
        if own and int(own["pid"]) == os.getpid() and os.path.basename(current).isdigit():
            return current, int(os.path.basename(current))
        current = os.path.join(os.path.dirname(current), os.readlink(current))
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), os.fspath(target))


def refuse_inputs(target: str | os.PathLike[str], final: str,
                  inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`WriteFailed` when ``final`` is the same file as one of ``inputs``."""
    try:
        written = os.stat(final)
    except OSError:
        return  # nothing there yet: not an input
    if not stat.S_ISREG(written.st_mode):
        return
    for path in inputs:
        try:
            read = os.stat(path)
        except OSError:
            continue
        if (read.st_dev, read.st_ino) == (written.st_dev, written.st_ino):
            same = "" if os.path.abspath(path) == os.path.abspath(target) else f" (the same file as {os.fspath(path)})"
            raise WriteFailed(f"will not write over {os.fspath(target)}: it is one of the framework's "
                              f"inputs{same}; write the output elsewhere")


def refuse_read_only(target: str | os.PathLike[str], final: str) -> None:
    """Raise :class:`WriteFailed` when ``final`` is a regular file that is read-only (no write
    bit for its owner) or that this user may not write; see the module's decisions."""
    try:
        found = os.stat(final)
    except OSError:
        return  # nothing there yet: it will be created
    if not stat.S_ISREG(found.st_mode):
        return  # a device or FIFO is written through: opening it says whether we may
    mode = stat.S_IMODE(found.st_mode)
    shown = os.fspath(target)
    if not mode & stat.S_IWUSR:
        raise WriteFailed(f"will not write {shown}: it is read-only (mode {mode:04o}); make it writable "
                          f"(chmod u+w {shlex.quote(shown)}) if it should change, then run the command again")
    if not os.access(final, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        raise WriteFailed(f"will not write {shown}: you may not write it (owner {_owner(found.st_uid)}, mode "
                          f"{mode:04o}); ask its owner to make it writable for you, then run the command again")


def _owner(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _is_special(path: str) -> bool:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)  # a folder: the rename reports it


def _write_through(path: str, text: str) -> None:
    # No O_CREAT (it exists) and no O_TRUNC (a device or FIFO has nothing to truncate).
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _write_descriptor(fd: int, text: str) -> None:
    """Write to one of this process's descriptors, after what was already printed on it."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    view = memoryview(text.encode("utf-8"))
    while view:
        view = view[os.write(fd, view):]


def write_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half.

    The temporary file lives in the target's own folder: ``os.replace`` is only atomic
    within one file system. Use :func:`write_output` for a path the user named.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); a report or a scaffolded framework should get the
        # mode any new file gets (or keep the mode and owner of the file it replaces).
        _keep_mode_and_owner(fd, target)
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def append_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Append ``text`` to ``path`` (created if missing), for files that several writers add to,
    such as GitHub's step summary. Not atomic: appending cannot be. Raises OSError."""
    with open(path, "a", encoding=encoding, newline="") as handle:
        handle.write(text)


def _keep_mode_and_owner(fd: int, target: Path) -> None:
    try:
        old = target.stat()
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    if os.geteuid() == 0 and (old.st_uid, old.st_gid) != (0, 0):  # root replacing someone's file
        os.fchown(fd, old.st_uid, old.st_gid)
    os.fchmod(fd, old.st_mode & 0o7777)


# --- standard output and error ------------------------------------------------------------------

_STREAM_NAMES = {"stdout": "standard output", "stderr": "standard error"}


def emit(text: str, stream_name: str = "stdout") -> None:
    """Print a command's output. A reader that went away (`kpiframe check -f json | head`) is not
    an error: the rest goes nowhere and the exit code stays the command's. Any other failure
    (a full disk, /dev/full, EIO) raises :class:`WriteFailed`."""
    stream = getattr(sys, stream_name)
    if stream is None:  # started with the stream closed (`>&-`): nowhere to write
        return
    guarded = stream if isinstance(stream, GuardedStream) else GuardedStream(stream, _STREAM_NAMES[stream_name])
    guarded.write(text)
    guarded.flush()


class GuardedStream:
    """``sys.stdout`` or ``sys.stderr`` as the command line installs them: every write and flush
    that fails raises :class:`WriteFailed` naming the stream, except a reader going away or a
    stream closed under us, after which output goes nowhere."""

    def __init__(self, inner, what: str) -> None:
        self._inner = inner
        self._what = what
        self.failed = False

    def write(self, text: str) -> int:
        self._guard(self._inner.write, text)
        return len(text)

    def flush(self) -> None:
        self._guard(self._inner.flush)

    def _guard(self, operation, *args) -> None:
        if self.failed:
            return  # reported once already; what is left goes nowhere
        try:
            operation(*args)
        except BrokenPipeError:
            discard_output(self._inner)
        except ValueError:  # closed underneath us: nothing to deliver
            pass
        except OSError as exc:
            if exc.errno == errno.EBADF:  # closed underneath us
                return
            self.failed = True
            raise could_not_write(self._what, exc) from exc

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def guard_standard_streams() -> None:
    """Install :class:`GuardedStream` over sys.stdout and sys.stderr (once, at start-up)."""
    for name, what in _STREAM_NAMES.items():
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, GuardedStream):
            setattr(sys, name, GuardedStream(stream, what))


def discard_output(stream) -> None:
    """Send the rest of ``stream``'s output to /dev/null: its reader went away (`... | head`).

    What is still to be written goes nowhere instead of raising again, so the command can finish
    and exit with the code it earned.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())
    finally:
        os.close(devnull)
