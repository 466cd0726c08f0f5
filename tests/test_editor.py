"""Editors check every framework document: `kpiframe schema --editor vscode` and the real
yaml-language-server.

The server tests start yaml-language-server (npm) the way VS Code's YAML extension does, with
the settings `schema --editor vscode` wrote, and talk to it over stdio (tests/lsp_client.py).
They skip, saying why, where node or the server is not installed; `.ci/run` installs the
server into .ci/node.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpiframe.cli import app
from kpiframe.editor_settings import editor_patterns, framework_globs
from kpiframe.load import discover_files
from tests.conftest import REPO, write_tree
from tests.lsp_client import LspClient

MULTI_DOCUMENT = """\
    kind: Goal
    id: grow-revenue
    title: Grow revenue
    level: company
    ---
    kind: KPI
    id: new-arr
    name: New ARR booked
    department: sales
    owner: Dana Kim

    unit: USD
    direction: upwards
    supports: [grow-revenue]
    tagret: {value: 3400000, date: 2026-12-31}
    """
# 0-based lines in MULTI_DOCUMENT, as LSP counts them
EMPTY_KPI_LINE, DIRECTION_LINE, TAGRET_LINE = 10, 12, 14


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the framework in strategy/kpis, as the current folder."""
    root = tmp_path / "repo"
    write_tree(root, {"strategy/kpis/kpiframe.yaml": "organization: Test Co\ndepartments: [sales]\n",
                      "strategy/kpis/sales.yaml": MULTI_DOCUMENT})
    (root / ".git").mkdir()  # what kpiframe looks for; no git needed
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def settings_of(root: Path) -> dict:
    return json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))


KEY = "./.vscode/kpiframe.schema.json"
GLOBS = ["strategy/kpis/**/*.yaml", "strategy/kpis/**/*.yml", "!strategy/kpis/kpiframe.yaml",
         "!strategy/kpis/kpiframe.yml"]


# --------------------------------------------------------------------------- schema --editor vscode


