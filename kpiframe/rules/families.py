"""Every rule family, imported once so that their rules are registered."""

from kpiframe.rules import alignment, conflicts, execution, history, meta, queries, references, syntax  # noqa: F401
