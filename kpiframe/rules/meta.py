"""KF9 meta: rules about kpiframe's own annotations in the framework."""

from kpiframe.rules.declare import declare

UNUSED_SUPPRESSION = declare(
    code="KF901", slug="unused-suppression", severity="warning",
    summary="An `ignore:` entry that no longer suppresses any finding.",
    rationale="""
        A suppression accepts a known finding on purpose, with a reason. Once the finding is gone
        the suppression only hides the next, different problem of the same rule; reporting it keeps
        suppressions from rotting.
    """,
    fix="Remove the `ignore:` entry.",
    failing="""
        kind: Driver
        id: headcount
        title: Headcount
        ignore:
          - rule: orphan-kpi
            reason: drivers support no goal anyway
    """,
    passing="""
        kind: Driver
        id: headcount
        title: Headcount
    """,
)
