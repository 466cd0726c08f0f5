"""FrameworkBuilder: the whole framework in memory, built from one random.Random(seed).

The same (kpis, dense, seed) always gives the same framework: every choice is drawn from that one
generator in a fixed order, and nothing iterates over a set.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from benchmarks.generator.catalogue import (
    BUSINESS_LINES,
    CATALOG,
    COMPANY_GOALS,
    DRIVER_THEMES,
    FIRST_NAMES,
    LAST_NAMES,
    MILESTONES,
    REGIONS,
    REVIEW_WEIGHTS,
)
from benchmarks.generator.common import (
    AS_OF,
    CLUSTER_SIZE,
    DENSE_CLUSTER_SIZE,
    DENSE_HARMFUL_SHARE,
    DENSE_LINKS_PER_NODE,
    KPIS_PER_FILE,
    MAIL_DOMAIN,
    MIN_KPIS,
    slugify,
)
from benchmarks.generator.defects import (
    OWN_SUPPORT_ROLES,
    SCHEMA_DEFECT_ROLES,
    UNLINKED_ROLES,
    UNPLANNED_ROLES,
    DefectInjection,
)
from benchmarks.generator.measurements import Measurements
from benchmarks.generator.model import Department, Driver, Goal, Kpi, Plan, Tradeoff
from benchmarks.generator.render import Rendering


class FrameworkBuilder(DefectInjection, Measurements, Rendering):
    """Builds the whole framework in memory, then renders it file by file."""

    def __init__(self, kpis: int, dense: bool, seed: int, messy: bool = False) -> None:
        if kpis < MIN_KPIS:
            raise ValueError(f"--kpis must be at least {MIN_KPIS} (room for every deliberate defect)")
        self.n = kpis
        self.dense = dense
        self.messy = messy
        self.seed = seed
        self.rng = random.Random(seed)
        self.departments: list[Department] = []
        self.company_goals: list[Goal] = []
        self.department_goals: list[Goal] = []
        self.team_goals: list[Goal] = []
        self.extra_goals: list[Goal] = []
        self.kpis: list[Kpi] = []
        self.drivers: list[Driver] = []
        self.plans_by_file: dict[str, list[Plan]] = {}
        self.tradeoffs: list[Tradeoff] = []
        self.ids: dict[str, Any] = {}
        self.defects: dict[str, list[Any]] = {}
        self.suppressed: dict[str, list[str]] = {}
        self.duplicate_id = ""
        self.cycle_clusters = 0
        self.harmful_links = 0
        self._plan_seq = 0

    # -- structure -----------------------------------------------------------------------

    def build(self) -> None:
        self._departments()
        self._owners()
        self._goals()
        self._kpis()
        self._roles()
        self._supports()
        for kpi in self.kpis:
            self._measurements(kpi)
        self._influences()
        self._tension_links()
        self._file_kpis()
        self._plans()
        self._tradeoffs()
        self._goal_defects()
        self._reference_defects()

    def _defect(self, rule: str, subject: Any) -> None:
        self.defects.setdefault(rule, []).append(subject)

    def _register(self, identifier: str, thing: Any) -> str:
        if identifier in self.ids:
            raise AssertionError(f"generator produced {identifier!r} twice")
        self.ids[identifier] = thing
        return identifier

    def _departments(self) -> None:
        count = min(40, max(5, self.n // 500))
        for position in range(count):
            kind = CATALOG[position % len(CATALOG)]
            wave = position // len(CATALOG)
            if wave == 0:
                self.departments.append(Department(kind.id, kind.title, kind))
            else:
                region = REGIONS[(position + wave) % len(REGIONS)]
                self.departments.append(Department(f"{kind.id}-{slugify(region)}",
                                                   f"{kind.title} {region}", kind))

    def _owners(self) -> None:
        """A pool of unique people per department (one per ~25 KPIs); the first heads it."""
        per_department = max(4, self.n // (25 * len(self.departments)))
        needed = per_department * len(self.departments) + 40
        people = [self._person(i) for i in range(needed)]
        self.rng.shuffle(people)
        for position, department in enumerate(self.departments):
            start = position * per_department
            department.owners = people[start:start + per_department]
        self.executives = people[-40:]

    @staticmethod
    def _person(i: int) -> str:
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        # (i + i // F) mod L walks every last name for each first name: all pairs, none twice.
        last = LAST_NAMES[(i + i // len(FIRST_NAMES)) % len(LAST_NAMES)]
        wave = i // (len(FIRST_NAMES) * len(LAST_NAMES))
        middle = "" if wave == 0 else f".{chr(ord('a') + (wave - 1) % 26)}{(wave - 1) // 26 or ''}"
        return f"{first}{middle}.{last}@{MAIL_DOMAIN}"

    def _goals(self) -> None:
        company_count = self.n // 500 + 4
        department_count = max(len(self.departments), self.n // 50)
        team_count = max(department_count, self.n // 20)
        for i in range(company_count):
            title = COMPANY_GOALS[i % len(COMPANY_GOALS)]
            wave = i // len(COMPANY_GOALS)
            if wave:
                title = f"{title} (programme {wave + 1})"
            goal = Goal(slugify(title), title, "company", None, None,
                        self.executives[i % len(self.executives)],
                        f"Company objective for 2026: {title.lower()}.")
            self._register(goal.id, goal)
            self.company_goals.append(goal)
        per_department: dict[str, int] = {}
        for i in range(department_count):
            department = self.departments[i % len(self.departments)]
            parent = self.company_goals[i % company_count]
            seq = per_department[department.id] = per_department.get(department.id, 0) + 1
            goal = Goal(f"{department.id}-goal-{seq:03d}",
                        f"{parent.title} through {department.title.lower()}",
                        "department", department, parent.id, department.owners[0],
                        f"How {department.title} contributes to '{parent.title}' in 2026.")
            self._register(goal.id, goal)
            self.department_goals.append(goal)
        per_department.clear()
        for i in range(team_count):
            parent = self.department_goals[i % department_count]
            department = parent.department
            assert department is not None
            seq = per_department[department.id] = per_department.get(department.id, 0) + 1
            area = department.kind.areas[seq % len(department.kind.areas)]
            template = department.kind.templates[seq % len(department.kind.templates)]
            verb = "Improve" if template.direction == "increase" else "Reduce"
            goal = Goal(f"{department.id}-team-{seq:03d}",
                        f"{area.capitalize()} team: {verb.lower()} {template.name[0].lower()}{template.name[1:]}",
                        "team", department, parent.id,
                        department.owners[seq % len(department.owners)],
                        f"Team objective under {parent.id}.")
            self._register(goal.id, goal)
            self.team_goals.append(goal)

    def _kpis(self) -> None:
        """Split N over departments by uneven weights, then draw each KPI from its catalog."""
        weights = [self.rng.uniform(0.6, 1.6) for _ in self.departments]
        total = sum(weights)
        raw = [self.n * w / total for w in weights]
        counts = [int(r) for r in raw]
        by_remainder = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
        for i in by_remainder[: self.n - sum(counts)]:
            counts[i] += 1
        reviews = [name for name, weight in REVIEW_WEIGHTS for _ in range(weight)]
        for department, count in zip(self.departments, counts):
            for seq in range(1, count + 1):
                template = self.rng.choice(department.kind.templates)
                region = self.rng.choice(REGIONS)
                line = self.rng.choice(BUSINESS_LINES)
                kpi = Kpi(index=len(self.kpis),
                          id=f"{department.id}-{template.slug}-{seq:05d}",
                          department=department, template=template,
                          name=f"{template.name} ({region}, {line})",
                          owner=self.rng.choice(department.owners),
                          review=self.rng.choice(reviews), region=region, line=line)
                self.kpis.append(kpi)
                self._register(kpi.id, kpi)

    def _supports(self) -> None:
        """Round-robin over each department's team goals, clean KPIs first so every goal is measured."""
        teams: dict[str, list[Goal]] = {}
        for goal in self.team_goals:
            assert goal.department is not None
            teams.setdefault(goal.department.id, []).append(goal)
        parents = {goal.id: goal for goal in self.department_goals}
        by_department: dict[str, list[Kpi]] = {}
        for kpi in self.kpis:
            if kpi.role not in OWN_SUPPORT_ROLES:
                by_department.setdefault(kpi.department.id, []).append(kpi)
        for department_id, kpis in by_department.items():
            ordered = ([k for k in kpis if k.role not in SCHEMA_DEFECT_ROLES]
                       + [k for k in kpis if k.role in SCHEMA_DEFECT_ROLES])
            goals = teams[department_id]
            for position, kpi in enumerate(ordered):
                team_goal = goals[position % len(goals)]
                kpi.supports = [team_goal.id]
                if self.rng.random() < 0.1 and team_goal.parent:
                    kpi.supports.append(parents[team_goal.parent].id)

    # -- influence links -----------------------------------------------------------------

    @staticmethod
    def _effect(source_orientation: int, target_orientation: int, harmful: bool = False) -> str:
        """The effect that makes improving the source improve (or, if harmful, worsen) the target."""
        helpful = source_orientation * target_orientation
        return "increase" if (helpful if not harmful else -helpful) > 0 else "decrease"

    def _new_driver(self, theme: str, description: str) -> Driver:
        seq = len(self.drivers) + 1
        region = REGIONS[seq % len(REGIONS)]
        driver = Driver(f"drv-{slugify(theme)}-{seq:05d}", f"{theme} ({region})",
                        self.rng.choice((1, -1)), description)
        self.drivers.append(driver)
        self._register(driver.id, driver)
        return driver

    def _influences(self) -> None:
        linked = [k for k in self.kpis if k.role not in UNLINKED_ROLES]
        self.rng.shuffle(linked)
        size = DENSE_CLUSTER_SIZE if self.dense else CLUSTER_SIZE
        clusters = [linked[i:i + size] for i in range(0, len(linked), size)]
        if len(clusters) > 1 and len(clusters[-1]) < size // 4:
            clusters[-2].extend(clusters.pop())
        for number, members in enumerate(clusters):
            if self.dense:
                self._dense_cluster(number, members)
            else:
                self._sparse_cluster(number, members)

    def _cluster_nodes(self, number: int, members: list[Kpi], drivers: int) -> list[Kpi | Driver]:
        nodes: list[Kpi | Driver] = list(members)
        for _ in range(drivers):
            theme = DRIVER_THEMES[self.rng.randrange(len(DRIVER_THEMES))]
            nodes.append(self._new_driver(theme, f"Shared quantity of influence cluster {number + 1}."))
        self.rng.shuffle(nodes)
        return nodes

    def _sparse_cluster(self, number: int, members: list[Kpi]) -> None:
        """A DAG of ~3 links per node within a sliding window; one cluster in ten gets a loop."""
        nodes = self._cluster_nodes(number, members, 1 + (self.rng.random() < 0.5))
        window = 8
        for i, node in enumerate(nodes):
            later = range(i + 1, min(len(nodes), i + 1 + window))
            wanted = self.rng.choice((2, 3, 3, 4)) if isinstance(node, Kpi) else self.rng.choice((2, 3))
            for j in self.rng.sample(later, min(wanted, len(later))):
                target = nodes[j]
                node.influences.append((target.id, self._effect(node.orientation, target.orientation)))
        if number % 10 == 3 or (number == 0 and self.n < CLUSTER_SIZE * 4):
            self._close_loop(nodes)

    def _close_loop(self, nodes: list[Kpi | Driver]) -> None:
        """Follow links forward from the first node that has any, then link back: a feedback loop."""
        by_id = {node.id: node for node in nodes}
        start = next((node for node in nodes if node.influences), None)
        if start is None:
            return
        walk = [start]
        while len(walk) < 6 and walk[-1].influences:
            walk.append(by_id[walk[-1].influences[0][0]])
        if len(walk) < 2:
            return
        last = walk[-1]
        last.influences.append((start.id, self._effect(last.orientation, start.orientation)))
        self.cycle_clusters += 1
        self._defect("influence-cycle", start.id)

    def _dense_cluster(self, number: int, members: list[Kpi]) -> None:
        """A ring through every node plus random links: 10 per node, strongly connected."""
        nodes = self._cluster_nodes(number, members, max(1, len(members) // 40))
        harmful_share = DENSE_HARMFUL_SHARE if number % 2 == 1 else 0.0
        count = len(nodes)
        for i, node in enumerate(nodes):
            ring = (i + 1) % count
            extra = [j for j in self.rng.sample(range(count), min(count, DENSE_LINKS_PER_NODE + 1))
                     if j not in (i, ring)][: DENSE_LINKS_PER_NODE - 1]
            for j in [ring, *extra]:
                target = nodes[j]
                harmful = self.rng.random() < harmful_share
                self.harmful_links += harmful
                node.influences.append((target.id, self._effect(node.orientation, target.orientation, harmful)))
        self.cycle_clusters += 1
        self._defect("influence-cycle", nodes[0].id)

    # -- files, plans and trade-offs -----------------------------------------------------

    def _file_kpis(self) -> None:
        self.kpi_files: dict[str, list[Kpi]] = {}
        by_department: dict[str, list[Kpi]] = {}
        for kpi in self.kpis:
            by_department.setdefault(kpi.department.id, []).append(kpi)
        for department in self.departments:
            kpis = by_department.get(department.id, [])
            areas = department.kind.areas
            start = number = 0
            while start < len(kpis):
                path = (f"departments/{department.id}/"
                        f"{areas[number % len(areas)]}-{number // len(areas) + 1:02d}.yaml")
                chunk = kpis[start:start + self.rng.randint(*KPIS_PER_FILE)]
                for kpi in chunk:
                    kpi.file = path
                self.kpi_files[path] = chunk
                start += len(chunk)
                number += 1

    def _next_plan_id(self, department: Department) -> str:
        self._plan_seq += 1
        return self._register(f"plan-{department.id}-{self._plan_seq:05d}", None)

    def _plan(self, kpis: list[Kpi], status: str = "", due: date | None = None,
              overdue_milestone: bool = False, extra_address: str | None = None) -> Plan:
        rng = self.rng
        lead = kpis[0]
        department = lead.department
        status = status or ("planned" if rng.random() < 0.15 else "in_progress")
        if status == "planned":
            start, due = date(2026, 10, 5), due or date(2026, 12, 18)
            dues = [date(2026, 11, 13), date(2026, 12, 11)]
        else:
            start, due = date(2026, 1, 15), due or date(2026, 12, 15)
            dues = [date(2026, 3, 31), date(2026, 6, 30), date(2026, 10, 30), date(2026, 12, 11)]
            dues = [d for d in dues if d <= due][: rng.choice((3, 4))]
        titles = rng.sample(MILESTONES, len(dues))
        milestones = [(title, when, when < AS_OF) for title, when in zip(titles, dues)]
        if status == "done":
            milestones = [(title, when, True) for title, when, _ in milestones]
        if overdue_milestone:
            milestones.append(("Supplier contract renegotiated", date(2026, 8, 31), False))
        collaborators = []
        if rng.random() < 0.3:
            others = [d.id for d in self.departments if d is not department]
            collaborators = rng.sample(others, rng.choice((1, 1, 2)))
        verb = "Lift" if lead.template.direction == "increase" else "Bring down"
        addresses = [k.id for k in kpis] + ([extra_address] if extra_address else [])
        return Plan(self._next_plan_id(department),
                    f"{verb} {lead.template.name[0].lower()}{lead.template.name[1:]} in {lead.region}",
                    addresses, lead.owner, department, start, due, status, milestones, collaborators,
                    f"Actions agreed at the {department.title} quarterly review for {lead.line}.")

    def _plans(self) -> None:
        for path, kpis in self.kpi_files.items():
            plans: list[Plan] = []
            eligible = [k for k in kpis if k.role not in UNPLANNED_ROLES]
            position = 0
            while position < len(eligible):
                size = self.rng.randint(8, 14)  # usually one plan per file, sometimes two
                plans.append(self._plan(eligible[position:position + size]))
                position += size
            self.plans_by_file[path] = plans
        self._defect_plans()

    def _tradeoffs(self) -> None:
        def add(a: Kpi, b: Kpi, owners: list[str]) -> Tradeoff:
            goal = self.company_goals[len(self.tradeoffs) % len(self.company_goals)]
            tradeoff = Tradeoff(
                self._register(f"tradeoff-{a.department.id}-{b.department.id}-{len(self.tradeoffs) + 1:04d}", None),
                (a.id, b.id),
                f"{a.department.title} keeps pushing {a.template.name.lower()} while "
                f"{b.template.name.lower()} stays within 5% of plan; the gap is reviewed "
                f"against '{goal.title}' each quarter.",
                owners, goal.id,
                f"Agreed between {a.department.title} and {b.department.title} for {a.region}.")
            self.tradeoffs.append(tradeoff)
            return tradeoff

        for a, b in self.resolved_pairs:
            add(a, b, [a.owner, b.owner])
        a, b = self.owner_pair
        missing = add(a, b, [a.owner])
        self._defect("tradeoff-missing-owner", missing.id)
        a, b = self.stale_pair
        stale = add(a, b, [a.owner, b.owner])
        self._defect("tradeoff-without-conflict", stale.id)
