"""Did-you-mean suggestions that stay fast against tens of thousands of ids.

``difflib.get_close_matches`` compares the word with every candidate; with 10,000 ids and a few
dozen broken references that is seconds. A trigram index narrows the candidates to the few that
share letters with the word first, and difflib ranks only those.
"""

from __future__ import annotations

import difflib
from collections import Counter
from typing import Iterable

_SHORTLIST = 30
_RARE_GRAMS = 6


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class Suggester:
    def __init__(self, candidates: Iterable[str]):
        self.candidates = sorted(set(candidates))
        self._index: dict[str, list[str]] | None = None

    def closest(self, word: str, cutoff: float = 0.6) -> str | None:
        if len(self.candidates) <= _SHORTLIST:
            shortlist = self.candidates
        else:
            shared: Counter[str] = Counter()
            index = self._build_index()
            # Rare trigrams discriminate; common ones ("kpi", "-20") would make every lookup scan
            # thousands of ids. Use the rarest few.
            postings = sorted((index.get(gram, ()) for gram in _trigrams(word)), key=len)
            for posting in postings[:_RARE_GRAMS]:
                shared.update(posting)
            shortlist = sorted(shared, key=lambda c: (-shared[c], c))[:_SHORTLIST]
        found = difflib.get_close_matches(word, sorted(shortlist), n=1, cutoff=cutoff)
        return found[0] if found else None

    def _build_index(self) -> dict[str, list[str]]:
        if self._index is None:
            self._index = {}
            for candidate in self.candidates:
                for gram in _trigrams(candidate):
                    self._index.setdefault(gram, []).append(candidate)
        return self._index


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    return Suggester(candidates).closest(word, cutoff)
