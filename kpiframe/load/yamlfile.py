"""Parse one YAML file into plain Python values plus the position of every key and value.

Why not ``yaml.safe_load``: it forgets positions, resolves YAML 1.1 surprises (``no`` becomes
False, ``012`` becomes 10, ``1:30`` becomes 90) before the schema can say what was meant, and
silently lets a duplicate key win. Here every scalar stays the text the user typed; the schema
decides whether a field wants a number, a date or a yes/no. Quoted and block scalars come back
as :class:`Text`, so a number field can refuse ``"12%"`` instead of guessing.

Parsing uses libyaml's C parser to build the node tree (fast), with no implicit type resolution,
then converts nodes to values here, with budgets on nesting, aliases and node count so that a
hostile file costs bounded time and memory.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from dataclasses import replace
from sys import intern
from typing import Any, Callable, Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

try:  # libyaml is optional; the pure-Python parser gives the same nodes, slower.
    from yaml._yaml import CParser as _Parser

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    HAVE_LIBYAML = False

from kpiframe.findings import Finding
from kpiframe.load.document import COLUMN_BITS, Limits, LineMap, ParsedFile, RawDocument, Text, place_mark
from kpiframe.load.reading import NotARegularFile, FileTooBig, decode_utf8, read_bounded

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
CORE_TAG_PREFIX = "tag:yaml.org,2002:"
PLAIN_CORE_TAGS = frozenset(
    CORE_TAG_PREFIX + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
# libyaml's composer recurses in C without a depth check: a file nested ~100,000 levels deep
# crashes the interpreter. Files that could nest that deep are measured with the event stream
# (iterative, safe) before they are composed. Below these sizes nesting is bounded anyway.
_SAFE_NESTING_BRACKETS = 1000
_SAFE_LINE_LENGTH = 1000
HARD_MAX_DEPTH = 1000
# Frames a parse may use below its caller: Python's default limit (1,000) less a typical caller's depth.
_PARSE_FRAMES = 950
# A document that repeats one mistake thousands of times is reported with this many findings of
# a kind and a note that more follow: the output stays readable and its size bounded.
MAX_FINDINGS_PER_DOCUMENT = 50
# Control characters other than tab and newline. YAML's reader refuses them in the file itself,
# but a double-quoted scalar can still spell them as escapes.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_DEFAULT_TAGS = {
    ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
    SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
    MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
}


class _Abort(Exception):
    """Stop converting one document: a budget was exceeded or the structure is unusable."""

    def __init__(self, finding: Finding):
        self.finding = finding


if HAVE_LIBYAML:

    class _NodeParser(_Parser, BaseResolver):
        """libyaml's composer with no implicit resolvers: every plain scalar stays a string."""

        def __init__(self, stream: str):
            _Parser.__init__(self, stream)
            BaseResolver.__init__(self)

        # The composer calls these once per node. With no path or implicit resolvers their
        # answer is fixed, so they are short-circuited (about a third of the parse time).
        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None

        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            return _DEFAULT_TAGS[kind]

else:  # pragma: no cover

    class _NodeParser(Reader, Scanner, Parser, Composer, BaseResolver):
        def __init__(self, stream: str):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            BaseResolver.__init__(self)


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
        if _could_nest_deeply(stream) or _could_pass_node_budget(stream, limits):
            over = _first_event_over_budget(stream, max_depth, limits.max_nodes, line_map)
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


def _node_id(node: Node) -> str | None:
    """The id a document node gives itself (`id: x` at its top level), for naming its findings."""
    if node.__class__ is not MappingNode:
        return None
    for key, value in node.value:
        if key.__class__ is ScalarNode and key.value == "id" and value.__class__ is ScalarNode:
            text = value.value
            return text if 0 < len(text) <= 200 and text.isprintable() else None
    return None


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
    parser = _NodeParser(text)
    broken_from = 0  # where the document being parsed starts, at the latest
    try:
        while state.used <= limits.max_nodes and parser.check_node():
            node = parser.get_node()
            if node is None:
                continue
            converter = _Converter(_new_document(node, rel, state.index, line_map), findings, limits, max_depth,
                                   state.used)
            before = len(findings)
            try:
                documents.append(converter.run(node))
            except _Abort as abort:
                findings.append(abort.finding)
            _name_subject(findings, before, _node_id(node))
            state.used = converter.nodes
            state.index += 1
            broken_from = node.end_mark.index
    except yaml.MarkedYAMLError as exc:
        findings.append(_syntax_finding(exc, rel, text, line_map))
        mark = exc.problem_mark or exc.context_mark
        if mark is None or _is_libyaml_depth_limit(exc):
            return None
        return _after_broken_document(text, findings, state, mark.index, broken_from)
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        findings.append(_reader_finding(exc, rel, text))
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
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _could_nest_deeply(text: str) -> bool:
    if len(text) < _SAFE_LINE_LENGTH:
        return False
    if text.count("[") + text.count("{") > _SAFE_NESTING_BRACKETS:
        return True
    return max(map(len, text.split("\n"))) > _SAFE_LINE_LENGTH


