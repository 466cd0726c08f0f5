"""Read a framework file's bytes safely and decode them: bounded, never blocking, UTF-8 only."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


def decode_utf8(raw: bytes) -> tuple[str, dict | None]:
    """Decode UTF-8 (a BOM is allowed); anything else is reported with where it went wrong."""
    wide = _wide_encoding(raw)
    if wide is not None:
        return "", {"message": f"file is {wide}; kpiframe reads UTF-8",
                    "hint": "save the file as UTF-8", "line": 1, "column": 1}
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return "", {"message": f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at line {line})",
                    "hint": "save the file as UTF-8", "line": line, "column": column}


class FileTooBig(ValueError):
    def __init__(self, size: int):
        super().__init__(f"{size:,} bytes")
        self.size = size


class NotARegularFile(ValueError):
    pass


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; never blocks and never reads more.
    Raises OSError when it cannot be read, ValueError when it is too big or not a regular file.

    Opened non-blocking and checked with fstat, so a FIFO named ``x.yaml`` cannot hang the
    check; read with a cap, so a file that grows (or a size that lies, as in /proc) stays bounded.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile()
        if info.st_size > max_bytes:
            raise FileTooBig(info.st_size)
        raw = read_capped(handle, max_bytes, info.st_size)
    if len(raw) > max_bytes:
        raise FileTooBig(len(raw))
    return raw


def read_capped(handle: BinaryIO, max_bytes: int, expected: int = 0) -> bytes:
    """Up to ``max_bytes + 1`` bytes of ``handle`` (one more than allowed says it is too big).

    Asks for what the file is expected to hold, then for more in pieces only if it holds more
    (it grows, or its size lies, as in /proc): a read sized by the limit itself would allocate
    the whole limit up front, which a large limit (2**53) cannot.
    """
    want = min(max_bytes, max(expected, 0)) + 1
    raw = handle.read(want)
    if len(raw) < want or len(raw) > max_bytes:
        return raw
    parts, total = [raw], len(raw)
    while total <= max_bytes:
        piece = handle.read(min(1 << 20, max_bytes + 1 - total))
        if not piece:
            break
        parts.append(piece)
        total += len(piece)
    return b"".join(parts)


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32, with or without a byte-order mark, or None. Detected before decoding so
    the finding names the encoding instead of complaining about NUL characters."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    # Without a mark: mostly-ASCII text in a wide encoding has a NUL in every other byte.
    head = raw[:64]
    if len(head) < 4 or max(head[0::2].count(0), head[1::2].count(0)) * 4 < len(head) * 3 // 2:
        return None
    quads = [head[i::4].count(0) for i in range(4)]
    return "UTF-32" if sorted(quads)[1] * 4 >= len(head) * 3 // 4 else "UTF-16"
