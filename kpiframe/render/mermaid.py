"""Mermaid flowchart syntax: safe node ids, escaped labels, styled edges.

Shared by the gap report's diagrams and `kpiframe graph --format mermaid`. Only syntax lives
here; what goes into a diagram is decided by the caller.

Why the escaping is needed: Mermaid reads ``end`` as a keyword, ``o``/``x`` after a link as
an arrow head, and quotes, ``#`` and ``<`` inside labels as syntax or HTML. So every node id
gets a prefix and only ``[A-Za-z0-9_]``, and every label is written quoted (``id["label"]``)
with Mermaid's entity codes for the characters that would end or change it (``%%`` too: Mermaid
finds ``%%{init: ...}%%`` directives anywhere in the text, even inside a quoted label, and one can
restyle the whole diagram, hiding the conflict edges). Other characters,
non-ASCII included, stay as they are: Mermaid renders UTF-8 inside quoted labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_]")
_LABEL_ENTITIES = {
    "#": "#35;",  # first: every other entity starts with '#'
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",  # a backtick starts a Mermaid markdown string
}
# %% starts a comment and %%{init: ...}%% a directive, wherever it appears: a '%' next to another
# becomes #37; (a lone one, as in "75%", stays readable).
_DOUBLE_PERCENT = re.compile(r"%(?=%)|(?<=%)%")
_WHITESPACE = re.compile(r"\s+")
_DOTTED_ENDS = {"-.->": ".->", "-.-": ".-"}


def mermaid_label(text: str) -> str:
    """``text`` made safe inside ``"..."``: one line, entity codes for quotes and markup."""
    flat = _WHITESPACE.sub(" ", str(text)).strip()
    return _DOUBLE_PERCENT.sub("#37;", "".join(_LABEL_ENTITIES.get(ch, ch) for ch in flat))


class NodeIds:
    """Document ids to unique Mermaid node ids (``n_`` + the id with unsafe characters as ``_``).

    Ids are assigned in the order they are first asked for, so callers that ask in a sorted
    order get the same ids on every run; ``new-arr`` and ``new_arr`` stay distinct.
    """

    def __init__(self, prefix: str = "n_") -> None:
        self._prefix = prefix
        self._ids: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, key: str) -> str:
        found = self._ids.get(key)
        if found is not None:
            return found
        base = self._prefix + _UNSAFE_ID.sub("_", key)
        candidate, n = base, 2
        while candidate in self._taken:
            candidate, n = f"{base}_{n}", n + 1
        self._ids[key] = candidate
        self._taken.add(candidate)
        return candidate


@dataclass
class Flowchart:
    """A flowchart written line by line; edges are counted so they can be styled by index."""

    direction: str = "TD"
    ids: NodeIds = field(default_factory=NodeIds)
    lines: list[str] = field(default_factory=list)
    _edge_styles: dict[str, list[int]] = field(default_factory=dict)
    _edges: int = 0
    _classes: dict[str, list[str]] = field(default_factory=dict)

    def node(self, key: str, label_lines: Iterable[str], css_class: str | None = None) -> None:
        label = "<br/>".join(mermaid_label(line) for line in label_lines if str(line).strip())
        node_id = self.ids(key)
        self.lines.append(f'    {node_id}["{label}"]')
        if css_class:
            self._classes.setdefault(css_class, []).append(node_id)

    def node_class(self, key: str, css_class: str) -> None:
        """Give a node drawn already one more class (Mermaid applies every class a node has)."""
        self._classes.setdefault(css_class, []).append(self.ids(key))

    def edge(self, source: str, target: str, *, arrow: str = "-->", label: str | None = None,
             style: str | None = None) -> None:
        """``arrow`` is ``-->`` (solid), ``-.->`` (dotted) or ``-.-`` (dotted, no head)."""
        a, b = self.ids(source), self.ids(target)
        if label is None:
            link = arrow
        elif arrow in _DOTTED_ENDS:
            # Dotted links carry their text inside the dots: a -. "text" .-> b
            link = f'-. "{mermaid_label(label)}" {_DOTTED_ENDS[arrow]}'
        else:
            link = f'{arrow}|"{mermaid_label(label)}"|'
        self.lines.append(f"    {a} {link} {b}")
        if style:
            self._edge_styles.setdefault(style, []).append(self._edges)
        self._edges += 1

    def stack(self, keys: Iterable[str]) -> None:
        """Draw nodes one below the other: invisible links, which Mermaid numbers like any other."""
        chain = [self.ids(key) for key in keys]
        if len(chain) > 1:
            self.lines.append("    " + " ~~~ ".join(chain))
            self._edges += len(chain) - 1

    def text(self, class_defs: dict[str, str], link_styles: dict[str, str]) -> str:
        """The whole flowchart. ``class_defs``: class -> CSS; ``link_styles``: edge style -> CSS."""
        out = [f"flowchart {self.direction}", *self.lines]
        for name, css in class_defs.items():
            members = self._classes.get(name)
            if members:
                out.append(f"    classDef {name} {css}")
                out.append(f"    class {','.join(members)} {name}")
        for name, css in link_styles.items():
            indices = self._edge_styles.get(name)
            if indices:
                out.append(f"    linkStyle {','.join(map(str, indices))} {css}")
        return "\n".join(out) + "\n"
