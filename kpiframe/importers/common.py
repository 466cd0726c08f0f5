"""What both importers share: ids, reading numbers and target phrases, writing YAML, the summary.

Importers turn someone else's register into kpiframe documents. The rule they live by: nothing the
user wrote is dropped and nothing is guessed silently. Text that does not map to a field goes into
the KPI's ``description``; every guess (a placeholder owner, a unit read from a target phrase) is
listed in :attr:`ImportSummary.attention` and noted in the KPI's description as well.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from kpiframe.fsutil import write_outputs

MAX_ID_LENGTH = 64
UNASSIGNED = "unassigned"  # owner and department placeholder when the source names none
UNSPECIFIED_UNIT = "unspecified"  # unit placeholder when the source does not say
PLACEHOLDER_DIRECTION = "increase"  # direction placeholder when the source does not say
CONFIG_FILE = "kpiframe.yaml"


class ImportProblem(Exception):
    """An import that cannot go ahead; the message is one line a user can act on."""


class ImportRefused(ImportProblem):
    """The output folder is not empty (and ``force`` was not given), or is not a folder."""


class ImportInputError(ImportProblem):
    """The register cannot be read: missing, not UTF-8, not the expected shape."""


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
    departments: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    files_written: list[Path] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)


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


# --- numbers, units and target phrases -------------------------------------------------------------

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
    79/100"`` and ``"at or within 5% of plan"`` give ``None``.
    """
    text = " ".join(text.split())
    text = _PREAMBLE_RE.sub("", text)
    rest, direction = _split_comparator(text)
    negative = rest.startswith("-")
    match = _NUMBER_AT_START_RE.match(rest[1:] if negative else rest)
    if not match:
        return None
    value = _scaled(match)
    if value is None:
        return None
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
            return None
        return ParsedTarget(value, unit, direction)
    if not tail:
        return ParsedTarget(value, None, direction)
    if re.search(r"\d", _paren_text(tail)):
        return None
    unit = _unit_from_words(tail)
    return ParsedTarget(value, unit, direction) if unit else None


def _paren_text(tail: str) -> str:
    found = _PAREN_TAIL_RE.search(tail)
    return found.group(1) if found else ""


# --- YAML --------------------------------------------------------------------------------------------


class _FrameworkDumper(yaml.SafeDumper):
    """SafeDumper (so "yes", "1e3" or "2024" stay quoted strings) that writes multi-line text as a
    ``|`` block, which is how a person would write a long description by hand."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_FrameworkDumper.add_representer(str, _represent_text)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_FrameworkDumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000, default_flow_style=False)


def render_documents(header: list[str], documents: list[dict[str, Any]]) -> str:
    """One YAML file: a comment header, then the documents separated by ``---``."""
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header)
    return comment + "---\n".join(dump_yaml(document) for document in documents)


def tidy_text(text: str) -> str:
    """Trim trailing spaces on each line (they would force YAML into an escaped one-line string)."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


# --- output folder -----------------------------------------------------------------------------------


def check_out_folder(out: Path, force: bool) -> None:
    """Refuse to write over someone's files: ``out`` must be absent or empty unless ``force``."""
    if out.exists() and not out.is_dir():
        raise ImportRefused(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ImportRefused(f"{out} is not empty; choose an empty folder or pass --force to overwrite")


def config_file(out: Path, organization: str, departments: list[str], header: list[str]) -> tuple[Path, str]:
    """kpiframe.yaml of an imported framework: its path and its text."""
    body = dump_yaml({"organization": organization, "departments": departments})
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header)
    return out / CONFIG_FILE, comment + body


def write_framework(files: list[tuple[Path, str]], inputs: list[Path], summary: ImportSummary) -> None:
    """Write every file of the import, none of them over one of its own inputs (checked before
    the first is written); fsutil.WriteFailed says which could not be written."""
    write_outputs(list(files), inputs=inputs)
    summary.files_written += [path for path, _ in files]


def department_file(out: Path, department: str) -> Path:
    return out / "kpis" / f"{department}.yaml"


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
