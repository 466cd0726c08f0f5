"""Import GitLab-style performance-indicator files (``data/performance_indicators/*.yml``).

Each file is a YAML list of entries with ``name``, ``definition``, ``target`` (free text), ``org``,
``dri`` (an HTML link), ``is_key``, ``health``, ``parent``, ``urls``, ``sisense_data``... Entries name
no goals, so the KPIs support none: ``kpiframe check`` then shows them as orphans, which is the gap
a team has to close.

The YAML is read twice over in one pass: constructed values (``is_key: yes`` is YAML 1.1 for true)
decide meaning, and the scalar text as written goes into descriptions, so ``target: .25`` is kept as
".25" and not as a re-printed float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kpiframe.importers.common import (
    UNASSIGNED,
    Attention,
    IdAllocator,
    ImportInputError,
    ImportSummary,
    describe_notes,
    join_paragraphs,
    slugify,
    source_name,
)
from kpiframe.importers.gitlab_fields import HEALTH_LEVELS, Entry, Notes, kpi_fields, text_of, yes_no
from kpiframe.importers.writer import ImportedFile, check_out_folder, dated_by, write_framework

DEFAULT_ORGANIZATION = "GitLab"
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Keys that become KPI fields or are rendered in a fixed place of the description.
_HANDLED = ("name", "definition", "target", "org", "dri", "is_key", "health", "parent", "base_path",
            "urls", "public", "sisense_data", "lessons")
_LABELS = {"parent": "Parent indicator", "base_path": "Handbook page (base_path)", "urls": "URLs",
           "public": "Public", "sisense_data": "Sisense data", "lessons": "Lessons"}


@dataclass
class _Department:
    id: str
    spellings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)


def import_gitlab_pi(sources: list[Path], out: Path, *, force: bool,
                     organization: str | None = None, as_of: date | None = None,
                     update: bool = False, today: date | None = None) -> ImportSummary:
    """Import GitLab performance-indicator files (or folders of them) into a framework at ``out``.

    ``as_of`` is the date the source describes (a snapshot's date): health entries are dated with
    it; without it they have no date (the source gives none). It may not be after today, taken as
    `check` takes it for ``out`` (``today`` is the --today given, else `as_of` in its kpiframe.yaml,
    else the system date): every health would be dated after today, and `check` would use none.

    Raises :class:`ImportRefused` when ``out`` is not empty and ``force`` is false, and
    :class:`ImportInputError` when ``as_of`` is after today or a source cannot be read as a list
    of indicators. With
    ``update`` the framework at ``out`` is refreshed keeping the user's edits
    (:mod:`kpiframe.importers.update`).
    """
    if as_of is not None:
        _refuse_a_future(as_of, out, today)
    files = _expand_sources(sources)
    check_out_folder(out, force, update)
    summary = ImportSummary(importer="gitlab-pi", sources=[name for _, name in files], out=out,
                            organization=organization or DEFAULT_ORGANIZATION)
    summary.dating = dated_by(out, {"as_of": as_of}, update)
    as_of = summary.dating[0].day
    ids = IdAllocator()
    departments: dict[str, _Department] = {}
    for path, name in files:
        for entry in _read_entries(path, name, summary):
            summary.entries_read += 1
            document, department_spelling = _entry_to_kpi(entry, ids, summary, as_of)
            department = departments.setdefault(document["department"], _Department(document["department"]))
            if department_spelling and department_spelling not in department.spellings:
                department.spellings.append(department_spelling)
            if name not in department.sources:
                department.sources.append(name)
            department.documents.append(document)
            summary.kpis_written += 1
    _write(out, departments, summary, [path for path, _ in files], update)
    return summary


# --- reading ---------------------------------------------------------------------------------------



def _refuse_a_future(as_of: date, out: Path, today: date | None) -> None:
    from kpiframe.check import today_for_folder  # the rule engine loads only when --as-of is given

    now, source = today_for_folder(out, today)
    if as_of > now:
        raise ImportInputError(f"--as-of {as_of} is after today ({now}, {source}): the files cannot describe a day "
                               "that has not come yet; give the snapshot's own date (or --today if today is wrong)")

def _expand_sources(sources: list[Path]) -> list[tuple[Path, str]]:
    """Files in the order given; a folder contributes its *.yml/*.yaml files, sorted, recursively."""
    if not sources:
        raise ImportInputError("no input given: name at least one GitLab performance-indicator file or folder")
    files: list[tuple[Path, str]] = []
    for source in sources:
        if source.is_dir():
            found = sorted(
                path for path in source.rglob("*")
                if path.suffix in (".yml", ".yaml") and path.is_file()
                and not any(part.startswith(".") for part in path.relative_to(source).parts)
            )
            if not found:
                raise ImportInputError(f"{source}: no .yml or .yaml files in this folder")
            files.extend((path, source_name(path, source)) for path in found)
        elif source.is_file():
            files.append((source, source_name(source)))
        else:
            raise ImportInputError(f"{source}: no such file or folder")
    return files


def _read_entries(path: Path, name: str, summary: ImportSummary) -> list[Entry]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ImportInputError(f"{name}: not UTF-8 text") from None
    except OSError as error:
        raise ImportInputError(f"{name}: cannot be read ({error.strerror or error})") from None
    loader = _SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ImportInputError(f"{where}: not valid YAML ({problem})") from None
    finally:
        loader.dispose()
    if data is None:
        summary.attention.append(Attention(name, None, "", "", "file holds no indicators"))
        return []
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise ImportInputError(f"{name}: expected a YAML list of performance indicators, "
                               f"found {type(data).__name__}")
    entries = []
    for item, node in zip(data, root.value):
        line = node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(node, yaml.MappingNode):
            summary.attention.append(Attention(name, line, "", _node_text(node),
                                               "list item is not an indicator (a mapping); skipped"))
            continue
        entries.append(_entry_from_node(name, line, item, node))
    return entries


def _entry_from_node(source: str, line: int, item: dict[Any, Any], node: yaml.MappingNode) -> Entry:
    """YAML keeps the last of two equal keys; the earlier values are kept aside so no text is lost."""
    entry = Entry(source, line, {str(key): value for key, value in item.items()}, {}, {})
    for key, value in node.value:
        label = _node_text(key)
        if label in entry.nodes:
            entry.overridden.append((label, entry.key_lines[label], entry.nodes[label]))
        entry.nodes[label] = value
        entry.key_lines[label] = key.start_mark.line + 1
    return entry


# --- mapping one entry -----------------------------------------------------------------------------


def _entry_to_kpi(entry: Entry, ids: IdAllocator, summary: ImportSummary,
                  as_of: date | None) -> tuple[dict[str, Any], str | None]:
    notes = Notes(entry, summary)
    for key, line, node in entry.overridden:
        summary.attention.append(Attention(entry.source, line, key, _node_text(node),
                                           "key given twice in one entry: the last is used, the earlier "
                                           "value is kept in the description"))
        notes.lines.append(f"'{key}' is given twice; the earlier value (line {line}) is kept above")
    name = text_of(entry.data.get("name"))
    if not name:
        name = f"Unnamed indicator ({entry.source} line {entry.line})"
        notes.add("name", "", "no name: named after its file and line")
    base_id = slugify(name, fallback="indicator")
    kpi_id = ids.allocate(base_id)
    if kpi_id != base_id:
        notes.add("name", name, "name already used by another indicator: id given a number suffix",
                  f"another indicator already has the id '{base_id}', so this one is '{kpi_id}'")

    org = text_of(entry.data.get("org"))
    department = slugify(org, fallback=UNASSIGNED) if org else UNASSIGNED
    if not org:
        notes.add("org", "", f"no org: department set to '{UNASSIGNED}'")

    document: dict[str, Any] = {"kind": "KPI", "id": kpi_id, "name": name, "department": department,
                                **kpi_fields(entry, notes, summary, as_of)}
    source = _sisense_source(entry.data.get("sisense_data"))
    if source:
        document["source"] = source
    document["description"] = _description(entry, org, notes)
    return document, org


def _sisense_source(sisense: Any) -> str | None:
    if not isinstance(sisense, dict):
        return None
    parts = [f"{label} {sisense[key]}" for key, label in (("dashboard", "dashboard"), ("chart", "chart"))
             if sisense.get(key) is not None]
    return "Sisense " + ", ".join(parts) if parts else None


# --- description: every field that is not a KPI field, as written -----------------------------------


def _description(entry: Entry, org: str | None, notes: Notes) -> str:
    parts: list[str] = []
    definition = _node_text(entry.nodes["definition"]) if "definition" in entry.nodes else ""
    if definition:
        parts.append(definition)
    facts: list[str] = []
    if "target" in entry.nodes and entry.data.get("target") is not None:
        facts.append(_render("Target (as written)", entry.nodes["target"]))
    if "is_key" in entry.nodes and entry.data.get("is_key") is not None:
        facts.append(f"Key performance indicator (is_key): {yes_no(entry.data['is_key'], entry.raw('is_key'))}")
    if "health" in entry.nodes:
        facts.append(_render_health(entry.nodes["health"]))
    if "dri" in entry.nodes and entry.raw("dri") and "<" in (entry.raw("dri") or ""):
        facts.append(_render("DRI (as written)", entry.nodes["dri"]))
    for key in ("parent", "base_path", "urls", "public", "sisense_data", "lessons"):
        if key in entry.nodes:
            facts.append(_render(_LABELS[key], entry.nodes[key]))
    for key, node in entry.nodes.items():
        if key not in _HANDLED:
            facts.append(_render(key, node))
    for key, line, node in entry.overridden:
        facts.append(_render(f"{key} (earlier value, line {line})", node))
    # No line number: an indicator added above would change every description below it, and
    # `import --update` would call that a change from the source.
    facts.append(f"Imported from {entry.source}" + (f' (org "{org}")' if org else ""))
    parts.append("\n".join(fact for fact in facts if fact))
    parts.append(describe_notes(notes.description_lines()))
    return join_paragraphs(parts)


def _render_health(node: yaml.Node) -> str:
    if not isinstance(node, yaml.MappingNode):
        return _render("Health", node)
    lines = []
    for key, value in node.value:
        label = str(key.value)
        if label == "level" and isinstance(value, yaml.ScalarNode):
            meaning = HEALTH_LEVELS.get(value.value.strip(), "Unknown")
            lines.append(f"Health: level {value.value.strip()} ({meaning})")
        elif label == "reasons":
            lines.append(_render("Health reasons", value))
        else:
            lines.append(_render(f"Health {label}", value))
    return "\n".join(line for line in lines if line)


def _render(label: str, node: yaml.Node) -> str:
    """``label: value`` for a scalar; a list or mapping goes on indented lines below the label."""
    if isinstance(node, yaml.ScalarNode):
        text = node.value.strip()
        return f"{label}: {text}" if text else ""
    body = _render_block(node, depth=0)
    return f"{label}:\n" + _indent(body, "  ") if body else ""


def _render_block(node: yaml.Node, depth: int) -> str:
    """A sequence as ``- item`` lines, a mapping as ``key: value`` lines, nested blocks indented."""
    if depth > 20:
        return "(nested too deep to show)"
    lines: list[str] = []
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            text = _node_text(item) if isinstance(item, yaml.ScalarNode) else _render_block(item, depth + 1)
            if text:
                lines.append("- " + _indent(text, "  ").lstrip())
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            label = _node_text(key)
            if isinstance(value, yaml.ScalarNode):
                if value.value.strip():
                    lines.append(f"{label}: {value.value.strip()}")
            else:
                text = _render_block(value, depth + 1)
                if text:
                    lines.append(f"{label}:\n" + _indent(text, "  "))
    elif isinstance(node, yaml.ScalarNode):
        lines.append(node.value.strip())
    return "\n".join(lines)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def _node_text(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return node.value.strip()
    return _render_block(node, depth=0)


# --- writing ---------------------------------------------------------------------------------------


def _write(out: Path, departments: dict[str, _Department], summary: ImportSummary, sources: list[Path],
           update: bool) -> None:
    summary.departments = sorted(departments)
    files = {}
    for department_id in summary.departments:
        department = departments[department_id]
        header = [f"Imported by `kpiframe import gitlab-pi` from: {', '.join(department.sources)}",
                  f"Department '{department.id}'" + (f" (org: {', '.join(department.spellings)})"
                                                      if department.spellings else "")]
        files[department_id] = ImportedFile(header, department.documents)
    spellings = [f"  {d}: {', '.join(departments[d].spellings) or '(no org given)'}" for d in summary.departments]
    config_header = ["Imported by `kpiframe import gitlab-pi`. Department ids and the org names they came from:",
                     *spellings]
    write_framework(out, summary, departments=files, config_header=config_header, inputs=sources, update=update)
