"""Run queries: a few in flight per source, each stopped at its timeout, every outcome reported.

Decisions:

* Threads, not processes: a query spends its time in the database (or in DuckDB's own
  threads, outside the GIL), so a thread per query in flight is enough. Each source gets
  ``concurrency`` workers (fewer when it has fewer queries); a slow source does not hold up
  another.
* One watchdog thread keeps every deadline in a heap, rather than a timer thread per query
  (1,000 timers cost more than the queries of a small database). At the deadline it cancels the
  query in the database; a driver that cannot cancel, or a query that still has not returned
  ``ABANDON_AFTER`` seconds later, is reported as timed out, and a new worker takes its place so
  the rest still run.
* A source is connected once, by its first worker; when that fails every query of the source
  is reported as failed with the reason, and no other source is affected.
"""

from __future__ import annotations

import heapq
import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kpiframe.pull.engines import MissingExtra, QueryFailed, Result, Session, Source, SourceUnavailable

ABANDON_AFTER = 5.0  # seconds after a cancel that did not stop the query


@dataclass
class Job:
    key: str  # the KPI id
    source: str
    sql: str


@dataclass
class Outcome:
    job: Job
    result: Result | None = None
    error: str = ""
    kind: str = ""  # "timeout", "error" (from the database), "unreachable" (the source)
    seconds: float = 0.0


@dataclass
class _Running:
    job: Job
    session: Session
    deadline: float
    done: bool = False
    reported: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Watchdog(threading.Thread):
    def __init__(self, on_abandon: Callable[[_Running], None]) -> None:
        super().__init__(name="kpiframe-pull-watchdog", daemon=True)
        self._heap: list[tuple[float, int, _Running, bool]] = []
        self._counter = itertools.count()
        self._wake = threading.Condition()
        self._stopped = False
        self._on_abandon = on_abandon

    def watch(self, running: _Running) -> None:
        with self._wake:
            heapq.heappush(self._heap, (running.deadline, next(self._counter), running, False))
            if self._heap[0][2] is running:  # the earliest deadline now: the sleep must be shorter
                self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def run(self) -> None:
        with self._wake:
            while not self._stopped:
                now = time.monotonic()
                while self._heap and (self._heap[0][2].done or self._heap[0][0] <= now):
                    _, _, running, cancelled = heapq.heappop(self._heap)
                    if running.done:
                        continue
                    if not cancelled and running.session.cancel():
                        heapq.heappush(self._heap, (now + ABANDON_AFTER, next(self._counter), running, True))
                        continue
                    self._on_abandon(running)
                timeout = (self._heap[0][0] - now) if self._heap else None
                self._wake.wait(timeout)


def run_jobs(jobs: list[Job], open_source: Callable[[str], Source], *, timeout: float, concurrency: int,
             on_outcome: Callable[[Outcome], None]) -> list[Outcome]:
    """Run every job; ``on_outcome`` sees each outcome as it arrives (for a progress bar).

    Raises MissingExtra when a database library is not installed (nothing can run then).
    """
    results: queue.Queue = queue.Queue()
    by_source: dict[str, list[Job]] = {}
    for job in jobs:
        by_source.setdefault(job.source, []).append(job)

    def abandon(running: _Running) -> None:
        if _report(running):
            results.put(Outcome(running.job, error=f"timed out after {_seconds(timeout)}, and the database "
                                                   "did not stop the query", kind="timeout", seconds=timeout))
            lane = lanes[running.job.source]
            lane.start_worker()  # the stuck worker's place

    watchdog = _Watchdog(abandon)
    watchdog.start()
    lanes = {name: _Lane(name, queued, open_source, timeout, min(concurrency, len(queued)), results, watchdog)
             for name, queued in by_source.items()}
    try:
        for lane in lanes.values():
            lane.start()
        outcomes: list[Outcome] = []
        while len(outcomes) < len(jobs):
            item = results.get()
            if isinstance(item, MissingExtra):
                raise item
            outcomes.append(item)
            on_outcome(item)
        return outcomes
    finally:
        watchdog.stop()
        for lane in lanes.values():  # Ctrl-C, or done: stop what still runs before closing
            lane.stop()


def _report(running: _Running) -> bool:
    """Whether the caller is the one to report this query (the worker or the watchdog, once)."""
    with running.lock:
        if running.reported:
            return False
        running.reported = True
        running.done = True
        return True


def _seconds(value: float) -> str:
    return f"{value:g} s"


class _Lane:
    """The workers of one source."""

    def __init__(self, name: str, jobs: list[Job], open_source: Callable[[str], Source], timeout: float,
                 workers: int, results: queue.Queue, watchdog: _Watchdog) -> None:
        self.name, self.timeout, self.workers = name, timeout, workers
        self.jobs: queue.Queue = queue.Queue()
        for job in jobs:
            self.jobs.put(job)
        self.open_source, self.results, self.watchdog = open_source, results, watchdog
        self.source: Source | None = None
        self.failure = ""
        self.stopping = False
        self.sessions: list[Session] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self._open_then_work, name=f"kpiframe-pull-{self.name}", daemon=True).start()

    def start_worker(self) -> None:
        threading.Thread(target=self._work, name=f"kpiframe-pull-{self.name}", daemon=True).start()

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            busy = [session for session in self.sessions if session.busy]
        for session in busy:  # only after Ctrl-C: a finished pull has no query running
            session.cancel()
        if self.source is not None and not busy:
            self.source.close()

    def _open_then_work(self) -> None:
        try:
            self.source = self.open_source(self.name)
        except MissingExtra as missing:
            self.results.put(missing)
            return
        except SourceUnavailable as error:
            self._fail_all(str(error))
            return
        for _ in range(self.workers - 1):
            self.start_worker()
        self._work()

    def _fail_all(self, reason: str) -> None:
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return
            self.results.put(Outcome(job, error=reason, kind="unreachable"))

    def _work(self) -> None:
        assert self.source is not None
        try:
            session = self.source.session()
        except SourceUnavailable as error:
            self._fail_all(str(error))
            return
        except Exception as error:  # noqa: BLE001 - a driver's surprise is this source's failure
            self._fail_all(self.source.safe(error))
            return
        with self.lock:
            self.sessions.append(session)
        try:
            while not self.stopping:
                try:
                    job = self.jobs.get_nowait()
                except queue.Empty:
                    return
                if not self._run(session, job):
                    return  # abandoned by the watchdog: a new worker took this one's place
        except BaseException as error:  # noqa: BLE001 - a worker that dies must not leave the pull waiting
            self._fail_all(f"internal error in kpiframe: {type(error).__name__}: {self.source.safe(error)}")
        finally:
            with self.lock:
                self.sessions.remove(session)
            session.close()

    def _run(self, session: Session, job: Job) -> bool:
        started = time.monotonic()
        running = _Running(job, session, started + self.timeout)
        self.watchdog.watch(running)
        outcome = Outcome(job)
        try:
            outcome.result = session.run(job.sql)
        except QueryFailed as failure:
            outcome.kind = "timeout" if (failure.timed_out or session.cancelled) else "error"
            outcome.error = f"timed out after {_seconds(self.timeout)}" if outcome.kind == "timeout" else str(failure)
        except Exception as error:  # noqa: BLE001 - never a traceback for a driver's surprise
            outcome.kind, outcome.error = "error", self.source.safe(error) if self.source else str(error)
        outcome.seconds = time.monotonic() - started
        if not _report(running):
            return False
        self.results.put(outcome)
        return True
