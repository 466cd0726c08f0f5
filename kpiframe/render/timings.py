"""The `--timings` line, as plain text (no rich: machine formats print it to stderr)."""

from __future__ import annotations


def timings_text(timings: dict[str, float]) -> str:
    """``timings: discover 0.008s, parse 0.614s, ...`` in the order the phases ran."""
    return "timings: " + ", ".join(f"{phase} {seconds:.3f}s" for phase, seconds in timings.items())
