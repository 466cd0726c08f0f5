"""What the loader hands on: documents as plain values with the position of every key and value."""

from __future__ import annotations

import bisect
import marshal
import re
from dataclasses import dataclass, field
from typing import Any

from kpiframe.findings import Finding


class Text(str):
    """A scalar the user wrote quoted or as a block: explicitly text, never a number."""

    __slots__ = ()


@dataclass(frozen=True)
class Limits:
    """Budgets that a normal framework never meets; configurable in kpiframe.yaml."""

    max_file_bytes: int = 5_000_000
    max_depth: int = 64
    max_aliases: int = 100
    max_nodes: int = 200_000


Path_ = tuple  # a path into a document: keys (str) and list indices (int)


def path_text(path: Path_) -> str:
    """``("milestones", 2, "due")`` -> ``milestones[2].due``, as a field is named in messages."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(slots=True)
class RawDocument:
    """One YAML document as plain values, with where each part of it was written."""

    file: str
    index: int
    line: int
    column: int
    data: Any
    # path -> where it was written, as one int (see pack_position): a third of the memory of the
    # parser's mark on a million entries, and what marshal and pickle carry fastest.
    value_positions: dict[Path_, int] = field(default_factory=dict)
    key_positions: dict[Path_, int] = field(default_factory=dict)
    # Both position tables marshalled into one bytes object (see pack_positions), or None.
    packed_positions: bytes | None = None

    def pack_positions(self) -> None:
        """Fold the position tables into bytes, to be unfolded only if a finding needs a position.

        A parse worker does this before sending a document: a bytes object pickles in no time,
        while millions of path tuples cost the receiving process more than the parse saved, and
        most documents never have a finding.
        """
        try:
            self.packed_positions = marshal.dumps((self.value_positions, self.key_positions))
        except ValueError:  # a path holding a str subclass (a quoted key): keep the tables as they are
            return
        self.value_positions, self.key_positions = {}, {}

    def position(self, path: Path_ = (), *, key: bool = False) -> tuple[int, int]:
        """The 1-based (line, column) of ``path``, or of its nearest ancestor that has one."""
        if self.packed_positions is not None:
            self.value_positions, self.key_positions = marshal.loads(self.packed_positions)
            self.packed_positions = None
        table = self.key_positions if key else self.value_positions
        while True:
            found = table.get(path)
            if found is not None:
                return unpack_position(found)
            if key:  # no key here (a list item, or the document itself): fall back to values
                table = self.value_positions
                key = False
                continue
            if not path:
                return (self.line, self.column)
            path = path[:-1]


# A source position is one int: the 0-based line shifted left by COLUMN_BITS, or'ed with the
# 0-based column. Positions are stored that way everywhere; only findings and messages unpack them.
COLUMN_BITS = 24
COLUMN_MASK = (1 << COLUMN_BITS) - 1


def pack_position(line: int, column: int) -> int:
    """A 1-based (line, column) as a stored position."""
    return (line - 1) << COLUMN_BITS | (column - 1)


def unpack_position(position: int) -> tuple[int, int]:
    """A stored position as the 1-based (line, column) an editor shows."""
    return (position >> COLUMN_BITS) + 1, (position & COLUMN_MASK) + 1


_UNICODE_BREAKS = re.compile("[\x85\u2028\u2029]")
_EDITOR_BREAKS = re.compile(r"\r\n|\r|\n")


class LineMap:
    """Character index -> the (line, column) an editor shows.

    YAML counts U+0085, U+2028 and U+2029 as line breaks; editors and people do not. A text that
    holds one (pasted from a PDF or a word processor) would otherwise have every later position
    reported a line too far.
    """

    __slots__ = ("starts",)

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in _EDITOR_BREAKS.finditer(text)]

    @classmethod
    def needed_for(cls, text: str) -> LineMap | None:
        return cls(text) if _UNICODE_BREAKS.search(text) else None

    def place(self, index: int) -> tuple[int, int]:
        row = bisect.bisect_right(self.starts, index) - 1
        return row + 1, index - self.starts[row] + 1


def pack_mark(mark: Any, line_map: LineMap | None) -> int:
    """A parser mark as a stored position; through ``line_map`` when the text has one."""
    if line_map is not None:
        return pack_position(*line_map.place(mark.index))
    return mark.line << COLUMN_BITS | mark.column


def place_mark(mark: Any, line_map: LineMap | None) -> tuple[int, int]:
    """A parser mark as the 1-based (line, column) an editor shows."""
    if line_map is not None:
        return line_map.place(mark.index)
    return mark.line + 1, mark.column + 1


@dataclass(slots=True)
class ParsedFile:
    file: str
    documents: list[RawDocument]
    findings: list[Finding]
