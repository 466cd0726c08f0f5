"""Stage 4: rules. One module per family; each rule declares its code, slug, severity and docs.

The registry (every rule, lookups by slug, code and prefix) is :mod:`kpiframe.rules.registry`;
importing it imports every family module.
"""

from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.declare import Rule, rule

__all__ = ["Problem", "Rule", "RuleContext", "problem", "rule"]
