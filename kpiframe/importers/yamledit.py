"""Field-level edits of a framework file's text, for ``import --update``: replace, add or remove
one top-level field of a document, or append a document, leaving every other byte as it was.

Decisions:

* Edits are made at the spans PyYAML's composer gives each node (character offsets), as
  ``kpiframe record`` and ``check --fix`` do (see :mod:`kpiframe.textedit`): no round-trip YAML
  library is needed, and comments, blank lines, key order and quoting the user chose stay.
* A one-line plain or quoted value replaced by another one-line value is edited in place: a
  comment after it on the same line stays where it is.
* Anything larger (a block of text, a list, a mapping) is replaced as the whole field, from the
  line of its key to the end of its last value. Comments inside that span (``level: 2  # why``
  in a ``health:`` mapping) cannot stay inside a value the source rewrote; they are kept as
  comment lines just above the field, in their order. Comment lines after the field's last
  value, and blank lines, are outside the span and do not move.
* New values are written by the importer's own dumper, so a refreshed field reads as a fresh
  import would write it.
* Only block mappings are edited. A document the user rewrote as a flow mapping (``{id: x,
  ...}``) is refused by the caller and reported: editing inside one line of braces would lose
  the layout the user chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from kpiframe.importers.writer import dump_yaml
from kpiframe.textedit import Edit, line_end, newline_of
from kpiframe.yamlspans import field_span, kept_comments


@dataclass
class YamlDocument:
    index: int
    node: yaml.Node
    data: Any


@dataclass
class YamlFile:
    rel: str
    path: Path
    text: str
    documents: list[YamlDocument] = field(default_factory=list)
    error: str = ""  # why the file could not be read ('' when it could)

    @property
    def newline(self) -> str:
        return newline_of(self.text)


def read_yaml_file(path: Path, rel: str) -> YamlFile:
    """The file's documents with their node trees (pure-Python loader: its offsets are characters)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return YamlFile(rel, path, "", error=f"cannot be read ({error})")
    return parse_yaml_text(path, rel, text)


def parse_yaml_text(path: Path, rel: str, text: str) -> YamlFile:
    file = YamlFile(rel, path, text)
    loader = yaml.SafeLoader(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # an empty document between two `---`
                continue
            file.documents.append(YamlDocument(index, node, loader.construct_document(node)))
            index += 1
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        file.error = f"not valid YAML{f' (line {mark.line + 1})' if mark is not None else ''}"
        file.documents = []
    finally:
        loader.dispose()
    return file


def is_block_mapping(node: yaml.Node) -> TypeGuard[yaml.MappingNode]:
    return isinstance(node, yaml.MappingNode) and not node.flow_style and bool(node.value)


def key_line(node: yaml.MappingNode, key: str) -> int | None:
    """The 1-based line of ``key`` in the mapping, or None."""
    pair = _pair(node, key)
    return pair[0].start_mark.line + 1 if pair else None


def render_field(key: str, value: Any, column: int, newline: str) -> str:
    lines = dump_yaml({key: value}).splitlines()
    return "".join((" " * column + line if line else line) + newline for line in lines)


def replace_field(text: str, node: yaml.MappingNode, key: str, value: Any) -> Edit:
    """Replace the value of ``key`` (which the mapping has) by ``value``."""
    pair = _pair(node, key)
    assert pair is not None
    key_node, value_node = pair
    newline = newline_of(text)
    rendered = render_field(key, value, key_node.start_mark.column, newline)
    one_line = rendered.count(newline) == 1 and not re.match(r"\s*[^:]*:\s*[|>]", rendered)
    if (one_line and isinstance(value_node, yaml.ScalarNode) and value_node.style in (None, "'", '"')
            and value_node.start_mark.line == value_node.end_mark.line == key_node.start_mark.line
            and value_node.end_mark.index > value_node.start_mark.index):
        inline = rendered.strip()[len(_rendered_key(rendered, key)):].lstrip()
        return Edit(value_node.start_mark.index, value_node.end_mark.index, inline)
    start, end = field_span(text, key_node, value_node)
    return Edit(start, end, kept_comments(text, key_node, value_node, start, end, newline) + rendered)


def remove_field(text: str, node: yaml.MappingNode, key: str) -> Edit:
    pair = _pair(node, key)
    assert pair is not None
    start, end = field_span(text, *pair)
    return Edit(start, end, kept_comments(text, *pair, start, end, newline_of(text)))


def add_field(text: str, node: yaml.MappingNode, key: str, value: Any, after: list[str]) -> Edit:
    """Add ``key`` after the last of ``after`` the mapping has (else after its last field)."""
    present = [k for k in after if _pair(node, k) is not None]
    anchor = _pair(node, present[-1]) if present else (node.value[-1] if node.value else None)
    newline = newline_of(text)
    if anchor is None:
        at = line_end(text, node.start_mark.index)
        column = node.start_mark.column
    else:
        _, at = field_span(text, *anchor)
        column = node.value[0][0].start_mark.column
    prefix = "" if at == 0 or text[at - 1] == "\n" else newline
    return Edit(at, at, prefix + render_field(key, value, column, newline))


def append_documents(text: str, documents: list[dict[str, Any]], has_documents: bool) -> str:
    """``text`` with ``documents`` added at its end, each after a ``---`` line."""
    newline = newline_of(text) if text else "\n"
    parts = [text if not text or text.endswith("\n") else text + newline]
    for number, document in enumerate(documents):
        separator = "---" + newline if has_documents or number else ""
        parts.append(separator + dump_yaml(document).replace("\n", newline))
    return "".join(parts)


# --- spans ------------------------------------------------------------------------------------------


def _pair(node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _rendered_key(rendered: str, key: str) -> str:
    """The ``key:`` the dumper wrote (it may have quoted the key)."""
    head = rendered.strip()
    return head[: head.index(":") + 1] if head.startswith(key) else head.split(": ", 1)[0] + ":"
