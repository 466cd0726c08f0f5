"""Generate a realistic kpiframe framework of any size, with a small share of deliberate defects.

    python -m benchmarks.generate --kpis 10000 [--dense] [--seed 1] [--force] OUT

What it writes (7 to 12 KPIs per file, like a real repository):

* ``kpiframe.yaml``: organization, ``as_of: 2026-09-30``, the closed list of departments.
* ``goals/company.yaml`` and ``goals/<department>.yaml``: company goals (N/500 + 4),
  department goals (N/50) and team goals (N/20) in a hierarchy.
* ``departments/<department>/<area>-NN.yaml``: KPIs with baselines, targets, inline actuals and
  influences, followed by the action plans (with milestones) that address them.
* ``drivers/drivers-NNN.yaml``: shared drivers with their influences.
* ``tradeoffs/tradeoffs-NN.yaml``: agreed trade-offs between departments.
* ``benchmark-manifest.json``: counts and the deliberate defects (not a framework file).

Influence links: by default about 3 per KPI, in clusters of ~40 KPIs spanning departments.
Signs are *balanced* (improving any KPI helps every KPI downstream of it), so clusters hold no
conflicts; conflicts come only from deliberate tension pairs (KPI -> dedicated driver -> KPI),
most of them resolved by a Tradeoff. About one cluster in ten carries a feedback loop.
``--dense`` gives 10 links per node in clusters of ~1,000 nodes tangled into large cycles; every
other dense cluster has 1% of its links with the harmful sign, so it is full of conflicts (the
stress case for capping conflict findings per department pair).

The same (kpis, dense, seed) always yields byte-identical files: one random.Random(seed)
drives every choice and nothing iterates over a set.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 2
MANIFEST_NAME = "benchmark-manifest.json"
MIN_KPIS = 50
DEFAULT_SEED = 1

AS_OF = date(2026, 9, 30)
YEAR_START = date(2026, 1, 1)
YEAR_END = date(2026, 12, 31)

KPIS_PER_FILE = (7, 12)  # files hold 7 to 12 KPIs, 9.5 on average
DRIVERS_PER_FILE = 25
TRADEOFFS_PER_FILE = 20
CLUSTER_SIZE = 40
DENSE_CLUSTER_SIZE = 1000
DENSE_LINKS_PER_NODE = 10
DENSE_HARMFUL_SHARE = 0.01
UNKNOWN_DEPARTMENT = "strategy-office"
MAIL_DOMAIN = "northwind.example"

# Top-level entries the generator owns; `--force` removes them when OUT holds a manifest.
GENERATED_ENTRIES = ("kpiframe.yaml", "goals", "departments", "drivers", "tradeoffs", MANIFEST_NAME)


# --------------------------------------------------------------------------------------------
# Catalog: departments and the KPIs they typically own
# --------------------------------------------------------------------------------------------

# department id | title | source system | file areas
#   kpi slug | name | unit | direction | baseline low | baseline high | improvement share
_CATALOG = """
sales | Sales | Salesforce CRM | pipeline, bookings, pricing
  new-arr | New annual recurring revenue | EUR | increase | 400000 | 2500000 | 0.25
  win-rate | Win rate on qualified opportunities | percent | increase | 18 | 32 | 0.2
  pipeline-coverage | Pipeline coverage of next-quarter quota | ratio | increase | 2.0 | 3.2 | 0.2
  sales-cycle | Median sales cycle length | days | decrease | 45 | 110 | 0.15
  average-discount | Average discount on closed deals | percent | decrease | 12 | 24 | 0.2
  deals-closed | New deals closed | count | increase | 40 | 220 | 0.2
marketing | Marketing | HubSpot | demand, brand, digital
  mql-volume | Marketing-qualified leads | count | increase | 800 | 4000 | 0.25
  cost-per-lead | Cost per qualified lead | EUR | decrease | 90 | 260 | 0.15
  web-conversion | Website visit-to-lead conversion | percent | increase | 1.2 | 3.5 | 0.2
  brand-awareness | Aided brand awareness | percent | increase | 18 | 40 | 0.15
  campaign-roi | Campaign return on spend | ratio | increase | 1.8 | 4.0 | 0.15
