"""Findings for what the YAML parser refuses: syntax errors (with the hint that fits the
mistake) and characters the reader does not allow."""

from __future__ import annotations

import re

import yaml

from kpiframe.findings import Finding, Fix
from kpiframe.load.document import LineMap, place_mark


def is_libyaml_depth_limit(exc: yaml.MarkedYAMLError) -> bool:
    """libyaml >= 0.2.6 refuses to nest deeper than 1,000 levels, with a syntax error."""
    return "maximum nesting depth" in (exc.problem or "")


def syntax_finding(exc: yaml.MarkedYAMLError, rel: str, text: str, line_map: LineMap | None) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, column = place_mark(mark, line_map) if mark else (1, 1)
    if is_libyaml_depth_limit(exc):
        return Finding(rule="limit-exceeded", file=rel, line=line, column=column,
                       message="nesting is deeper than the YAML parser allows (1,000 levels)",
                       hint="a framework document needs only a few levels")
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{exc.context}: {problem}" if exc.context not in problem else problem
    hint = "check indentation and quoting around this line"
    char = _char_at(text, line, column)
    if char == "\t":
        problem = "a tab character where YAML expects spaces"
        hint = "YAML does not allow tabs for indentation; use spaces"
    elif "quoted scalar" in (exc.context or "") and (escape := _bad_escape(text, line, column)):
        (line, column), problem, hint = escape
    elif "quoted scalar" in (exc.context or "") and exc.context_mark is not None:
        # libyaml notices an unclosed quote only where the file (or document) ends: point at the quote.
        line, column = place_mark(exc.context_mark, line_map)
        problem = "a quote opened here is never closed"
        hint = "close the quote on the same value, or remove it"
    elif char and char in "%@`":
        hint = f"a value cannot start with {char} unless it is quoted: write it as \"{char}...\""
        fix = _quoting_fix(text, line, column) if line_map is None else None
        if fix is not None:
            return Finding(rule="yaml-syntax", file=rel, line=line, column=column, message=f"invalid YAML: {problem}",
                           hint=f"quote it: {fix.new} (`kpiframe check --fix` does)", fix=fix)
    elif "mapping values are not allowed" in problem:
        hint = "a value that contains ': ' must be quoted, for example title: \"Phase 2: rollout\""
    elif line_map is not None:
        hint += ("; the file holds a Unicode line separator (U+0085, U+2028 or U+2029), which YAML reads "
                 "as a line break: replace it with a space or a newline")
    return Finding(rule="yaml-syntax", file=rel, line=line, column=column, message=f"invalid YAML: {problem}",
                   hint=hint)


# `key: %...` (or `- key: %...`): a plain value that starts with a character YAML reserves.
_RESERVED_VALUE = re.compile(r"[ \t]*(?:-[ \t]+)?(?P<key>[A-Za-z_][\w.-]*):[ \t]+(?P<value>[%@`][^\r\n]*?)"
                             r"[ \t]*(?:[ \t]#[^\r\n]*)?\r?\Z")


def _quoting_fix(text: str, line: int, column: int) -> Fix | None:
    """Quote a value YAML refuses because of its first character (`unit: %`). Quoting keeps the
    text exactly as typed, so it cannot change meaning."""
    rows = text.split("\n", line)
    if len(rows) < line:
        return None
    match = _RESERVED_VALUE.match(rows[line - 1])
    if match is None or match.start("value") != column - 1 or '"' in match["value"] or "\\" in match["value"]:
        return None
    value = match["value"]
    return Fix(f"{match['key']} '{value}' quoted", line, column, value, f'"{value}"')


_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_SINGLE_QUOTES_HINT = "use single quotes for text with backslashes ('C:\\path'), or double each backslash"


def _bad_escape(text: str, line: int, column: int) -> tuple[tuple[int, int], str, str] | None:
    """What is wrong with the escape the parser stopped at in a double-quoted value, or None.

    Both parsers stop a little after the backslash (libyaml on it for an unknown escape, after
    ``\\x``/``\\u`` for a bad code), and both call it only "while parsing a quoted scalar";
    without this, the finding would read as a quote left open.
    """
    rows = text.split("\n", line)
    if len(rows) < line:
        return None
    row = rows[line - 1]
    start = row.rfind("\\", 0, column)
    if start < 0 or column - 1 - start > 2 or start + 1 >= len(row):
        return None
    letter = row[start + 1]
    place = (line, start + 1)
    width = _HEX_DIGITS.get(letter)
    if width is None:
        return place, f"`\\{letter}` is not a YAML escape: {_SINGLE_QUOTES_HINT}", (
            "in double quotes a backslash starts an escape (\\n, \\t, \\\\, \\u00e9, ...)")
    hex_run = re.match(r"[0-9A-Fa-f]*", row[start + 2:start + 2 + width])
    digits = hex_run.group() if hex_run else ""
    written = row[start:start + 2 + len(digits)]
    if len(digits) < width:
        return place, f"`{written}` is not a YAML escape: \\{letter} takes {width} hexadecimal digits", (
            _SINGLE_QUOTES_HINT)
    code = int(digits, 16)
    if 0xD800 <= code <= 0xDBFF:
        low = re.match(r"\\u([dD][c-fC-F][0-9A-Fa-f]{2})", row[start + 6:])
        if low:
            pair = written + low.group()
            char = chr(0x10000 + ((code - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00))
            return place, (f"`{pair}` is a UTF-16 surrogate pair (how JSON writes {char}), which YAML does not "
                           f"accept: write \\U{ord(char):08X} or the character itself"), (
                "YAML escapes name a whole character: \\U and eight hexadecimal digits beyond U+FFFF")
    if 0xD800 <= code <= 0xDFFF:
        return place, f"`{written}` is half of a UTF-16 surrogate pair, not a character", (
            "write the whole character as \\U and eight hexadecimal digits, or the character itself")
    if code > 0x10FFFF:
        return place, f"`{written}` is past the last Unicode character (U+10FFFF)", "check the escape"
    return None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line)
    if len(lines) < line:
        return ""
    row = lines[line - 1]
    return row[column - 1] if 0 < column <= len(row) else ""


def reader_finding(exc: yaml.YAMLError, rel: str, text: str) -> Finding:
    position = getattr(exc, "position", None)  # a ReaderError's character index into the text
    line = column = 1
    if isinstance(position, int) and 0 <= position <= len(text):
        line, column = LineMap(text).place(position)
    character = getattr(exc, "character", None)  # an int (the code point) from both parsers
    shown = f" U+{character:04X}" if isinstance(character, int) else ""
    reason = getattr(exc, "reason", None) or "not allowed in YAML"
    return Finding(rule="yaml-syntax", file=rel, line=line, column=column,
                   message=f"invalid YAML: character{shown}: {reason}", hint="remove control characters from the file")
