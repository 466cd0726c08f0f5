"""Stage 2: the schemas of the five document kinds and of the configuration."""

from kpiframe.model.config import Config
from kpiframe.model.documents import KINDS, KPI, MODELS, ActionPlan, Document, Driver, Goal, Tradeoff
from kpiframe.model.framework import Framework

__all__ = ["KINDS", "MODELS", "ActionPlan", "Config", "Document", "Driver", "Framework", "Goal", "KPI", "Tradeoff"]
