"""Importers: bring an existing KPI register into kpiframe without losing or silently guessing anything.

``import_csv`` reads a spreadsheet export; ``import_gitlab_pi`` reads GitLab-style performance-indicator
YAML. Both write a framework folder (``kpiframe.yaml``, ``kpis/<department>.yaml``, and ``goals.yaml``
when goals are known) and return an :class:`ImportSummary`.
"""

from kpiframe.importers.common import (
    Attention,
    ImportInputError,
    ImportProblem,
    ImportRefused,
    ImportSummary,
    slugify,
)
from kpiframe.importers.csv_register import import_csv
from kpiframe.importers.gitlab_pi import import_gitlab_pi
from kpiframe.importers.values import parse_target_text

__all__ = [
    "Attention",
    "ImportInputError",
    "ImportProblem",
    "ImportRefused",
    "ImportSummary",
    "import_csv",
    "import_gitlab_pi",
    "parse_target_text",
    "slugify",
]
