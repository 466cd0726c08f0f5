"""The YAML parser kpiframe composes nodes with: libyaml's (or PyYAML's pure-Python one where
libyaml is missing) with no implicit type resolution, so every plain scalar stays the text typed.

The resolver methods below override PyYAML internals that the composer calls once per node.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

try:  # libyaml is optional; the pure-Python parser gives the same nodes, slower.
    from yaml._yaml import CParser as _CParser

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    HAVE_LIBYAML = False

_DEFAULT_TAGS = {
    ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
    SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
    MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
}


if HAVE_LIBYAML:

    class NodeParser(_CParser, BaseResolver):
        """libyaml's composer with no implicit resolvers: every plain scalar stays a string."""

        def __init__(self, stream: str):
            _CParser.__init__(self, stream)
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

    class NodeParser(Reader, Scanner, Parser, Composer, BaseResolver):  # type: ignore[no-redef]  # one of the two
        def __init__(self, stream: str):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            BaseResolver.__init__(self)
