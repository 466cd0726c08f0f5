"""What a rule sees (the framework, its graph, today, the shared answers) and what it yields (problems)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import networkx as nx

from kpiframe.analysis import Analysis
from kpiframe.findings import Fix
from kpiframe.history.compare import Change, compare
from kpiframe.model import Config, Document, Framework


@dataclass(frozen=True)
class Problem:
    """What a rule found, before the engine gives it a code, a severity and a position."""

    document: Document | None
    message: str
    path: tuple = ()
    key: bool = False
    hint: str = ""
    related: tuple[str, ...] = ()
    file: str | None = None  # for problems outside any document (a CSV row)
    line: int = 0
    column: int = 0
    subject: str | None = None  # for problems outside any document: the id they are about
    fix: Fix | None = None  # a change that cannot change meaning (`check --fix`)


def problem(document: Document | None, message: str, *, path: tuple = (), key: bool = False, hint: str = "",
            related: tuple[str, ...] | list[str] = (), file: str | None = None, line: int = 0,
            column: int = 0, subject: str | None = None, fix: Fix | None = None) -> Problem:
    return Problem(document, message, tuple(path), key, hint, tuple(related), file, line, column, subject, fix)


@dataclass(frozen=True)
class RuleContext:
    """A rule's view of one check. Answers several rules need (traces, statuses, the conflict
    scan) come from ``analysis``, computed once and shared with the report and the views."""

    analysis: Analysis
    base: Framework | None = None  # the framework at the revision `check --since` names
    since: str = ""  # that revision, as the user wrote it

    @property
    def framework(self) -> Framework:
        return self.analysis.framework

    @property
    def graph(self) -> nx.DiGraph:
        return self.analysis.graph

    @property
    def today(self) -> date:
        return self.analysis.today

    @property
    def config(self) -> Config:
        return self.analysis.framework.config

    @cached_property
    def changes_since_base(self) -> list[Change]:
        """What changed between ``base`` and the framework, by document id (none without a base)."""
        return compare(self.base, self.framework) if self.base is not None else []
