"""Did-you-mean against many ids: the right id is found whichever part of it the typo damaged."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from kpiframe.suggest import Suggester, closest, one_edit_away

DEPARTMENTS = ["sales", "finance", "people", "logistics", "marketing", "support", "product", "legal"]
METRICS = ["win-rate", "headcount", "cycle-time", "churn", "nps", "opex-ratio", "dso", "throughput"]
# 8 x 8 x 100 = 6,400 ids sharing most of their words: the hard case for a shortlist.
IDS = [f"{d}-{m}-{n:03d}" for d in DEPARTMENTS for m in METRICS for n in range(100)]
# One-word ids, so that some typos share no word with any candidate.
WORDS = ["revenue", "pipeline", "retention", "utilisation", "backlog", "onboarding"]


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(IDS + WORDS)


def score(word: str, candidate: str | None) -> float:
    return 0.0 if candidate is None else difflib.SequenceMatcher(None, word, candidate).ratio()


@pytest.mark.parametrize("typo", [
    "sales-win-rate-0043",        # the number lost or gained a digit
    "finance-dso-0777",
    "logistics-througput-012",    # a word misspelt
    "peple-headcount-099",        # the first word misspelt
    "marketing_churn_005",        # other separators
    "revenu",                     # a one-word id: no word shared, found by its letters
    "onbaording",
    "zzzz-qqqq",                  # nothing close
])
def test_the_shortlist_finds_as_close_a_match_as_comparing_every_id(suggester, typo):
    """Against all 6,406 ids difflib alone takes seconds; the shortlist must lose nothing."""
    everything = difflib.get_close_matches(typo, IDS + WORDS, n=1, cutoff=0.6)
    assert score(typo, suggester.closest(typo)) == score(typo, everything[0] if everything else None)


def test_typical_typos_get_the_id_meant(suggester):
    assert suggester.closest("logistics-througput-012") == "logistics-throughput-012"
    assert suggester.closest("peple-headcount-099") == "people-headcount-099"
    assert suggester.closest("revenu") == "revenue"
    assert suggester.closest("zzzz-qqqq") is None


def test_a_small_candidate_set_is_compared_whole():
    assert closest("grow-revenu", ["grow-revenue", "cut-costs"]) == "grow-revenue"
    assert closest("zzz", ["grow-revenue", "cut-costs"]) is None


def test_suggestions_do_not_depend_on_the_hash_seed():
    code = ("from tests.test_suggest import IDS, WORDS; from kpiframe.suggest import Suggester; "
            "s = Suggester(IDS + WORDS); "
            "print([s.closest(w) for w in ['sales-nps-01', 'legal-dso-1', 'support-churn-0', 'pipelin']])")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}, cwd=Path(__file__).parents[1]).stdout
               for seed in ("1", "2", "3")}
    assert len(outputs) == 1, outputs


def _one_letter_edits(word: str) -> set[str]:
    letters = "ab-0"
    deleted = {word[:i] + word[i + 1:] for i in range(len(word))}
    replaced = {word[:i] + c + word[i + 1:] for i in range(len(word)) for c in letters}
    inserted = {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
    return deleted | replaced | inserted


def test_one_edit_away_by_first_and_last_letters_finds_what_comparing_every_id_finds():
    """The suggester looks only at ids that keep the word's first or last letters; an edit
    anywhere (first letter, middle, last, the end) must still be found, and nothing more."""
    candidates = IDS[::37] + WORDS + ["a", "ab", "b", "abc", "x-1", "x-12"]
    indexed = Suggester(candidates)
    words = {"", "a", "c", "zz"} | {edit for c in candidates[::3] for edit in _one_letter_edits(c)}
    for word in sorted(words):
        assert indexed.one_edit_away(word) == one_edit_away(word, candidates), word
