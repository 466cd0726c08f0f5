"""Node tree -> plain values: every scalar as the text typed, the position of every key and
value, duplicate keys, tags, aliases and control characters reported, within the budgets."""

from __future__ import annotations

import re
from dataclasses import replace
from sys import intern
from typing import Any, NoReturn

from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kpiframe.findings import Finding, Fix
from kpiframe.load.document import COLUMN_BITS, Limits, LineMap, RawDocument, Text, pack_mark, place_mark

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
CORE_TAG_PREFIX = "tag:yaml.org,2002:"
PLAIN_CORE_TAGS = frozenset(
    CORE_TAG_PREFIX + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
# A document that repeats one mistake thousands of times is reported with this many findings of
# a kind and a note that more follow: the output stays readable and its size bounded.
MAX_FINDINGS_PER_DOCUMENT = 50
# Control characters other than tab and newline. YAML's reader refuses them in the file itself,
# but a double-quoted scalar can still spell them as escapes.
# Unicode's bidirectional controls (LRM, RLM, the embeddings and overrides U+202A-U+202E, the
# isolates U+2066-U+2069) are printable to YAML, so they can also sit in any value, raw. Shown,
# they reorder the text around them (a right-to-left override flips the figures and dates after
# it: "Trojan Source"), so they are reported and kept visible as \u202e, as control characters are.
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escaped(char: str) -> str:
    r"""How a control character is shown: \x1b, \u202e."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class Abort(Exception):
    """Stop converting one document: a budget was exceeded or the structure is unusable."""

    def __init__(self, finding: Finding):
        self.finding = finding


def new_document(root: Node, rel: str, index: int, line_map: LineMap | None) -> RawDocument:
    line, column = place_mark(root.start_mark, line_map)
    return RawDocument(file=rel, index=index, line=line, column=column, data=None)


def node_id(node: Node) -> str | None:
    """The id a document node gives itself (`id: x` at its top level), for naming its findings."""
    if node.__class__ is not MappingNode:
        return None
    for key, value in node.value:
        if key.__class__ is ScalarNode and key.value == "id" and value.__class__ is ScalarNode:
            text = value.value
            return text if 0 < len(text) <= 200 and text.isprintable() else None
    return None


class Converter:
    """Node tree -> plain values, recording positions, within the file's budgets."""

    __slots__ = ("doc", "line_map", "findings", "limits", "max_depth", "nodes", "aliases", "duplicates", "controls",
                 "seen", "open", "bidi")

    def __init__(self, doc: RawDocument, findings: list[Finding], limits: Limits, max_depth: int,
                 nodes_before: int = 0, line_map: LineMap | None = None, bidi: bool = False):
        self.doc = doc
        # Whether the text holds a raw bidirectional control anywhere: one search of the file, so
        # the unquoted scalars of the (nearly every) file without one are not searched one by one.
        self.bidi = bidi
        self.line_map = line_map  # only for texts whose marks count lines differently from editors
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
            return self._mapping(node, path, depth)  # type: ignore[arg-type]  # a scalar returned above
        finally:
            self.open.discard(key)

    def _where(self, mark: Any) -> int:
        """A position as stored (see pack_mark). Never the parser's mark itself, so that parsed
        files can cross a process boundary (pickle)."""
        return pack_mark(mark, self.line_map)

    def _mapping(self, node: MappingNode, path: tuple, depth: int) -> dict:
        # The hot loop of loading: scalar values (most of them) are converted inline.
        result: dict[str, Any] = {}
        key_positions = self.doc.key_positions
        value_positions = self.doc.value_positions
        pack = self.line_map is None
        max_nodes = self.limits.max_nodes
        repeats: list[tuple[str, Any, int]] = []  # (key, mark, index of its finding) in the document's mapping
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                self._abort(key_node, "yaml-syntax", "a key must be a plain word, not a list or mapping",
                            "write `name: value` pairs")
            if key_node.tag not in PLAIN_CORE_TAGS:
                self._refuse_tag(key_node)
            key = intern(key_node.value)  # the same few field names, millions of times: share them
            if (key_node.style == '"' and _UNSAFE.search(key)) or (self.bidi and BIDI.search(key)):
                key = self._visible(key_node)
            child = path + (key,)
            self.nodes += 1  # keys count too, so a flood of (duplicate) keys stays within the budget
            if self.nodes > max_nodes:
                self._over_budget(key_node)
            if key in result:
                self._duplicate(key, key_node.start_mark, self.doc.position(child, key=True))
                if not path and self.findings and self.findings[-1].rule == "duplicate-key":
                    repeats.append((key, key_node.start_mark, len(self.findings) - 1))
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
        if repeats and not node.flow_style and self.line_map is None:
            self._offer_separator(repeats)
        return result

    def _offer_separator(self, repeats: list[tuple[str, Any, int]]) -> None:
        """Two documents run together (a `---` forgotten) repeat `kind:` and then `id:` at the top
        level: the fix for the repeated `kind` adds the `---` before it. A `kind:` repeated alone
        is a typo inside one document, which a separator would split: no fix then."""
        key, mark, index = repeats[0]
        if key != "kind" or mark.column != 0 or not any(k == "id" for k, _, _ in repeats[1:]):
            return
        fix = Fix("`---` added: two documents ran together", mark.line + 1, 1, "", "---\n")
        self.findings[index] = replace(self.findings[index], fix=fix,
                                       hint="a new document starts here: put `---` on the line above "
                                            "(`kpiframe check --fix` does)")

    def _duplicate(self, key: str, kmark: Mark, first: tuple[int, int]) -> None:
        # Reported, and the first value kept: YAML's "last one wins" would hide a typo.
        self.duplicates += 1
        if self.duplicates > MAX_FINDINGS_PER_DOCUMENT:
            if self.duplicates == MAX_FINDINGS_PER_DOCUMENT + 1:
                line, column = place_mark(kmark, self.line_map)
                self.findings.append(Finding(
                    rule="duplicate-key", file=self.doc.file, line=line, column=column,
                    message=f"more duplicate keys from here on; only the first {MAX_FINDINGS_PER_DOCUMENT} "
                            "in this document are listed",
                    hint="YAML would silently keep only one of each; remove the repeats"))
            return
        line, column = place_mark(kmark, self.line_map)
        self.findings.append(Finding(
            rule="duplicate-key", file=self.doc.file, line=line, column=column,
            message=f"`{key}` appears twice in this mapping (first at line {first[0]})",
            hint="YAML would silently keep only one of them; remove or rename the other"))

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag not in PLAIN_CORE_TAGS:
            self._refuse_tag(node)
        if self.bidi and BIDI.search(node.value):
            return self._visible(node) if not node.style else Text(self._visible(node))
        if not node.style:  # plain: libyaml says '', the pure-Python parser None
            value = node.value
            return None if value in NULL_WORDS else value
        if node.style == '"' and _UNSAFE.search(node.value):  # escapes can spell both, in any file
            return Text(self._visible(node))
        return Text(node.value)

    def _visible(self, node: ScalarNode) -> str:
        """A double-quoted scalar's escapes (\\e, \\x1b, \\r, ...) can put control characters in a
        value, and from there into a terminal, where they can recolour, hide or rewrite the report;
        a bidirectional control (raw or escaped) reorders what is shown around it. They are
        reported and kept visible as \\xNN or \\uNNNN."""
        self.controls += 1
        if self.controls <= MAX_FINDINGS_PER_DOCUMENT:
            first = _UNSAFE.search(node.value).group()  # type: ignore[union-attr]  # called when it has one
            line, column = place_mark(node.start_mark, self.line_map)
            if BIDI.match(first):
                message = (f"a value holds the bidirectional control U+{ord(first):04X}, shown as {escaped(first)}")
                hint = "remove it; it reverses or reorders how the text after it is displayed"
            else:
                message = f"a quoted value holds the control character U+{ord(first):04X}, shown as {escaped(first)}"
                hint = "remove it; control characters in a report can change what a terminal shows"
            self.findings.append(Finding(rule="invalid-value", file=self.doc.file, line=line, column=column,
                                         message=message, hint=hint))
        return _UNSAFE.sub(lambda m: escaped(m.group()), node.value)

    def _refuse_tag(self, node: Node) -> None:
        tag = node.tag
        shown = "!!" + tag[len(CORE_TAG_PREFIX):] if tag.startswith(CORE_TAG_PREFIX) else tag
        self._abort(node, "yaml-syntax", f"unsupported tag {shown}: kpiframe reads plain YAML only",
                    "remove the tag; kpiframe never constructs objects from YAML tags")

    def _abort(self, node: Node, rule: str, message: str, hint: str) -> NoReturn:
        line, column = place_mark(node.start_mark, self.line_map)
        raise Abort(Finding(rule=rule, file=self.doc.file, line=line, column=column,
                             message=message, hint=hint))
