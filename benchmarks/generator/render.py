"""Rendering the built framework: each document as YAML key/value pairs, then file by file.

Mixed into FrameworkBuilder (builder.py); a KPI carrying a defect is rendered with it
(``_apply_kpi_defect``, defects.py).
"""

from __future__ import annotations

from typing import Any

from benchmarks.generator.common import AS_OF, DRIVERS_PER_FILE, TRADEOFFS_PER_FILE, YEAR_END, YEAR_START
from benchmarks.generator.model import Driver, Goal, Kpi, Plan, Tradeoff
from benchmarks.generator.yaml_writer import Flow, emit_document


class Rendering:
    """Documents to text; part of FrameworkBuilder."""

    def kpi_pairs(self, kpi: Kpi) -> list[tuple[str, Any]]:
        pairs: list[tuple[str, Any]] = [
            ("id", kpi.id), ("name", kpi.name), ("department", kpi.department.id),
            ("owner", kpi.owner),
        ]
        if kpi.supports:
            pairs.append(("supports", kpi.supports))
        pairs += [("unit", kpi.template.unit), ("direction", kpi.template.direction)]
        if kpi.baseline:
            pairs.append(("baseline", {"value": kpi.baseline[0], "date": kpi.baseline[1]}))
        if kpi.target:
            pairs.append(("target", {"value": kpi.target[0], "date": kpi.target[1]}))
        pairs += [
            ("review", kpi.review),
            ("source", f"{kpi.department.kind.source} ({kpi.region})"),
            ("description", f"{kpi.template.name} for the {kpi.line} business in {kpi.region}, "
                            f"reviewed {kpi.review} at the {kpi.department.title} business review."),
        ]
        if kpi.actuals:
            pairs.append(("actuals", [Flow(date=when, value=value) for when, value in kpi.actuals]))
        if kpi.influences:
            pairs.append(("influences", [Flow(target=t, effect=e) for t, e in kpi.influences]))
        return self._apply_kpi_defect(kpi, pairs)

    @staticmethod
    def goal_pairs(goal: Goal) -> list[tuple[str, Any]]:
        pairs: list[tuple[str, Any]] = [("id", goal.id), ("title", goal.title), ("level", goal.level)]
        if goal.parent:
            pairs.append(("parent", goal.parent))
        if goal.department:
            pairs.append(("department", goal.department.id))
        pairs += [("owner", goal.owner), ("period", {"start": YEAR_START, "end": YEAR_END}),
                  ("description", goal.description)]
        return pairs

    @staticmethod
    def plan_pairs(plan: Plan) -> list[tuple[str, Any]]:
        pairs: list[tuple[str, Any]] = [
            ("id", plan.id), ("title", plan.title), ("addresses", plan.addresses),
            ("owner", plan.owner), ("department", plan.department.id), ("start", plan.start),
            ("due", plan.due), ("status", plan.status),
        ]
        if plan.collaborators:
            pairs.append(("collaborators", plan.collaborators))
        pairs.append(("milestones", [{"title": t, "due": d, "done": done} for t, d, done in plan.milestones]))
        pairs.append(("description", plan.description))
        return pairs

    @staticmethod
    def driver_pairs(driver: Driver) -> list[tuple[str, Any]]:
        pairs: list[tuple[str, Any]] = [("id", driver.id), ("title", driver.title),
                                        ("description", driver.description)]
        if driver.influences:
            pairs.append(("influences", [Flow(target=t, effect=e) for t, e in driver.influences]))
        return pairs

    @staticmethod
    def tradeoff_pairs(tradeoff: Tradeoff) -> list[tuple[str, Any]]:
        return [("id", tradeoff.id), ("between", list(tradeoff.between)),
                ("resolution", tradeoff.resolution), ("owners", tradeoff.owners),
                ("goal", tradeoff.goal), ("review", "quarterly"),
                ("description", tradeoff.description)]

    def render(self) -> tuple[dict[str, str], dict[str, int]]:
        """Every file's text by relative path, and the number of documents of each kind."""
        files: dict[str, list[str]] = {}
        kinds = {"Goal": 0, "KPI": 0, "Driver": 0, "ActionPlan": 0, "Tradeoff": 0, "Metric": 0}

        def put(path: str, kind: str, pairs: list[tuple[str, Any]]) -> None:
            emit_document(kind, pairs, files.setdefault(path, []))
            kinds[kind] += 1

        for goal in self.company_goals:
            put("goals/company.yaml", "Goal", self.goal_pairs(goal))
        for goal in [*self.department_goals, *self.team_goals, *self.extra_goals]:
            assert goal.department is not None
            put(f"goals/{goal.department.id}.yaml", "Goal", self.goal_pairs(goal))
        for path, kpis in self.kpi_files.items():
            for kpi in kpis:
                put(path, "KPI", self.kpi_pairs(kpi))
            for plan in self.plans_by_file[path]:
                put(path, "ActionPlan", self.plan_pairs(plan))
        for start in range(0, len(self.drivers), DRIVERS_PER_FILE):
            for driver in self.drivers[start:start + DRIVERS_PER_FILE]:
                put(f"drivers/drivers-{start // DRIVERS_PER_FILE + 1:03d}.yaml", "Driver",
                    self.driver_pairs(driver))
        for start in range(0, len(self.tradeoffs), TRADEOFFS_PER_FILE):
            for tradeoff in self.tradeoffs[start:start + TRADEOFFS_PER_FILE]:
                put(f"tradeoffs/tradeoffs-{start // TRADEOFFS_PER_FILE + 1:02d}.yaml", "Tradeoff",
                    self.tradeoff_pairs(tradeoff))
        # A document of a kind kpiframe does not know, left over from an OKR tool import.
        put("goals/company.yaml", "Metric", [("id", "okr-legacy-revenue"), ("title", "Revenue (OKR tool export)")])
        texts = {path: "\n".join(lines) + "\n" for path, lines in files.items()}
        texts["kpiframe.yaml"] = self.config_text()
        return texts, {kind: count for kind, count in kinds.items() if count}

    def config_text(self) -> str:
        lines = [
            "# Generated by benchmarks/generate.py: a synthetic framework for performance tests.",
            f"organization: Northwind Holdings ({self.n} KPIs{', dense' if self.dense else ''}, seed {self.seed})",
            f"as_of: {AS_OF.isoformat()}",
            "departments:",
            *[f"  - {department.id}" for department in self.departments],
            "tolerances: {on_track: 10, at_risk: 25}",
        ]
        return "\n".join(lines) + "\n"

    def influence_links(self) -> int:
        return sum(len(k.influences) for k in self.kpis) + sum(len(d.influences) for d in self.drivers)