customer-success | Customer Success | Gainsight | retention, onboarding
  net-revenue-retention | Net revenue retention | percent | increase | 98 | 112 | 0.05
  gross-churn | Gross revenue churn | percent | decrease | 6 | 14 | 0.2
  onboarding-time | Time to first value for new customers | days | decrease | 25 | 60 | 0.2
  health-score | Average customer health score | score | increase | 62 | 78 | 0.08
  nps | Net promoter score | score | increase | 18 | 45 | 0.2
support | Support | Zendesk | tickets, self-service
  first-response | First response time | hours | decrease | 3 | 12 | 0.25
  resolution-time | Median time to resolution | hours | decrease | 18 | 60 | 0.2
  csat | Customer satisfaction (CSAT) | percent | increase | 82 | 91 | 0.04
  backlog | Open ticket backlog | count | decrease | 300 | 1800 | 0.25
  self-service-rate | Self-service resolution rate | percent | increase | 20 | 45 | 0.25
operations | Operations | SAP S/4HANA | delivery, capacity, cost
  operating-cost | Operating cost per order | EUR | decrease | 14 | 38 | 0.1
  on-time-delivery | On-time delivery rate | percent | increase | 84 | 93 | 0.04
  capacity-utilisation | Delivery capacity utilisation | percent | increase | 68 | 82 | 0.06
  order-cycle-time | Order-to-delivery cycle time | days | decrease | 4 | 11 | 0.15
  overtime-hours | Overtime hours | hours | decrease | 1500 | 6000 | 0.2
logistics | Logistics | Transport management system | freight, warehousing
  freight-cost | Freight cost per shipment | EUR | decrease | 38 | 95 | 0.1
  fill-rate | Order fill rate | percent | increase | 90 | 96 | 0.02
  damaged-shipments | Damaged shipments | percent | decrease | 0.8 | 2.4 | 0.25
  warehouse-throughput | Warehouse lines picked per hour | count | increase | 90 | 160 | 0.12
  inventory-turns | Inventory turns | ratio | increase | 5 | 11 | 0.12
manufacturing | Manufacturing | MES | lines, maintenance, cost
  oee | Overall equipment effectiveness | percent | increase | 58 | 74 | 0.08
  scrap-rate | Scrap rate | percent | decrease | 1.5 | 4.5 | 0.2
  unit-cost | Unit production cost | EUR | decrease | 12 | 45 | 0.06
  unplanned-downtime | Unplanned downtime | hours | decrease | 120 | 480 | 0.2
  changeover-time | Average changeover time | minutes | decrease | 35 | 90 | 0.2
procurement | Procurement | Coupa | sourcing, suppliers
  spend-under-contract | Spend under contract | percent | increase | 62 | 82 | 0.1
  negotiated-savings | Negotiated savings | EUR | increase | 300000 | 2000000 | 0.2
  supplier-otd | Supplier on-time delivery | percent | increase | 82 | 92 | 0.04
  po-cycle-time | Purchase order cycle time | days | decrease | 6 | 15 | 0.2
  active-suppliers | Active suppliers | count | decrease | 400 | 1600 | 0.1
quality | Quality | QMS | inspection, audits
  defect-rate | Customer-reported defects per thousand units | ratio | decrease | 1.2 | 4.0 | 0.2
  first-pass-yield | First-pass yield | percent | increase | 88 | 95 | 0.03
  capa-closure | CAPA actions closed on time | percent | increase | 70 | 88 | 0.1
  audit-findings | Open audit findings | count | decrease | 20 | 90 | 0.3
  complaint-rate | Complaints per 10,000 orders | ratio | decrease | 6 | 20 | 0.2
