"""Parse many files on several cores.

Parsing is the largest cost of a big check and each file parses on its own, so large
frameworks are split into contiguous chunks (balanced by size) parsed by forked worker
processes; results come back in file order, so output is identical to a serial parse.
Small frameworks parse in-process: forking and pickling would cost more than they save.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Callable

from kpiframe.load.document import Limits, ParsedFile
from kpiframe.load.yamlfile import read_yaml_file

# Below this much YAML the work is too small to share (a fork plus pickling costs ~30 ms).
PARALLEL_MIN_BYTES = 2_000_000
MAX_JOBS = 4


def default_jobs() -> int:
    """KPIFRAME_JOBS if set (1 = serial), else one worker per core, at most MAX_JOBS."""
    value = os.environ.get("KPIFRAME_JOBS", "")
    if value.isdigit() and int(value) >= 1:
        return int(value)
    return max(1, min(MAX_JOBS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def parse_files(files: list[tuple[Path, str]], limits: Limits, *, jobs: int | None = None,
                on_file: Callable[[str], None] | None = None) -> list[ParsedFile]:
    jobs = default_jobs() if jobs is None else jobs
    chunks = _chunks(files, jobs) if jobs > 1 and "fork" in multiprocessing.get_all_start_methods() else []
    if len(chunks) < 2:
        return [_parse_one(path, rel, limits, on_file) for path, rel in files]
    # fork: the workers inherit the imported modules and start in milliseconds. This process
    # parses the first chunk itself meanwhile: on two cores, one worker plus this process beats
    # two workers and an idle parent, since the parent must also unpickle what workers send.
    with multiprocessing.get_context("fork").Pool(len(chunks) - 1) as pool:
        pending = [pool.apply_async(_parse_chunk, (chunk, limits)) for chunk in chunks[1:]]
        first = [_parse_one(path, rel, limits, on_file) for path, rel in chunks[0]]
        rest = [parsed for result in pending for parsed in result.get()]
    return first + rest


def _parse_one(path: Path, rel: str, limits: Limits, on_file: Callable[[str], None] | None) -> ParsedFile:
    if on_file is not None:
        on_file(rel)
    return read_yaml_file(path, rel, limits)


def _parse_chunk(chunk: list[tuple[Path, str]], limits: Limits) -> list[ParsedFile]:
    return [read_yaml_file(path, rel, limits) for path, rel in chunk]


def _chunks(files: list[tuple[Path, str]], jobs: int) -> list[list[tuple[Path, str]]]:
    """Contiguous chunks of about equal size in bytes; [] when the whole is too small to share."""
    sizes = []
    for path, _ in files:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)  # the parse reports it
    total = sum(sizes)
    if total < PARALLEL_MIN_BYTES:
        return []
    share = total / jobs
    chunks: list[list[tuple[Path, str]]] = [[]]
    filled = 0
    for item, size in zip(files, sizes):
        if filled >= share * len(chunks) and len(chunks) < jobs:
            chunks.append([])
        chunks[-1].append(item)
        filled += size
    return [chunk for chunk in chunks if chunk]
