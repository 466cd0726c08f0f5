"""kpiframe.yaml under ``import --update``: the organization refreshed as any source-owned field
(three values: recorded, yours, the source's), and departments that updated KPIs name added to
``departments:``, which is otherwise left as it is (comments, order, names you gave)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kpiframe.importers.provenance import ImportRecord, canonical, config_fields
from kpiframe.importers.update_report import Conflict, Place, UpdateReport
from kpiframe.importers.writer import CONFIG_FILE, dump_yaml
from kpiframe.importers.yamledit import (
    YamlFile,
    add_field,
    is_block_mapping,
    key_line,
    parse_yaml_text,
    read_yaml_file,
    replace_field,
)
from kpiframe.textedit import Edit, apply_edits, line_end, newline_of

_MISSING = object()


def refresh_config(out: Path, record: ImportRecord, config: dict[str, Any], departments: list[str],
                   report: UpdateReport) -> tuple[Path, str] | None:
    """(path, new text) of kpiframe.yaml when it changes, else None; the record's config is
    advanced when the file is (or need not be) written."""
    path = out / CONFIG_FILE
    if not path.is_file():
        if departments:
            report.unreconciled.append(Place(CONFIG_FILE, CONFIG_FILE, 0, "no kpiframe.yaml: departments "
                                             f"{', '.join(departments)} are not listed anywhere"))
        return None
    file = read_yaml_file(path, CONFIG_FILE)
    document = file.documents[0] if len(file.documents) == 1 else None
    if document is None or not is_block_mapping(document.node) or not isinstance(document.data, dict):
        report.unreconciled.append(Place(CONFIG_FILE, CONFIG_FILE, 0, file.error or "not one block mapping of "
                                         "settings: organization and departments not refreshed"))
        return None
    node, data = document.node, document.data
    edits: list[Edit] = []
    base = record.config.get("organization", _MISSING)
    new = canonical(config["organization"])
    mine = data.get("organization", _MISSING)
    if new != base and mine != new:
        if mine == base:
            edits.append(replace_field(file.text, node, "organization", new) if mine is not _MISSING
                         else add_field(file.text, node, "organization", new, []))
            report.config_refreshed.append("organization")
        else:
            report.conflicts.append(Conflict(CONFIG_FILE, CONFIG_FILE, key_line(node, "organization") or 1,
                                             "organization", None if mine is _MISSING else mine,
                                             None if base is _MISSING else base, new))
    listed = data.get("departments")
    if isinstance(listed, list):
        ids = {entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None
               for entry in listed}
        missing = [name for name in departments if name not in ids]
        if missing:
            edit = _append_items(file, node, missing)
            if edit is None:
                report.unreconciled.append(Place(CONFIG_FILE, CONFIG_FILE, key_line(node, "departments") or 1,
                                                 f"add {', '.join(missing)} to `departments:` by hand"))
            else:
                edits.append(edit)
                report.departments_added.extend(missing)
    if not edits:
        record.config = config_fields(config)
        return None
    text = apply_edits(file.text, edits)
    check = parse_yaml_text(path, CONFIG_FILE, text)
    expected = dict(canonical(data))
    if "organization" in report.config_refreshed:
        expected["organization"] = new
    if report.departments_added:
        expected["departments"] = canonical(listed) + report.departments_added
    if check.error or len(check.documents) != 1 or canonical(check.documents[0].data) != expected:
        report.unreconciled.append(Place(CONFIG_FILE, CONFIG_FILE, 0, "the edited kpiframe.yaml did not read back "
                                         "as intended; it was left as it was"))
        return None
    record.config = config_fields(config)
    return path, text


def _append_items(file: YamlFile, node: yaml.MappingNode, items: list[str]) -> Edit | None:
    """An edit adding ``items`` at the end of the mapping's `departments:` list."""
    text = file.text
    value = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "departments"), None)
    if not isinstance(value, yaml.SequenceNode):
        return None
    newline = newline_of(text)
    if value.flow_style:
        close = value.end_mark.index - 1
        if text[close] != "]":
            return None
        content = text[value.start_mark.index + 1:close].rstrip()
        shown = ", ".join(dump_yaml([item]).strip()[2:] for item in items)
        separator = "" if not content.strip() else " " if content.endswith(",") else ", "
        at = value.start_mark.index + 1 + len(content)
        return Edit(at, at, separator + shown)
    if not value.value:
        return None
    last = value.value[-1]
    last_end = last.end_mark.index if isinstance(last, yaml.ScalarNode) or last.flow_style else None
    if last_end is None:
        return None  # a department written as a block mapping: left for a person
    after = line_end(text, last_end)
    prefix = "" if text[:after].endswith("\n") else newline
    indent = " " * value.start_mark.column
    return Edit(after, after, prefix + "".join(indent + dump_yaml([item]).strip() + newline for item in items))