finance | Finance | NetSuite general ledger | margin, cash, planning
  gross-margin | Gross margin | percent | increase | 52 | 66 | 0.04
  dso | Days sales outstanding | days | decrease | 38 | 65 | 0.12
  opex-ratio | Operating expenses as share of revenue | percent | decrease | 32 | 48 | 0.06
  forecast-accuracy | Revenue forecast accuracy | percent | increase | 86 | 94 | 0.03
  close-time | Days to close the books | days | decrease | 6 | 12 | 0.2
  cash-conversion | Cash conversion cycle | days | decrease | 40 | 90 | 0.12
legal | Legal | Contract lifecycle management | contracts, compliance
  contract-turnaround | Contract turnaround time | days | decrease | 6 | 18 | 0.25
  open-disputes | Open disputes | count | decrease | 8 | 40 | 0.25
  outside-counsel-spend | Outside counsel spend | EUR | decrease | 150000 | 900000 | 0.15
  policy-attestation | Policy attestation completion | percent | increase | 78 | 92 | 0.06
people | People | Workday | hiring, engagement, learning
  regretted-attrition | Regretted attrition | percent | decrease | 6 | 14 | 0.2
  time-to-hire | Time to hire | days | decrease | 38 | 70 | 0.15
  engagement | Employee engagement score | score | increase | 64 | 78 | 0.05
  training-hours | Training hours per employee | hours | increase | 12 | 30 | 0.2
  offer-acceptance | Offer acceptance rate | percent | increase | 72 | 88 | 0.06
  people-cost | People cost per employee | EUR | decrease | 60000 | 95000 | 0.03
engineering | Engineering | GitHub and Jira | delivery, reliability
  deploy-frequency | Production deployments per week | count | increase | 8 | 60 | 0.3
  lead-time | Lead time for changes | hours | decrease | 30 | 140 | 0.25
  change-failure-rate | Change failure rate | percent | decrease | 8 | 22 | 0.25
  mttr | Mean time to restore service | hours | decrease | 2 | 9 | 0.25
  availability | Service availability | percent | increase | 99.0 | 99.7 | 0.001
  roadmap-delivery | Roadmap items delivered on time | percent | increase | 55 | 75 | 0.12
product | Product | Amplitude | adoption, discovery
  weekly-active-users | Weekly active users | count | increase | 20000 | 250000 | 0.2
  feature-adoption | Adoption of new features | percent | increase | 12 | 35 | 0.3
  activation-rate | Trial activation rate | percent | increase | 22 | 45 | 0.15
  time-to-market | Idea-to-release time | days | decrease | 60 | 150 | 0.15
  retention-d30 | 30-day user retention | percent | increase | 30 | 55 | 0.1
it | IT | ServiceNow | service-desk, infrastructure
  ticket-sla | IT tickets resolved within SLA | percent | increase | 80 | 92 | 0.04
  cloud-spend | Cloud spend | EUR | decrease | 80000 | 600000 | 0.12
  supported-devices | Devices on a supported OS | percent | increase | 82 | 95 | 0.04
  system-uptime | Internal systems uptime | percent | increase | 98.5 | 99.6 | 0.002
  licence-utilisation | Software licence utilisation | percent | increase | 60 | 80 | 0.1
security | Security | SIEM | vulnerabilities, awareness
  patch-latency | Median time to patch critical vulnerabilities | days | decrease | 9 | 30 | 0.3
  phishing-click-rate | Phishing simulation click rate | percent | decrease | 4 | 14 | 0.3
  mfa-coverage | MFA coverage of accounts | percent | increase | 85 | 96 | 0.03
  open-critical-vulns | Open critical vulnerabilities | count | decrease | 20 | 120 | 0.35
  detection-time | Mean time to detect incidents | hours | decrease | 6 | 30 | 0.25
