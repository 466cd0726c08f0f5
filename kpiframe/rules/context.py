"""What a rule sees (the framework, its graph, today) and what it yields (problems)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import networkx as nx

from kpiframe.findings import Fix
from kpiframe.model import Document, Framework


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


@dataclass
class RuleContext:
    framework: Framework
    graph: nx.DiGraph
    today: date
    extras: dict[str, Any] = field(default_factory=dict)  # shared results computed once per check
    base: Framework | None = None  # the framework at the revision `check --since` names
    since: str = ""  # that revision, as the user wrote it

    @cached_property
    def config(self):
        return self.framework.config
