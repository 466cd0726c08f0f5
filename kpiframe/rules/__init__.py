"""Stage 4: rules. One module per family; each rule declares its code, slug, severity and docs."""

from kpiframe.rules.context import Problem, RuleContext, problem
from kpiframe.rules.registry import RULES, Rule, all_rules, find_rule, rule, rules_matching

__all__ = ["RULES", "Problem", "Rule", "RuleContext", "all_rules", "find_rule", "problem", "rule", "rules_matching"]
