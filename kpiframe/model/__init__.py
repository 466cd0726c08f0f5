"""Stage 2: the schemas of the five document kinds and of the configuration.

Decisions: documents.py, config.py and types.py do not use ``from __future__ import annotations``:
pydantic would evaluate every field's annotation string when it builds the models, on every run
(~10 M instructions, 0.6%, of `kpiframe check examples/acme`).
"""

from kpiframe.model.config import Config
from kpiframe.model.documents import KINDS, KPI, MODELS, ActionPlan, Document, Driver, Goal, Tradeoff
from kpiframe.model.framework import Framework

__all__ = ["KINDS", "MODELS", "ActionPlan", "Config", "Document", "Driver", "Framework", "Goal", "KPI", "Tradeoff"]
