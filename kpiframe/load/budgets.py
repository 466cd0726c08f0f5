"""Budgets checked before a text is composed into nodes: nesting depth and node count.

libyaml's composer recurses in C without a depth check, and builds a document's whole node
tree before anything can look at it; these checks walk the event stream instead (iterative,
nothing kept), only for texts long enough to pass a budget.
"""

from __future__ import annotations

import yaml

from kpiframe.load.document import Limits, LineMap, place_mark
from kpiframe.load.parse_errors import is_libyaml_depth_limit
from kpiframe.load.parser import NodeParser

# libyaml's composer recurses in C without a depth check: a file nested ~100,000 levels deep
# crashes the interpreter. Files that could nest that deep are measured with the event stream
# (iterative, safe) before they are composed. Below these sizes nesting is bounded anyway.
_SAFE_NESTING_BRACKETS = 1000
_SAFE_LINE_LENGTH = 1000
HARD_MAX_DEPTH = 1000


def over_budget(text: str, max_depth: int, limits: Limits, line_map: LineMap | None) -> dict | None:
    """Where ``text`` nests deeper than ``max_depth`` or passes ``limits.max_nodes`` nodes, as a
    finding's line, column, message and hint; None when it stays within both. Texts too short to
    pass either budget are not walked."""
    if _could_nest_deeply(text) or _could_pass_node_budget(text, limits):
        return _first_event_over_budget(text, max_depth, limits.max_nodes, line_map)
    return None


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
        # yaml.parse needs only a parser; the stubs name the stock loaders alone.
        for event in yaml.parse(text, Loader=_EventLoader):  # type: ignore[arg-type]
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
        if is_libyaml_depth_limit(exc):  # libyaml >= 0.2.6 stops at 1,000 levels, scanning ahead
            line, column = place_mark(exc.problem_mark, line_map)
            return {"line": line, "column": column, "message": f"nesting is deeper than {max_depth} levels",
                    "hint": hint_depth}
        return None  # the syntax error is reported by the real parse
    except yaml.YAMLError:
        return None
    return None


_OPEN_EVENTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, *_OPEN_EVENTS)


def _event_place(event: yaml.Event, line_map: LineMap | None, message: str, hint: str) -> dict:
    line, column = place_mark(event.start_mark, line_map)
    return {"line": line, "column": column, "message": message, "hint": hint}


class _EventLoader(NodeParser):
    pass
