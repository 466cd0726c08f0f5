"""Parse one YAML file into plain Python values plus the position of every key and value.

Why not ``yaml.safe_load``: it forgets positions, resolves YAML 1.1 surprises (``no`` becomes
False, ``012`` becomes 10, ``1:30`` becomes 90) before the schema can say what was meant, and
silently lets a duplicate key win. Here every scalar stays the text the user typed; the schema
decides whether a field wants a number, a date or a yes/no. Quoted and block scalars come back
as :class:`Text`, so a number field can refuse ``"12%"`` instead of guessing.

Parsing uses libyaml's C parser to build the node tree (fast), with no implicit type resolution
(parser.py), then converts nodes to values (nodes.py), with budgets on nesting, aliases and node
count so that a hostile file costs bounded time and memory (budgets.py: the checks made before
composing). What the parser refuses becomes a finding (parse_errors.py). This module reads the
file and runs those steps, resuming after a broken document.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import FrameType
from typing import Any

import yaml

from kpiframe.findings import Finding
from kpiframe.load.budgets import HARD_MAX_DEPTH, over_budget
from kpiframe.load.document import Limits, LineMap, ParsedFile, RawDocument
from kpiframe.load.nodes import BIDI, MAX_FINDINGS_PER_DOCUMENT, Abort, Converter, new_document, node_id
from kpiframe.load.parse_errors import is_libyaml_depth_limit, reader_finding, syntax_finding
from kpiframe.load.parser import NodeParser
from kpiframe.load.reading import FileTooBig, NotARegularFile, decode_utf8, read_bounded

__all__ = ["MAX_FINDINGS_PER_DOCUMENT", "parse_text", "read_yaml_file"]

# Frames a parse may use below its caller: Python's default limit (1,000) less a typical caller's depth.
_PARSE_FRAMES = 950


def read_yaml_file(path: Any, rel: str, limits: Limits = Limits(),
                   read: Callable[[Any, int], bytes] = read_bounded) -> ParsedFile:
    """Read and parse one file; every problem becomes a finding, never an exception.

    ``read`` gets the file's bytes from where it lives (a path on disk, a blob of a git
    revision: see :mod:`kpiframe.load.source`)."""
    try:
        raw = read(path, limits.max_file_bytes)
    except FileTooBig as exc:
        return _failed(rel, "limit-exceeded", f"file is {exc.size:,} bytes, over the limit of {limits.max_file_bytes:,}",
                       "split the file, or raise limits.max_file_bytes in kpiframe.yaml")
    except NotARegularFile:
        return _failed(rel, "unreadable-file", "not a regular file (a pipe, socket or device); not read",
                       "framework files are plain files; remove or rename this one")
    except OSError as exc:
        return _failed(rel, "unreadable-file", f"cannot read file: {exc.strerror or exc}",
                       "check the file's permissions")
    text, problem = decode_utf8(raw)
    if problem is not None:
        return ParsedFile(rel, [], [Finding(rule="unreadable-file", file=rel, **problem)])
    return parse_text(text, rel, limits)


def parse_text(text: str, rel: str, limits: Limits = Limits()) -> ParsedFile:
    """Parse every document of ``text``. A syntax error loses only the document it is in: the
    documents before it are kept, and reading resumes at the next ``---`` line after it."""
    max_depth = min(limits.max_depth, HARD_MAX_DEPTH)
    line_map = LineMap.needed_for(text)
    documents: list[RawDocument] = []
    findings: list[Finding] = []
    state = _ParseState()
    stream = text
    while True:
        over = over_budget(stream, max_depth, limits, line_map)
        if over is not None:
            findings.append(Finding(rule="limit-exceeded", file=rel, **over))
            return ParsedFile(rel, documents, findings)
        with _recursion_budget(_PARSE_FRAMES):
            resume = _parse_documents(stream, rel, limits, max_depth, line_map, state, documents, findings)
        if resume is None:
            return ParsedFile(rel, documents, findings)
        if state.resumed >= MAX_FINDINGS_PER_DOCUMENT:
            last = findings[-1]
            findings.append(Finding(rule="yaml-syntax", file=rel, line=last.line, column=last.column,
                                    message=f"more than {MAX_FINDINGS_PER_DOCUMENT} documents with syntax errors; "
                                            "the rest of the file was not read",
                                    hint="fix the errors listed; they are often one mistake repeated"))
            return ParsedFile(rel, documents, findings)
        state.resumed += 1
        stream = _blank_before(stream, resume, line_map)


class _ParseState:
    """What carries over when parsing resumes after a broken document."""

    __slots__ = ("index", "used", "resumed")

    def __init__(self) -> None:
        self.index = 0  # documents so far, the broken ones included
        self.used = 0  # nodes so far; the budget is per file, so documents cannot add up past it
        self.resumed = 0


# A line that starts a document: `---` at the start of a line, then a space, a line break or the end.
_DOCUMENT_START = re.compile(r"(?:^|(?<=[\n\r\x85\u2028\u2029]))---(?=[ \t\n\r\x85\u2028\u2029]|\Z)")
_NOT_A_BREAK = re.compile(r"[^\n\r\x85\u2028\u2029]")


def _next_document_start(text: str, error_index: int, broken_from: int) -> int | None:
    """Where reading resumes after a syntax error: the first ``---`` line at or after the error
    that is not the broken document's own start (the error can be noticed at the next one)."""
    for match in _DOCUMENT_START.finditer(text, error_index):
        if match.start() > broken_from:
            return match.start()
    return None