def test_editor_vscode_writes_the_schema_and_maps_it_to_the_framework_files(workspace: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(workspace / "strategy")  # from a sub-folder of the repository
    out = run("schema", "kpis", "--editor", "vscode")
    assert out.exit_code == 0, out.output
    assert settings_of(workspace) == {"yaml.schemas": {KEY: GLOBS}}
    schema = json.loads((workspace / ".vscode" / "kpiframe.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads(run("schema").stdout)
    assert "Wrote ../.vscode/kpiframe.schema.json" in out.stdout
    assert "Updated ../.vscode/settings.json: yaml.schemas maps the schema to strategy/kpis/**/*.yaml" in out.stdout
    assert sorted(p.name for p in (workspace / ".vscode").iterdir()) == ["kpiframe.schema.json", "settings.json"]


def test_editor_vscode_keeps_other_settings_and_their_layout_and_replaces_its_own_entry(workspace: Path):
    (workspace / ".vscode").mkdir()
    before = ('{\n\t"editor.tabSize": 2,\n\t"yaml.schemas": {\n'
              '\t\t"https://json.schemastore.org/github-workflow.json": ".github/workflows/*.yml",\n'
              '\t\t"./.vscode/kpiframe.schema.json": ["old/**/*.yaml"]\n\t},\n'
              '\t"files.eol": "\\n"\n}\n')
    (workspace / ".vscode" / "settings.json").write_text(before, encoding="utf-8")
    assert run("schema", "strategy/kpis", "--editor", "vscode").exit_code == 0
    text = (workspace / ".vscode" / "settings.json").read_text(encoding="utf-8")
    assert json.loads(text) == {
        "editor.tabSize": 2,
        "yaml.schemas": {"https://json.schemastore.org/github-workflow.json": ".github/workflows/*.yml", KEY: GLOBS},
        "files.eol": "\n",
    }
    assert text.startswith('{\n\t"editor.tabSize": 2,\n\t"yaml.schemas": {\n\t\t"https:')  # tabs kept
    again = run("schema", "strategy/kpis", "--editor", "vscode")
    assert again.exit_code == 0
    assert "Kept .vscode/kpiframe.schema.json" in again.stdout and "Kept .vscode/settings.json" in again.stdout
    assert (workspace / ".vscode" / "settings.json").read_text(encoding="utf-8") == text


def test_editor_vscode_refuses_settings_it_cannot_parse_and_shows_what_to_add(workspace: Path):
    (workspace / ".vscode").mkdir()
    commented = '{\n    // my settings\n    "editor.tabSize": 2,\n}\n'
    (workspace / ".vscode" / "settings.json").write_text(commented, encoding="utf-8")
    out = run("schema", "strategy/kpis", "--editor", "vscode")
    assert out.exit_code == 2
    assert "settings.json:2:5: not plain JSON" in out.stderr
    assert "comments and trailing commas would be lost" in out.stderr
    assert '"./.vscode/kpiframe.schema.json": [' in out.stderr  # the entry to paste
    assert (workspace / ".vscode" / "settings.json").read_text(encoding="utf-8") == commented
    assert sorted(p.name for p in (workspace / ".vscode").iterdir()) == ["settings.json"]  # nothing written


@pytest.mark.parametrize("text, problem", [
    ('["a list"]\n', "the settings are not a JSON object"),
    ('{"yaml.schemas": "./x.json"}\n', "`yaml.schemas` is not an object"),
])
def test_editor_vscode_refuses_settings_of_the_wrong_shape(workspace: Path, text: str, problem: str):
    (workspace / ".vscode").mkdir()
    (workspace / ".vscode" / "settings.json").write_text(text, encoding="utf-8")
    out = run("schema", "strategy/kpis", "--editor", "vscode")
    assert out.exit_code == 2 and problem in out.stderr
    assert (workspace / ".vscode" / "settings.json").read_text(encoding="utf-8") == text


def test_editor_vscode_leaves_out_what_exclude_leaves_out_and_names_an_older_mapping(workspace: Path):
    (workspace / "strategy/kpis/kpiframe.yaml").write_text(
        "organization: Test Co\nexclude: [drafts/*, archive]\n", encoding="utf-8")
    (workspace / ".vscode").mkdir()
    (workspace / ".vscode" / "settings.json").write_text('{"yaml.schemas": {"./kpiframe.schema.json": "**/*.yaml"}}',
                                                         encoding="utf-8")
    out = run("schema", "strategy/kpis", "--editor", "vscode")
    assert out.exit_code == 0, out.output
    assert settings_of(workspace)["yaml.schemas"][KEY] == GLOBS + [
        "!strategy/kpis/drafts/**", "!strategy/kpis/archive", "!strategy/kpis/archive/**"]
    assert "note: `yaml.schemas` also maps './kpiframe.schema.json'" in out.stdout


def test_editor_vscode_with_an_output_file_maps_that_file(workspace: Path):
    out = run("schema", "strategy/kpis", "--editor", "vscode", "--output", "strategy/kpiframe.schema.json")
    assert out.exit_code == 0, out.output
    assert settings_of(workspace) == {"yaml.schemas": {"./strategy/kpiframe.schema.json": GLOBS}}
    assert (workspace / "strategy" / "kpiframe.schema.json").is_file()


def test_editor_vscode_refuses_a_framework_outside_the_workspace(workspace: Path, tmp_path: Path):
    write_tree(tmp_path / "elsewhere", {"kpiframe.yaml": "organization: T\n"})
    out = run("schema", str(tmp_path / "elsewhere"), "--editor", "vscode")
    assert out.exit_code == 2 and "is outside the workspace" in out.stderr
    assert not (workspace / ".vscode").exists()


def test_editor_vscode_refuses_a_broken_configuration(workspace: Path):
    (workspace / "strategy/kpis/kpiframe.yaml").write_text("organization: T\nexclude: 12\n", encoding="utf-8")
    out = run("schema", "strategy/kpis", "--editor", "vscode")
    assert out.exit_code == 2 and "kpiframe.yaml:2" in out.stderr and "kpiframe check" in out.stderr
    assert not (workspace / ".vscode").exists()


@pytest.mark.parametrize("pattern, globs", [
    ("drafts", ["drafts"]),
    ("drafts/*", ["drafts/**"]),                           # a whole segment: every depth, as fnmatch's * does
    ("drafts/*.yaml", ["drafts/*.yaml", "drafts/*/**/*.yaml"]),  # inside a name: also across folders
    ("*/old", ["**/old"]),
])
def test_exclude_patterns_become_globs_that_cross_folders_like_kpiframe(pattern: str, globs: list[str]):
    assert editor_patterns(pattern) == (globs, True)


def test_an_exclude_pattern_with_too_many_stars_gets_a_note():
    globs, notes = framework_globs("kpis", ["a*/b*/c*/d*"])
    assert len(notes) == 1 and "'a*/b*/c*/d*'" in notes[0]
    assert len(globs) == 4 + 2 * 8


# --------------------------------------------------------------------------- the real yaml-language-server


def language_server() -> list[str]:
    """The command that starts yaml-language-server on stdio, or skip saying why there is none."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed, so yaml-language-server cannot run (.ci/run installs it where npm exists)")
    local = REPO / ".ci" / "node" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if local.is_file():
        return [node, str(local), "--stdio"]
    installed = shutil.which("yaml-language-server")
    if installed is not None:
        return [installed, "--stdio"]
    pytest.skip("yaml-language-server is not installed: `.ci/run` installs it with "
                "`npm install --prefix .ci/node yaml-language-server`")


# Files of the workspace the server tests share (one server start, ~2 s, for all of them).
EXCLUDING_CONFIG = "organization: Test Co\ndepartments: [sales]\nexclude: [drafts/*, old.yaml]\n"
UNKNOWN_FIELD = "kind: Goal\nid: g\ntitle: G\nlevel: company\nbogus: 1\n"  # one schema error, wherever checked
AROUND = ["goals.yaml", "deep/down/goals.yml", "drafts/a.yaml", "drafts/deeper/b.yaml", "old.yaml",
          ".hidden/c.yaml", "deep/.d.yaml", "../outside.yaml", "../../top.yaml"]
MODELINE = "notes/modeline.yaml"  # outside the framework: only its modeline gives it the schema


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory):
    """A yaml-language-server session on a repository, with the settings `schema --editor vscode`
    wrote, and sales.yaml open: once its diagnostics are there the server has pulled its
    settings, so every file opened afterwards is checked with them from the start."""
    command = language_server()
    root = tmp_path_factory.mktemp("editor") / "repo"
    fw = root / "strategy" / "kpis"
    write_tree(fw, {"kpiframe.yaml": EXCLUDING_CONFIG, "sales.yaml": MULTI_DOCUMENT,
                    **{name: UNKNOWN_FIELD for name in AROUND}})
    (root / MODELINE).parent.mkdir()
    (root / MODELINE).write_text("# yaml-language-server: $schema=../.vscode/kpiframe.schema.json\n"
                                 + (fw / "sales.yaml").read_text(encoding="utf-8").replace(
                                     "level: company", "level: global"), encoding="utf-8")
    (root / ".git").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert run("schema", "strategy/kpis", "--editor", "vscode").exit_code == 0
    client = LspClient(command, root)
    try:
        client.initialize(root, {"yaml": {"schemas": settings_of(root)["yaml.schemas"], "validate": True,
                                          "completion": True, "schemaStore": {"enable": False}}})
        uri = client.open(fw / "sales.yaml")
        client.wait_for_diagnostics(uri, lambda found: len(found) >= 2)
        yield client, root, uri
    finally:
        client.close()


def messages_at(diagnostics: list[dict], line: int) -> list[str]:
    return [d["message"] for d in diagnostics if d["range"]["start"]["line"] == line]


def test_the_editor_checks_the_second_document_of_a_file(editor):
    client, _, uri = editor
    diagnostics = client.diagnostics[uri]
    assert messages_at(diagnostics, DIRECTION_LINE) == ['Value is not accepted. Valid values: "increase", "decrease".']
    assert messages_at(diagnostics, TAGRET_LINE) == ["Property tagret is not allowed."]
    assert len(diagnostics) == 2


def test_the_editor_completes_kpi_fields_in_the_second_document(editor):
    client, _, uri = editor
    labels = {item["label"] for item in client.completion(uri, EMPTY_KPI_LINE, 0)}
    assert {"baseline", "target", "review", "actuals", "source"} <= labels
    assert not labels & {"kind", "id", "name", "unit"}  # already written
    assert "level" not in labels  # a Goal's field, not a KPI's


def test_a_modeline_alone_checks_only_the_first_document(editor):
    # why the README recommends yaml.schemas: this is all a `$schema` modeline gives
    client, root, _ = editor
    uri = client.open(root / MODELINE)
    diagnostics = client.wait_for_diagnostics(uri, lambda found: True)
    assert [d["range"]["start"]["line"] for d in diagnostics] == [4]  # level: global, in the first document


def test_the_editor_checks_exactly_the_files_kpiframe_reads(editor):
    client, root, _ = editor
    fw = root / "strategy" / "kpis"
    found, _ = discover_files(fw, ["drafts/*", "old.yaml"])
    read = {rel for _, rel in found} - {"sales.yaml"}
    uris = {name: client.open((fw / name).resolve()) for name in AROUND + ["kpiframe.yaml"]}
    checked = {name for name, uri in uris.items() if client.wait_for_diagnostics(uri, lambda found: True)}
    assert checked == read == {"goals.yaml", "deep/down/goals.yml"}
