"""Run the rules and settle their findings: severity, selection, suppressions, order."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kpiframe.findings import Finding, Severity
from kpiframe.load.document import RawDocument
from kpiframe.model import Config, Framework
from kpiframe.rules.context import Problem, RuleContext
from kpiframe.rules.registry import Rule, all_rules, did_you_mean_rule, find_rule, rules_matching
from kpiframe.stage import Stage


@dataclass
class RuleSelection:
    """Which rules run, at which severity: defaults, then kpiframe.yaml, then --select/--ignore."""

    severities: dict[str, Severity]  # slug -> severity, for the rules that are on
    per_file_ignores: list[tuple[str, set[str]]] = field(default_factory=list)
    config_findings: list[Finding] = field(default_factory=list)

    @classmethod
    def build(cls, config: Config, select: Iterable[str] = (), ignore: Iterable[str] = (),
              config_raw: RawDocument | None = None) -> RuleSelection:
        findings: list[Finding] = []
        severities = {r.slug: r.severity for r in all_rules()}
        for name, level in config.rules.items():
            matched = rules_matching(name)
            if not matched:
                findings.append(_unknown_rule(config_raw, ("rules", name), name))
            for r in matched:
                if level == "off":
                    severities.pop(r.slug, None)
                else:
                    severities[r.slug] = Severity(level)
        chosen = [s for s in select if s]
        if chosen:
            wanted = {r.slug for name in chosen for r in rules_matching(name)}
            severities = {slug: sev for slug, sev in severities.items() if slug in wanted}
        for name in ignore:
            for r in rules_matching(name):
                severities.pop(r.slug, None)
        ignores = []
        for pattern, names in config.per_file_ignores.items():
            slugs: set[str] = set()
            for i, name in enumerate(names):
                matched = rules_matching(name)
                if not matched:
                    findings.append(_unknown_rule(config_raw, ("per-file-ignores", pattern, i), name))
                slugs.update(r.slug for r in matched)
            ignores.append((pattern, slugs))
        return cls(severities=severities, per_file_ignores=ignores, config_findings=findings)


def unknown_selectors(names: Iterable[str]) -> list[str]:
    """Names given to --select/--ignore that match no rule (a usage error for the CLI)."""
    return [n for n in names if n and not rules_matching(n)]


def unknown_selectors_message(names: Iterable[str]) -> str:
    """What the CLI says about names that match no rule, with the rule each probably meant."""
    shown = []
    for name in names:
        close = did_you_mean_rule(name)
        shown.append(f"{name!r} (did you mean {close!r}?)" if close else repr(name))
    return f"no rule matches {', '.join(shown)}; `kpiframe rules` lists them"


def unknown_rule_message(name: str) -> str:
    """What `kpiframe explain` says about a name that is no rule."""
    close = did_you_mean_rule(name)
    return f"no rule {name!r}; " + (f"did you mean {close!r}?" if close else "`kpiframe rules` lists them")


def run_rules(context: RuleContext, selection: RuleSelection, stage: Stage | None = None) -> list[Finding]:
    """Run every selected rule, in one process; ``stage`` records which rule runs, for the
    internal-error message. (Rules share their expensive answers through the analysis, so one
    process computes each once; README: Performance says why they are not forked.)"""
    stage = Stage() if stage is None else stage
    findings: list[Finding] = []
    for r in all_rules():
        if r.check is not None and r.slug in selection.severities:
            stage.enter(f"running rule {r.code} {r.slug}")
            severity = selection.severities[r.slug]
            findings += [to_finding(r, p, severity) for p in r.check(context)]
    return findings


def to_finding(r: Rule, p: Problem, severity: Severity | None = None) -> Finding:
    """A rule's problem as a finding, with the rule's code and ``severity`` (its default when
    None): made whole here, so that settling does not copy each of them again."""
    severity = r.severity if severity is None else severity
    if p.document is not None:
        raw = p.document.origin
        line, column = raw.position(p.path, key=p.key)
        return Finding(rule=r.slug, message=p.message, file=raw.file, line=line, column=column,
                       subject=p.document.id, related=p.related, hint=p.hint, code=r.code, severity=severity,
                       fix=p.fix)
    return Finding(rule=r.slug, message=p.message, file=p.file or "", line=p.line, column=p.column,
                   subject=p.subject, related=p.related, hint=p.hint, code=r.code, severity=severity, fix=p.fix)


def settle_findings(findings: list[Finding], framework: Framework,
                    selection: RuleSelection) -> tuple[list[Finding], list[Finding]]:
    """Give findings their code and configured severity, then split off what is suppressed."""
    rules = {r.slug: r for r in all_rules()}
    placed = []
    for f in findings:
        severity = selection.severities.get(f.rule)
        if severity is None:
            continue
        code = rules[f.rule].code
        # Rules' findings arrive whole (to_finding); the loader's still need their code.
        placed.append(f if f.code == code and f.severity is severity else replace(f, code=code, severity=severity))
    active: list[Finding] = []
    suppressed: list[Finding] = []
    used: set[tuple[str, int]] = set()
    suppressions = _suppressions(framework)
    for f in placed:
        reason = _per_file_ignore(f, selection) or _suppression(f, suppressions, used)
        (suppressed if reason else active).append(replace(f, suppressed_by=reason) if reason else f)
    if "unused-suppression" in selection.severities:
        active += _unused_suppressions(suppressions, used, selection, rules)
    active.sort(key=Finding.sort_key)
    suppressed.sort(key=Finding.sort_key)
    return active, suppressed


def _suppressions(framework: Framework) -> dict[tuple[str, str], list[tuple[int, object, object]]]:
    table: dict[tuple[str, str], list] = {}
    for document in framework.documents:
        for index, entry in enumerate(document.ignore):
            table.setdefault((document.origin.file, document.id), []).append((index, entry, document))
    return table


def _suppression(f: Finding, suppressions: dict, used: set) -> str | None:
    for index, entry, document in suppressions.get((f.file, f.subject), ()):
        target = find_rule(entry.rule)
        if target is not None and target.slug == f.rule and f.rule != "unused-suppression":
            used.add((id(document), index))
            return f"ignore: {entry.reason}"
    return None


def _per_file_ignore(f: Finding, selection: RuleSelection) -> str | None:
    for pattern, slugs in selection.per_file_ignores:
        if f.rule in slugs and fnmatch.fnmatchcase(f.file, pattern):
            return f"per-file-ignores: {pattern}"
    return None


def _unused_suppressions(suppressions: dict, used: set, selection: RuleSelection, rules: dict) -> list[Finding]:
    findings = []
    severity = selection.severities["unused-suppression"]
    for entries in suppressions.values():
        for index, entry, document in entries:
            if (id(document), index) in used:
                continue
            target = find_rule(entry.rule)
            if target is not None and target.slug not in selection.severities:
                continue  # the rule is switched off or not selected: nothing to match, nothing stale
            raw = document.origin
            line, column = raw.position(("ignore", index, "rule"))
            why = "matches no finding" if target else "names no rule"
            findings.append(Finding(
                rule="unused-suppression", code=rules["unused-suppression"].code, severity=severity,
                message=f"{document.label}: suppression of '{entry.rule}' {why}", file=raw.file, line=line,
                column=column, subject=document.id,
                hint="remove this `ignore:` entry" if target else _did_you_mean_rule(entry.rule)))
    return findings


def _unknown_rule(raw: RawDocument | None, path: tuple, name: str) -> Finding:
    line, column = raw.position(path, key=True) if raw else (0, 0)
    return Finding(rule="invalid-value", file=raw.file if raw else "", line=line, column=column,
                   message=f"configuration: '{name}' is not a rule code, slug or code prefix",
                   hint=_did_you_mean_rule(name))


def _did_you_mean_rule(name: str) -> str:
    close = did_you_mean_rule(name)
    return f"did you mean '{close}'?" if close else "`kpiframe rules` lists every rule"