def _after_broken_document(text: str, findings: list[Finding], state: _ParseState, error_index: int,
                           broken_from: int) -> int | None:
    """Where reading resumes after a broken document; its finding names the document when its
    `id:` line can be seen."""
    state.index += 1
    resume = _next_document_start(text, max(error_index, broken_from), broken_from)
    seen = _ID_LINE.search(text, broken_from, len(text) if resume is None else resume)
    _name_subject(findings, len(findings) - 1, seen.group(1) if seen else None)
    return resume


# A document's own `id: some-id` line, at the start of a line (so not inside a nested mapping).
_ID_LINE = re.compile(r"(?:^|(?<=\n))id:[ \t]*([a-z0-9][a-z0-9._-]*)[ \t]*(?:#.*)?(?=\r?\n|\Z)")


def _name_subject(findings: list[Finding], start: int, subject: str | None) -> None:
    """Give the findings from ``start`` on the document they are in as subject."""
    if subject is None:
        return
    for i in range(start, len(findings)):
        if findings[i].subject is None:
            findings[i] = replace(findings[i], subject=subject)


def _blank_before(text: str, offset: int, line_map: LineMap | None) -> str:
    """``text`` from ``offset`` on, with what comes before blanked so that the parser still counts
    lines (and, where editors and YAML count lines differently, characters) from the file's start."""
    if line_map is not None:  # positions go by character index: keep every index
        return _NOT_A_BREAK.sub(" ", text[:offset]) + text[offset:]
    head = text[:offset]
    crlf = head.count("\r\n")
    breaks = head.count("\n") + head.count("\r") - crlf  # as YAML counts: CRLF, CR and LF are one break each
    return "\n" * breaks + text[offset:]


def _parse_documents(text: str, rel: str, limits: Limits, max_depth: int, line_map: LineMap | None,
                     state: _ParseState, documents: list[RawDocument], findings: list[Finding]) -> int | None:
    """Parse documents of ``text`` into ``documents``; on a syntax error, where to resume (or None)."""
    parser = NodeParser(text)
    bidi = not text.isascii() and BIDI.search(text) is not None  # isascii: free for the usual file
    broken_from = 0  # where the document being parsed starts, at the latest
    try:
        while state.used <= limits.max_nodes and parser.check_node():
            node = parser.get_node()
            if node is None:
                continue
            converter = Converter(new_document(node, rel, state.index, line_map), findings, limits, max_depth,
                                  state.used, line_map, bidi)
            before = len(findings)
            try:
                documents.append(converter.run(node))
            except Abort as abort:
                findings.append(abort.finding)
            _name_subject(findings, before, node_id(node))
            state.used = converter.nodes
            state.index += 1
            broken_from = node.end_mark.index
    except yaml.MarkedYAMLError as exc:
        findings.append(syntax_finding(exc, rel, text, line_map))
        mark = exc.problem_mark or exc.context_mark
        if mark is None or is_libyaml_depth_limit(exc):
            return None
        return _after_broken_document(text, findings, state, mark.index, broken_from)
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        findings.append(reader_finding(exc, rel, text))
        position = getattr(exc, "position", None)
        if not isinstance(position, int):
            return None
        return _after_broken_document(text, findings, state, position, broken_from)
    except RecursionError:  # pure-Python composer on deep nesting
        findings.append(Finding(rule="limit-exceeded", file=rel, line=1, column=1,
                                message="nesting is too deep to parse",
                                hint="flatten the document"))
    finally:
        if hasattr(parser, "dispose"):
            parser.dispose()
    return None


@contextmanager
def _recursion_budget(frames: int) -> Iterator[None]:
    """Allow ``frames`` more frames than the caller is at, whatever its depth: how deep a
    document may nest before "nesting is too deep to parse" must not depend on where the parse
    was called from (a forked worker parses a few frames deeper than the main process)."""
    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _failed(rel: str, rule: str, message: str, hint: str) -> ParsedFile:
    return ParsedFile(rel, [], [Finding(rule=rule, file=rel, line=0, column=0, message=message, hint=hint)])
