"""Where a check is (stage and file), so that an internal error can say where it happened.

One object per check, passed down explicitly: two checks in one process (threads, a server, the
tests) each keep their own, where a module-level record would have them overwrite each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Stage:
    name: str = "starting"
    file: str = ""

    def enter(self, name: str, file: str = "") -> None:
        self.name, self.file = name, file

    def on_file(self, stage: str) -> Callable[[str], None]:
        """A callback that records each file as the stage ``stage`` reaches it."""
        return lambda rel: self.enter(stage, rel)

    def where(self) -> str:
        """' while parsing goals/a.yaml', for the internal-error message."""
        return f" while {self.name}" + (f" {self.file}" if self.file else "")
