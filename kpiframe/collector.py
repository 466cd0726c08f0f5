"""The cyclic garbage collector held back while long-lived objects are made, then those frozen.

Importing kpiframe's modules (pydantic's validators, typer's and rich's tables) and checking a
framework (millions of small objects) both build objects that live until kpiframe exits. The
collector would scan them again at every threshold while they are made, for nothing: reference
counting still frees whatever is dropped. Afterwards they are frozen, so that later collections
skip them too (without the freeze, the first collection afterwards scans all of them at once).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(pause: bool = True) -> Iterator[None]:
    """No cyclic collection inside the block (unless ``pause`` is False); what was made is frozen
    afterwards, and the collector runs again if it ran before."""
    was_enabled = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            gc.freeze()
        if was_enabled:
            gc.enable()