def _could_pass_node_budget(text: str, limits: Limits) -> bool:
    # Every node takes at least about one character (`{a,b}` is five nodes), so shorter texts cannot.
    return len(text) > limits.max_nodes // 2


def _first_event_over_budget(text: str, max_depth: int, max_nodes: int, line_map: LineMap | None) -> dict | None:
    """Walk the event stream (iterative, no recursion, no tree kept) and say where the file
    nests deeper than ``max_depth`` or passes ``max_nodes`` nodes (keys and aliases count).

    Run before composing: libyaml builds a document's whole node tree first (about 300 bytes a
    node), so a 5 MB list of a million numbers would cost gigabytes before any budget could stop it.
    """
    depth = nodes = 0
    hint_depth = "a framework document needs only a few levels; raise limits.max_depth if this is real"
    try:
        for event in yaml.parse(text, Loader=_EventLoader):
            kind = event.__class__
            if kind in _NODE_EVENTS:
                nodes += 1
                if nodes > max_nodes:
                    return _event_place(event, line_map, f"file has more than {max_nodes:,} values",
                                        "split it into smaller files, or raise limits.max_nodes")
                if kind in _OPEN_EVENTS:
                    depth += 1
                    if depth > max_depth:
                        return _event_place(event, line_map, f"nesting is deeper than {max_depth} levels", hint_depth)
            elif kind in _CLOSE_EVENTS:
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if _is_libyaml_depth_limit(exc):  # libyaml >= 0.2.6 stops at 1,000 levels, scanning ahead
            line, column = place_mark(exc.problem_mark, line_map)
            return {"line": line, "column": column, "message": f"nesting is deeper than {max_depth} levels",
                    "hint": hint_depth}
        return None  # the syntax error is reported by the real parse
    except yaml.YAMLError:
        return None
    return None


def _is_libyaml_depth_limit(exc: yaml.MarkedYAMLError) -> bool:
    return "maximum nesting depth" in (exc.problem or "")


_OPEN_EVENTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, *_OPEN_EVENTS)


def _event_place(event: yaml.Event, line_map: LineMap | None, message: str, hint: str) -> dict:
    line, column = place_mark(event.start_mark, line_map)
    return {"line": line, "column": column, "message": message, "hint": hint}


class _EventLoader(_NodeParser):
    pass


def _new_document(root: Node, rel: str, index: int, line_map: LineMap | None) -> RawDocument:
    line, column = place_mark(root.start_mark, line_map)
    return RawDocument(file=rel, index=index, line=line, column=column, data=None, line_map=line_map)


