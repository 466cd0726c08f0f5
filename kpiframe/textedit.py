"""Small edits to a file's text, leaving every other byte as it was.

`kpiframe record` (adding a file to `actuals:`) and `kpiframe check --fix` change a few
characters of files people wrote by hand, with comments, alignment and blank lines they care
about. Both describe a change as :class:`Edit` (a span of the text and what replaces it) and
apply it here, so that nothing else in the file can move.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets) by ``new``; ``start == end`` inserts."""

    start: int
    end: int
    new: str


class OverlappingEdits(ValueError):
    """Two edits touch the same characters: applying both would garble the text."""


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with every edit applied; edits are given in offsets of the original text."""
    ordered = sorted(edits)
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end or (after.start == before.start and before.start != before.end):
            raise OverlappingEdits(f"edits at {before.start}..{before.end} and {after.start}..{after.end} overlap")
    parts = []
    position = 0
    for edit in ordered:
        parts.append(text[position:edit.start])
        parts.append(edit.new)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def line_end(text: str, index: int) -> int:
    """The offset just after the line break that ends the line holding ``index`` (or the text's end)."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def newline_of(text: str) -> str:
    """The line break a file uses: CRLF when its first line ends so, else LF."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
