"""Field types that read the text the user typed the way a person means it.

The loader hands every scalar over as text (see ``kpiframe.load.yamlfile``). These types turn
text into numbers, dates and yes/no only where the schema wants them, and refuse what would be
a guess: a quoted "12%" in a number field, ``.inf``, a date like 2026-13-45.
"""

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from kpiframe.load.document import Text

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
_ID_RE = re.compile(ID_PATTERN)
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_RE = re.compile(r"[-+]?\d+")
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})


def describe(value: Any) -> str:
    """How a value is named in a message to a business user."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, Text):
        return f"the quoted text {str(value)!r}"
    return repr(str(value))


def parse_number(value: Any) -> float | int:
    # Most numbers are plain digits with at most one point (2400000, 0.93): read those at once.
    # Text (quoted) is a str subclass, so `type(...) is str` keeps it on the careful path below.
    if type(value) is str and value.isascii():
        bare = value.replace(".", "", 1)
        if bare.isdigit():
            if len(bare) == len(value):
                return _whole_number(value)
            number = float(value)
            if math.isfinite(number):
                return number
    return _parse_any_number(value)


def _parse_any_number(value: Any) -> float | int:
    """:func:`parse_number` without its shortcut (tests/test_hostile_values.py keeps them equal)."""
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError("kf_number", "must be a number, got {got}", {"got": describe(value)})
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise PydanticCustomError("kf_number", "must be a finite number, got {got}", {"got": repr(value)})
        return value
    if isinstance(value, Text):
        raise PydanticCustomError("kf_number", "must be a number, got {got}; numbers are written without quotes",
                                  {"got": describe(value)})
    if not isinstance(value, str):
        raise PydanticCustomError("kf_number", "must be a number, got {got}", {"got": describe(value)})
    text = value.strip()
    if text.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        raise PydanticCustomError("kf_number", "must be a finite number, got {got} (YAML reads it as infinity or not-a-number)",
                                  {"got": repr(text)})
    if not _NUMBER_RE.fullmatch(text):
        raise PydanticCustomError("kf_number", "must be a number, got {got}", {"got": repr(text)})
    if _WHOLE_RE.fullmatch(text):
        return _whole_number(text)
    number = float(text)
    if not math.isfinite(number):
        raise PydanticCustomError("kf_number", "must be a finite number, got {got}", {"got": repr(text)})
    return number


def _whole_number(text: str) -> int:
    """Leading zeros read as decimal (012 is twelve), not YAML 1.1 octal.

    Rules compute with floats, so a whole number beyond a float's range (or the 4,300 digits
    Python will convert) is refused here rather than failing somewhere in a rule.
    """
    try:
        number = int(text)
        float(number)
    except (ValueError, OverflowError):
        raise PydanticCustomError("kf_number", "must be a number of a usable size, got a number of {digits} digits",
                                  {"digits": len(text.lstrip("+-"))}) from None
    return number


def parse_date(value: Any) -> date:
    if type(value) is str and _DATE_RE.fullmatch(value):  # the usual case: as below, without strip()
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2026-13-45: said below
    return _parse_any_date(value)


def _parse_any_date(value: Any) -> date:
    """:func:`parse_date` without its shortcut (tests/test_hostile_values.py keeps them equal)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("kf_date", "must be a real date, got {got}", {"got": repr(str(value))}) from None
    raise PydanticCustomError("kf_date", "must be a date written YYYY-MM-DD, got {got}", {"got": describe(value)})


def parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    # A quoted "yes" is a yes too: an editor's schema reads `yes` and "yes" alike (YAML 1.2).
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise PydanticCustomError("kf_flag", "must be true or false, got {got}", {"got": describe(value)})


def parse_text(value: Any) -> str:
    if isinstance(value, str):
        return str(value)
    raise PydanticCustomError("kf_text", "must be text, got {got}", {"got": describe(value)})


def parse_nonempty_text(value: Any) -> str:
    """Text that says something: an empty or blank (only spaces) `owner` or `unit` is no value,
    and would otherwise pass for one (no missing-owner, a unit of spaces)."""
    text = parse_text(value)
    if not text.strip():
        raise PydanticCustomError("kf_blank", "must not be {what}",
                                  {"what": "blank (only spaces)" if text else "empty"})
    return text


def parse_id(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("kf_id", "must be an id, got {got}", {"got": describe(value)})
    if not _ID_RE.fullmatch(value):
        raise PydanticCustomError(
            "kf_id", "must be a lowercase id (letters, digits, '.', '_' or '-', starting with a letter or digit), got {got}",
            {"got": repr(str(value))})
    return str(value)


# The largest count a setting takes: every whole number up to here is exact as a float, and
# far beyond any real budget (a larger limit is no limit, and would not fit the reads it sizes).
MAX_COUNT = 2**53


def parse_count(value: Any) -> int:
    number = parse_number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise PydanticCustomError("kf_count", "must be a whole number of at least 1, got {got}",
                                      {"got": describe(value)})
        number = int(number)  # 1e7 is ten million
    if number < 1:
        raise PydanticCustomError("kf_count", "must be a whole number of at least 1, got {got}", {"got": describe(value)})
    if number > MAX_COUNT:
        raise PydanticCustomError("kf_count", "must be a whole number of at most {most}, got {got}",
                                  {"most": f"{MAX_COUNT:,}", "got": describe(value)})
    return number


def parse_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    if value is None:
        return []
    raise PydanticCustomError("kf_list", "must be a list (one `- item` per line, or [a, b]), got {got}",
                              {"got": describe(value)})


def parse_mapping(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    raise PydanticCustomError("kf_mapping", "must be a mapping of `key: value` lines, got {got}",
                              {"got": describe(value)})


Number = Annotated[int | float, BeforeValidator(parse_number)]
Count = Annotated[int, BeforeValidator(parse_count)]
Day = Annotated[date, BeforeValidator(parse_date)]
Flag = Annotated[bool, BeforeValidator(parse_flag)]
Str = Annotated[str, BeforeValidator(parse_text)]
NonEmptyStr = Annotated[str, BeforeValidator(parse_nonempty_text)]
Id = Annotated[str, BeforeValidator(parse_id)]
