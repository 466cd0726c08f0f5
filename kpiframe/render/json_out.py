"""`--format json`: one stable JSON object for other tools. Imports nothing heavy (no rich).

Decisions: the findings are written from one text template each, their strings quoted by the C
``encode_basestring``, instead of being made into dicts for the general writer: a messy register's
29,466 findings took 0.29 s of CPU as dicts and take 0.07 s this way. The template spells out
:meth:`Finding.as_dict`'s keys in its order (a test compares both ways); a finding whose fields
are not of the types it expects is written the general way.
"""

from __future__ import annotations

from json.encoder import encode_basestring  # type: ignore[attr-defined]  # the C version when available
from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.render.json_text import dumps_indented
from kpiframe.render.locations import FilePaths

JSON_VERSION = 1

# A finding as an item of a list that is the value of a top-level key: at depth 2, its fields at 3.
_FIELD = "\n      "
_HEAD = "{" + _FIELD + '"code": %s,' + _FIELD + '"rule": %s,' + _FIELD + '"severity": %s,' + _FIELD + '"message": '
_PLACE = "," + _FIELD + '"file": %s,' + _FIELD + '"path": %s,' + _FIELD + '"line": '
_TAIL = ("%s%s%s%d," + _FIELD + '"column": %d,' + _FIELD + '"subject": %s,' + _FIELD + '"related": %s,' + _FIELD
         + '"hint": %s%s\n    }')
_NO_HEAD: tuple[str | None, Severity | None, str] = (None, None, "")


def render_check_json(result: CheckResult, *, timings: bool = False, cwd: Path | None = None) -> str:
    """``file`` stays relative to the framework root (stable across machines); ``path`` is the
    file as the text output prints it, relative to the working directory."""
    paths = FilePaths.for_people(result.root, cwd)
    summary = result.summary()
    if timings:
        summary["timings"] = {phase: round(seconds, 4) for phase, seconds in result.timings.items()}
    out = ['{\n  "version": ', dumps_indented(JSON_VERSION), ',\n  "findings": ']
    _findings(result.findings, paths, out)
    out.append(',\n  "suppressed": ')
    _findings(result.suppressed, paths, out)
    out += (',\n  "summary": ', dumps_indented(summary, level=1), "\n}\n")
    return "".join(out)  # one join of the whole: 16 MB copied once, not once per list


def _findings(findings: list[Finding], paths: FilePaths, out: list[str]) -> None:
    """``findings`` as the JSON list that is the value of a top-level key, added to ``out``."""
    if not findings:
        out.append("[]")
        return
    quote, tail = encode_basestring, _TAIL
    heads: dict[str, tuple[str | None, Severity | None, str]] = {}  # rule -> code, severity, text to the message
    places: dict[str, str] = {}  # file -> the text from it to the line: a file has many findings
    texts = out
    texts.append("[\n    ")
    for f in findings:
        line, column, subject, related, suppressed_by = f.line, f.column, f.subject, f.related, f.suppressed_by
        try:
            if type(line) is not int or type(column) is not int or type(related) is not tuple:
                raise TypeError
            code, severity, head = heads.get(f.rule) or _NO_HEAD
            if code != f.code or severity is not f.severity:  # (an Enum hashes in Python: keep it out of keys)
                head = _HEAD % (quote(f.code), quote(f.rule), quote(f.severity.value))
                heads[f.rule] = (f.code, f.severity, head)
            place = places.get(f.file)
            if place is None:
                place = places[f.file] = _PLACE % (quote(f.file), quote(paths(f.file)))
            texts.append(tail % (
                head, quote(f.message), place, line, column,
                "null" if subject is None else quote(subject), _related(related) if related else "[]", quote(f.hint),
                "" if suppressed_by is None else "," + _FIELD + '"suppressed_by": ' + quote(suppressed_by),
            ))
        except (TypeError, AttributeError):  # a field of a type a finding does not have: the general writer decides
            texts.append(dumps_indented(_finding(f, paths), level=2))
        texts.append(",\n    ")
    texts[-1] = "\n  ]"


def _related(related: tuple) -> str:
    return "[\n        " + ",\n        ".join(map(encode_basestring, related)) + _FIELD + "]"


def _finding(finding: Finding, paths: FilePaths) -> dict:
    """A finding as a dict, the general way: what the template writes for a finding."""
    data = {}
    for key, value in finding.as_dict().items():
        data[key] = value
        if key == "file":  # `path` right after `file`, where a reader looks for it
            data["path"] = paths(finding.file)
    return data
