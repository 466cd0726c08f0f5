"""kpiframe's parser leans on PyYAML internals (kpiframe/load/parser.py): it subclasses libyaml's
CParser (or the pure-Python Reader/Scanner/Parser/Composer) and short-circuits three BaseResolver
methods that the composer calls once per node. None of that is public API. These tests fail loudly,
naming what moved, if a PyYAML release changes it; pyproject.toml pins the range they were run on."""

from __future__ import annotations

import inspect

import pytest
import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from kpiframe.load.parser import HAVE_LIBYAML, NodeParser


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_pyyaml_version_is_in_the_pinned_range():
    major, minor = (int(part) for part in yaml.__version__.split(".")[:2])
    assert (6, 0) <= (major, minor) < (7, 0), (
        f"PyYAML {yaml.__version__} is outside the range pyproject.toml pins (>=6.0,<7): "
        "re-check kpiframe/load/parser.py against it, then widen the pin")


@pytest.mark.parametrize(("name", "parameters"), [
    ("descend_resolver", ["self", "current_node", "current_index"]),
    ("ascend_resolver", ["self"]),
    ("resolve", ["self", "kind", "value", "implicit"]),
])
def test_the_overridden_resolver_methods_keep_their_shape(name, parameters):
    original = getattr(BaseResolver, name, None)
    assert original is not None, f"PyYAML's BaseResolver no longer has {name}(): parser.py overrides a ghost"
    assert _parameters(original) == parameters, (
        f"BaseResolver.{name}{inspect.signature(original)} changed: parser.py overrides it as {parameters}")
    assert _parameters(getattr(NodeParser, name)) == parameters


def test_the_default_tags_are_the_core_ones():
    assert BaseResolver.DEFAULT_SCALAR_TAG == "tag:yaml.org,2002:str"
    assert BaseResolver.DEFAULT_SEQUENCE_TAG == "tag:yaml.org,2002:seq"
    assert BaseResolver.DEFAULT_MAPPING_TAG == "tag:yaml.org,2002:map"


def test_the_pure_python_composer_still_calls_the_short_circuited_methods():
    source = inspect.getsource(Composer)
    for call in ("self.descend_resolver(", "self.ascend_resolver(", "self.resolve(ScalarNode",
                 "self.resolve(SequenceNode", "self.resolve(MappingNode"):
        assert call in source, f"PyYAML's Composer no longer calls {call}...): the resolver short-circuit is moot"


def test_the_composer_in_use_calls_the_overrides_once_per_node_and_keeps_plain_scalars_text():
    calls: list[str] = []

    class Recording(NodeParser):
        def descend_resolver(self, current_node, current_index):
            calls.append("descend")
            return super().descend_resolver(current_node, current_index)

        def ascend_resolver(self):
            calls.append("ascend")
            return super().ascend_resolver()

        def resolve(self, kind, value, implicit):
            calls.append(kind.__name__)
            return super().resolve(kind, value, implicit)

    parser = Recording("a: [no, 1.0]\nb: 2026-01-01\n")
    try:
        assert parser.check_node()
        node = parser.get_node()
        assert not parser.check_node()
    finally:
        parser.dispose()
    assert isinstance(node, MappingNode) and node.tag == BaseResolver.DEFAULT_MAPPING_TAG
    (a_key, a_value), (b_key, b_value) = node.value
    assert isinstance(a_value, SequenceNode) and a_value.tag == BaseResolver.DEFAULT_SEQUENCE_TAG
    scalars = [a_key, *a_value.value, b_key, b_value]
    assert all(isinstance(s, ScalarNode) and s.tag == BaseResolver.DEFAULT_SCALAR_TAG for s in scalars)
    assert [s.value for s in scalars] == ["a", "no", "1.0", "b", "2026-01-01"]
    assert not scalars[1].style  # plain: '' from libyaml, None from the pure-Python parser
    assert (b_value.start_mark.line, b_value.start_mark.column) == (1, 3)
    # 7 nodes: each composed with one resolve and one descend/ascend pair around it.
    assert calls.count("descend") == calls.count("ascend") == 7
    assert sorted(c for c in calls if c.endswith("Node")) == ["MappingNode"] + ["ScalarNode"] * 5 + ["SequenceNode"]


@pytest.mark.skipif(not HAVE_LIBYAML, reason="PyYAML was built without libyaml")
def test_libyaml_parser_has_the_methods_the_loader_drives():
    from yaml._yaml import CParser

    for name in ("check_node", "get_node", "dispose"):
        assert callable(getattr(CParser, name, None)), f"yaml._yaml.CParser lost {name}()"
