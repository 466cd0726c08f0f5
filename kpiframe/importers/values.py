"""Reading what a register writes: numbers (``1,200,000``, ``$10K``, ``95%``), units and target
phrases (``at or above 84%``). Nothing here guesses: text that does not read cleanly gives None,
and the importer keeps it in the KPI's description."""

from __future__ import annotations

import re
from typing import NamedTuple

_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP"}
_NUMBER = (r"(?P<currency>[$€£])?\s*(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"
           r"(?P<multiplier>[kK](?![a-zA-Z])|(?<=\d)[MB](?![a-zA-Z]))?")
_PLAIN_NUMBER_RE = re.compile(rf"^\s*(?P<sign>[-+])?{_NUMBER}\s*(?P<percent>%)?\s*$")
_MULTIPLIERS = {"k": 1_000, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


class Reading(NamedTuple):
    """A number read from text, with the unit the text itself gave (``None`` when it gave none)."""

    value: int | float
    unit: str | None


def as_number(text: str) -> int | float:
    """``"84"`` -> 84, ``"0.58"`` -> 0.58: whole numbers stay integers so files read naturally."""
    number = float(text.replace(",", ""))
    return int(number) if number.is_integer() and "." not in text else number


def _grouping_is_ambiguous(number: str) -> bool:
    # "1,200" is twelve hundred in one locale and one point two in another; "1,200,000" and
    # "1,200.5" are not ambiguous.
    return number.count(",") == 1 and "." not in number


def _scaled(match: re.Match[str]) -> int | float | None:
    number = match.group("number")
    if _grouping_is_ambiguous(number):
        return None
    value = as_number(number)
    multiplier = match.group("multiplier")
    if multiplier and multiplier in "MB" and not match.group("currency"):
        return None  # "10M" alone could be minutes or metres as well as millions
    if multiplier:
        value = value * _MULTIPLIERS[multiplier]
        value = int(value) if float(value).is_integer() else value
    return value


def read_number(text: str) -> Reading | None:
    """Read a cell that holds just a number: ``12``, ``-3.5``, ``1,200,000``, ``95%``, ``$10K``.

    Anything else (a phrase, a range, an ambiguous ``1,200``) gives ``None``: the caller keeps the
    text and reports it instead of guessing.
    """
    match = _PLAIN_NUMBER_RE.match(text)
    if not match:
        return None
    value = _scaled(match)
    if value is None:
        return None
    if match.group("sign") == "-":
        value = -value
    if match.group("percent"):
        if match.group("currency"):
            return None
        return Reading(value, "percent")
    currency = match.group("currency")
    return Reading(value, _CURRENCIES[currency] if currency else None)


_UNIT_WORDS = {
    "%": "percent", "percent": "percent", "pct": "percent", "percentage": "percent",
    "$": "USD", "usd": "USD", "eur": "EUR", "€": "EUR", "gbp": "GBP", "£": "GBP",
    "ms": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "seconds", "sec": "seconds", "secs": "seconds", "second": "seconds", "seconds": "seconds",
    "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "day": "days", "days": "days", "working day": "working days", "working days": "working days",
    "business day": "business days", "business days": "business days",
    "week": "weeks", "weeks": "weeks", "month": "months", "months": "months",
    "year": "years", "years": "years",
}
_PERIOD_RE = re.compile(r"(?i)(?:\bper\s+|/\s*)(day|week|month|quarter|year)s?\b")


def normalise_unit(text: str) -> str:
    """The unit as a person would write it in the file: ``%`` -> percent, ``/Month`` -> per month."""
    cleaned = " ".join(text.split())
    known = _UNIT_WORDS.get(cleaned.lower())
    if known:
        return known
    return _PERIOD_RE.sub(lambda m: f" per {m.group(1).lower()}", cleaned).replace("  ", " ").strip()


_INCREASE = ("at or above", "at or greater than", "at or more than", "equal or greater than",
             "equal to or greater than", "greater than or equal to", "more than or equal to",
             "at least", "no less than", "not less than", "greater than", "more than", "above",
             "over", ">=", "=>", "≥", ">")
_DECREASE = ("at or below", "at or less than", "at or under", "below or equal to", "equal or less than",
             "equal to or less than", "less than or equal to", "at most", "no more than",
             "not more than", "less than", "fewer than", "below", "under", "<=", "=<", "≤", "<")
_EXACT = ("equal to", "exactly", "at", "=")
_COMPARATORS = sorted(
    [(phrase, "increase") for phrase in _INCREASE] + [(phrase, "decrease") for phrase in _DECREASE]
    + [(phrase, None) for phrase in _EXACT],
    key=lambda pair: -len(pair[0]),
)
_PREAMBLE_RE = re.compile(r"(?i)^(?:the\s+)?target(?:\s+for\s+this\s+(?:metric|kpi|indicator))?\s*(?:is|:)\s*")
_NUMBER_AT_START_RE = re.compile(rf"^{_NUMBER}")
_UNIT_AT_START_RE = re.compile(
    r"(?i)^(%|ms\b|milliseconds?\b|secs?\b|seconds?\b|s\b|mins?\b|minutes?\b|hrs?\b|hours?\b|h\b|"
    r"working\s+days?\b|business\s+days?\b|days?\b|weeks?\b|months?\b|years?\b)")
_PER_PERIOD_RE = re.compile(r"(?i)^(?:/\s*|per\s+)(day|week|month|quarter|year)s?\b")
_PERCENTILE_RE = re.compile(r"(?i)^(?:at\s+)?(?:the\s+)?p?\d{1,2}(?:st|nd|rd|th)?\s+percentile$")
_PAREN_TAIL_RE = re.compile(r"\s*\(([^()]*)\)\s*$")


class ParsedTarget(NamedTuple):
    """What a free-text target says: value, unit (or ``None``) and better direction (or ``None``)."""

    value: int | float
    unit: str | None
    direction: str | None


class TargetReading(NamedTuple):
    """A target text read: ``parsed`` when it reads cleanly, else ``None`` and ``why`` in a few words
    (one of :data:`UNREADABLE_REASONS`, so an import can count each reason)."""

    parsed: ParsedTarget | None
    why: str


NO_NUMBER = "it states no number"
CHANGE = "it states a change or a distance from something, not a level"
SECOND_NUMBER = "a second number qualifies it"
AMBIGUOUS_NUMBER = "its number is ambiguous (1,200 or 10M)"
NOT_A_LEVEL = "it does not read as a comparator, a number and a unit"
UNREADABLE_REASONS = (NO_NUMBER, CHANGE, SECOND_NUMBER, AMBIGUOUS_NUMBER, NOT_A_LEVEL)
# Words that make a number relative ("< 5% change in proportion", "5% increase in overall score"):
# the text then states a movement from somewhere, not a level to hold.
_CHANGE_RE = re.compile(r"(?i)\b(?:change[sd]?|increases?|increased|decreases?|decreased|growth|grows?|"
                        r"reductions?|reduced?|improvements?|improved?|drops?|rises?|variance|difference|"
                        r"deviation|delta|versus|vs\.?|compared|relative|within)\b")


class _Unreadable(Exception):
    """Raised inside the reader with one of UNREADABLE_REASONS."""


def _split_comparator(text: str) -> tuple[str, str | None]:
    lowered = text.lower()
    for phrase, direction in _COMPARATORS:
        if lowered.startswith(phrase):
            rest = text[len(phrase):]
            if phrase[-1].isalpha() and rest[:1].isalpha():
                continue  # "at" must not match "attrition"
            return rest.lstrip(), direction
    return text, None


def _qualifier_is_harmless(tail: str) -> bool:
    # Words after the unit ("of all MRs", "at the 90th percentile", "(until further data)") are
    # kept in the description. A second number there ("over 14 days", "above 79/100") would make
    # the reading ambiguous, so it is refused.
    tail = tail.strip().rstrip(".")
    if not tail:
        return True
    if _PERCENTILE_RE.match(tail):
        return True
    return not re.search(r"\d", tail)


def _unit_from_words(words: str) -> str | None:
    # "MRs per Month (Blog Posts, ...)" -> "MRs per month"; the parenthesis is a qualifier.
    words = _PAREN_TAIL_RE.sub("", words).strip().rstrip(".")
    if not words or re.search(r"\d", words) or re.search(r"[<>()]", words) or len(words.split()) > 8:
        return None
    return normalise_unit(words)


def parse_target_text(text: str) -> ParsedTarget | None:
    """Read a free-text target when it is unambiguous, else ``None``.

    ``"at or above 84%"`` -> (84, percent, increase); ``"Below 2500ms at the 90th percentile"`` ->
    (2500, ms, decrease); ``"less than $10K/Month"`` -> (10000, USD per month, decrease);
    ``"95%"`` -> (95, percent, None): the direction is unknown. ``"TBD"``, ``"5% increase ... above
    79/100"``, ``"< 5% change in proportion"`` and ``"at or within 5% of plan"`` give ``None``.
    """
    return read_target_text(text).parsed


def read_target_text(text: str) -> TargetReading:
    """As :func:`parse_target_text`, with the reason when the text does not read cleanly."""
    try:
        return TargetReading(_parse(text), "")
    except _Unreadable as unreadable:
        return TargetReading(None, str(unreadable))


def _parse(text: str) -> ParsedTarget:
    text = " ".join(text.split())
    if not re.search(r"\d", text):
        raise _Unreadable(NO_NUMBER)
    if _CHANGE_RE.search(text):
        raise _Unreadable(CHANGE)
    text = _PREAMBLE_RE.sub("", text)
    rest, direction = _split_comparator(text)
    negative = rest.startswith("-")
    match = _NUMBER_AT_START_RE.match(rest[1:] if negative else rest)
    if not match:
        raise _Unreadable(NOT_A_LEVEL)
    value = _scaled(match)
    if value is None:
        raise _Unreadable(AMBIGUOUS_NUMBER)
    if negative:
        value = -value
        rest = rest[1:]
    currency = match.group("currency")
    tail = rest[match.end():].strip()

    unit_match = _UNIT_AT_START_RE.match(tail)
    if currency:
        unit: str | None = _CURRENCIES[currency]
    elif unit_match:
        unit = normalise_unit(unit_match.group(1))
        tail = tail[unit_match.end():].strip()
    else:
        unit = None
    if unit is not None:
        period = _PER_PERIOD_RE.match(tail)
        if period:
            unit = f"{unit} per {period.group(1).lower()}"
            tail = tail[period.end():].strip()
        if not _qualifier_is_harmless(_PAREN_TAIL_RE.sub("", tail)) or re.search(r"\d", _paren_text(tail)):
            raise _Unreadable(SECOND_NUMBER)
        return ParsedTarget(value, unit, direction)
    if not tail:
        return ParsedTarget(value, None, direction)
    if re.search(r"\d", _paren_text(tail)) or re.search(r"\d", _PAREN_TAIL_RE.sub("", tail)):
        raise _Unreadable(SECOND_NUMBER)
    unit = _unit_from_words(tail)
    if not unit:
        raise _Unreadable(NOT_A_LEVEL)
    return ParsedTarget(value, unit, direction)


def _paren_text(tail: str) -> str:
    found = _PAREN_TAIL_RE.search(tail)
    return found.group(1) if found else ""
