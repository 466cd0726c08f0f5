"""Did-you-mean suggestions that stay fast against tens of thousands of ids.

``difflib.get_close_matches`` compares the word with every candidate; with 10,000 ids and a few
dozen broken references that is seconds. :class:`Suggester` narrows the candidates to the few
that share words and letters with the word first, and difflib ranks only those.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import accumulate

_SHORTLIST = 30
_RARE_GRAMS = 6
# Rarity is judged on a sample of about this many candidates (every k-th, so it is deterministic):
# counting a gram in 100,000 ids for every lookup cost seconds; a sample ranks grams as well.
_SAMPLE = 2000
# At most this many candidates (sharing words, or rare grams) are ranked by the word's trigrams.
_POOL = 2000
# A word held by more candidates than this (`kpi`, `sales` in a big framework) is not used.
_COMMON_WORD = 5000


def _words(text: str) -> set[str]:
    """The words of an id: ``sales.win_rate-q3`` -> sales, win, rate, q3 (str methods: fast)."""
    return set(text.replace("_", "-").replace(".", "-").replace(" ", "-").split("-")) - {""}


def _grams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(len(text) - 2)}


def _trigrams(word: str) -> set[str]:
    """The word's trigrams, padded so that its first and last letters count too."""
    return _grams(f"  {word} ")


class Suggester:
    """Closest-match lookups against one fixed set of candidates.

    Ids are made of words (``sales-win-rate``), and a typo rarely damages more than one, so the
    candidates are indexed by word, which is cheap (0.14 s for 100,000 ids; a full trigram index
    took 2.4 s). A lookup gathers the candidates sharing most of the word's words (leaving out
    words too common to tell ids apart), ranks them by how many of its trigrams they hold, and
    lets difflib choose among the best few. A word that
    shares no word with any candidate (a one-word id with a typo) falls back to scanning for its
    rarest trigrams in the candidates' text with ``str.find``.
    """

    def __init__(self, candidates: Iterable[str]):
        self.candidates = sorted(set(candidates))
        self._text = self._sample = ""  # made on the first fallback to trigrams (see _haystack)
        self._starts: list[int] = []
        self._counts: dict[str, int] = {}
        self._postings: dict[str, list[int]] = {}
        self._by_word: dict[str, list[int]] = {}
        self._by_length: dict[int, tuple[list[str], list[str]]] = {}  # made on the first one_edit_away
        for index, candidate in enumerate(self.candidates):
            for part in _words(candidate):
                self._by_word.setdefault(part, []).append(index)

    def one_edit_away(self, word: str) -> list[str]:
        """:func:`one_edit_away` against these candidates, looking only at those that keep the
        word's first or last ``k = (len(word) - 1) // 2`` letters: one edit leaves one of the two
        untouched (it falls after the first k letters, or at least k letters before the end, in
        both words). Ids of each length are kept sorted, and sorted spelt backwards, so both sets
        are a range found by bisection. Scanning every id of a near length compared ~10,000 ids
        a lookup at 100,000 (1.5 s for 151 dangling references)."""
        if not self._by_length:
            for candidate in self.candidates:  # sorted, so each length's list is too
                self._by_length.setdefault(len(candidate), ([], []))[0].append(candidate)
            for forwards, backwards in self._by_length.values():
                backwards += sorted(candidate[::-1] for candidate in forwards)
        k = max(len(word) - 1, 0) // 2
        start, end = word[:k], word[len(word) - k:][::-1]
        near: set[str] = set()
        for size in (len(word) - 1, len(word), len(word) + 1):
            forwards, backwards = self._by_length.get(size, ([], []))
            near.update(_starting_with(forwards, start))
            near.update(reversed_id[::-1] for reversed_id in _starting_with(backwards, end))
        return sorted(c for c in near if _one_edit(word, c))

    def closest(self, word: str, cutoff: float = 0.6) -> str | None:
        shortlist = self.candidates if len(self.candidates) <= _SHORTLIST else self._shortlist(word)
        found = difflib.get_close_matches(word, shortlist, n=1, cutoff=cutoff)
        return found[0] if found else None

    def _shortlist(self, word: str) -> list[str]:
        grams = _trigrams(word)
        pool = self._sharing_words(word) or self._sharing_rare_grams(grams)
        inner = _grams(word)  # unpadded: looked up inside bare ids
        # `in` on a short string is a C scan: cheaper than building each candidate's trigram set.
        candidates = self.candidates
        shared = {k: sum(map(candidates[k].__contains__, inner)) for k in pool}
        best = _most_first(shared)[:_SHORTLIST]
        return [self.candidates[k] for k in sorted(best)]

    def _sharing_words(self, word: str) -> list[int]:
        """The candidates sharing most of the word's words, ignoring words too common to tell
        candidates apart; [] when no usable word is shared."""
        holding: Counter[int] = Counter()
        for part in _words(word):
            posting = self._by_word.get(part, ())
            if len(posting) <= _COMMON_WORD:
                holding.update(posting)
        return _most_first(holding)[:_POOL]

    def _sharing_rare_grams(self, grams: set[str]) -> list[int]:
        # Rare trigrams discriminate; common ones ("kpi", "-20") would make every lookup scan
        # thousands of ids. Use the rarest few (ties by the gram itself, for stable output).
        rarest = sorted(grams, key=lambda gram: (self._count(gram), gram))[:_RARE_GRAMS]
        holding: Counter[int] = Counter()
        for gram in rarest:
            holding.update(self._posting(gram))
        return _most_first(holding)[:_POOL]

    def _haystack(self) -> None:
        if not self._text:
            self._text = "".join(f"  {c} \n" for c in self.candidates)
            self._starts = list(accumulate((len(c) + 4 for c in self.candidates), initial=0))
            step = max(1, len(self.candidates) // _SAMPLE)
            self._sample = "".join(f"  {c} \n" for c in self.candidates[::step])

    def _count(self, gram: str) -> int:
        self._haystack()
        if gram not in self._counts:
            self._counts[gram] = self._sample.count(gram)
        return self._counts[gram]

    def _posting(self, gram: str) -> list[int]:
        """Indexes of the candidates holding ``gram``, each once."""
        self._haystack()
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


def _most_first(counts: dict[int, int]) -> list[int]:
    """The keys by count, most first, equal counts by key: ``sorted(counts, key=lambda k:
    (-counts[k], k))`` with no Python call per key (a stable sort by count, descending, of the
    keys in order), which mattered at 100,000 ids."""
    return sorted(sorted(counts), key=counts.__getitem__, reverse=True)


def _starting_with(ordered: list[str], prefix: str) -> Iterator[str]:
    """The strings of the sorted ``ordered`` that start with ``prefix``."""
    for index in range(bisect_left(ordered, prefix), len(ordered)):
        if not ordered[index].startswith(prefix):
            return
        yield ordered[index]


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    return Suggester(candidates).closest(word, cutoff)


def one_edit_away(word: str, candidates: Iterable[str]) -> list[str]:
    """The candidates one insertion, deletion or substitution away from ``word`` (Levenshtein
    distance 1), sorted. `check --fix` corrects a reference only when exactly one is."""
    return sorted(c for c in set(candidates) if _one_edit(word, c))


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    # the rest must match after skipping one character of the longer (or of both, same length)
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]
