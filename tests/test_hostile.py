"""The hostile corpus: every broken file in tests/hostile/ gives its finding, alone and among good files.

Each case below names the finding it must produce (rule slug, line, and a piece of the message
or hint that shows what kpiframe understood). Every case is checked twice: alone, and mixed into
a copy of a small valid framework. Both runs must exit 1 without a traceback, the case must give
the same findings in both, and the valid framework's own findings must not change: whatever is
wrong in one file never hides, or invents, anything in the others (guarantee 2).

A representative subset runs through the real command line (`python -m kpiframe`) in a
subprocess; the rest runs in-process through the typer app, which is much faster.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.check import CheckOptions, run_check
from kpiframe.cli import app
from tests.conftest import REPO, write_tree

CORPUS = Path(__file__).parent / "hostile"
TODAY = "2026-06-30"


@dataclass(frozen=True)
class Expect:
    """A finding the case must produce: its rule, its line, and what its message or hint says."""

    rule: str
    line: int
    says: str = ""
    file: str = ""  # relative to the case folder, for cases that are folders


@dataclass(frozen=True)
class Case:
    expects: tuple[Expect, ...]
    quiet: tuple[int, ...] = ()  # lines read as meant: no finding may point at them


def case(*expects: Expect, quiet: tuple[int, ...] = ()) -> Case:
    return Case(expects, quiet)


CASES: dict[str, Case] = {
    # YAML syntax and structure: a finding at the parser's position, never a traceback.
    "syntax-unclosed-flow.yaml": case(Expect("yaml-syntax", 10, "did not find expected ',' or ']'")),
    "syntax-bad-indent.yaml": case(Expect("yaml-syntax", 5, "mapping values are not allowed")),
    "syntax-unclosed-quote.yaml": case(Expect("yaml-syntax", 4, "never closed")),
    "unknown-escape.yaml": case(Expect("yaml-syntax", 4, "`\\q` is not a YAML escape: use single quotes")),
    "surrogate-pair.yaml": case(Expect("yaml-syntax", 4, "`\\ud83d\\ude00` is a UTF-16 surrogate pair")),
    "tab-indentation.yaml": case(Expect("yaml-syntax", 6, "tab character")),
    "tab-separators.yaml": case(Expect("invalid-value", 6, "got 'up'"), quiet=(2, 3)),
    "duplicate-key.yaml": case(Expect("duplicate-key", 10, "first at line 8")),
    "duplicate-key-nested.yaml": case(Expect("duplicate-key", 10, "`value` appears twice")),
    "empty-file.yaml": case(Expect("invalid-value", 1, "holds no document")),
    "top-level-list.yaml": case(Expect("invalid-value", 2, "got a list")),
    "top-level-scalar.yaml": case(Expect("invalid-value", 2, "must be a mapping")),
    "non-scalar-key.yaml": case(Expect("yaml-syntax", 5, "a key must be a plain word")),
    "merge-key.yaml": case(Expect("unknown-field", 5, "`<<`")),
    "multi-document.yaml": case(Expect("unknown-field", 8, "did you mean `title`"), quiet=(2, 3, 4, 10, 11, 12)),
    # Tags never construct anything (guarantee 3).
    "python-object-tag.yaml": case(Expect("yaml-syntax", 4, "!!python/object/apply:os.system")),
    "python-name-tag.yaml": case(Expect("yaml-syntax", 5, "!!python/name:os.system")),
    "unknown-tag.yaml": case(Expect("yaml-syntax", 4, "unsupported tag !secret")),
    "binary-tag.yaml": case(Expect("yaml-syntax", 5, "!!binary")),
    "tag-directive.yaml": case(Expect("yaml-syntax", 6, "tag:corp.example,2026:kpi")),
    # Bounded work, in small (the big cases are generated in test_hostile_generated.py).
    "alias-bomb.yaml": case(Expect("limit-exceeded", 6, "alias expansions")),
    "recursive-alias.yaml": case(Expect("yaml-syntax", 5, "alias refers to the collection")),
    "deep-nesting.yaml": case(Expect("limit-exceeded", 5, "deeper than 64 levels")),
    # YAML 1.1 surprises (guarantee 5): read as typed, or reported saying what was found.
    "yes-no-values.yaml": case(Expect("invalid-value", 10, "got 'yes'")),
    "no-as-text.yaml": case(Expect("unknown-department", 5, "department 'no'"), quiet=(6,)),
    "on-off-keys.yaml": case(Expect("unknown-field", 5, "`on`"), Expect("unknown-field", 6, "`yes`")),
    "flag-words.yaml": case(Expect("invalid-value", 12, "got 'maybe'"), quiet=(8, 9, 10, 11)),
    "leading-zero.yaml": case(Expect("target-contradicts-direction", 16, "target 10 USD is below the baseline 12 USD")),
    "octal-0o.yaml": case(Expect("invalid-value", 10, "got '0o12'")),
    "sexagesimal.yaml": case(Expect("invalid-value", 10, "got '1:30'")),
    "infinity.yaml": case(Expect("invalid-value", 10, "finite number, got '.inf'")),
    "nan-target.yaml": case(Expect("invalid-value", 11, "finite number, got '.NaN'")),
    "tilde-null.yaml": case(Expect("missing-owner", 6, "has no owner: nobody answers for it")),
    "date-as-text.yaml": case(Expect("dangling-reference", 9, "refers to '2026-01-01'"), quiet=(4,)),
    "number-as-id.yaml": case(Expect("dangling-reference", 7, "refers to '1.50'")),
    "quoted-number.yaml": case(Expect("invalid-value", 10, "numbers are written without quotes")),
    "percent-number.yaml": case(Expect("invalid-value", 10, "got '12%'")),
    "huge-number.yaml": case(Expect("invalid-value", 10, "401 digits")),
    # Encodings (guarantee 6): BOM and CRLF are read with lines intact; the rest are findings.
    "bom-utf8.yaml": case(Expect("invalid-value", 8, "got 'up'")),
    "crlf.yaml": case(Expect("invalid-value", 8, "got 'up'")),
    "utf16-bom.yaml": case(Expect("unreadable-file", 1, "UTF-16")),
    "utf16-no-bom.yaml": case(Expect("unreadable-file", 1, "UTF-16")),
    "utf32.yaml": case(Expect("unreadable-file", 1, "UTF-32")),
    "invalid-utf8.yaml": case(Expect("unreadable-file", 5, "byte 0xe9")),
    "control-character.yaml": case(Expect("yaml-syntax", 4, "U+0007")),
    "nul-byte.yaml": case(Expect("yaml-syntax", 4, "U+0000")),
    "control-escape.yaml": case(Expect("invalid-value", 4, "control character U+001B")),
    "bidi-override.yaml": case(Expect("invalid-value", 4, "bidirectional control U+202E, shown as \\u202e")),
    "bidi-escape.yaml": case(Expect("invalid-value", 4, "bidirectional control U+2066, shown as \\u2066")),
    "unicode-line-separator.yaml": case(Expect("invalid-value", 9, "got 'up'")),
    # Schema mistakes people make.
    "kind-lowercase.yaml": case(Expect("unknown-kind", 2, "did you mean `KPI`")),
    "kind-missing.yaml": case(Expect("unknown-kind", 2, "no `kind`")),
    "kind-list.yaml": case(Expect("unknown-kind", 2, "got a list")),
    "kind-mapping.yaml": case(Expect("unknown-kind", 2, "got a mapping")),
    "list-for-mapping.yaml": case(Expect("invalid-value", 10, "`target` must be a mapping")),
    "mapping-for-list.yaml": case(Expect("invalid-value", 9, "`supports` must be a list")),
    "scalar-for-list.yaml": case(Expect("invalid-value", 14, "`supports` must be a list")),
    "id-capitals.yaml": case(Expect("invalid-value", 3, "got 'h-New-ARR'")),
    "id-spaces.yaml": case(Expect("invalid-value", 3, "got 'new arr'")),
    "id-trailing-newline.yaml": case(Expect("invalid-value", 3, "lowercase id")),
    "reference-wrong-kind.yaml": case(Expect("dangling-reference", 23, "refers to KPI 'h-ref-a', but it takes a Goal")),
    "plan-addresses-goal.yaml": case(Expect("dangling-reference", 10, "refers to Goal 'h-goal', but it takes a KPI")),
    "dangling-reference.yaml": case(Expect("dangling-reference", 14, "did you mean 'h-goal'")),
    "empty-supports.yaml": case(Expect("orphan-kpi", 9, "supports no goal")),
    "negative-target.yaml": case(Expect("target-contradicts-direction", 16, "target -5 USD is below the baseline")),
    "target-before-baseline.yaml": case(Expect("invalid-value", 11, "is before `baseline.date`")),
    "impossible-date.yaml": case(Expect("invalid-value", 10, "real date, got '2026-13-45'")),
    "date-format.yaml": case(Expect("invalid-value", 10, "YYYY-MM-DD, got '31/12/2026'")),
    "unknown-field.yaml": case(Expect("unknown-field", 10, "did you mean `target`")),
    "missing-required.yaml": case(Expect("missing-direction", 4, "kpiframe cannot tell which way is better")),
    "wrong-enum.yaml": case(Expect("invalid-value", 8, "increase or decrease, got 'up'")),
    "company-goal-parent.yaml": case(Expect("invalid-value", 11, "a company goal has no `parent`")),
    "team-goal-without-parent.yaml": case(Expect("invalid-value", 2, "needs a `parent`")),
    "goal-cycle.yaml": case(Expect("goal-cycle", 7, "h-cycle-a -> h-cycle-b -> h-cycle-a")),
    "unknown-department.yaml": case(Expect("unknown-department", 5, "'marketing'")),
    "tradeoff-same-kpi.yaml": case(Expect("invalid-value", 18, "names the same id twice")),
    "tradeoff-three-kpis.yaml": case(Expect("invalid-value", 4, "at most 2")),
    "api-version.yaml": case(Expect("invalid-value", 3, "kpiframe/v1")),
    "suppression-without-reason.yaml": case(Expect("invalid-value", 11, "`ignore[0].reason` is required")),
    "end-of-calendar.yaml": case(Expect("stale-kpi", 9, "one monthly review after 9999-12-15 is past 9999-12-31")),
    "period-backwards.yaml": case(Expect("invalid-value", 6, "`period.end` is before `period.start`")),
    "dup-id-across-files": case(Expect("duplicate-id", 3, "already used by Goal 'h-dup'", file="b-driver.yaml")),
}

# Through the real command line: a case from each guarantee, and every case that once crashed.
SUBPROCESS_CASES = ("python-object-tag.yaml", "alias-bomb.yaml", "utf16-no-bom.yaml", "tab-indentation.yaml",
                    "kind-list.yaml", "huge-number.yaml", "yes-no-values.yaml", "dup-id-across-files",
                    "control-escape.yaml", "end-of-calendar.yaml")

# A small valid framework. Its one finding (an unmeasured company goal, a warning) must survive
# every case unchanged.
CONFIG = f"organization: Hostile Test Co\nas_of: {TODAY}\ndepartments: [sales, operations]\n"
BASE = {
    "kpiframe.yaml": CONFIG,
    "goals.yaml": """
        kind: Goal
        id: grow-revenue
        title: Grow revenue 20%
        level: company
        ---
        kind: Goal
        id: win-deals
        title: Win more new business
        level: department
        department: sales
        parent: grow-revenue
        ---
        kind: Goal
        id: idle-goal
        title: A company goal nobody measures yet
        level: company
        """,
    "kpis.yaml": """
        kind: KPI
        id: new-arr
        name: New ARR
        department: sales
        owner: Dana Kim
        supports: [win-deals]
        unit: USD
        direction: increase
        review: monthly
        baseline: {value: 100000, date: 2026-01-01}
        target: {value: 200000, date: 2026-12-31}
        actuals:
          - {date: 2026-06-15, value: 150000}
        """,
    "plans.yaml": """
        kind: ActionPlan
        id: hire-sdrs
        title: Hire two SDRs
        addresses: [new-arr]
        owner: Dana Kim
        department: sales
        start: 2026-01-15
        due: 2026-12-31
        status: in_progress
        """,
}

runner = CliRunner()


def place_case(root: Path, name: str) -> None:
    source = CORPUS / name
    if source.is_dir():
        shutil.copytree(source, root / name)
    else:
        shutil.copyfile(source, root / name)


def check_in_process(root: Path) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["check", str(root), "-f", "json", "--today", TODAY], env={"NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, json.loads(result.stdout), result.output + result.stderr


def check_subprocess(root: Path) -> tuple[int, dict, str]:
    done = subprocess.run([sys.executable, "-m", "kpiframe", "check", str(root), "-f", "json", "--today", TODAY],
                          capture_output=True, text=True, timeout=60, cwd=root.parent,
                          env={"PATH": "", "PYTHONPATH": str(REPO), "NO_COLOR": "1"})
    return done.returncode, json.loads(done.stdout), done.stdout + done.stderr


def located(findings: list[dict]) -> set[tuple]:
    return {(f["rule"], f["file"], f["line"], f["column"]) for f in findings}


def case_findings(payload: dict, name: str) -> list[dict]:
    return [f for f in payload["findings"] if f["file"] == name or f["file"].startswith(name + "/")]


@pytest.fixture(scope="module")
def base_findings(tmp_path_factory) -> list[dict]:
    root = write_tree(tmp_path_factory.mktemp("base"), BASE)
    code, payload, output = check_in_process(root)
    assert code == 0, output
    assert [f["rule"] for f in payload["findings"]] == ["unmeasured-goal"]
    return payload["findings"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case_alone_and_among_good_files(name: str, tmp_path: Path, base_findings: list[dict]):
    alone = write_tree(tmp_path / "alone", {"kpiframe.yaml": CONFIG})
    place_case(alone, name)
    mixed = write_tree(tmp_path / "mixed", BASE)
    place_case(mixed, name)
    check_mixed = check_subprocess if name in SUBPROCESS_CASES else check_in_process

    results = {"alone": check_in_process(alone), "mixed": check_mixed(mixed)}
    for run, (code, payload, output) in results.items():
        assert code == 1, f"{run}: {output}"
        assert "Traceback" not in output and "internal error" not in output, f"{run}: {output}"
        assert "\x1b" not in output and "\x07" not in output, f"{run}: a control character reached the output"
        assert_expected(payload, name, CASES[name])

    alone_payload, mixed_payload = results["alone"][1], results["mixed"][1]
    assert located(case_findings(mixed_payload, name)) == located(case_findings(alone_payload, name))
    others = [f for f in mixed_payload["findings"] if f not in case_findings(mixed_payload, name)]
    assert list(map(beside_root, others)) == list(map(beside_root, base_findings))


def beside_root(finding: dict) -> dict:
    """A finding as it reads whatever folder the framework is in (`path` names that folder)."""
    return {key: value for key, value in finding.items() if key != "path"}


def assert_expected(payload: dict, name: str, expected: Case) -> None:
    findings = case_findings(payload, name)
    for want in expected.expects:
        file = f"{name}/{want.file}" if want.file else name
        matches = [f for f in findings if (f["rule"], f["file"], f["line"]) == (want.rule, file, want.line)
                   and want.says in f["message"] + " " + f["hint"]]
        assert matches, f"expected {want} in {json.dumps(findings, indent=1)}"
    noisy = [f for f in findings if f["line"] in expected.quiet]
    assert noisy == [], f"lines {expected.quiet} are read as meant, yet: {noisy}"


def test_python_tag_ran_nothing(tmp_path: Path):
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG})
    place_case(root, "python-object-tag.yaml")
    check_subprocess(root)
    assert not list(tmp_path.rglob("hostile-was-run")) and not (Path.cwd() / "hostile-was-run").exists()


def test_control_characters_never_reach_the_terminal(tmp_path: Path):
    root = write_tree(tmp_path / "fw", {"kpiframe.yaml": CONFIG})
    place_case(root, "control-escape.yaml")
    (root / "\x1b[2Kname.yaml").write_text("kind: [\n")  # a file name can hold them too
    done = subprocess.run([sys.executable, "-m", "kpiframe", "check", str(root), "--today", TODAY],
                          capture_output=True, timeout=60, env={"PATH": "", "PYTHONPATH": str(REPO)})
    assert done.returncode == 1
    assert not set(done.stdout + done.stderr) & (set(range(0x20)) - {0x0A}), done.stdout
    assert b"\\x1b[2Kname.yaml" in done.stdout
    title = run_check(root, CheckOptions()).framework.drivers["h-escape"].title
    assert title == "\\x1b]0;owned\\x07\\x1b[2K\\x0dAll checks passed"  # kept, and kept visible


def test_every_corpus_file_has_an_expectation_and_no_name_clashes_with_the_base():
    on_disk = {p.name for p in CORPUS.iterdir() if not p.name.startswith(".")}
    assert on_disk == set(CASES)
    assert not on_disk & set(BASE)
    assert set(SUBPROCESS_CASES) <= set(CASES)
