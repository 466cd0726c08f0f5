"""Run the rules of a large framework on two cores.

After the graph is built, this process forks: the child runs the identity/reference and conflict
families while this process runs the rest, and the child sends back its findings (a few hundred
small objects) and the summary facts its rules recorded. Fork shares the whole framework without
copying or pickling it, so the split costs milliseconds (measured at 10,000 KPIs: the rules took
0.66 s in one process, 0.40 s split).

Whatever the child's rules computed in the analysis (the conflict scan, ...) comes back with
the findings, so that the summary facts and a report made afterwards need not compute it again.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from kpiframe.findings import Finding
from kpiframe.forking import WorkerError, finish, fork_with_pipe, receive, send
from kpiframe.rules.context import RuleContext
from kpiframe.rules.declare import Rule
from kpiframe.stage import Stage

# Families the child runs: about half the rule time at 10,000 KPIs.
CHILD_FAMILIES = ("KF0", "KF2")


def run_split(context: RuleContext, rules: list[Rule], run_one: Callable[[Rule], list[Finding]],
              stage: Stage) -> list[Finding]:
    """Every rule's findings, in the order of ``rules``, as a serial run gives them."""
    theirs = [r for r in rules if r.code.startswith(CHILD_FAMILIES)]
    forked = fork_with_pipe()
    if forked is None:  # no process to be had (a sandbox, a process limit): run them all here
        return [f for r in rules for f in run_one(r)]
    pid, read_end, write_end = forked
    if pid == 0:  # pragma: no cover - runs in the child, whose coverage is not collected
        _child(context, theirs, run_one, stage, write_end)
    pipe = os.fdopen(read_end, "rb")
    answer = None
    try:
        found = {r.slug: run_one(r) for r in rules if r not in theirs}
        answer = receive(pipe)
    finally:  # a rule here failed, or Ctrl-C: stop the child rather than wait for its share
        pipe.close()
        finish(pid, kill=answer is None)
    if answer is None:  # the child died (killed, out of memory): do its share here instead
        found.update({r.slug: run_one(r) for r in theirs})
    else:
        found.update(_accept(answer, context, stage))
    return [f for r in rules for f in found[r.slug]]


def _child(context: RuleContext, rules: list[Rule], run_one, stage: Stage, write_end: int) -> None:
    try:
        try:
            findings = {r.slug: run_one(r) for r in rules}
            message = ("ok", findings, context.analysis.computed())
        except Exception as exc:  # noqa: BLE001 - sent to the parent, which reports it as a bug
            message = ("error", (stage.name, stage.file), f"{type(exc).__name__}: {exc}")
        send(write_end, message)
    finally:
        os._exit(0)  # no atexit handlers, no flushing of stdout buffers inherited from the parent


def _accept(message: tuple, context: RuleContext, stage: Stage) -> dict[str, list[Finding]]:
    status, first, second = message
    if status == "error":
        stage.enter(*first)
        raise WorkerError(second)
    context.analysis.adopt(second)
    return first
