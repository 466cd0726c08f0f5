"""Every rule family, imported once so that their rules are registered."""

from kpiframe.rules import alignment, conflicts, execution, history, meta, references, syntax  # noqa: F401
