"""What both importers share: ids, placeholders, the summary and its attention list, notes in descriptions.

Importers turn someone else's register into kpiframe documents. The rule they live by: nothing the
user wrote is dropped and nothing is guessed silently. Text that does not map to a field goes into
the KPI's ``description``; every value left out (an owner, unit or direction the source does not
state) and every value read from text (a unit or threshold read from a target phrase) is listed
in :attr:`ImportSummary.attention` and noted in the KPI's description as well.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from kpiframe.importers.update_report import UpdateReport

MAX_ID_LENGTH = 64
# The department when the source names none: `department` is required, so it gets a visible
# placeholder (listed in the summary). Owner, unit and direction are optional and are left out instead.
UNASSIGNED = "unassigned"


class ImportProblem(Exception):
    """An import that cannot go ahead; the message is one line a user can act on."""


class ImportRefused(ImportProblem):
    """The output folder is not empty (and ``force`` was not given), or is not a folder."""


class ImportInputError(ImportProblem):
    """The register cannot be read: missing, not UTF-8, not the expected shape."""


@dataclass(frozen=True)
class DatingOption:
    """A date option an import dates values with (``--as-of``, ``--baseline-date``,
    ``--target-date``), the date it had and where that came from: ``given`` on the command line,
    ``last import`` (kept in the import record by ``--update``), or ``''`` (none)."""

    name: str  # as the import record keeps it: as_of, baseline_date, target_date
    day: date | None
    origin: str

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


class Attention(NamedTuple):
    """One value that was not imported as written, or a placeholder that stands in for one.

    ``line`` is the spreadsheet row for a CSV register (the header is row 1) and the file line
    for YAML; ``field`` is the column or YAML key; ``text`` is what the source said.
    """

    source: str
    line: int | None
    field: str
    text: str
    why: str

    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass
class ImportSummary:
    """What an import read, wrote and could not take in as written."""

    importer: str
    sources: list[str]
    out: Path
    organization: str
    entries_read: int = 0
    kpis_written: int = 0
    targets_parsed: int = 0  # target text read as a number
    targets_written: int = 0  # ... and written as `target` (it also had a date)
    thresholds_written: int = 0  # target text read as a standing level, written as `threshold`
    key_written: int = 0  # KPIs marked `key: true`
    health_written: int = 0  # KPIs given the owner's `health`
    departments: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    files_written: list[Path] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)
    dating: list[DatingOption] = field(default_factory=list)  # the date options, as used
    update: UpdateReport | None = None  # what `--update` refreshed, added, kept and could not reconcile


# --- ids ---------------------------------------------------------------------------------------

_SYMBOL_WORDS = {"%": " percent ", "&": " and ", "+": " plus "}


def slugify(text: str, fallback: str = "item") -> str:
    """A readable id from free text: lower case ASCII words joined by hyphens.

    "Talent-acquisition" and "Talent Acquisition" both give ``talent-acquisition``. Long names are
    cut at a word boundary so ids stay typeable.
    """
    for symbol, word in _SYMBOL_WORDS.items():
        text = text.replace(symbol, word)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_ID_LENGTH:
        cut = slug[:MAX_ID_LENGTH]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or fallback


class IdAllocator:
    """Hands out unique ids in call order: the second "x" becomes ``x-2``, the third ``x-3``.

    Ids are unique across all kinds in kpiframe, so one allocator serves goals and KPIs alike.
    Same input in the same order gives the same ids, which keeps re-imports stable.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def allocate(self, base: str) -> str:
        candidate, number = base, 1
        while candidate in self._taken:
            number += 1
            candidate = f"{base}-{number}"
        self._taken.add(candidate)
        return candidate


# --- descriptions --------------------------------------------------------------------------------


def tidy_text(text: str) -> str:
    """Trim trailing spaces on each line (they would force YAML into an escaped one-line string)."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def describe_notes(notes: list[str]) -> str:
    """The "Import notes" paragraph that keeps each KPI's guesses next to the KPI itself."""
    if not notes:
        return ""
    return "Import notes:\n" + "\n".join(f"- {note}" for note in notes)


def join_paragraphs(parts: list[str]) -> str:
    return tidy_text("\n\n".join(part.strip() for part in parts if part and part.strip()))


def source_name(path: Path, root: Path | None = None) -> str:
    """How a source file is named in headers and notes: independent of the working folder, so
    re-importing from elsewhere still gives byte-identical files."""
    if root is not None and root != path:
        return (Path(root.resolve().name) / path.relative_to(root)).as_posix()
    return path.name
