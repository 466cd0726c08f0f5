"""The framework `kpiframe init` writes: small, commented, and clean under `kpiframe check`.

Kept as Python strings rather than package data, so that it ships in every kind of install
without packaging configuration. ``$year`` is the year the framework is for (the current
year when a person runs `kpiframe init`); ``as_of`` is mid-year, so that the numbers show
real progress: at ``as_of`` both KPIs are on track, every target has an active plan due
later, and the one cross-department conflict (winning customers grows the onboarding backlog,
which makes go-lives slip) is settled by a trade-off both KPI owners signed.
"""

from __future__ import annotations

from datetime import date
from string import Template

AS_OF_MONTH, AS_OF_DAY = 6, 30

CONFIG = """\
# kpiframe configuration. This folder is a performance framework: every *.yaml
# file under it is read, and `kpiframe check` checks them all together.
organization: Example Co

# The date the numbers describe. Progress and staleness are judged at this date;
# move it forward when you add actuals (or pass --today / set KPIFRAME_TODAY).
as_of: $year-06-30

# The closed list of departments: any other department id is an error.
departments: [sales, operations]

# More settings, shown with their defaults (see the README):
# tolerances: {on_track: 10, at_risk: 25}   # percentage points behind expected progress
# actuals: ["data/*.csv"]                    # CSV files with columns kpi,date,value
# exclude: ["drafts/**"]                     # files kpiframe should not read
# rules: {unmeasured-goal: error}            # change a rule's severity, or switch it off
"""

GOALS = """\
# Goals. Every KPI must trace up to a company goal: a KPI `supports` a goal, and a
# department or team goal names its `parent`.
kind: Goal
id: grow-revenue
title: Grow recurring revenue 30% this year
level: company
owner: Alex Morgan
period: {start: $year-01-01, end: $year-12-31}
---
kind: Goal
id: win-new-customers
title: Win 40 new customers
level: department
parent: grow-revenue           # leads up to the company goal
department: sales
owner: Sam Rivera
period: {start: $year-01-01, end: $year-12-31}
"""

KPIS = """\
# KPIs: what is measured, which way is better, where it started, where it must get
# to and by when, and the numbers so far. A KPI with a target needs an action plan.
kind: KPI
id: new-customers-won
name: New customers won this year
department: sales
owner: Sam Rivera
supports: [win-new-customers]
unit: customers
direction: increase            # more is better
baseline: {value: 0, date: $year-01-01}
target: {value: 40, date: $year-12-31}
review: monthly                # a new number is due every month
source: CRM closed-won report
actuals:
  - {date: $year-04-30, value: 13}
  - {date: $year-05-31, value: 17}
  - {date: $year-06-30, value: 21}
influences:
  # Every customer won adds onboarding work (see drivers.yaml).
  - {target: onboarding-backlog, effect: increase}
---
kind: KPI
id: on-time-go-lives
name: Customers live on the promised date
department: operations
owner: Jordan Lee
supports: [grow-revenue]
unit: "%"
direction: increase
baseline: {value: 80, date: $year-01-01}
target: {value: 90, date: $year-12-31}
review: monthly
source: Onboarding tracker
actuals:
  - {date: $year-05-31, value: 84}
  - {date: $year-06-30, value: 85}
"""

DRIVERS = """\
# Drivers: shared quantities that several departments push on. Through this one,
# sales winning more customers makes operations' go-lives slip: a conflict between
# departments, which kpiframe reports unless a trade-off settles it (tradeoffs.yaml).
kind: Driver
id: onboarding-backlog
title: Onboarding backlog (hours of implementation work waiting)
influences:
  - {target: on-time-go-lives, effect: decrease}   # a longer backlog, fewer on-time go-lives
"""

PLANS = """\
# Action plans: what will be done to move the KPIs, by whom and by when. A target
# without an active plan is an error; a plan past its due date is a warning.
kind: ActionPlan
id: grow-without-slipping
title: Win customers we can onboard on time
addresses: [new-customers-won, on-time-go-lives]
owner: Jordan Lee
department: operations
collaborators: [sales]
start: $year-04-01
due: $year-11-30
status: in_progress            # planned | in_progress | done | blocked | cancelled
milestones:
  - {title: Two onboarding consultants hired, due: $year-05-31, done: true}
  - {title: Capacity calendar shared with sales, due: $year-08-31, done: false}
"""

TRADEOFFS = """\
# Trade-offs: how two departments agreed to handle KPIs that pull against each
# other. Signed by the owners of both KPIs.
kind: Tradeoff
id: new-customers-vs-go-lives
between: [new-customers-won, on-time-go-lives]
owners: [Sam Rivera, Jordan Lee]
goal: grow-revenue             # the company goal that arbitrates
review: quarterly
resolution: >
  Sales promises go-live dates only from the onboarding capacity calendar. When
  the backlog passes 600 hours, operations brings in a partner rather than
  asking sales to slow down.
"""

# File name -> (template, what it holds), in the order they are written and listed.
TEMPLATES: dict[str, tuple[str, str]] = {
    "kpiframe.yaml": (CONFIG, "the configuration: organization, as_of, departments"),
    "goals.yaml": (GOALS, "a company goal, and a sales goal under it"),
    "kpis.yaml": (KPIS, "two KPIs, in sales and operations, with targets and actuals"),
    "drivers.yaml": (DRIVERS, "the onboarding backlog, through which the two KPIs conflict"),
    "plans.yaml": (PLANS, "the action plan behind both targets"),
    "tradeoffs.yaml": (TRADEOFFS, "the agreement that settles the conflict"),
}


def init_files(year: int) -> dict[str, str]:
    """File name -> text of the framework for ``year``."""
    return {name: Template(text).substitute(year=f"{year:04d}") for name, (text, _) in TEMPLATES.items()}


def init_as_of(year: int) -> date:
    """The `as_of` the framework for ``year`` is written with."""
    return date(year, AS_OF_MONTH, AS_OF_DAY)
