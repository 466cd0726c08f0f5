"""Run the rules and settle their findings: severity, selection, suppressions, order."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kpiframe.analysis import SummaryFacts
from kpiframe.findings import Finding, Severity
from kpiframe.forking import WorkerError, fork_work
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


def run_rules(context: RuleContext, selection: RuleSelection, stage: Stage | None = None, *,
              share: bool = False) -> tuple[list[Finding], SummaryFacts]:
    """Run every selected rule: the findings, in rule order, and the summary facts of the
    answers the rules computed (:meth:`~kpiframe.analysis.Analysis.summary_facts`). ``stage``
    records which rule runs, for the internal-error message.

    ``share``: run the last families (see :func:`helper_share`) in a forked helper while this
    process runs the others. The findings and facts are the same either way; the answers the
    helper computes stay in it, so a caller that reads the analysis afterwards does not share.
    """
    stage = Stage() if stage is None else stage
    chosen = [r for r in all_rules() if r.check is not None and r.slug in selection.severities]
    theirs = helper_share(chosen) if share else []
    beside = fork_work(lambda: (_run(theirs, context, selection, stage), context.analysis.summary_facts()),
                       where=lambda: stage.name) if theirs else None
    try:
        own = chosen[:len(chosen) - len(theirs)] if beside is not None else chosen
        findings = _run(own, context, selection, stage)
        facts = [context.analysis.summary_facts()]
        answer = beside.result() if beside is not None else None
    except WorkerError as failed:
        if failed.where:
            stage.enter(failed.where)  # the internal-error message names the helper's rule
        raise
    finally:
        if beside is not None:
            beside.close()
    if beside is not None:
        if answer is None:  # the helper died: its rules run here
            findings += _run(theirs, context, selection, stage)
            facts = [context.analysis.summary_facts()]
        else:
            findings += answer[0][0]
            facts.append(answer[0][1])
    return findings, SummaryFacts.merged(facts)


def helper_share(rules: list[Rule]) -> list[Rule]:
    """The rules a forked helper runs when the rules are shared: whole families from the last
    one back, as long as the helper has at most half of the rules (a family is a code's hundred,
    KF3xx the execution rules; its rules share their answers, such as the KPI statuses, so
    splitting one would compute them in both processes). ``rules`` are in code order.

    Decisions: measured at 10,000 KPIs, the rules take 0.88 s of CPU in one process; KF3xx and
    above (the KPI statuses and what reads them) take 0.39 s of it, and 0.47-0.55 s in a helper,
    which pays for copying the pages it touches (a fork shares memory until either side writes,
    and reading a Python object writes its reference count).
    """
    half = len(rules) // 2
    taken = 0
    for family in sorted({r.code[:3] for r in rules}, reverse=True):
        size = sum(1 for r in rules if r.code[:3] == family)
        if taken + size > half:
            break
        taken += size
    return rules[len(rules) - taken:] if taken else []


def _run(rules: list[Rule], context: RuleContext, selection: RuleSelection, stage: Stage) -> list[Finding]:
    findings: list[Finding] = []
    for r in rules:
        stage.enter(f"running rule {r.code} {r.slug}")
        severity = selection.severities[r.slug]
        findings += [to_finding(r, p, severity) for p in r.check(context)]  # type: ignore[misc]
    return findings


def to_finding(r: Rule, p: Problem, severity: Severity | None = None) -> Finding:
    """A rule's problem as a finding, with the rule's code and ``severity`` (its default when
    None): made whole here, so that settling does not copy each of them again. (Fields passed
    in order, not by name: 1.4 instead of 1.8 us a finding.)"""
    severity = r.severity if severity is None else severity
    document = p.document
    if document is not None:
        raw = document.origin
        line, column = raw.position(p.path, key=p.key)
        return Finding(r.slug, p.message, raw.file, line, column, document.id, p.related, p.hint, r.code, severity,
                       None, p.fix)
    return Finding(r.slug, p.message, p.file or "", p.line, p.column, p.subject, p.related, p.hint, r.code, severity,
                   None, p.fix)


def settle_findings(findings: list[Finding], framework: Framework,
                    selection: RuleSelection) -> tuple[list[Finding], list[Finding]]:
    """Give findings their code and configured severity, then split off what is suppressed.

    Decisions: one pass, and the per-file-ignores and `ignore:` entries consulted only when
    there are any (for the file and document of the finding): a messy register's ~29,500
    findings settle in 0.022 s of CPU instead of 0.028 s.
    """
    rules = {r.slug: r for r in all_rules()}
    severities = selection.severities
    codes = {slug: rules[slug].code for slug in severities}
    per_file_ignores = selection.per_file_ignores
    suppressions = _suppressions(framework)
    active: list[Finding] = []
    suppressed: list[Finding] = []
    used: set[tuple[str, int]] = set()
    for f in findings:
        severity = severities.get(f.rule)
        if severity is None:
            continue
        code = codes[f.rule]
        if f.code != code or f.severity is not severity:  # rules' findings arrive whole (to_finding); the loader's not
            f = replace(f, code=code, severity=severity)
        reason = _per_file_ignore(f, selection) if per_file_ignores else None
        if reason is None and suppressions and (f.file, f.subject) in suppressions:
            reason = _suppression(f, suppressions, used)
        if reason:
            suppressed.append(replace(f, suppressed_by=reason))
        else:
            active.append(f)
    if "unused-suppression" in severities:
        active += _unused_suppressions(suppressions, used, selection, rules)
    active.sort(key=Finding.sort_key)
    suppressed.sort(key=Finding.sort_key)
    return active, suppressed


def _suppressions(framework: Framework) -> dict[tuple[str, str], list[tuple[int, object, object]]]:
    table: dict[tuple[str, str], list] = {}
    for document in framework.documents:
        if document.ignore:  # few have any (12,676 documents: 0.007 s of CPU instead of 0.010 s)
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
