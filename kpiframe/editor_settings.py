"""`kpiframe schema --editor vscode`: check every framework document in the editor.

A ``# yaml-language-server: $schema=...`` modeline applies to the first YAML document of a
file only, so in a file of several ``---`` documents the others go unchecked. The
``yaml.schemas`` setting maps a schema to files by glob, and yaml-language-server applies it to
every document of each file. This module writes that mapping into ``.vscode/settings.json``
(and the schema beside it), with the globs kpiframe itself reads:

- ``<framework>/**/*.yaml`` and ``**/*.yml`` (yaml-language-server, through picomatch, skips
  hidden folders and files in ``**`` and ``*`` as kpiframe does);
- not the configuration (``!<framework>/kpiframe.yaml``, ``.yml``);
- not what ``exclude:`` leaves out: each pattern ``P`` as ``!<framework>/P`` and
  ``!<framework>/P/**`` (a pattern excludes a file or a whole folder), with kpiframe's ``*``,
  which also crosses ``/``, spelled out for the editor (:func:`editor_patterns`).

The workspace is the git repository holding the framework (else the current folder), which
is what people open in VS Code. Existing settings are kept, in their order and
indentation; only the ``yaml.schemas`` entry for this schema is added or replaced. A file that
is not plain JSON (VS Code allows comments and trailing commas) is refused rather than
rewritten without its comments: the message shows the entry to paste instead.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

SETTINGS = Path(".vscode") / "settings.json"
SCHEMA_FILE = Path(".vscode") / "kpiframe.schema.json"
SCHEMAS_KEY = "yaml.schemas"


class SettingsRefused(Exception):
    """The settings file cannot be updated safely; the message says what to do instead."""


@dataclass(frozen=True)
class SettingsUpdate:
    settings_path: Path
    schema_path: Path
    text: str  # the new settings.json
    changed: bool  # False: the file already maps the schema to these globs
    globs: tuple[str, ...]
    notes: tuple[str, ...]  # other mappings a person should look at


def framework_globs(framework_rel: str, exclude: list[str] | tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The files kpiframe reads under ``framework_rel`` (POSIX, relative to the workspace), as
    globs, and notes on exclude patterns the editor's globs can only approximate."""
    prefix = "" if framework_rel in ("", ".") else framework_rel.rstrip("/") + "/"
    globs = [f"{prefix}**/*.yaml", f"{prefix}**/*.yml", f"!{prefix}kpiframe.yaml", f"!{prefix}kpiframe.yml"]
    notes = []
    for pattern in exclude:
        pattern = pattern.strip("/")
        if not pattern:
            continue
        variants, exact = editor_patterns(pattern)
        if not exact:
            notes.append(f"exclude pattern {pattern!r} has more `*` than the editor's globs can follow across "
                         "folders: the editor may still check some files kpiframe leaves out")
        for variant in variants:
            globs += [f"!{prefix}{variant}"] + ([] if variant.endswith("**") else [f"!{prefix}{variant}/**"])
    return list(dict.fromkeys(globs)), notes


_STARS = re.compile(r"(\*+)")
_MAX_SPANNING_STARS = 3  # each doubles the globs written


def editor_patterns(pattern: str) -> tuple[list[str], bool]:
    """``pattern`` as globs for yaml-language-server (picomatch), and whether they are exact.

    kpiframe matches exclude patterns with fnmatch, whose ``*`` also matches ``/``; a glob's
    ``*`` stays inside one folder name. A star that is a whole path segment becomes ``**``; any
    other star is written both as ``*`` and as ``*/**/*`` (the same text spread over folders).
    """
    parts = _STARS.split(pattern)
    variants = [""]
    spanning = 0
    for i, part in enumerate(parts):
        if i % 2 == 0:
            variants = [v + part for v in variants]
            continue
        before, after = parts[i - 1], parts[i + 1]  # text around a run of stars ('' at either end)
        if (before == "" or before.endswith("/")) and (after == "" or after.startswith("/")):
            variants = [v + "**" for v in variants]
        elif spanning < _MAX_SPANNING_STARS:
            spanning += 1
            variants = [v + star for v in variants for star in ("*", "*/**/*")]
        else:
            spanning += 1
            variants = [v + "*" for v in variants]
    return variants, spanning <= _MAX_SPANNING_STARS


def workspace_key(schema_path: Path, workspace: Path) -> str:
    """The schema's path as yaml.schemas wants it: relative to the workspace, starting with ./"""
    return "./" + Path(os.path.relpath(schema_path, workspace)).as_posix()


