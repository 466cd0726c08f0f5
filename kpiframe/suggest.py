"""Did-you-mean suggestions that stay fast against tens of thousands of ids.

``difflib.get_close_matches`` compares the word with every candidate; with 10,000 ids and a few
dozen broken references that is seconds. A trigram index narrows the candidates to the few that
share letters with the word first, and difflib ranks only those.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections import Counter
from itertools import accumulate
from typing import Iterable

_SHORTLIST = 30
_RARE_GRAMS = 6


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class Suggester:
    """Closest-match lookups against one fixed set of candidates.

    The candidates are kept as one text ("  id \n" each), and a trigram's postings are found
    with ``str.find`` the first time a lookup needs them. A full trigram index would cost more to
    build (10,000 ids: 0.17 s) than the few dozen lookups of a real framework ever use.
    """

    def __init__(self, candidates: Iterable[str]):
        self.candidates = sorted(set(candidates))
        self._text = "".join(f"  {c} \n" for c in self.candidates)
        self._starts = list(accumulate((len(c) + 4 for c in self.candidates), initial=0))
        self._counts: dict[str, int] = {}
        self._postings: dict[str, list[int]] = {}

    def closest(self, word: str, cutoff: float = 0.6) -> str | None:
        if len(self.candidates) <= _SHORTLIST:
            shortlist = self.candidates
        else:
            # Rare trigrams discriminate; common ones ("kpi", "-20") would make every lookup scan
            # thousands of ids. Use the rarest few (ties by the gram itself, for stable output).
            rarest = sorted(_trigrams(word), key=lambda gram: (self._count(gram), gram))[:_RARE_GRAMS]
            shared: Counter[int] = Counter()
            for gram in rarest:
                shared.update(self._posting(gram))
            ranked = sorted(shared, key=lambda k: (-shared[k], k))[:_SHORTLIST]
            shortlist = [self.candidates[k] for k in sorted(ranked)]
        found = difflib.get_close_matches(word, shortlist, n=1, cutoff=cutoff)
        return found[0] if found else None

    def _count(self, gram: str) -> int:
        if gram not in self._counts:
            self._counts[gram] = self._text.count(gram)
        return self._counts[gram]

    def _posting(self, gram: str) -> list[int]:
        """Indexes of the candidates holding ``gram``, each once."""
        if gram not in self._postings:
            found: list[int] = []
            at = self._text.find(gram)
            while at != -1:
                index = bisect_right(self._starts, at) - 1
                if not found or found[-1] != index:
                    found.append(index)
                at = self._text.find(gram, at + 1)
            self._postings[gram] = found
        return self._postings[gram]


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    return Suggester(candidates).closest(word, cutoff)
