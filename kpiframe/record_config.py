"""Add one file to `actuals:` in the configuration's text, changing nothing else.

Used by `kpiframe record` when it creates an actuals CSV file. The positions come from
PyYAML's composer (character offsets of each node); the edit is a few characters at the list,
or one line at the end of the file. The result is read back with kpiframe's own configuration
reader and must give exactly the old list plus the new entry, otherwise nothing is written.
"""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from kpiframe.textedit import Edit, apply_edits, line_end, newline_of


class ConfigEditRefused(Exception):
    """The configuration cannot be edited safely; ``str()`` says what a person should do."""


def add_actuals_entry(text: str, entry: str, *, toml: bool = False, expected: list[str] | None = None) -> str:
    """``text`` with ``entry`` appended to its `actuals:` list (created when missing)."""
    new = _toml_with(text, entry) if toml else _yaml_with(text, entry)
    _verify(new, entry, toml, list(expected or []))
    return new


def _yaml_with(text: str, entry: str) -> str:
    shown = _yaml_scalar(entry)
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        raise ConfigEditRefused("it is not valid YAML; fix it (`kpiframe check` says where), then record again") from None
    newline = newline_of(text)
    if root is None:  # empty, or only comments: add the setting at the end
        return _append_line(text, f"actuals: [{shown}]", newline)
    if not isinstance(root, yaml.MappingNode):
        raise ConfigEditRefused("it is not a mapping of settings")
    for key, value in root.value:
        if key.value != "actuals":
            continue
        if isinstance(value, yaml.SequenceNode):
            return apply_edits(text, [_sequence_edit(text, value, shown, newline)])
        if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null"):
            start, end = value.start_mark.index, value.end_mark.index
            if start == end:  # `actuals:` with nothing after it
                return apply_edits(text, [Edit(key.end_mark.index + 1, key.end_mark.index + 1, f" [{shown}]")])
            return apply_edits(text, [Edit(start, end, f"[{shown}]")])
        raise ConfigEditRefused(f"`actuals:` is not a list; make it one (actuals: [{entry}])")
    if root.flow_style:
        raise ConfigEditRefused(f"the settings are one flow mapping; add `actuals: [{entry}]` by hand")
    return _append_line(text, f"actuals: [{shown}]", newline)


def _sequence_edit(text: str, node: yaml.SequenceNode, shown: str, newline: str) -> Edit:
    if node.flow_style:  # [a, b] -> [a, b, new]; the last character of the node is its ']'
        start, close = node.start_mark.index, node.end_mark.index - 1
        if text[close] != "]":
            raise ConfigEditRefused("could not find the end of the `actuals:` list")
        content = text[start + 1:close].rstrip()
        separator = "" if not content.strip() else " " if content.endswith(",") else ", "
        at = start + 1 + len(content)
        return Edit(at, at, f"{separator}{shown}")
    last = node.value[-1]
    if not isinstance(last, yaml.ScalarNode):
        raise ConfigEditRefused("`actuals:` holds something other than file names")
    after = line_end(text, last.end_mark.index)
    prefix = "" if text[:after].endswith("\n") else newline
    return Edit(after, after, f"{prefix}{' ' * node.start_mark.column}- {shown}{newline}")


def _append_line(text: str, line: str, newline: str) -> str:
    document_end = re.search(r"^\.\.\.[ \t]*\r?$", text, re.MULTILINE)
    if document_end:  # keep the setting inside the document
        at = document_end.start()
        return text[:at] + line + newline + text[at:]
    separator = "" if not text or text.endswith("\n") else newline
    return text + separator + line + newline


def _toml_with(text: str, entry: str) -> str:
    table = re.search(r"^\[tool\.kpiframe\][ \t]*(#.*)?\r?$", text, re.MULTILINE)
    if table is None:
        raise ConfigEditRefused("no [tool.kpiframe] table header to add `actuals` under")
    data = tomllib.loads(text).get("tool", {}).get("kpiframe", {})
    if "actuals" in data:
        raise ConfigEditRefused(f"add {json.dumps(entry)} to `actuals` in [tool.kpiframe] by hand "
                                "(kpiframe edits TOML only to add a new setting)")
    after = line_end(text, table.start())
    newline = newline_of(text)
    prefix = "" if text[:after].endswith("\n") else newline
    return text[:after] + f"{prefix}actuals = [{json.dumps(entry)}]{newline}" + text[after:]


def _yaml_scalar(entry: str) -> str:
    """The entry as a YAML flow scalar: plain when that reads back as the same text, else quoted."""
    if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_./-]*", entry) and yaml.safe_load(f"[{entry}]") == [entry]:
        return entry
    return json.dumps(entry)


def _verify(new: str, entry: str, toml: bool, expected: list[str]) -> None:
    """Read ``new`` back as kpiframe will: the list must be the old one plus ``entry``."""
    from kpiframe.model.configfile import config_from_bytes

    config, _, _ = config_from_bytes(new.encode("utf-8"), "pyproject.toml" if toml else "kpiframe.yaml")
    if list(config.actuals) != [*expected, entry]:
        raise ConfigEditRefused(f"the edit would not read back as intended; add {entry} to `actuals:` by hand")
