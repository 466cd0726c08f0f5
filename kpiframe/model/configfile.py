"""Read and validate the configuration file; an invalid config is reported, never ignored."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kpiframe.findings import Finding
from kpiframe.load.config import TABLE_HEADER
from kpiframe.load.document import Limits, RawDocument, Text, pack_position
from kpiframe.load.reading import decode_utf8, read_bounded
from kpiframe.load.yamlfile import parse_text
from kpiframe.model.config import Config
from kpiframe.model.validate import translate_errors


def read_config(path: Path, rel: str) -> tuple[Config, RawDocument | None, list[Finding]]:
    """Return the config (defaults where it is broken), its raw document for positions, and findings."""
    if path.name == "pyproject.toml":
        return _read_pyproject(path, rel)
    limits = Limits()  # the config cannot raise the limits for reading itself
    try:
        data = read_bounded(path, limits.max_file_bytes)
    except OSError as exc:
        return Config(), None, [Finding(rule="unreadable-file", file=rel, message=f"cannot read config: {exc.strerror}")]
    except ValueError:  # too big, or not a regular file
        return Config(), None, [_too_big(rel, limits)]
    return config_from_bytes(data, rel)


def config_from_bytes(data: bytes, rel: str) -> tuple[Config, RawDocument | None, list[Finding]]:
    """:func:`read_config` for bytes already read (from disk, or from a git revision)."""
    limits = Limits()
    if len(data) > limits.max_file_bytes:
        return Config(), None, [_too_big(rel, limits)]
    if rel.rsplit("/", 1)[-1] == "pyproject.toml":
        return _pyproject_from_bytes(data, rel)
    text, problem = decode_utf8(data)
    if problem is not None:
        return Config(), None, [Finding(rule="unreadable-file", file=rel, **problem)]
    parsed = parse_text(text, rel, limits)
    # A control character kept visible (invalid-value, the loader's only one) leaves the settings
    # usable: dropping them all would turn one odd organization name into findings everywhere.
    if not parsed.documents or any(f.rule != "invalid-value" for f in parsed.findings):
        return Config(), None, parsed.findings
    raw = parsed.documents[0]
    if raw.data is None:
        return Config(), raw, []
    return _validate(raw, parsed.findings)


def _too_big(rel: str, limits: Limits) -> Finding:
    return Finding(rule="limit-exceeded", file=rel,
                   message=f"the configuration is not a regular file of at most {limits.max_file_bytes:,} bytes",
                   hint="kpiframe.yaml holds a few settings; see the README's configuration section")


def _validate(raw: RawDocument, findings: list[Finding]) -> tuple[Config, RawDocument, list[Finding]]:
    if not isinstance(raw.data, dict):
        return Config(), raw, findings + [Finding(
            rule="invalid-value", file=raw.file, line=raw.line, column=raw.column,
            message="the configuration must be a mapping of settings", hint="see the README's configuration section")]
    try:
        return Config.model_validate(raw.data), raw, findings
    except ValidationError as exc:
        findings = findings + translate_errors(raw, Config, "configuration", exc)
        # Keep the settings that are valid: one typo must not switch the whole config off.
        broken = {error["loc"][0] for error in exc.errors() if error["loc"]}
        usable = {k: v for k, v in raw.data.items() if k not in broken}
        try:
            return Config.model_validate(usable), raw, findings
        except ValidationError:
            return Config(), raw, findings


def _read_pyproject(path: Path, rel: str) -> tuple[Config, RawDocument | None, list[Finding]]:
    """[tool.kpiframe] in pyproject.toml. A file that cannot be read or does not parse is an
    error at its place; the defaults apply then, as the finding says."""
    try:
        data = read_bounded(path, Limits().max_file_bytes)
    except (OSError, ValueError) as exc:
        return Config(), None, [Finding(rule="unreadable-file", file=rel, message=f"cannot read the configuration: "
                                        f"{getattr(exc, 'strerror', None) or exc}; the defaults apply",
                                        hint="make pyproject.toml a readable file")]
    return _pyproject_from_bytes(data, rel)


def _pyproject_from_bytes(data: bytes, rel: str) -> tuple[Config, RawDocument | None, list[Finding]]:
    text, problem = decode_utf8(data)
    if problem is not None:
        return Config(), None, [Finding(rule="unreadable-file", file=rel, **problem)]
    import tomllib  # here: most frameworks keep their configuration in kpiframe.yaml

    try:
        table = tomllib.loads(text).get("tool", {}).get("kpiframe")
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_error_place(str(exc))
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", str(exc))
        return Config(), None, [Finding(
            rule="invalid-value", file=rel, line=line, column=column,
            message=f"configuration: pyproject.toml is not valid TOML ({reason}); none of [tool.kpiframe] "
                    "applies, the defaults do",
            hint="fix the TOML here: a string needs its closing quote, a table header its brackets")]
    match = TABLE_HEADER.search(text)
    line = text.count("\n", 0, match.start()) + 1 if match else 1
    raw = RawDocument(file=rel, index=0, line=line, column=1, data=_as_text(table) if table is not None else {},
                      value_positions=_toml_positions(text), key_positions=_toml_positions(text, keys=True))
    return _validate(raw, [])


def _toml_error_place(message: str) -> tuple[int, int]:
    found = re.search(r"at line (\d+), column (\d+)", message)
    return (int(found.group(1)), int(found.group(2))) if found else (1, 1)


_TOML_HEADER = re.compile(r"^[ \t]*\[[ \t]*([^\[\]]+?)[ \t]*\][ \t]*(?:#.*)?$")
_TOML_KEY = re.compile(r"^([ \t]*)([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')[ \t]*=[ \t]*")


def _toml_positions(text: str, *, keys: bool = False) -> dict[tuple, int]:
    """Where each key of [tool.kpiframe] (and its sub-tables) was written: a line-based reading,
    enough for findings to point at the setting instead of at the table."""
    positions: dict[tuple, int] = {}
    table: tuple | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(line)
        if header:
            parts = tuple(part.strip().strip("\"'") for part in header.group(1).split("."))
            table = parts[2:] if parts[:2] == ("tool", "kpiframe") else None
            if table:
                positions.setdefault(table, pack_position(number, 1))
            continue
        entry = _TOML_KEY.match(line)
        if table is None or not entry:
            continue
        key = entry.group(2).strip("\"'")
        column = len(entry.group(1)) + 1 if keys else entry.end() + 1
        positions.setdefault(table + (key,), pack_position(number, column))
    return positions


def _as_text(value: Any) -> Any:
    """TOML values are typed already; give them to the schema as the YAML loader would (text)."""
    if isinstance(value, dict):
        return {str(k): _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, str):
        return Text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
