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


# The execution rules' example: new ARR in millions of USD, a 2026 goal, a baseline and a target.
GOAL_2026 = """
    kind: Goal
    id: grow-revenue
    title: Grow revenue 20%
    level: company
    period: {start: 2026-01-01, end: 2026-12-31}
"""
ARR_BASELINE = "baseline: {value: 8, date: 2026-01-01}"
ARR_TARGET = "target: {value: 12, date: 2026-12-31}"


def arr_kpi(*extra: str, direction: str = "increase") -> str:
    """The example KPI (new ARR, in millions of USD), with extra lines at the same indentation."""
    return "\n".join([
        "kind: KPI", "id: new-arr", "name: New ARR", "department: sales", "owner: Dana Kim",
        "supports: [grow-revenue]", "unit: M USD", f"direction: {direction}", *extra])
