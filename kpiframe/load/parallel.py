"""Parse many files on several cores, handing each file on as soon as it is parsed.

Parsing is the largest cost of a big check and each file parses on its own. A large framework
is split by size: this process parses the first share of the files itself while forked workers
parse the rest in pieces. Files come out in file order, one at a time, so the caller validates
each while the workers are still parsing later ones, and the output is identical to a serial
parse. Small frameworks parse in-process: forking and pickling would cost more than they save.
"""

from __future__ import annotations

import mmap
import os
import pickle
from pathlib import Path
from typing import Callable, Iterator

from kpiframe.load.document import Limits, ParsedFile
from kpiframe.load.yamlfile import read_yaml_file

Files = list[tuple[Path, str]]  # (path, path relative to the framework root)

# Below this much YAML the work is too small to share (a fork plus pickling costs ~30 ms).
PARALLEL_MIN_BYTES = 2_000_000
MAX_JOBS = 4
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

# Shared memory the workers write parsed pieces into; set before forking so they inherit it.
_OUTBOX: mmap.mmap | None = None


def default_jobs() -> int:
    """KPIFRAME_JOBS if set (1 = serial), else one worker per core, at most MAX_JOBS."""
    value = os.environ.get("KPIFRAME_JOBS", "")
    if value.isdigit() and int(value) >= 1:
        return int(value)
    return max(1, min(MAX_JOBS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def parse_files(files: Files, limits: Limits, *, jobs: int | None = None,
                on_file: Callable[[str], None] | None = None) -> Iterator[ParsedFile]:
    """Every file parsed, in the order given."""
    jobs = default_jobs() if jobs is None else jobs
    own, pieces, piece_bytes = _split(files, jobs) if jobs > 1 and hasattr(os, "fork") else (files, [], [])
    if not pieces:
        yield from (_parse_one(path, rel, limits, on_file) for path, rel in files)
        return
    slots = _slots(piece_bytes)
    yield from _parse_in_parallel(own, pieces, slots, limits, jobs - 1, on_file)


def _parse_in_parallel(own, pieces, slots, limits, workers, on_file) -> Iterator[ParsedFile]:
    # fork: the workers inherit the imported modules and the outbox, and start in milliseconds.
    # On two cores one worker plus this process beats two workers and an idle parent.
    # Results travel through shared memory, not the pool's pipe: a pipe holds 64 KB, so a
    # worker sending megabytes would wait on every 64 KB for this process, busy parsing, to
    # hand the reading thread the interpreter lock (measured: the worker idled half the time).
    import multiprocessing  # here, not at the top: a small framework never needs it (start-up)

    global _OUTBOX
    try:
        _OUTBOX = mmap.mmap(-1, slots[-1][0] + slots[-1][1])
        pool = multiprocessing.get_context("fork").Pool(workers)
    except OSError:  # no shared memory or no processes to be had (a sandbox): parse here
        if _OUTBOX is not None:
            _OUTBOX.close()
            _OUTBOX = None
        for piece in [own, *pieces]:
            yield from (_parse_one(path, rel, limits, on_file) for path, rel in piece)
        return
    try:
        with pool:
            tasks = [(piece, limits, offset, size) for piece, (offset, size) in zip(pieces, slots)]
            pending = pool.imap(_parse_piece, tasks)
            yield from (_parse_one(path, rel, limits, on_file) for path, rel in own)
            for (offset, _), sent in zip(slots, pending):
                yield from _receive(sent, offset)
    finally:
        _OUTBOX.close()
        _OUTBOX = None


def _receive(sent: int | bytes, offset: int) -> list[ParsedFile]:
    """A worker's piece: its length in the outbox at ``offset``, or the pickle itself."""
    if isinstance(sent, bytes):
        return pickle.loads(sent)
    with memoryview(_OUTBOX) as view:
        parsed = pickle.loads(view[offset:offset + sent])
    _release(offset, sent)
    return parsed


def _release(offset: int, length: int) -> None:
    """Give a read slot's pages back to the system (they would otherwise count as ours)."""
    start = offset - offset % mmap.PAGESIZE
    if hasattr(mmap, "MADV_REMOVE") and length:
        try:
            _OUTBOX.madvise(mmap.MADV_REMOVE, start, offset + length - start)
        except OSError:
            pass  # only memory, never correctness


def _parse_one(path: Path, rel: str, limits: Limits, on_file: Callable[[str], None] | None) -> ParsedFile:
    if on_file is not None:
        on_file(rel)
    return read_yaml_file(path, rel, limits)


def _parse_piece(task: tuple[list[tuple[Path, str]], Limits, int, int]) -> int | bytes:
    """In a worker: parse a piece and write its pickle to the outbox slot; returns its length."""
    piece, limits, offset, size = task
    parsed = [read_yaml_file(path, rel, limits) for path, rel in piece]
    for result in parsed:
        for document in result.documents:
            document.pack_positions()  # one bytes object pickles far faster than a dict of tuples
    data = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) > size:
        return data
    _OUTBOX[offset:offset + len(data)] = data
    return len(data)


def _slots(piece_bytes: list[int]) -> list[tuple[int, int]]:
    """(offset, size) in the outbox for each piece, page-aligned, from the pieces' YAML sizes."""
    slots, offset = [], 0
    for yaml_bytes in piece_bytes:
        size = SLOT_SPARE + SLOT_FACTOR * yaml_bytes
        size += -size % mmap.PAGESIZE
        slots.append((offset, size))
        offset += size
    return slots


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the parse reports it


def _split(files: Files, jobs: int) -> tuple[Files, list[Files], list[int]]:
    """This process's files, the workers' pieces and each piece's bytes; contiguous, by size.

    Returns (files, [], []) when the whole is too small to share.
    """
    sizes = [_size(path) for path, _ in files]
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
