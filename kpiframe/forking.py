"""Forked helper processes, shared by the parallel parse and the rules split.

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

_LENGTH = struct.Struct("<Q")
# Where there is no fork (Windows), every caller does all its work in one process.
CAN_FORK = hasattr(os, "fork")
_STOPPING = {signal.SIGINT, signal.SIGTERM}
# Helpers started and not yet reaped. A caller reaps its own in a `finally`; this set is the
# safety net for a signal that lands between the fork and the caller holding the pid.
_LIVE: set[int] = set()


class WorkerError(Exception):
    """A bug that happened in a helper process; the message names the exception it raised."""


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