def plan_update(workspace: Path, framework_rel: str, exclude: list[str] | tuple[str, ...],
                schema_path: Path | None = None) -> SettingsUpdate:
    """Read ``.vscode/settings.json`` under ``workspace`` and say what it should become."""
    settings_path = workspace / SETTINGS
    schema_path = schema_path if schema_path is not None else workspace / SCHEMA_FILE
    key = workspace_key(schema_path, workspace)
    globs, pattern_notes = framework_globs(framework_rel, exclude)
    existing = _read(settings_path)
    settings = _parse(existing, settings_path, key, globs) if existing is not None else {}
    mapping = settings.get(SCHEMAS_KEY, {})
    if not isinstance(mapping, dict):
        raise SettingsRefused(
            f"{settings_path}: `{SCHEMAS_KEY}` is not an object of schema -> globs; fix it, then run this again")
    older = [other for other in mapping if other != key and other.rsplit("/", 1)[-1].startswith("kpiframe")]
    notes = tuple(pattern_notes) + tuple(
        f"`{SCHEMAS_KEY}` also maps {other!r}: if it is an older copy of kpiframe's schema, remove it "
        "(two schemas for one file both apply)" for other in older)
    settings[SCHEMAS_KEY] = {**mapping, key: globs}
    text = json.dumps(settings, indent=_indent(existing), ensure_ascii=False) + "\n"
    changed = existing is None or mapping.get(key) != globs
    return SettingsUpdate(settings_path, schema_path, text, changed, tuple(globs), notes)


def snippet(key: str, globs: list[str]) -> str:
    return json.dumps({SCHEMAS_KEY: {key: globs}}, indent=2)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsRefused(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def _parse(text: str, path: Path, key: str, globs: list[str]) -> dict:
    if not text.strip():
        return {}
    try:
        settings = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsRefused(
            f"{path}:{exc.lineno}:{exc.colno}: not plain JSON ({exc.msg}); comments and trailing commas would be "
            f"lost if kpiframe rewrote it, so it is left as it is. Add this to it yourself:\n{snippet(key, globs)}"
        ) from None
    if not isinstance(settings, dict):
        raise SettingsRefused(f"{path}: the settings are not a JSON object; fix the file, then run this again")
    return settings


def _indent(text: str | None) -> str | int:
    """The indentation the file already uses (VS Code writes tabs or spaces), else 4 spaces."""
    match = re.search(r"^([ \t]+)\S", text or "", re.MULTILINE)
    if not match:
        return 4
    indent = match.group(1)
    return "\t" if indent.startswith("\t") else len(indent)


@dataclass(frozen=True)
class VscodeSetup:
    update: SettingsUpdate
    schema_changed: bool
    workspace: Path


def setup_vscode(framework_path: Path, schema_text: str, schema_output: Path | None = None,
                 cwd: Path | None = None) -> VscodeSetup:
    """Write the schema and the ``yaml.schemas`` mapping for the framework at ``framework_path``.

    Raises :class:`SettingsRefused` (nothing written) when the settings or the framework's
    configuration cannot be read as they are, and ``fsutil.WriteFailed`` when a write fails or
    would go over the configuration.
    """
    from kpiframe.check import UsageError, resolve_root
    from kpiframe.fsutil import write_output
    from kpiframe.load.gitrepo import repository_root
    from kpiframe.model.configfile import read_config

    here = Path(cwd) if cwd is not None else Path.cwd()
    try:
        root, config_file = resolve_root(framework_path)
    except UsageError as exc:
        raise SettingsRefused(str(exc)) from None
    # the repository holding the framework, as CI paths use, else the current folder
    workspace = Path(os.path.realpath(repository_root(root) or here))
    exclude: list[str] = []
    if config_file is not None:
        config, _, problems = read_config(config_file, config_file.name)
        if problems:
            first = problems[0]
            raise SettingsRefused(f"{config_file}:{first.line}: {first.message}; the editor's globs come from its "
                                  "`exclude:`, so fix it first (`kpiframe check` lists every problem)")
        exclude = list(config.exclude)
    framework_rel = os.path.relpath(os.path.realpath(root), workspace)
    if framework_rel == ".." or framework_rel.startswith("../"):
        raise SettingsRefused(f"the framework {root} is outside the workspace {workspace} (the git repository, else "
                              "the current folder): run this from the folder you open in VS Code")
    schema_path = (here / schema_output).resolve() if schema_output is not None else workspace / SCHEMA_FILE
    update = plan_update(workspace, Path(framework_rel).as_posix(), exclude, schema_path)
    try:
        schema_changed = schema_path.read_text(encoding="utf-8") != schema_text
    except (OSError, UnicodeDecodeError):
        schema_changed = True
    inputs = [config_file] if config_file is not None else []
    if schema_changed:
        write_output(schema_path, schema_text, inputs=inputs)
    if update.changed:
        write_output(update.settings_path, update.text, inputs=inputs)
    return VscodeSetup(update, schema_changed, workspace)


def setup_summary(done: VscodeSetup) -> str:
    """What `schema --editor vscode` did, in a few lines."""
    update = done.update

    def shown(path: Path) -> str:
        return os.path.relpath(path, Path.cwd())

    lines = [
        f"{'Wrote' if done.schema_changed else 'Kept'} {shown(update.schema_path)} "
        f"({'the schema of this kpiframe version' if done.schema_changed else 'already this version'}).",
        f"{'Updated' if update.changed else 'Kept'} {shown(update.settings_path)}: {SCHEMAS_KEY} maps the schema to "
        + ", ".join(update.globs) + ".",
        "VS Code's YAML extension (redhat.vscode-yaml) now checks every document of those files as you type.",
    ]
    lines += [f"note: {note}" for note in update.notes]
    return "\n".join(lines) + "\n"
