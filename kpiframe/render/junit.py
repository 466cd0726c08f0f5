"""`--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

Valid against the schema Jenkins' xUnit plugin applies (junit-10.xsd): no ``file`` or ``line``
on a test case and no ``skipped`` on ``<testsuites>``, which that schema refuses.

One ``<testsuite name="kpiframe">`` with one test case per finding:

- a finding at or above ``--fail-on`` (default: error) is a ``<failure>``, so the report shows
  failed tests exactly when the check's exit code is 1;
- one below it passes, with its text in ``<system-out>`` (still listed, never a red test in a
  build that exits 0);
- a suppressed finding is ``<skipped>``, with what suppressed it.

Test cases are grouped by file (``classname``) and named by rule and subject (the document's
id), never by line, so that a CI system's test history follows a finding when lines move;
file, line and column go into the message. Findings that share a name in one file get
``(2)``, ``(3)``, ... in file order. With no finding the suite holds one passing test case,
so that the report shows a green check rather than an empty suite.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from kpiframe.check import CheckResult
from kpiframe.findings import Finding
from kpiframe.render.locations import FilePaths, full_message

SUITE = "kpiframe"
# XML 1.0 cannot hold most control characters, even escaped; a message quoting one must not
# make the whole report unreadable.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render_junit(result: CheckResult, cwd: Path | None = None, fail_on: str = "error") -> str:
    paths = FilePaths.for_ci(result.root, cwd)
    failures = sum(1 for f in result.findings if f.severity.fails(fail_on))
    tests = max(len(result.findings), 1) + len(result.suppressed)
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts, "skipped": str(len(result.suppressed))})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "today", "value": result.today.isoformat()})
    ET.SubElement(properties, "property", {"name": "fail-on", "value": fail_on})
    ET.SubElement(properties, "property", {"name": "suppressed", "value": str(len(result.suppressed))})
    names: dict[tuple[str, str], int] = {}
    for finding in result.findings + result.suppressed:
        path = paths(finding.file)
        case = _case(suite, finding, path, names)
        where = _where(finding, path)
        body = xml_text(f"{where}: {finding.severity.value}: {full_message(finding)}")
        if finding.suppressed_by is not None:
            skipped = ET.SubElement(case, "skipped", {"message": xml_text(f"suppressed by {finding.suppressed_by}")})
            skipped.text = body
        elif finding.severity.fails(fail_on):
            failure = ET.SubElement(case, "failure", {
                "message": xml_text(f"{where}: {finding.message}"), "type": f"{finding.code} {finding.severity.value}"})
            failure.text = body
        else:
            ET.SubElement(case, "system-out").text = body
    if not result.findings:
        ET.SubElement(suite, "testcase", {"classname": SUITE, "name": "kpiframe check: no findings"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(suite: ET.Element, finding: Finding, path: str, names: dict[tuple[str, str], int]) -> ET.Element:
    classname = path or SUITE
    name = f"{finding.code} {finding.rule}" + (f": {finding.subject}" if finding.subject else "")
    seen = names[classname, name] = names.get((classname, name), 0) + 1
    if seen > 1:
        name += f" ({seen})"
    return ET.SubElement(suite, "testcase", {"classname": xml_text(classname), "name": xml_text(name)})


def _where(finding: Finding, path: str) -> str:
    place = path or "(framework)"
    if finding.line:
        return f"{place}:{finding.line}:{finding.column}" if finding.column else f"{place}:{finding.line}"
    return place
