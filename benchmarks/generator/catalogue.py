"""Catalogue: departments and the KPIs they typically own, regions, lines, names, goals, themes."""

from __future__ import annotations

from dataclasses import dataclass

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
