"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Valid against the official OASIS schema. One run. ``tool.driver.rules`` describes every rule
(whether it ran or not) with its summary, rationale, the `kpiframe explain` text as help and a
``helpUri`` to the README's rule section; results point at the rule by id and index.

``automationDetails.id`` is ``kpiframe/<framework folder>/``: GitHub code scanning keeps one
set of results per category (the id up to its last ``/``), so two frameworks checked in one
repository, or kpiframe next to another tool, do not replace each other's results.

Locations: ``uri`` is the file's path relative to the root of the git repository holding the
framework (else the working directory; see ``render/locations.py``), with ``uriBaseId:
%SRCROOT%`` defined in ``originalUriBaseIds`` as that folder. GitHub code scanning ignores base
ids and resolves relative paths against the repository root; other viewers resolve through
``originalUriBaseIds``. A file outside that folder gets an absolute ``file:`` URI. Regions are
omitted for findings about a whole file (line 0).

Suppressed findings are listed too, with a ``suppressions`` entry (``inSource`` for a
document's `ignore:`, ``external`` for the config's `per-file-ignores`): SARIF viewers show
them as suppressed instead of losing them.
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from kpiframe import __version__
from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.render.locations import FilePaths, fingerprints, full_message
from kpiframe.render.rules_doc import explain_text
from kpiframe.rules.registry import Rule, all_rules

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FALLBACK_INFORMATION_URI = "https://pypi.org/project/kpiframe/"
FINGERPRINT_KEY = "kpiframe/v1"
RULES_ANCHOR = "#rules"  # the README's rule section, on the project's home page


def render_sarif(result: CheckResult, cwd: Path | None = None) -> str:
    paths = FilePaths.for_ci(result.root, cwd)
    base = Path(os.path.realpath(paths.base))
    rules = all_rules()
    index = {r.slug: i for i, r in enumerate(rules)}
    findings = result.findings + result.suppressed
    ids = fingerprints(findings, result, base)
    home = information_uri()
    run = {
        "tool": {"driver": {
            "name": "kpiframe",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": home,
            "rules": [reporting_descriptor(r, home + RULES_ANCHOR) for r in rules],
        }},
        "automationDetails": {"id": automation_id(result.root, base)},
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": base.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [sarif_result(f, index, paths(f.file), fid) for f, fid in zip(findings, ids)],
        "properties": {"today": result.today.isoformat()},
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def information_uri() -> str:
    """The project's home page from the installed package's metadata, else its PyPI page."""
    try:
        urls = metadata.metadata("kpiframe").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation", "source", "repository") and url.strip():
            return url.strip()
    return FALLBACK_INFORMATION_URI


def automation_id(root: Path, base: Path) -> str:
    """``kpiframe/<framework folder relative to base>/``; ``kpiframe/`` for a framework at ``base``."""
    rel = FilePaths(root, base)(".")
    return "kpiframe/" if rel == "." else f"kpiframe/{rel.lstrip('/')}/"


def reporting_descriptor(r: Rule, help_uri: str) -> dict:
    return {
        "id": r.code,
        "name": r.slug,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.rationale},
        "help": {"text": explain_text(r), "markdown": help_markdown(r)},
        "helpUri": help_uri,
        "defaultConfiguration": {"level": LEVELS[r.severity]},
        "properties": {"tags": [r.family]},
    }


def help_markdown(r: Rule) -> str:
    parts = [f"**{r.code} {r.slug}**: {r.summary}", "", r.rationale, "", f"**How to fix:** {r.fix}"]
    if r.config:
        parts += ["", "With this `kpiframe.yaml`:", "", "```yaml", r.config.rstrip("\n"), "```"]
    parts += ["", "Fails:", "", "```yaml", r.failing.rstrip("\n"), "```",
              "", "Passes:", "", "```yaml", r.passing.rstrip("\n"), "```"]
    return "\n".join(parts) + "\n"


def artifact_location(path: str) -> dict:
    """A path under the base is relative to %SRCROOT%; one outside it is an absolute file URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": SOURCE_ROOT}


def sarif_result(f: Finding, index: dict[str, int], path: str, fingerprint: str) -> dict:
    entry: dict = {
        "ruleId": f.code,
        "ruleIndex": index[f.rule],
        "level": LEVELS[f.severity],
        "message": {"text": full_message(f)},
    }
    if path:
        physical: dict = {"artifactLocation": artifact_location(path)}
        if f.line > 0:
            physical["region"] = {"startLine": f.line, **({"startColumn": f.column} if f.column > 0 else {})}
        entry["locations"] = [{"physicalLocation": physical}]
    entry["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    if f.suppressed_by is not None:
        kind = "external" if f.suppressed_by.startswith("per-file-ignores") else "inSource"
        entry["suppressions"] = [{"kind": kind, "justification": f.suppressed_by}]
    if f.related:
        entry["properties"] = {"subject": f.subject, "related": list(f.related)}
    elif f.subject:
        entry["properties"] = {"subject": f.subject}
    return entry
