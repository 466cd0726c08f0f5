"""`kpiframe schema`: the JSON Schema editors use must agree with what `kpiframe check` accepts.

Documents are read here the way yaml-language-server reads them: YAML 1.2's core schema, where
`2026-01-01` is a string, `1.5e6` and `012` are numbers and `yes` is a word. (PyYAML's
safe_load follows YAML 1.1, which would turn dates into date objects and `1.5e6` into text,
which is not what the editor validates.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.init_template import init_files
from kpiframe.schema_export import framework_schema
from tests.conftest import EXAMPLES, check_tree, write_tree


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core-schema scalars: no timestamps, no yes/no/on/off
    booleans, no sexagesimal or 1.1 octal integers."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                           "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
Yaml12Loader.add_constructor(
    "tag:yaml.org,2002:bool", lambda loader, node: loader.construct_scalar(node).lower() == "true")


def _yaml12_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)  # 012 is twelve


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _yaml12_int)
Yaml12Loader.add_constructor(
    "tag:yaml.org,2002:float", lambda loader, node: float(loader.construct_scalar(node)))


def load_documents(text: str) -> list:
    return [doc for doc in yaml.load_all(text, Loader=Yaml12Loader) if doc is not None]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = framework_schema()
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def errors(validator: jsonschema.Draft202012Validator, document) -> list[str]:
    return [e.message for e in validator.iter_errors(document)]


def test_the_loader_reads_yaml_1_2_as_editors_do():
    assert load_documents("a: 2026-01-01\nb: 1.5e6\nc: 012\nd: yes\ne: true\nf: 0x1f\n") == [
        {"a": "2026-01-01", "b": 1.5e6, "c": 12, "d": "yes", "e": True, "f": 31}]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = framework_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in schema["oneOf"]} == {"Goal", "KPI", "Driver", "ActionPlan", "Tradeoff"}
    for kind in ("Goal", "KPI", "Driver", "ActionPlan", "Tradeoff"):
        assert schema["$defs"][kind]["properties"]["kind"]["const"] == kind
        assert schema["$defs"][kind]["additionalProperties"] is False


def test_fields_are_typed_for_people_writing_yaml():
    kpi = framework_schema()["$defs"]["KPI"]["properties"]
    measurement = framework_schema()["$defs"]["Measurement"]["properties"]
    assert measurement["date"] == {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                                   "description": measurement["date"]["description"]}
    assert measurement["value"]["type"] == "number"
    assert kpi["id"]["pattern"] == "^[a-z0-9][a-z0-9._-]*$"
    assert kpi["direction"]["anyOf"][0]["enum"] == ["increase", "decrease"]  # optional: missing-direction says so
    assert all(p.get("description") for p in kpi.values())


@pytest.mark.parametrize("example", ["acme", "silos"])
def test_every_example_document_validates(validator, example: str):
    files = [p for p in sorted((EXAMPLES / example).rglob("*.y*ml")) if p.name != "kpiframe.yaml"]
    assert files
    for path in files:
        for document in load_documents(path.read_text(encoding="utf-8")):
            assert not errors(validator, document), f"{path.relative_to(EXAMPLES)}: {document.get('id')}"


def test_the_init_framework_validates(validator):
    for name, text in init_files(2026).items():
        if name != "kpiframe.yaml":
            for document in load_documents(text):
                assert not errors(validator, document), name


KPI = """\
kind: KPI
id: new-arr
name: New ARR
department: sales
owner: Dana Kim
unit: USD
direction: increase
supports: [grow]
"""
GOAL = "kind: Goal\nid: grow\ntitle: Grow\nlevel: company\n"

BROKEN = {
    "unknown field": KPI + "tagret: {value: 12, date: 2026-12-31}\n",
    "quoted number": KPI + 'target: {value: "12", date: 2026-12-31}\n',
    "impossible date": KPI + "target: {value: 12, date: 2026-13-45}\n",
    "date not YYYY-MM-DD": KPI + "target: {value: 12, date: 31/12/2026}\n",
    "id with capitals": KPI.replace("id: new-arr", "id: New-ARR"),
    "direction not in the list": KPI.replace("direction: increase", "direction: up"),
    "required field missing": KPI.replace("department: sales\n", ""),
    "unknown kind": KPI.replace("kind: KPI", "kind: Metric"),
    "three KPIs in a trade-off": "kind: Tradeoff\nid: t\nbetween: [a, b, c]\nresolution: R\nowners: [A]\n",
    "yes/no field with a sentence": ("kind: ActionPlan\nid: p\ntitle: P\n"
                                     "milestones:\n  - {title: M, done: maybe}\n"),
    "a blank unit": KPI.replace("unit: USD", 'unit: "  "'),
    "an empty target path": KPI + "targets: []\n",
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_documents_fail_the_schema_and_the_check(validator, tmp_path: Path, name: str):
    [document] = load_documents(BROKEN[name])
    assert errors(validator, document)
    # The check refuses it too, with a schema finding: the editor and CI agree.
    root = write_tree(tmp_path, {"kpiframe.yaml": "organization: T\n", "doc.yaml": BROKEN[name]})
    assert {f.code for f in check_tree(root).findings} & {"KF003", "KF004", "KF005"}


ACCEPTED = {
    "number-like text": KPI.replace("name: New ARR", "name: 12").replace("unit: USD", "unit: no"),
    "a number as an id": KPI.replace("supports: [grow]", "supports: [grow, 2026]") + "---\n"
                         "kind: Goal\nid: '2026'\ntitle: Twenty twenty-six\nlevel: company\n",
    "an empty list": KPI.replace("supports: [grow]", "supports: [grow]\ninfluences:"),
    "yaml 1.2 numbers": KPI + "baseline: {value: 1.5e6, date: 2026-01-01}\ntarget: {value: 012, date: '2026-12-31'}\n",
    "yes as a flag": "kind: ActionPlan\nid: p\ntitle: P\naddresses: [new-arr]\nmilestones:\n  - {title: M, done: yes}\n"
                     "---\n" + KPI,
    # An editor reads `yes` and "yes" alike (YAML 1.2 strings): so does the check.
    "a quoted yes as a flag": KPI + 'key: "yes"\n',
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_what_kpiframe_accepts_the_schema_accepts(validator, tmp_path: Path, name: str):
    for document in load_documents(ACCEPTED[name]):
        assert not errors(validator, document), document
    root = write_tree(tmp_path, {"kpiframe.yaml": "organization: T\n", "doc.yaml": ACCEPTED[name], "goal.yaml": GOAL})
    assert not [f for f in check_tree(root).findings if f.code.startswith("KF0")]


def test_the_command_prints_or_writes_the_schema(tmp_path: Path):
    runner = CliRunner()
    printed = runner.invoke(app, ["schema"])
    assert printed.exit_code == 0 and json.loads(printed.stdout) == framework_schema()
    target = tmp_path / "editor" / "kpiframe.schema.json"
    written = runner.invoke(app, ["schema", "--output", str(target)])
    assert written.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == framework_schema()
    assert "yaml-language-server: $schema=" in written.stdout
    assert [p.name for p in target.parent.iterdir()] == ["kpiframe.schema.json"]


def test_the_readme_recommends_the_mapping_that_covers_every_document():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "kpiframe schema kpis --editor vscode" in readme and '"yaml.schemas"' in readme
    assert "first document of the file only" in readme  # why not the modeline
