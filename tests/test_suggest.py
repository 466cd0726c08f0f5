"""Did-you-mean against many ids: the right id is found whichever part of it the typo damaged."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from kpiframe.suggest import Suggester, closest

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