class _Converter:
    """Node tree -> plain values, recording positions, within the file's budgets."""

    __slots__ = ("doc", "findings", "limits", "max_depth", "nodes", "aliases", "duplicates", "controls", "seen",
                 "open")

    def __init__(self, doc: RawDocument, findings: list[Finding], limits: Limits, max_depth: int,
                 nodes_before: int = 0):
        self.doc = doc
        self.findings = findings
        self.limits = limits
        self.max_depth = max_depth
        self.nodes = nodes_before
        self.aliases = 0
        self.duplicates = 0
        self.controls = 0
        self.seen: set[int] = set()  # collection nodes already converted: a repeat is an alias
        self.open: set[int] = set()  # collection nodes being converted: a repeat is a recursive alias

    def run(self, root: Node) -> RawDocument:
        self.doc.data = self.convert(root, (), 1)
        return self.doc

    def convert(self, node: Node, path: tuple, depth: int) -> Any:
        self.doc.value_positions[path] = self._where(node.start_mark)
        self._count(node)
        if node.__class__ is ScalarNode:
            return self._scalar(node)
        return self._collection(node, path, depth)

    def _count(self, node: Node) -> None:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            self._over_budget(node)

    def _over_budget(self, node: Node) -> None:
        self._abort(node, "limit-exceeded", f"file has more than {self.limits.max_nodes:,} values",
                    "split it into smaller files, or raise limits.max_nodes")

    def _collection(self, node: Node, path: tuple, depth: int) -> Any:
        if depth > self.max_depth:
            self._abort(node, "limit-exceeded", f"nesting is deeper than {self.max_depth} levels",
                        "a framework document needs only a few levels; raise limits.max_depth if this is real")
        if node.tag not in PLAIN_CORE_TAGS:
            self._refuse_tag(node)
        key = id(node)
        if key in self.open:
            self._abort(node, "yaml-syntax", "an alias refers to the collection that contains it",
                        "remove the recursive alias (*name inside &name)")
        if key in self.seen:
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                self._abort(node, "limit-exceeded",
                            f"more than {self.limits.max_aliases} alias expansions in one document",
                            "write the values out, or raise limits.max_aliases")
        self.seen.add(key)
        self.open.add(key)
        try:
            if node.__class__ is SequenceNode:
                return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
            return self._mapping(node, path, depth)
        finally:
            self.open.discard(key)

    def _where(self, mark: Any) -> int | tuple[int, int]:
        """A position as stored: packed into an int, or placed through the LineMap. Never the
        parser's mark itself, so that parsed files can cross a process boundary (pickle)."""
        if self.doc.line_map is not None:
            return self.doc.line_map.place(mark.index)
        return mark.line << COLUMN_BITS | mark.column

    def _mapping(self, node: MappingNode, path: tuple, depth: int) -> dict:
        # The hot loop of loading: scalar values (most of them) are converted inline.
        result: dict[str, Any] = {}
        key_positions = self.doc.key_positions
        value_positions = self.doc.value_positions
        pack = self.doc.line_map is None
        max_nodes = self.limits.max_nodes
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                self._abort(key_node, "yaml-syntax", "a key must be a plain word, not a list or mapping",
                            "write `name: value` pairs")
            if key_node.tag not in PLAIN_CORE_TAGS:
                self._refuse_tag(key_node)
            key = intern(key_node.value)  # the same few field names, millions of times: share them
            if key_node.style == '"' and _CONTROL.search(key):
                key = self._visible(key_node)
            child = path + (key,)
            self.nodes += 1  # keys count too, so a flood of (duplicate) keys stays within the budget
            if self.nodes > max_nodes:
                self._over_budget(key_node)
            if key in result:
                self._duplicate(key, key_node.start_mark, self.doc.position(child, key=True))
                continue
            mark = key_node.start_mark
            key_positions[child] = mark.line << COLUMN_BITS | mark.column if pack else self._where(mark)
            if value_node.__class__ is ScalarNode:
                mark = value_node.start_mark
                value_positions[child] = mark.line << COLUMN_BITS | mark.column if pack else self._where(mark)
                self.nodes += 1
                if self.nodes > max_nodes:
                    self._over_budget(value_node)
                result[key] = self._scalar(value_node)
            else:
                result[key] = self.convert(value_node, child, depth + 1)
        return result

    def _duplicate(self, key: str, kmark, first: tuple[int, int]) -> None:
        # Reported, and the first value kept: YAML's "last one wins" would hide a typo.
        self.duplicates += 1
        if self.duplicates > MAX_FINDINGS_PER_DOCUMENT:
            if self.duplicates == MAX_FINDINGS_PER_DOCUMENT + 1:
                line, column = place_mark(kmark, self.doc.line_map)
                self.findings.append(Finding(
                    rule="duplicate-key", file=self.doc.file, line=line, column=column,
                    message=f"more duplicate keys from here on; only the first {MAX_FINDINGS_PER_DOCUMENT} "
                            "in this document are listed",
                    hint="YAML would silently keep only one of each; remove the repeats"))
            return
        line, column = place_mark(kmark, self.doc.line_map)
        self.findings.append(Finding(
            rule="duplicate-key", file=self.doc.file, line=line, column=column,
            message=f"`{key}` appears twice in this mapping (first at line {first[0]})",
            hint="YAML would silently keep only one of them; remove or rename the other"))

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag not in PLAIN_CORE_TAGS:
            self._refuse_tag(node)
        if not node.style:  # plain: libyaml says '', the pure-Python parser None
            value = node.value
            return None if value in NULL_WORDS else value
        if node.style == '"' and _CONTROL.search(node.value):
            return Text(self._visible(node))
        return Text(node.value)

    def _visible(self, node: ScalarNode) -> str:
        """A double-quoted scalar's escapes (\\e, \\x1b, \\r, ...) can put control characters in a
        value, and from there into a terminal, where they can recolour, hide or rewrite the report.
        They are reported and kept visible as \\xNN."""
        self.controls += 1
        if self.controls <= MAX_FINDINGS_PER_DOCUMENT:
            first = _CONTROL.search(node.value).group()
            line, column = place_mark(node.start_mark, self.doc.line_map)
            self.findings.append(Finding(
                rule="invalid-value", file=self.doc.file, line=line, column=column,
                message=f"a quoted value holds the control character U+{ord(first):04X}, shown as \\x{ord(first):02x}",
                hint="remove it; control characters in a report can change what a terminal shows"))
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", node.value)

    def _refuse_tag(self, node: Node) -> None:
        tag = node.tag
        shown = "!!" + tag[len(CORE_TAG_PREFIX):] if tag.startswith(CORE_TAG_PREFIX) else tag
        self._abort(node, "yaml-syntax", f"unsupported tag {shown}: kpiframe reads plain YAML only",
                    "remove the tag; kpiframe never constructs objects from YAML tags")

    def _abort(self, node: Node, rule: str, message: str, hint: str):
        line, column = place_mark(node.start_mark, self.doc.line_map)
        raise _Abort(Finding(rule=rule, file=self.doc.file, line=line, column=column,
                             message=message, hint=hint))



