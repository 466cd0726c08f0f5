"""Forked helper processes: the parallel parse's workers, and :func:`fork_work` for the rules.

Plain ``os.fork`` and pipes rather than multiprocessing: a helper shares the parent's memory
without pickling it, starts in milliseconds, and its death shows as end-of-file on its pipe, so
the parent can always do the work itself instead of waiting forever (a multiprocessing Pool
waits forever for a task whose worker was killed).
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

_LENGTH = struct.Struct("<Q")
# Where there is no fork (Windows), every caller does all its work in one process.
CAN_FORK = hasattr(os, "fork")
_STOPPING = {signal.SIGINT, signal.SIGTERM}
# Helpers started and not yet reaped. A caller reaps its own in a `finally`; this set is the
# safety net for a signal that lands between the fork and the caller holding the pid.
_LIVE: set[int] = set()


Result = TypeVar("Result")


class WorkerError(Exception):
    """A bug that happened in a helper process; the message names the exception it raised.
    ``where``: what the helper was doing, when it could tell (see :func:`fork_work`)."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


def fork_with_pipe() -> tuple[int, int, int] | None:
    """(pid, read end, write end) of a fork joined by a pipe, or None when either is refused.

    Ctrl-C and SIGTERM are held back during the fork: raised inside one of the interpreter's
    at-fork callbacks, the exception would only be printed and lost, and raised before the
    caller has the pid, the helper would never be reaped. Once the parent holds the pid, a
    signal that came meanwhile stops the helper and is raised here.
    """
    if not CAN_FORK:
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        pid = os.fork()
    except OSError:  # a sandbox, a process limit
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        # Ctrl-C reaches the whole process group: the parent handles it and stops its helpers;
        # a helper interrupted on its own would only print a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # SIGTERM to the group ends a helper at once (the parent notices the end of its pipe); the
        # parent's own handler, inherited, would run the parent's clean-up in the helper.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _LIVE.clear()  # the parent's other helpers are not this one's to stop
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        return pid, read_end, write_end
    _LIVE.add(pid)
    os.close(write_end)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # runs the handler of a signal held back
    except BaseException:
        os.close(read_end)
        finish(pid, kill=True)
        raise
    return pid, read_end, write_end


def send(write_end: int, message: object) -> None:
    """Write one length-prefixed pickled message to a pipe."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(write_end, view):]


def receive(pipe) -> object | None:
    """The next message from a pipe opened for binary reading; None when the helper is gone
    (end of file, or a message cut short because it died while writing)."""
    header = pipe.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    size = _LENGTH.unpack(header)[0]
    data = pipe.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def finish(pid: int, *, kill: bool = False) -> None:
    """Reap a helper (stopping it first if ``kill``); never raises."""
    _LIVE.discard(pid)
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass  # already gone
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (SIGCHLD ignored by whoever started us)
        pass


def stop_all() -> None:
    """Stop and reap every helper still running: kpiframe is leaving (Ctrl-C, SIGTERM)."""
    for pid in sorted(_LIVE):
        finish(pid, kill=True)


class Beside(Generic[Result]):
    """Work running in a forked helper (:func:`fork_work`)."""

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid = pid
        self._pipe = os.fdopen(read_end, "rb")
        self._done = False

    def result(self) -> tuple[Result] | None:
        """Wait for the work: ``(what it returned,)``, or None when the helper died without
        answering (killed, out of memory): the caller then does the work itself. A bug in the
        work raises :class:`WorkerError` here."""
        message = cast("tuple[Any, ...] | None", receive(self._pipe))  # what fork_work sends
        self.close()
        if message is None:
            return None
        if message[0] == "error":
            raise WorkerError(message[1], message[2])
        return (cast(Result, message[1]),)

    def close(self) -> None:
        """Stop the helper if it is still at work, and reap it; safe to call twice."""
        if not self._done:
            self._done = True
            self._pipe.close()
            finish(self.pid, kill=True)  # it has answered or died by now, unless the caller gave up


def fork_work(work: Callable[[], Result], where: Callable[[], str | None] = lambda: None) -> Beside[Result] | None:
    """Start ``work`` in a forked helper, which shares this process's memory as it was at the
    fork and sends back only what ``work`` returns (pickled). None when no process can be had:
    the caller does the work itself. ``where`` is asked in the helper when the work raises, to
    say what it was doing. Close the handle (:meth:`Beside.close`) in a ``finally``."""
    forked = fork_with_pipe()
    if forked is None:
        return None
    pid, read_end, write_end = forked
    if pid == 0:  # pragma: no cover - the helper, whose coverage is not collected
        try:
            answer = work()
            send(write_end, ("done", answer))
        except BaseException as exc:  # noqa: BLE001 - a bug: the parent reports it
            send(write_end, ("error", f"{type(exc).__name__}: {exc}", where()))
        finally:
            os._exit(0)  # no atexit handlers, no flushing of stdout buffers inherited from the parent
    return Beside(pid, read_end)