data | Data | dbt and Snowflake | platform, analytics
  dashboard-freshness | Dashboards refreshed on schedule | percent | increase | 86 | 95 | 0.04
  data-tests-passing | Data quality tests passing | percent | increase | 90 | 97 | 0.02
  self-serve-users | Self-serve analytics users | count | increase | 150 | 900 | 0.3
  query-cost | Warehouse query cost | EUR | decrease | 20000 | 90000 | 0.15
facilities | Facilities | Facilities management system | sites, energy
  energy-use | Energy use per square metre | kWh/m2 | decrease | 110 | 210 | 0.08
  space-utilisation | Office space utilisation | percent | increase | 38 | 62 | 0.15
  work-orders-sla | Work orders closed within SLA | percent | increase | 78 | 90 | 0.05
  facilities-cost | Facilities cost per seat | EUR | decrease | 6000 | 11000 | 0.06
risk | Risk | GRC platform | controls, continuity
  open-high-risks | Open high-rated risks | count | decrease | 10 | 45 | 0.3
  controls-tested | Key controls tested on schedule | percent | increase | 75 | 90 | 0.08
  loss-events | Operational loss events | count | decrease | 12 | 60 | 0.2
  continuity-coverage | Critical processes with tested continuity plans | percent | increase | 55 | 80 | 0.15
communications | Communications | Meltwater | media, internal
  share-of-voice | Share of voice | percent | increase | 12 | 28 | 0.15
  intranet-reach | Intranet weekly reach | percent | increase | 48 | 70 | 0.1
  media-sentiment | Positive media sentiment | percent | increase | 45 | 65 | 0.1
  press-response | Press enquiry response time | hours | decrease | 5 | 24 | 0.3
