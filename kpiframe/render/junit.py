"""`--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One ``<testsuite name="kpiframe">`` with one test case per finding: errors and warnings are
failures, info findings pass (their message is kept in ``<system-out>``). With no finding the
suite holds one passing test case, so that the report shows a green check rather than an
empty suite. Test cases are grouped by file (``classname``), named by rule and position.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding, Severity
from kpiframe.render.locations import full_message, path_from

SUITE = "kpiframe"
# XML 1.0 cannot hold most control characters, even escaped; a message quoting one must not
# make the whole report unreadable.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(result: CheckResult, cwd: Path | None = None) -> str:
    base = cwd if cwd is not None else Path.cwd()
    failing = [f for f in result.findings if f.severity is not Severity.INFO]
    tests = max(len(result.findings), 1)
    counts = {"tests": str(tests), "failures": str(len(failing)), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "today", "value": result.today.isoformat()})
    ET.SubElement(properties, "property", {"name": "suppressed", "value": str(len(result.suppressed))})
    for finding in result.findings:
        _add_case(suite, finding, path_from(base, result, finding))
    if not result.findings:
        ET.SubElement(suite, "testcase", {"classname": SUITE, "name": "kpiframe check: no findings"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _add_case(suite: ET.Element, finding: Finding, path: str) -> None:
    where = f"{path or '(framework)'}:{finding.line}:{finding.column}" if finding.line else (path or "(framework)")
    case = ET.SubElement(suite, "testcase", {
        "classname": xml_text(path or SUITE),
        "name": xml_text(f"{finding.code} {finding.rule} at {where}"),
    })
    if path:
        case.set("file", xml_text(path))
        if finding.line:
            case.set("line", str(finding.line))
    body = xml_text(f"{where}: {finding.severity.value}: {full_message(finding)}")
    if finding.severity is Severity.INFO:
        ET.SubElement(case, "system-out").text = body
        return
    failure = ET.SubElement(case, "failure", {
        "message": xml_text(finding.message), "type": f"{finding.code} {finding.severity.value}"})
    failure.text = body
