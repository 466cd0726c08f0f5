"""Parse many files on several cores, handing each file on as soon as it is parsed.

Parsing is the largest cost of a big check and each file parses on its own. A large framework
is split by size: this process parses the first share of the files itself while forked workers
parse the rest in pieces. Files come out in file order, one at a time, so the caller validates
each while the workers are still parsing later ones, and the output is identical to a serial
parse. Small frameworks parse in-process: forking and pickling would cost more than they save.

A worker writes each parsed piece, pickled, into its own slot of an anonymous shared memory map
and sends only "piece i: n bytes" through its pipe. Megabytes through a pipe, 64 KB at a time,
made a worker wait for this process, busy parsing, at every 64 KB (measured: the worker idled
half the time). A worker that dies (killed, out of memory) is noticed as the end of its pipe,
and this process parses what it had left.
"""

from __future__ import annotations

import mmap
import os
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from kpiframe.forking import CAN_FORK, WorkerError, finish, fork_with_pipe, receive, send
from kpiframe.load.document import Limits, ParsedFile
from kpiframe.load.reading import read_bounded
from kpiframe.load.yamlfile import read_yaml_file

Files = list[tuple[Any, str]]  # (what `read` reads the file by, path relative to the framework root)
Reader = Callable[[Any, int], bytes]

# Below this much YAML the work is too small to share (a fork plus pickling costs ~30 ms).
PARALLEL_MIN_BYTES = 2_000_000
MAX_JOBS = 4
# KPIFRAME_JOBS above this is taken as this many.
MAX_EXPLICIT_JOBS = 16
# This process also unpickles what the workers send and validates every document, so it parses
# a smaller share than a worker: its share weighs PARENT_WEIGHT against a worker's 1.
PARENT_WEIGHT = 0.7
# Workers send their files in this many pieces each, so that this process can validate the
# early pieces while later ones are still being parsed (fewer: a longer wait for the last one).
PIECES_PER_WORKER = 8
# A piece's parsed form is about twice its YAML; its slot in the shared buffer allows this many
# times its YAML plus SLOT_SPARE bytes, and a piece that needs more comes back through the pipe.
SLOT_FACTOR = 4
SLOT_SPARE = 1 << 20


def default_jobs() -> int:
    """KPIFRAME_JOBS if set (0 or 1 = serial), else one process per core, at most MAX_JOBS."""
    value = os.environ.get("KPIFRAME_JOBS", "").strip()
    if value.isascii() and value.isdigit():  # not "²" (int() refuses it) nor "٩" (a number, not one typed here)
        return max(1, min(int(value), MAX_EXPLICIT_JOBS))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(MAX_JOBS, cores))


def parse_files(files: Files, limits: Limits, *, jobs: int | None = None,
                on_file: Callable[[str], None] | None = None, read: Reader = read_bounded,
                size: Callable[[Any], int] | None = None) -> Iterator[ParsedFile]:
    """Every file parsed, in the order given. ``read`` and ``size`` say how to get at a file
    (default: a path on disk); forked workers inherit them, blobs already read included."""
    jobs = default_jobs() if jobs is None else jobs
    size = size or _size
    own, pieces, piece_bytes = _split(files, jobs, size) if jobs > 1 and CAN_FORK else (files, [], [])
    if not pieces:
        yield from _parse_here(files, limits, on_file, read)
        return
    try:
        outbox = mmap.mmap(-1, sum(_slot_size(n) for n in piece_bytes))
    except OSError:  # no shared memory to be had (a sandbox): parse here
        yield from _parse_here(files, limits, on_file, read)
        return
    with outbox:
        yield from _parse_in_parallel(own, pieces, _slots(piece_bytes), outbox, limits, jobs - 1, on_file, read)


@dataclass
class _Worker:
    pid: int
    pipe: IO[bytes]  # the read end, opened as a binary file
    done: bool = False
    pieces: list[int] = field(default_factory=list)


def _parse_in_parallel(own: Files, pieces: list[Files], slots: list[tuple[int, int]], outbox: mmap.mmap,
                       limits: Limits, workers: int, on_file: Callable[[str], None] | None,
                       read: Reader) -> Iterator[ParsedFile]:
    # Worker k parses pieces k, k + workers, ...: all of them move along the files in the order
    # this process takes them up.
    crew: list[_Worker] = []
    try:
        for k in range(min(workers, len(pieces))):
            mine = list(range(k, len(pieces), workers))
            worker = _start_worker(mine, pieces, slots, outbox, limits, read)
            if worker is not None:
                crew.append(worker)
        yield from _parse_here(own, limits, on_file, read)
        owner = {i: worker for worker in crew for i in worker.pieces}
        for i, piece in enumerate(pieces):
            parsed = _collect(owner.get(i), i, slots[i][0], outbox, on_file)
            yield from (parsed if parsed is not None else _parse_here(piece, limits, on_file, read))
    finally:  # also when the caller stops early (an error, Ctrl-C): no worker outlives the check
        for worker in crew:
            worker.pipe.close()
            finish(worker.pid, kill=not worker.done)


