"""Add the pulled file to `actuals:` in kpiframe.yaml, changing nothing else in the text.

Decisions:

* The edit touches one place: a new ``- path`` line after the last item of a block list, a
  ``, path`` before the ``]`` of a flow list, ``[path]`` for an empty one, or a new
  ``actuals:`` line at the end of the file. Comments, order, quoting and blank lines stay.
* The edited text is parsed again before it is written: unless it reads as the same settings
  plus the one entry, nothing is written and `pull` says what to add by hand.
* A configuration in pyproject.toml is not edited (TOML is the user's to format): `pull` says
  what to add.
* Without any configuration, a kpiframe.yaml with just that entry is created at the root.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kpiframe.load.document import Limits, RawDocument
from kpiframe.load.yamlfile import parse_text

_PLAIN = re.compile(r"[A-Za-z0-9_./-]+\Z")
COMMENT = "  # added by kpiframe pull"


class CannotEdit(Exception):
    """The entry could not be added safely; the message says what to add by hand."""


def glob_matches(pattern: str, path: str) -> bool:
    """Whether an `actuals:` glob (as pathlib globs it from the root) names ``path``."""
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                regex, i = regex + re.escape("["), i + 1
            else:
                regex, i = regex + "[" + pattern[i + 1:end].replace("!", "^", 1) + "]", end + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.fullmatch(regex, path.strip("/")) is not None


def listed(actuals: list[str], output: str) -> bool:
    return any(glob_matches(pattern.lstrip("./") if pattern.startswith("./") else pattern, output)
               for pattern in actuals)


def add_entry(text: str, raw: RawDocument | None, output: str) -> str:
    """``text`` (kpiframe.yaml) with ``output`` appended to `actuals:`; raises CannotEdit."""
    item = output if _PLAIN.match(output) else json.dumps(output)
    data: Any = raw.data if raw is not None else None
    if raw is None or data is None or (isinstance(data, dict) and "actuals" not in data):
        edited = text + ("" if not text or text.endswith("\n") else "\n") + f"actuals: [{item}]{COMMENT}\n"
    elif isinstance(data, dict) and isinstance(data["actuals"], list):
        edited = _append(text, raw, data["actuals"], item)
    elif isinstance(data, dict) and data["actuals"] is None:
        edited = _fill_empty(text, raw, item, "")
    else:
        raise CannotEdit(f"add {item} to `actuals:` in kpiframe.yaml")
    _verify(text, edited, output)
    return edited


def _append(text: str, raw: RawDocument, items: list, item: str) -> str:
    if not items:
        return _fill_empty(text, raw, item, "[]")
    lines = text.splitlines(keepends=True)
    key_line, key_column = raw.position(("actuals",), key=True)
    key_source = lines[key_line - 1]
    after_colon = key_source[key_source.index(":", key_column - 1) + 1:].lstrip()
    line, column = raw.position(("actuals", len(items) - 1))
    if after_colon.startswith("["):  # a flow list: insert before its closing bracket
        close = _closing_bracket(text, sum(len(x) for x in lines[:line - 1]) + column - 1)
        if close < 0:
            raise CannotEdit(f"add {item} to `actuals:` in kpiframe.yaml")
        head = text[:close].rstrip()  # after the last item (and a trailing comma, if any)
        return head + (" " if head.endswith(",") else ", ") + item + text[len(head):]
    source = lines[line - 1]
    prefix = source[:column - 1]
    if prefix.strip() != "-":  # not one `- item` per line: leave it to the user
        raise CannotEdit(f"add {item} to `actuals:` in kpiframe.yaml")
    if not source.endswith("\n"):
        lines[line - 1] = source + "\n"
    lines.insert(line, f"{prefix}{item}\n")
    return "".join(lines)


def _fill_empty(text: str, raw: RawDocument, item: str, written: str) -> str:
    """`actuals: []` or `actuals:` with nothing after it (a comment may follow)."""
    lines = text.splitlines(keepends=True)
    key_line, key_column = raw.position(("actuals",), key=True)
    source = lines[key_line - 1]
    colon = source.index(":", key_column - 1)
    head, rest = source[:colon + 1], source[colon + 1:]
    body = rest.rstrip("\r\n")
    newline = rest[len(body):]
    if written:
        at = body.find(written)
        if at < 0:
            raise CannotEdit(f"add {item} to `actuals:` in kpiframe.yaml")
        body = body[:at] + f"[{item}]" + body[at + len(written):]
    else:
        stripped = body.strip()
        if stripped and not stripped.startswith("#"):
            raise CannotEdit(f"add {item} to `actuals:` in kpiframe.yaml")
        body = f" [{item}]" + (f"  {stripped}" if stripped else "")
    lines[key_line - 1] = head + body + newline
    return "".join(lines)


def _closing_bracket(text: str, start: int) -> int:
    """The index of the ``]`` that closes the flow list holding the item at ``start``."""
    i, quote = start, ""
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 2
                continue
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "]":
            return i
        elif char == "#" and text[i - 1] in " \t":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        i += 1
    return -1


def _verify(before: str, after: str, output: str) -> None:
    try:
        old, new = _settings(before), _settings(after)
    except CannotEdit:
        raise CannotEdit(f"add {output} to `actuals:` in kpiframe.yaml") from None
    wanted = dict(old)
    wanted["actuals"] = list(old.get("actuals") or []) + [output]
    if new != wanted:
        raise CannotEdit(f"add {output} to `actuals:` in kpiframe.yaml")


def _settings(text: str) -> dict:
    if not text.strip():
        return {}
    parsed = parse_text(text, "kpiframe.yaml", Limits())
    if parsed.findings or len(parsed.documents) != 1 or not isinstance(parsed.documents[0].data, (dict, type(None))):
        raise CannotEdit("kpiframe.yaml does not parse")
    return _plain(parsed.documents[0].data or {})


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return None if value is None else str(value)

