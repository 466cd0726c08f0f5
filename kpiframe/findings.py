"""What a check reports: findings and their severities.

A finding is plain data so that every renderer (text, json, markdown, sarif, ...) can take it
without knowing how it was produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; used for --fail-on and for sorting by importance."""
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def fails(self, fail_on: str) -> bool:
        """Whether a finding of this severity fails the build under ``--fail-on`` (error, warning, never).

        The one place that decides, so that the exit code and the reports that mark failures
        (JUnit) cannot disagree.
        """
        return fail_on != "never" and self.rank >= Severity(fail_on).rank


@dataclass(frozen=True, slots=True)
class Fix:
    """A change to a finding's file that cannot change what the framework means.

    Made where the finding is made (the loader, the schema, a rule), applied by
    :mod:`kpiframe.fixes` (`kpiframe check --fix`): replace ``old`` at ``line``:``column`` of
    the finding's file by ``new`` (``old`` empty: insert). ``old`` is the text as the parser
    saw it; quotes around it in the file are kept.
    """

    description: str  # what `--fix` prints after the place: "unit '%' quoted"
    line: int
    column: int
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, at one place, found by one rule.

    ``file`` is relative to the framework root, in POSIX form; ``line`` and ``column`` are
    1-based, 0 when the place is the whole file.
    """

    rule: str
    message: str
    file: str
    line: int = 0
    column: int = 0
    subject: str | None = None
    related: tuple[str, ...] = ()
    hint: str = ""
    code: str = ""
    severity: Severity = Severity.ERROR
    suppressed_by: str | None = field(default=None, compare=False)
    fix: Fix | None = field(default=None, compare=False)  # see Fix; not part of the JSON

    # Decisions: pickle gets the fields in one tuple, instead of the dataclass's state read and
    # set through fields() per finding: 29,466 findings pickle in 0.05 s instead of 0.12 s and
    # unpickle in 0.05 s instead of 0.10 s (findings cross from worker processes).
    def __reduce__(self) -> tuple:
        return (Finding, (self.rule, self.message, self.file, self.line, self.column, self.subject, self.related,
                          self.hint, self.code, self.severity, self.suppressed_by, self.fix))

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.rule, self.message, self.subject or "")

    def as_dict(self) -> dict:
        data = {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "subject": self.subject,
            "related": list(self.related),
            "hint": self.hint,
        }
        if self.suppressed_by is not None:
            data["suppressed_by"] = self.suppressed_by
        return data