def _syntax_finding(exc: yaml.MarkedYAMLError, rel: str, text: str, line_map: LineMap | None) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, column = place_mark(mark, line_map) if mark else (1, 1)
    if _is_libyaml_depth_limit(exc):
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
    elif "quoted scalar" in (exc.context or "") and exc.context_mark is not None:
        # libyaml notices an unclosed quote only where the file (or document) ends: point at the quote.
        line, column = place_mark(exc.context_mark, line_map)
        problem = "a quote opened here is never closed"
        hint = "close the quote on the same value, or remove it"
    elif char and char in "%@`":
        hint = f"a value cannot start with {char} unless it is quoted: write it as \"{char}...\""
    elif "mapping values are not allowed" in problem:
        hint = "a value that contains ': ' must be quoted, for example title: \"Phase 2: rollout\""
    elif line_map is not None:
        hint += ("; the file holds a Unicode line separator (U+0085, U+2028 or U+2029), which YAML reads "
                 "as a line break: replace it with a space or a newline")
    return Finding(rule="yaml-syntax", file=rel, line=line, column=column, message=f"invalid YAML: {problem}",
                   hint=hint)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line)
    if len(lines) < line:
        return ""
    row = lines[line - 1]
    return row[column - 1] if 0 < column <= len(row) else ""


def _reader_finding(exc: yaml.YAMLError, rel: str, text: str) -> Finding:
    position = getattr(exc, "position", None)  # a ReaderError's character index into the text
    line = column = 1
    if isinstance(position, int) and 0 <= position <= len(text):
        line, column = LineMap(text).place(position)
    character = getattr(exc, "character", None)  # an int (the code point) from both parsers
    shown = f" U+{character:04X}" if isinstance(character, int) else ""
    reason = getattr(exc, "reason", None) or "not allowed in YAML"
    return Finding(rule="yaml-syntax", file=rel, line=line, column=column,
                   message=f"invalid YAML: character{shown}: {reason}", hint="remove control characters from the file")


def _failed(rel: str, rule: str, message: str, hint: str) -> ParsedFile:
    return ParsedFile(rel, [], [Finding(rule=rule, file=rel, line=0, column=0, message=message, hint=hint)])