"""

REGIONS = ("EMEA", "North America", "APAC", "LATAM", "DACH", "Nordics", "UK and Ireland",
           "France", "Benelux", "Iberia", "Japan", "ANZ")
BUSINESS_LINES = ("Retail", "Wholesale", "Online", "Industrial", "Healthcare", "Public sector")
COMPANY_GOALS = (
    "Grow recurring revenue", "Expand gross margin", "Win and keep customers",
    "Deliver reliably", "Build a great place to work", "Operate safely and securely",
    "Scale efficient operations", "Lead in product innovation", "Strengthen cash generation",
    "Reduce our environmental footprint", "Enter new markets", "Raise service quality",
    "Simplify the product portfolio", "Become data driven", "Modernise core systems",
    "Build strategic partnerships", "Protect the brand", "Improve forecast discipline",
    "Shorten time to market", "Develop future leaders", "Strengthen supplier resilience",
    "Grow the partner channel", "Lower cost to serve", "Improve regulatory standing",
)
DRIVER_THEMES = (
    "Delivery workload", "Sales headcount", "Average discount rate", "Inventory level",
    "Support ticket volume", "Release frequency", "Cloud capacity", "Overtime budget",
    "Supplier base size", "Marketing spend", "Training time", "Change freeze days",
    "Order volume", "Price level", "Field service visits", "Contract complexity",
)
FIRST_NAMES = (
    "maria", "jonas", "aisha", "liam", "sofia", "noah", "yuki", "omar", "elena", "lucas",
    "amara", "david", "chloe", "mateo", "ines", "felix", "hannah", "ravi", "clara", "tomas",
    "zoe", "samuel", "leila", "oscar", "mei", "pablo", "nora", "ethan", "freya", "kofi",
)
LAST_NAMES = (
    "keller", "okafor", "lindqvist", "moreau", "tanaka", "rossi", "schmidt", "haddad",
    "novak", "garcia", "fischer", "brennan", "kowalski", "silva", "nakamura", "jensen",
    "dubois", "patel", "costa", "weber", "larsen", "ahmed", "romano", "meyer", "chen",
    "murphy", "lopez", "berg", "ivanova", "adeyemi",
)
MILESTONES = (
    "Baseline and targets agreed with team leads", "Pilot in two regions",
    "Process change rolled out", "Results reviewed with finance", "Tooling updated",
    "Training completed for all team leads", "Roll-out to remaining regions",
    "Dashboard published to leadership",
)
REVIEW_WEIGHTS = (("weekly", 10), ("monthly", 60), ("quarterly", 25), ("yearly", 5))


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    unit: str
    direction: str
    low: float
    high: float
    change: float


@dataclass(frozen=True)
class DepartmentKind:
    id: str
    title: str
    source: str
    areas: tuple[str, ...]
    templates: tuple[Template, ...]


def _parse_catalog(text: str) -> tuple[DepartmentKind, ...]:
    kinds: list[DepartmentKind] = []
    for line in text.strip("\n").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if not line.startswith(" "):
            dept_id, title, source, areas = cells
            kinds.append(DepartmentKind(dept_id, title, source,
                                        tuple(a.strip() for a in areas.split(",")), ()))
            continue
        slug, name, unit, direction, low, high, change = cells
        template = Template(slug, name, unit, direction, float(low), float(high), float(change))
        last = kinds[-1]
        kinds[-1] = DepartmentKind(last.id, last.title, last.source, last.areas,
                                   last.templates + (template,))
    return tuple(kinds)


CATALOG = _parse_catalog(_CATALOG)


# --------------------------------------------------------------------------------------------
# In-memory model of what gets written
# --------------------------------------------------------------------------------------------

@dataclass
class Department:
    id: str
    title: str
    kind: DepartmentKind
    owners: list[str] = field(default_factory=list)


@dataclass
class Goal:
    id: str
    title: str
    level: str
    department: Department | None
    parent: str | None
    owner: str
    description: str


@dataclass
class Kpi:
    index: int
    id: str
    department: Department
    template: Template
    name: str
    owner: str
    review: str
    region: str
    line: str
    role: str = ""
    supports: list[str] = field(default_factory=list)
    baseline: tuple[str, date] | None = None
    target: tuple[str, date] | None = None
    actuals: list[tuple[date, str]] = field(default_factory=list)
    influences: list[tuple[str, str]] = field(default_factory=list)
    file: str = ""

    @property
    def orientation(self) -> int:
        """+1 when higher is better, -1 when lower is better: the sign balanced links follow."""
        return 1 if self.template.direction == "increase" else -1


@dataclass
class Driver:
    id: str
    title: str
    orientation: int
    description: str
    influences: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Plan:
    id: str
    title: str
    addresses: list[str]
    owner: str
    department: Department
    start: date
    due: date
    status: str
    milestones: list[tuple[str, date, bool]]
    collaborators: list[str]
    description: str


@dataclass
class Tradeoff:
    id: str
    between: tuple[str, str]
    resolution: str
    owners: list[str]
    goal: str
    description: str


class Lit(str):
    """Text emitted exactly as given (numbers already formatted)."""


class Flow(dict):
    """A mapping emitted on one line, `{key: value, ...}`."""


# --------------------------------------------------------------------------------------------
# YAML emission: hand-written because yaml.dump is far too slow at 100,000 KPIs
# --------------------------------------------------------------------------------------------

_PLAIN_BLOCK = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()&',;+%@-]*\Z")
_PLAIN_FLOW = re.compile(r"[A-Za-z][A-Za-z0-9._/@-]*\Z")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def quote(text: str, flow: bool = False) -> str:
    """The text as a YAML scalar: plain when that is unambiguous, double-quoted otherwise."""
    pattern = _PLAIN_FLOW if flow else _PLAIN_BLOCK
    if (pattern.match(text) and text.lower() not in _YAML11_WORDS
            and ": " not in text and " #" not in text and not text.endswith(" ")):
        return text
    return json.dumps(text, ensure_ascii=False)


def scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, Lit):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return quote(str(value), flow)


def emit_pairs(pairs: list[tuple[str, Any]], out: list[str], indent: str = "") -> None:
    """Append the lines of a block mapping; pairs may repeat a key (a deliberate defect)."""
    for key, value in pairs:
        if isinstance(value, Flow):
            inner = ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in value.items())
            out.append(f"{indent}{key}: {{{inner}}}")
        elif isinstance(value, dict):
            out.append(f"{indent}{key}:")
            emit_pairs(list(value.items()), out, indent + "  ")
        elif isinstance(value, list):
            emit_list(key, value, out, indent)
        else:
            out.append(f"{indent}{key}: {scalar(value)}")


def emit_list(key: str, items: list[Any], out: list[str], indent: str) -> None:
    if not items:
        out.append(f"{indent}{key}: []")
    elif all(isinstance(item, str) for item in items):
        out.append(f"{indent}{key}: [{', '.join(quote(item, flow=True) for item in items)}]")
    else:
        out.append(f"{indent}{key}:")
        for item in items:
            if isinstance(item, Flow):
                inner = ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in item.items())
                out.append(f"{indent}  - {{{inner}}}")
            else:
                lines: list[str] = []
                emit_pairs(list(item.items()), lines, indent + "    ")
                lines[0] = f"{indent}  - {lines[0].lstrip()}"
                out.extend(lines)


def emit_document(kind: str, pairs: list[tuple[str, Any]], out: list[str]) -> None:
    out.append("---")
    out.append("apiVersion: kpiframe/v1")
    out.append(f"kind: {kind}")
    emit_pairs(pairs, out)


# --------------------------------------------------------------------------------------------
# Numbers and dates
# --------------------------------------------------------------------------------------------

def rounding_step(width: float) -> float:
    """A rounding step ~1/100 of the baseline-to-target width, so rounding never flips a status."""
    return 10.0 ** math.floor(math.log10(abs(width) / 100.0))


def fmt(value: float, step: float) -> Lit:
    if step >= 1:
        return Lit(str(int(round(value / step) * step)))
    decimals = min(4, round(-math.log10(step)))
    return Lit(f"{value:.{decimals}f}")


def month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def elapsed_share(start: date, end: date, when: date) -> float:
    span = (end - start).days
    return min(1.0, max(0.0, (when - start).days / span)) if span > 0 else 1.0


def share(kpis: int, per: int) -> int:
    """How many of one deliberate defect: at least one, then one per `per` KPIs."""
    return max(1, kpis // per)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def typo(identifier: str, taken: dict[str, Any]) -> str:
    """A near miss of an existing id (so did-you-mean has something to suggest)."""
    for position in range(len(identifier) - 2, 0, -1):
        if identifier[position] in "-.":
            continue
        candidate = identifier[:position] + identifier[position + 1:]
        if candidate not in taken:
            return candidate
    return identifier + "-old"


# --------------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------------

# Roles whose KPIs get no ordinary influence links (they carry their own, or none).
_UNLINKED_ROLES = frozenset({
    "tension-a", "tension-b", "conflict-a", "conflict-b", "same-a", "same-b",
    "owner-a", "owner-b", "stale-tradeoff", "unknown-field", "invalid-direction",
    "invalid-quoted", "duplicate-key", "duplicate-copy", "unknown-department",
    "dangling-influence",
})
# Roles whose KPIs get no ordinary action plan. Schema-invalid KPIs are left out too: a checker
# that drops invalid documents would otherwise add a cascading dangling-reference per plan.
_UNPLANNED_ROLES = frozenset({"missing-plan", "uncorrected", "duplicate-copy", "unknown-field",
                              "invalid-direction", "invalid-quoted"})
# Roles whose KPIs do not support an ordinary team goal.
_OWN_SUPPORT_ROLES = frozenset({
    "orphan", "orphan-suppressed", "untraced-cycle", "untraced-dangling", "dangling-support",
})
# Roles whose document is deliberately broken at the schema level (support goals last).
_SCHEMA_DEFECT_ROLES = frozenset({
    "unknown-field", "invalid-direction", "invalid-quoted", "duplicate-key", "duplicate-copy",
    "unknown-department",
})


class FrameworkBuilder:
    """Builds the whole framework in memory, then renders it file by file."""

    def __init__(self, kpis: int, dense: bool, seed: int) -> None:
        if kpis < MIN_KPIS:
            raise ValueError(f"--kpis must be at least {MIN_KPIS} (room for every deliberate defect)")
        self.n = kpis
        self.dense = dense
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

    def _supports(self) -> None:
        """Round-robin over each department's team goals, clean KPIs first so every goal is measured."""
        teams: dict[str, list[Goal]] = {}
        for goal in self.team_goals:
            assert goal.department is not None
            teams.setdefault(goal.department.id, []).append(goal)
        parents = {goal.id: goal for goal in self.department_goals}
        by_department: dict[str, list[Kpi]] = {}
        for kpi in self.kpis:
            if kpi.role not in _OWN_SUPPORT_ROLES:
                by_department.setdefault(kpi.department.id, []).append(kpi)
        for department_id, kpis in by_department.items():
            ordered = ([k for k in kpis if k.role not in _SCHEMA_DEFECT_ROLES]
                       + [k for k in kpis if k.role in _SCHEMA_DEFECT_ROLES])
            goals = teams[department_id]
            for position, kpi in enumerate(ordered):
                team_goal = goals[position % len(goals)]
                kpi.supports = [team_goal.id]
                if self.rng.random() < 0.1 and team_goal.parent:
                    kpi.supports.append(parents[team_goal.parent].id)

    # -- measurements --------------------------------------------------------------------

    def _measurements(self, kpi: Kpi) -> None:
        """Baseline, target and actuals that put the KPI in a chosen progress status at AS_OF."""
        rng, template = self.rng, kpi.template
        if kpi.role == "stale":
            kpi.review = "monthly"  # its last number is from May: four months late for a monthly KPI
        base_date = date(2026, 1, 5) if kpi.review == "weekly" else YEAR_START
        target_date = rng.choice((YEAR_END, YEAR_END, YEAR_END, date(2026, 12, 15), date(2026, 11, 30)))
        if kpi.role == "expired":
            base_date, target_date = date(2025, 7, 1), date(2026, 6, 30)
        elif kpi.role == "after-period":
            target_date = date(2027, 6, 30)
        baseline = rng.uniform(template.low, template.high)
        sign = 1 if template.direction == "increase" else -1
        target = baseline * (1 + sign * template.change)
        step = rounding_step(target - baseline)
        baseline = float(fmt(baseline, step))
        target = float(fmt(target, step))
        if kpi.role == "contradicts":
            target = float(fmt(baseline - (target - baseline), step))

        expected = elapsed_share(base_date, target_date, AS_OF)
        status = self._status_for(kpi.role)
        progress = {
            "achieved": 1.0 + rng.uniform(0.0, 0.12),
            "on-track": min(0.97, expected + rng.uniform(-0.05, 0.12)),
            "at-risk": expected - rng.uniform(0.13, 0.22),
            "off-track": expected - rng.uniform(0.32, 0.5),
        }[status]
        if kpi.role == "contradicts":
            progress = rng.uniform(0.1, 0.3)  # drifting away from the (wrong-way) target

        dates = self._actual_dates(kpi, base_date)
        last_share = elapsed_share(base_date, target_date, dates[-1]) if dates else 1.0
        for position, when in enumerate(dates):
            if position == len(dates) - 1:
                point = progress
            else:
                point = progress * elapsed_share(base_date, target_date, when) / max(last_share, 1e-9)
                point += rng.uniform(-0.02, 0.02)
            kpi.actuals.append((when, fmt(baseline + (target - baseline) * point, step)))
        kpi.baseline = None if kpi.role == "missing-baseline" else (fmt(baseline, step), base_date)
        kpi.target = (fmt(target, step), target_date)

    def _status_for(self, role: str) -> str:
        forced = {"uncorrected": "off-track", "missing-plan": "on-track", "stale": "on-track",
                  "expired": "achieved"}
        if role in forced:
            return forced[role]
        draw = self.rng.random()
        if draw < 0.10:
            return "achieved"
        if draw < 0.78:
            return "on-track"
        if draw < 0.95:
            return "at-risk"
        return "off-track"

    def _actual_dates(self, kpi: Kpi, base_date: date) -> list[date]:
        if kpi.role == "stale":
            return [month_end(2026, m) for m in range(1, 6)]  # nothing since May
        if kpi.review == "weekly":
            last_monday = AS_OF - timedelta(days=AS_OF.weekday())
            return [last_monday - timedelta(weeks=w) for w in range(6, -1, -1)]
        if kpi.review == "monthly":
            return [month_end(2026, m) for m in range(2, 9)]
        if kpi.review == "quarterly":
            return [date(2026, 3, 31), date(2026, 6, 30)]
        return [date(2026, 6, 30)] if base_date < date(2026, 6, 30) else []

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
        linked = [k for k in self.kpis if k.role not in _UNLINKED_ROLES]
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
            eligible = [k for k in kpis if k.role not in _UNPLANNED_ROLES]
            position = 0
            while position < len(eligible):
                size = self.rng.randint(8, 14)  # usually one plan per file, sometimes two
                plans.append(self._plan(eligible[position:position + size]))
                position += size
            self.plans_by_file[path] = plans
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

    # -- rendering -----------------------------------------------------------------------

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

    def _apply_kpi_defect(self, kpi: Kpi, pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        role = kpi.role
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


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------

def build(kpis: int, dense: bool = False, seed: int = DEFAULT_SEED) -> tuple[dict[str, str], dict[str, Any]]:
    """The framework as {relative path: text} plus its manifest, without touching the disk."""
    builder = FrameworkBuilder(kpis, dense, seed)
    builder.build()
    texts, kinds = builder.render()
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "kpis": kpis,
        "dense": dense,
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "files": len(texts),
        "documents": sum(kinds.values()),
        "bytes": sum(len(text.encode("utf-8")) for text in texts.values()),
        "documents_by_kind": kinds,
        "departments": len(builder.departments),
        "influence_links": builder.influence_links(),
        "harmful_links_in_dense_clusters": builder.harmful_links,
        "duplicate_id": builder.duplicate_id,
        "defects": builder.defects,
        "suppressed": builder.suppressed,
    }
    return texts, manifest


