"""Every rule family, imported once so that their rules are registered."""

from kpiframe.rules import alignment, execution, meta, references, syntax  # noqa: F401
