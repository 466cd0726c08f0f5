"""Counted nouns, said one way everywhere: "1 conflict", "2 conflicts", "1 action plan"."""

from __future__ import annotations

# Document kinds as words in a sentence (the kind names themselves are for YAML).
KIND_WORDS = {"Goal": ("goal", "goals"), "KPI": ("KPI", "KPIs"), "Driver": ("driver", "drivers"),
              "ActionPlan": ("action plan", "action plans"), "Tradeoff": ("trade-off", "trade-offs")}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and the noun in the form the count needs; ``many`` when the plural is not noun + s."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def kinds(count: int, kind: str, adjective: str = "") -> str:
    """``count`` documents of ``kind`` (a kind name: Goal, ActionPlan, ...) in words: "2 invalid KPIs"."""
    one, many = KIND_WORDS.get(kind, (kind, kind + "s"))
    before = f"{adjective} " if adjective else ""
    return plural(count, before + one, before + many)
