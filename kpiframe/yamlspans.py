"""Where a field of a YAML block mapping lies in its file's text, and the comments inside it:
shared by the edits ``import --update`` and ``record --health`` make, so that both treat the
user's comments alike (never lost silently: a comment inside a replaced value moves just above it).
"""

from __future__ import annotations

import yaml

from kpiframe.textedit import line_end


def last_end(node: yaml.Node) -> int:
    """Where a value's own text ends: a block collection's end mark lies after the comments and
    blank lines that follow it, so its last item's end is used instead."""
    if not isinstance(node, yaml.CollectionNode) or node.flow_style or not node.value:
        return int(node.end_mark.index)
    last = node.value[-1]
    return last_end(last[1] if isinstance(node, yaml.MappingNode) else last)


def field_span(text: str, key_node: yaml.Node, value_node: yaml.Node) -> tuple[int, int]:
    """From the start of the key's line to the end of the value's last line (a block scalar's
    trailing blank lines are left out: they separate, they are not the value)."""
    start = text.rfind("\n", 0, key_node.start_mark.index) + 1
    end = max(last_end(value_node), int(key_node.end_mark.index))
    if end > start and text[end - 1] == "\n":
        while True:
            previous = text.rfind("\n", start, end - 1) + 1
            if previous <= start or text[previous:end].strip():
                break
            end = previous
    else:
        end = line_end(text, end)
    return start, end


def _scalar_spans(node: yaml.Node, spans: list[tuple[int, int]], depth: int = 0) -> None:
    if depth > 64:
        return
    if isinstance(node, yaml.ScalarNode):
        spans.append((node.start_mark.index, node.end_mark.index))
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _scalar_spans(key, spans, depth + 1)
            _scalar_spans(value, spans, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _scalar_spans(item, spans, depth + 1)


def kept_comments(text: str, key_node: yaml.Node, value_node: yaml.Node, start: int, end: int,
                  newline: str) -> str:
    """The comments inside a field's span, as comment lines at the key's column."""
    if "#" not in text[start:end]:
        return ""
    spans: list[tuple[int, int]] = []
    _scalar_spans(key_node, spans)
    _scalar_spans(value_node, spans)
    inside = [False] * (end - start)
    for span_start, span_end in spans:
        for index in range(max(span_start, start), min(span_end, end)):
            inside[index - start] = True
    comments = []
    position = start
    while position < end:
        stop = min(line_end(text, position), end)
        for index in range(position, stop):
            if text[index] == "#" and not inside[index - start] and (index == position or text[index - 1] in " \t"):
                comments.append(text[index:stop].rstrip("\r\n"))
                break
        position = stop
    indent = " " * key_node.start_mark.column
    return "".join(indent + comment.rstrip() + newline for comment in comments)
