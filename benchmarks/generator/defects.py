"""Defect injection: which KPIs carry a deliberate defect (their role), and the defects themselves.

Mixed into FrameworkBuilder (builder.py), whose state these methods read and extend: every
defect is recorded with ``_defect(rule, subject)`` for the manifest.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from benchmarks.generator.catalogue import DRIVER_THEMES
from benchmarks.generator.common import UNKNOWN_DEPARTMENT, share, typo
from benchmarks.generator.model import Goal, Kpi
from benchmarks.generator.yaml_writer import Flow

# Roles whose KPIs get no ordinary influence links (they carry their own, or none).
UNLINKED_ROLES = frozenset({
    "tension-a", "tension-b", "conflict-a", "conflict-b", "same-a", "same-b",
    "owner-a", "owner-b", "stale-tradeoff", "unknown-field", "invalid-direction",
    "invalid-quoted", "duplicate-key", "duplicate-copy", "unknown-department",
    "dangling-influence",
})
# Roles whose KPIs get no ordinary action plan. Schema-invalid KPIs are left out too: a checker
# that drops invalid documents would otherwise add a cascading dangling-reference per plan.
UNPLANNED_ROLES = frozenset({"missing-plan", "uncorrected", "duplicate-copy", "unknown-field",
                              "invalid-direction", "invalid-quoted"})
# Roles whose KPIs do not support an ordinary team goal.
OWN_SUPPORT_ROLES = frozenset({
    "orphan", "orphan-suppressed", "untraced-cycle", "untraced-dangling", "dangling-support",
})
# Roles whose document is deliberately broken at the schema level (support goals last).
SCHEMA_DEFECT_ROLES = frozenset({
    "unknown-field", "invalid-direction", "invalid-quoted", "duplicate-key", "duplicate-copy",
    "unknown-department",
})


class DefectInjection:
    """The deliberate defects of the framework; part of FrameworkBuilder."""

    def _roles(self) -> None:
        """Give a small deterministic share of KPIs a deliberate role (defect or tension)."""
        pool = list(range(self.n))
        self.rng.shuffle(pool)

        def take(role: str, same_as: Kpi | None = None, other_than: Kpi | None = None) -> Kpi:
            for position, index in enumerate(pool):
                kpi = self.kpis[index]
                if same_as is not None and kpi.department is not same_as.department:
                    continue
                if other_than is not None and kpi.department is other_than.department:
                    continue
                pool.pop(position)
                kpi.role = role
                return kpi
            raise ValueError(f"not enough KPIs for role {role}")

        def pair(prefix: str, same_department: bool) -> tuple[Kpi, Kpi]:
            a = take(f"{prefix}-a")
            b = take(f"{prefix}-b", same_as=a if same_department else None,
                     other_than=None if same_department else a)
            return a, b

        n = self.n
        self.resolved_pairs = [pair("tension", False) for _ in range(share(n, 100))]
        self.owner_pair = pair("owner", False)
        self.conflict_pair = pair("conflict", False)
        self.same_pairs = [pair("same", True) for _ in range(share(n, 2000))]
        stale_a = take("stale-tradeoff")
        self.stale_pair = (stale_a, take("stale-tradeoff", other_than=stale_a))
        counts = {
            "orphan": share(n, 500), "orphan-suppressed": 1, "untraced-cycle": 1,
            "untraced-dangling": 1, "unknown-field": share(n, 2000),
            "invalid-direction": share(n, 4000), "invalid-quoted": share(n, 4000),
            "duplicate-key": 1, "duplicate-copy": 1, "unknown-department": share(n, 5000),
            "dangling-support": share(n, 2000), "dangling-influence": share(n, 2000),
            "missing-plan": share(n, 400), "missing-baseline": share(n, 2000),
            "contradicts": share(n, 2000), "after-period": share(n, 2000),
            "expired": share(n, 2000), "stale": share(n, 1000), "uncorrected": share(n, 1000),
            "unused-suppression": share(n, 5000), "overdue-plan": share(n, 1000),
            "overdue-milestone": share(n, 1000), "blocked-plan": share(n, 1000),
            "dangling-plan": share(n, 2000), "empty-plan": share(n, 2000),
        }
        self.by_role: dict[str, list[Kpi]] = {}
        for role, count in counts.items():
            self.by_role[role] = [take(role) for _ in range(count)]

    def _tension_links(self) -> None:
        """KPI A -> dedicated driver -> KPI B, with the sign that makes improving A worsen B."""
        pairs = [*self.resolved_pairs, self.owner_pair, self.conflict_pair, *self.same_pairs]
        for a, b in pairs:
            theme = DRIVER_THEMES[self.rng.randrange(len(DRIVER_THEMES))]
            driver = self._new_driver(theme, f"Where {a.department.title} and {b.department.title} meet.")
            a.influences.append((driver.id, self._effect(a.orientation, driver.orientation)))
            driver.influences.append((b.id, self._effect(driver.orientation, b.orientation, harmful=True)))
        # The resolved pairs get a Tradeoff below, so no finding is expected for them.
        self._defect("department-conflict", [self.conflict_pair[0].id, self.conflict_pair[1].id])
        for a, b in self.same_pairs:
            self._defect("department-tension", [a.id, b.id])

    def _defect_plans(self) -> None:
        """The action plans that carry a defect, each in its KPI's file."""
        for kpi in self.by_role["uncorrected"]:
            plan = self._plan([kpi], status="done", due=date(2026, 6, 30))
            self.plans_by_file[kpi.file].append(plan)
            self._defect("uncorrected-off-track", kpi.id)
        for kpi in self.by_role["overdue-plan"]:
            plan = self._plan([kpi], status="in_progress", due=date(2026, 9, 15))
            self.plans_by_file[kpi.file].append(plan)
            self._defect("overdue-action-plan", plan.id)
        for kpi in self.by_role["overdue-milestone"]:
            plan = self._plan([kpi], status="in_progress", overdue_milestone=True)
            self.plans_by_file[kpi.file].append(plan)
            self._defect("overdue-milestone", plan.id)
        for kpi in self.by_role["blocked-plan"]:
            plan = self._plan([kpi], status="blocked")
            self.plans_by_file[kpi.file].append(plan)
            self._defect("blocked-action-plan", plan.id)
        for kpi in self.by_role["dangling-plan"]:
            plan = self._plan([kpi], extra_address=typo(kpi.id, self.ids))
            self.plans_by_file[kpi.file].append(plan)
            self._defect("dangling-reference", plan.id)
        for kpi in self.by_role["empty-plan"]:
            plan = self._plan([kpi])
            plan.addresses = []
            plan.title = f"Explore new ways of working in {kpi.region}"
            self.plans_by_file[kpi.file].append(plan)
            self._defect("plan-without-kpi", plan.id)

    def _goal_defects(self) -> None:
        """Goals that break the hierarchy: a loop, a missing parent, one nobody measures."""
        first, second = self.departments[0], self.departments[1]
        loop_a, loop_b = f"{first.id}-team-loop-a", f"{first.id}-team-loop-b"
        for goal_id, parent in ((loop_a, loop_b), (loop_b, loop_a)):
            goal = Goal(goal_id, "Cross-team initiative (parent chain copied in a hurry)", "team",
                        first, parent, first.owners[0], "Each goal names the other as its parent.")
            self.extra_goals.append(goal)
            self._register(goal_id, goal)
        self._defect("goal-cycle", [loop_a, loop_b])
        kpi = self.by_role["untraced-cycle"][0]
        kpi.supports = [loop_a]
        self._defect("untraced-kpi", kpi.id)

        legacy = f"{second.id}-goal-legacy"
        missing_parent = "fy25-growth-plan"
        team = f"{second.id}-team-legacy"
        self.extra_goals.append(Goal(legacy, "Carry over the FY25 growth plan", "department", second,
                                     missing_parent, second.owners[0],
                                     "Its parent was archived with last year's plan."))
        self.extra_goals.append(Goal(team, "Legacy accounts team: keep FY25 accounts", "team", second,
                                     legacy, second.owners[-1], "Sits under the legacy goal."))
        self._register(legacy, self.extra_goals[-2])
        self._register(team, self.extra_goals[-1])
        self._defect("dangling-reference", legacy)
        self._defect("untraced-goal", legacy)
        self._defect("untraced-goal", team)
        kpi = self.by_role["untraced-dangling"][0]
        kpi.supports = [team]
        self._defect("untraced-kpi", kpi.id)

        for i in range(share(self.n, 5000)):
            department = self.departments[(i + 2) % len(self.departments)]
            parent = self.company_goals[i % len(self.company_goals)]
            goal = Goal(f"{department.id}-goal-unmeasured-{i + 1}",
                        f"{parent.title}: new initiative without KPIs yet", "department",
                        department, parent.id, department.owners[0],
                        "Announced at the offsite; nobody has defined how to measure it.")
            self.extra_goals.append(goal)
            self._register(goal.id, goal)
            self._defect("unmeasured-goal", goal.id)

    def _reference_defects(self) -> None:
        """KPI-level defects that need every id to exist first (typos, duplicates)."""
        for kpi in self.by_role["orphan"]:
            kpi.supports = []
            self._defect("orphan-kpi", kpi.id)
        for kpi in self.by_role["orphan-suppressed"]:
            kpi.supports = []
            self.suppressed.setdefault("orphan-kpi", []).append(kpi.id)
        for kpi in self.by_role["dangling-support"]:
            same = [g for g in self.team_goals if g.department is kpi.department] or self.team_goals
            kpi.supports = [typo(same[kpi.index % len(same)].id, self.ids)]
            self._defect("dangling-reference", kpi.id)
        drivers = self.drivers
        for kpi in self.by_role["dangling-influence"]:
            missing = typo(drivers[kpi.index % len(drivers)].id, self.ids)
            kpi.influences = [(missing, "increase")]
            self._defect("dangling-reference", kpi.id)
        simple = {
            "unknown-field": "unknown-field", "invalid-direction": "invalid-value",
            "invalid-quoted": "invalid-value", "duplicate-key": "duplicate-key",
            "unknown-department": "unknown-department", "missing-plan": "missing-action-plan",
            "missing-baseline": "missing-baseline", "contradicts": "target-contradicts-direction",
            "after-period": "target-after-goal-period", "expired": "expired-target",
            "stale": "stale-kpi", "unused-suppression": "unused-suppression",
        }
        for role, rule in simple.items():
            for kpi in self.by_role[role]:
                self._defect(rule, kpi.id)
        # A copy-paste of another file's KPI that kept its id: same content, no links, so the
        # framework means the same whichever of the two documents a checker keeps.
        copy = self.by_role["duplicate-copy"][0]
        original = next(k for k in self.kpis if k.role == "" and k.file != copy.file)
        del self.ids[copy.id]
        for name in ("id", "department", "template", "name", "owner", "review", "region", "line",
                     "supports", "baseline", "target", "actuals"):
            setattr(copy, name, getattr(original, name))
        self.duplicate_id = original.id
        self._defect("duplicate-id", original.id)
        self._defect("unknown-kind", "okr-legacy-revenue")

    def _apply_kpi_defect(self, kpi: Kpi, pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        role = kpi.role
        if not role and self.messy:
            return _messy(pairs)
        if role == "unknown-field":
            return [("tagret" if key == "target" else key, value) for key, value in pairs]
        if role == "invalid-direction":
            return [(key, "up" if key == "direction" else value) for key, value in pairs]
        if role == "invalid-quoted" and kpi.baseline:
            quoted = {"value": f"{kpi.baseline[0]}%", "date": kpi.baseline[1]}
            return [(key, quoted if key == "baseline" else value) for key, value in pairs]
        if role == "duplicate-key":
            at = next(i for i, (key, _) in enumerate(pairs) if key == "unit")
            other = next(o for o in kpi.department.owners if o != kpi.owner)
            return pairs[:at] + [("owner", other)] + pairs[at:]
        if role == "unknown-department":
            return [(key, UNKNOWN_DEPARTMENT if key == "department" else value) for key, value in pairs]
        if role == "orphan-suppressed":
            return pairs + [("ignore", [Flow(rule="orphan-kpi",
                                             reason="Exploratory metric, goal to be agreed in Q4")])]
        if role == "unused-suppression":
            return pairs + [("ignore", [Flow(rule="missing-baseline",
                                             reason="Baseline comes from the 2025 audit")])]
        return pairs


MESSY_FUTURE = date(2026, 12, 31)  # --messy: an actual after AS_OF


def _messy(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A first import's mess on a KPI with no deliberate role (``--messy``), each a finding that
    leaves the KPI valid (an unknown field would hide the rest: 9,868 findings at 10,000 KPIs, not
    ~30,000): no goal (orphan-kpi), an actual after as_of (future-actual), its first influence
    listed twice (duplicate-influence), or no baseline when it has no influence (missing-baseline).
    Not in the manifest's defects: volume for the text views, not subjects the runner checks."""
    out: list[tuple[str, Any]] = []
    has_influences = any(key == "influences" for key, _ in pairs)
    for key, value in pairs:
        if key == "supports" or (key == "baseline" and not has_influences):
            continue
        if key == "actuals":
            value = value + [Flow(date=MESSY_FUTURE, value=value[-1]["value"])]
        elif key == "influences":
            value = value + value[:1]
        out.append((key, value))
    return out