def _start_worker(mine: list[int], pieces: list[Files], slots: list[tuple[int, int]], outbox: mmap.mmap, limits: Limits,
                  read: Reader) -> _Worker | None:
    forked = fork_with_pipe()
    if forked is None:  # no process to be had: this process parses those pieces itself
        return None
    pid, read_end, write_end = forked
    if pid == 0:  # pragma: no cover - the worker, whose coverage is not collected
        _work(mine, pieces, slots, outbox, limits, write_end, read)
    return _Worker(pid, os.fdopen(read_end, "rb"), pieces=mine)


def _work(mine: list[int], pieces: list[Files], slots: list[tuple[int, int]], outbox: mmap.mmap, limits: Limits, write_end: int,
          read: Reader) -> None:
    """In a worker: parse each of its pieces in turn, then leave."""
    rel = ""
    try:
        for i in mine:
            parsed = []
            for path, rel in pieces[i]:
                parsed.append(read_yaml_file(path, rel, limits, read))
            for result in parsed:
                for document in result.documents:
                    document.pack_positions()  # one bytes object pickles far faster than a dict of tuples
            data = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
            offset, size = slots[i]
            if len(data) <= size:
                outbox[offset:offset + len(data)] = data
                send(write_end, ("slot", len(data)))
            else:
                send(write_end, ("inline", data))
    except Exception as exc:  # noqa: BLE001 - a bug: the parent reports it, naming the file
        send(write_end, ("error", rel, f"{type(exc).__name__}: {exc}"))
    finally:
        os._exit(0)  # no atexit handlers, no flushing of stdout buffers inherited from the parent


def _collect(worker: _Worker | None, index: int, offset: int, outbox: mmap.mmap,
             on_file: Callable[[str], None] | None) -> list[ParsedFile] | None:
    """Piece ``index`` from its worker, or None when this process must parse it (no worker, or
    the worker died)."""
    if worker is None or worker.done:
        return None
    message = cast("tuple[Any, ...] | None", receive(worker.pipe))  # what _work sends
    if message is None:
        worker.done = True
        return None
    kind, *rest = message
    if kind == "error":
        rel, what = rest
        if on_file is not None:
            on_file(rel)  # so that the internal error names the file being parsed
        raise WorkerError(what)
    if index == worker.pieces[-1]:
        worker.done = True
    if kind == "inline":
        return cast("list[ParsedFile]", pickle.loads(rest[0]))
    with memoryview(outbox) as view:
        parsed = pickle.loads(view[offset:offset + rest[0]])
    _release(outbox, offset, rest[0])
    return cast("list[ParsedFile]", parsed)


def _release(outbox: mmap.mmap, offset: int, length: int) -> None:
    """Give a read slot's pages back to the system (they would otherwise count as ours)."""
    if hasattr(mmap, "MADV_REMOVE") and length:
        try:  # slots are page-aligned, so the kernel rounding the length up stays inside this one
            outbox.madvise(mmap.MADV_REMOVE, offset, length)
        except OSError:
            pass  # only memory, never correctness


def _parse_here(files: Files, limits: Limits, on_file: Callable[[str], None] | None,
                read: Reader = read_bounded) -> Iterator[ParsedFile]:
    for path, rel in files:
        if on_file is not None:
            on_file(rel)
        yield read_yaml_file(path, rel, limits, read)


def _slot_size(yaml_bytes: int) -> int:
    size = SLOT_SPARE + SLOT_FACTOR * yaml_bytes
    return size + -size % mmap.PAGESIZE


def _slots(piece_bytes: list[int]) -> list[tuple[int, int]]:
    """(offset, size) in the outbox for each piece, page-aligned, from the pieces' YAML sizes."""
    slots, offset = [], 0
    for yaml_bytes in piece_bytes:
        slots.append((offset, _slot_size(yaml_bytes)))
        offset += _slot_size(yaml_bytes)
    return slots


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the parse reports it


def _split(files: Files, jobs: int, size_of: Callable[[Any], int] = lambda path: _size(path)) -> tuple[Files, list[Files], list[int]]:
    """This process's files, the workers' pieces and each piece's bytes; contiguous, by size.

    Returns (files, [], []) when the whole is too small to share.
    """
    sizes = [size_of(path) for path, _ in files]
    total = sum(sizes)
    if total < PARALLEL_MIN_BYTES:
        return files, [], []
    own_bytes = total * PARENT_WEIGHT / (PARENT_WEIGHT + jobs - 1)
    piece_bytes = (total - own_bytes) / ((jobs - 1) * PIECES_PER_WORKER)
    own: Files = []
    pieces: list[Files] = []
    bytes_of: list[int] = []
    filled = 0.0
    for item, size in zip(files, sizes):
        if filled < own_bytes:
            own.append(item)
        else:
            if not pieces or filled >= own_bytes + piece_bytes * len(pieces):
                pieces.append([])
                bytes_of.append(0)
            pieces[-1].append(item)
            bytes_of[-1] += size
        filled += size
    return own, pieces, bytes_of
