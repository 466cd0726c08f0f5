"""YAML emission: hand-written because yaml.dump is far too slow at 100,000 KPIs."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any


class Lit(str):
    """Text emitted exactly as given (numbers already formatted)."""


class Flow(dict):
    """A mapping emitted on one line, `{key: value, ...}`."""


_PLAIN_BLOCK = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()&',;+%@-]*\Z")
_PLAIN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9._/@-]*\Z")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def quote(text: str, flow: bool = False) -> str:
    """The text as a YAML scalar: plain when that is unambiguous, double-quoted otherwise."""
    pattern = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if (pattern.match(text) and text.lower() not in _YAML11_WORDS
            and ": " not in text and " #" not in text and not text.endswith(" ")):
        return text
    return json.dumps(text, ensure_ascii=False)


def scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, Lit):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return quote(str(value), flow)


def emit_pairs(pairs: list[tuple[str, Any]], out: list[str], indent: str = "") -> None:
    """Append the lines of a block mapping; pairs may repeat a key (a deliberate defect)."""
    for key, value in pairs:
        if isinstance(value, Flow):
            inner = ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in value.items())
            out.append(f"{indent}{key}: {{{inner}}}")
        elif isinstance(value, dict):
            out.append(f"{indent}{key}:")
            emit_pairs(list(value.items()), out, indent + "  ")
        elif isinstance(value, list):
            emit_list(key, value, out, indent)
        else:
            out.append(f"{indent}{key}: {scalar(value)}")


def emit_list(key: str, items: list[Any], out: list[str], indent: str) -> None:
    if not items:
        out.append(f"{indent}{key}: []")
    elif all(isinstance(item, str) for item in items):
        out.append(f"{indent}{key}: [{', '.join(quote(item, flow=True) for item in items)}]")
    else:
        out.append(f"{indent}{key}:")
        for item in items:
            if isinstance(item, Flow):
                inner = ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in item.items())
                out.append(f"{indent}  - {{{inner}}}")
            else:
                lines: list[str] = []
                emit_pairs(list(item.items()), lines, indent + "    ")
                lines[0] = f"{indent}  - {lines[0].lstrip()}"
                out.extend(lines)


def emit_document(kind: str, pairs: list[tuple[str, Any]], out: list[str]) -> None:
    out.append("---")
    out.append("apiVersion: kpiframe/v1")
    out.append(f"kind: {kind}")
    emit_pairs(pairs, out)
