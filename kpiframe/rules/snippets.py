"""YAML documents shared by the rules' pass/fail examples, so each example shows only what matters."""

COMPANY_GOAL = """
    kind: Goal
    id: grow-revenue
    title: Grow revenue 20%
    level: company
"""

NEW_ARR_KPI = """
    kind: KPI
    id: new-arr
    name: New ARR
    department: sales
    owner: Dana Kim
    unit: USD
    direction: increase
"""