def prepare_output(out: Path, force: bool) -> None:
    """Refuse a non-empty OUT unless forced; when forced, clear a previous generation's files."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a directory")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty (use --force to write into it)")
        if (out / MANIFEST_NAME).exists():
            for name in GENERATED_ENTRIES:
                entry = out / name
                if entry.is_dir():
                    shutil.rmtree(entry)
                elif entry.exists():
                    entry.unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(out: Path, kpis: int, dense: bool = False, seed: int = DEFAULT_SEED,
             force: bool = False) -> dict[str, Any]:
    """Write the framework into `out` and return its manifest (also written as JSON)."""
    prepare_output(out, force)
    texts, manifest = build(kpis, dense, seed)
    made: set[Path] = set()
    for relative in sorted(texts):
        path = out / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(texts[relative], encoding="utf-8")
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="directory to write (must be empty unless --force)")
    parser.add_argument("--kpis", type=int, required=True, help=f"number of KPI documents (>= {MIN_KPIS})")
    parser.add_argument("--dense", action="store_true", help="10 links per node, tangled into large cycles")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty directory")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        manifest = generate(args.out, args.kpis, args.dense, args.seed, args.force)
    except (FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in manifest["documents_by_kind"].items())
    print(f"wrote {manifest['files']:,} files, {manifest['documents']:,} documents "
          f"({manifest['bytes'] / 1e6:.1f} MB; {kinds}), {manifest['influence_links']:,} influence links, "
          f"in {elapsed:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
