"""KF0 schema: rules whose findings come from reading and validating files.

The loader (``kpiframe.load``) and the validator (``kpiframe.model.validate``) produce these
findings; this module gives each a code, a severity and its documentation.
"""

from kpiframe.rules.declare import declare
from kpiframe.rules.snippets import NEW_ARR_KPI

YAML_SYNTAX = declare(
    code="KF001", slug="yaml-syntax", severity="error",
    summary="The file is not valid YAML, or uses a YAML feature kpiframe refuses (tags, recursive aliases).",
    rationale="""
        A file that does not parse says nothing, and everything in it is missing from the checks.
        kpiframe reports where the parser stopped; documents before that point are still read.
        YAML tags such as !!python/object are refused: a framework is data, never code.
    """,
    fix="Fix the YAML at the reported line: indentation uses spaces, quotes are balanced, lists and mappings are not mixed.",
    failing="""
        kind: KPI
        id: new-arr
        name: "New ARR
    """,
    passing="""
        kind: KPI
        id: new-arr
        name: "New ARR"
        department: sales
        owner: Dana Kim
        unit: USD
        direction: increase
    """,
)

DUPLICATE_KEY = declare(
    code="KF002", slug="duplicate-key", severity="error",
    summary="A key appears twice in the same mapping.",
    rationale="""
        YAML parsers usually keep the last of two equal keys and drop the first without a word,
        so a copy-paste slip silently changes a target. kpiframe keeps the first and reports the second.
    """,
    fix="Remove one of the two keys, or rename the one that was meant to be another field.",
    failing=NEW_ARR_KPI + "    direction: decrease\n",
    passing=NEW_ARR_KPI,
)

UNKNOWN_KIND = declare(
    code="KF003", slug="unknown-kind", severity="error",
    summary="A document's `kind` is missing or is not Goal, KPI, Driver, ActionPlan or Tradeoff.",
    rationale="""
        The kind decides which fields a document has and which checks apply; without a known kind
        the document cannot be read at all. Kinds are case-sensitive, like Kubernetes kinds.
    """,
    fix="Set `kind:` to one of Goal, KPI, Driver, ActionPlan, Tradeoff (the hint suggests the closest).",
    failing="""
        kind: Kpi
        id: new-arr
    """,
    passing="""
        kind: Driver
        id: delivery-workload
        title: Delivery workload
    """,
)

UNKNOWN_FIELD = declare(
    code="KF004", slug="unknown-field", severity="error",
    summary="A field that the document's kind does not have (often a typo).",
    rationale="""
        A misspelt field is silently ignored by most tools: `tagret:` would leave a KPI without a
        target and nobody would notice. kpiframe refuses unknown fields and suggests the closest known one.
    """,
    fix="Rename the field as suggested, or remove it. Free text belongs in `description`.",
    failing="""
        kind: Driver
        id: delivery-workload
        title: Delivery workload
        owner: Ops
    """,
    passing="""
        kind: Driver
        id: delivery-workload
        title: Delivery workload
        description: Owned by operations.
    """,
)

INVALID_VALUE = declare(
    code="KF005", slug="invalid-value", severity="error",
    summary="A field has a value of the wrong type or form, or a required field is missing.",
    rationale="""
        Numbers must be numbers, dates real ISO dates, and enumerations one of their values. A quoted
        "12%" in a target, or `direction: up`, is reported rather than guessed, because a guess that
        is wrong moves a KPI's status without anyone deciding it.
    """,
    fix="Write the value in the form the message asks for; the hint gives an example.",
    failing=NEW_ARR_KPI.replace("increase", "up"),
    passing=NEW_ARR_KPI,
)

UNREADABLE_FILE = declare(
    code="KF009", slug="unreadable-file", severity="error",
    summary="A file cannot be read: permissions, an encoding other than UTF-8, or a link out of the framework.",
    rationale="""
        A file kpiframe cannot read would otherwise be missing from every check without a trace.
        Symbolic links to files outside the framework folder are not followed, so that a check
        reads only what it was pointed at.
    """,
    fix="Save the file as UTF-8, make it readable, or move the linked file into the framework.",
    failing="""
        # (a file saved as UTF-16)
    """,
    passing="""
        kind: Driver
        id: headcount
        title: Headcount
    """,
)

LINKED_FILE = declare(
    code="KF019", slug="linked-file", severity="info",
    summary="A path that reaches a file or folder already read (a symlink inside the framework, a hard link): "
            "read once, at its real place.",
    rationale="""
        A link is a way to show one file in two places, not two files. Reading it twice would
        report every id in it as a duplicate of itself. kpiframe reads the file once, where it
        really is (the path that is not a link), and notes the link so that nothing is decided
        silently. Folder links are never walked, which also keeps link loops from hanging a check.
    """,
    fix="Nothing to do; remove the link if it is not needed. Findings about the documents name the real file.",
    failing="""
        # (kpis.yaml, a symlink to real/kpis.yaml)
    """,
    passing="""
        kind: Driver
        id: headcount
        title: Headcount
    """,
)

LIMIT_EXCEEDED = declare(
    code="KF010", slug="limit-exceeded", severity="error",
    summary="A file passes one of the documented limits (size, nesting depth, aliases, values per file).",
    rationale="""
        The limits keep a check fast and its memory bounded whatever a file holds, including a
        hostile one (a "billion laughs" alias bomb). A normal framework never comes near them.
    """,
    fix="Split the file or document, or raise the limit under `limits:` in kpiframe.yaml if the size is real.",
    failing="kind: Driver\nid: deep\ntitle: " + "[" * 70 + "]" * 70 + "\n",
    passing="""
        kind: Driver
        id: shallow
        title: Shallow
    """,
)
