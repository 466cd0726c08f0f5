"""The rule registry collects the rules of an explicit list of family modules; a family module
declares its rules and never imports the registry."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import kpiframe.rules
from kpiframe.rules.registry import FAMILY_MODULES, RULES, declared_in

RULES_DIR = Path(kpiframe.rules.__file__).parent


def test_every_module_that_declares_a_rule_is_a_listed_family():
    declaring = {path.stem for path in RULES_DIR.glob("*.py")
                 if re.search(r"^@rule\(|^[A-Z_]+ = declare\(", path.read_text(), flags=re.M)}
    assert declaring == {module.__name__.rsplit(".", 1)[1] for module in FAMILY_MODULES}


def test_the_registry_holds_exactly_what_the_families_declare():
    declared = [rule for module in FAMILY_MODULES for rule in declared_in(module)]
    assert [r.slug for r in declared] == list(RULES)
    assert len({r.code for r in declared}) == len(declared)


def test_a_family_module_loads_without_the_registry():
    code = ("import sys, kpiframe.rules.conflicts, kpiframe.rules.syntax; "
            "print('kpiframe.rules.registry' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "False"
