"""Start-up cost is paid on every pre-commit run: commands import only what they need.

These tests check which modules are imported, never how long anything takes.
"""

from __future__ import annotations

import re
import subprocess
import sys

HEAVY = ("typer", "click", "pydantic", "networkx", "yaml", "rich")


def imported_modules(*args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "kpiframe", *args],
                         capture_output=True, text=True, check=False)
    return {line.split("|")[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")}


def test_version_imports_no_heavy_library():
    loaded = imported_modules("--version")
    assert not [m for m in loaded if m.split(".")[0] in HEAVY]


def test_json_check_does_not_import_rich(tmp_path):
    (tmp_path / "a.yaml").write_text("kind: Driver\nid: d\ntitle: D\n")
    loaded = imported_modules("check", str(tmp_path), "--format", "json")
    assert "pydantic" in loaded  # the check did run
    assert not [m for m in loaded if m.split(".")[0] == "rich"]


def test_text_check_of_a_folder_imports_no_toml_parser_and_no_tables(tmp_path):
    # tomllib only for a configuration in pyproject.toml; rich's tables only for the table views
    (tmp_path / "kpiframe.yaml").write_text("organization: Acme\n")
    (tmp_path / "a.yaml").write_text("kind: Driver\nid: d\ntitle: D\n")
    loaded = imported_modules("check", str(tmp_path))
    assert "rich.console" in loaded  # the text report was printed
    assert "tomllib" not in loaded
    assert "rich.table" not in loaded
    assert "kpiframe.load.gitrepo" not in loaded  # git plumbing: only diff, --since, history, CI formats


def test_an_app_of_the_named_command_alone_answers_as_the_whole_app():
    # kpiframe.cli builds only the command the arguments name; every answer must stay the same
    from typer.testing import CliRunner

    from kpiframe.cli import _app_for, app
    from tests.conftest import EXAMPLES

    acme = str(EXAMPLES / "acme")
    runner = CliRunner()
    argvs = [["check", acme, "--today", "2026-09-30"], ["check", acme, "--format", "json", "--today", "2026-09-30"],
             ["check", "--bogus"], ["rules"], ["explain", "KF311"], ["explain"], ["tree", acme, "--today", "2026-09-30"],
             ["import"], ["import", "csv", "--help"], ["chek", acme], ["--help"], []]
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    argvs += [[name, "--help"] for name in [*names, "import"]]
    for argv in argvs:
        lean = _app_for(argv)
        assert (lean is app) == (not argv or argv[0] in ("chek", "--help"))
        whole, alone = runner.invoke(app, argv), runner.invoke(lean, argv)
        timeless = [re.sub(r", \d+\.\d\ds\)", ")", run.output) for run in (whole, alone)]  # the text summary's time
        assert (alone.exit_code, timeless[1]) == (whole.exit_code, timeless[0]), argv


def test_pydantic_plugins_do_not_watch_a_check_unless_asked(tmp_path):
    # A pydantic plugin installed beside kpiframe (an entry point in group `pydantic`) would see every
    # document validated; the executable leaves plugins out unless PYDANTIC_DISABLE_PLUGINS is set.
    import os

    site = tmp_path / "site"
    (site / "watcher-1.0.dist-info").mkdir(parents=True)
    (site / "watcher-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: watcher\nVersion: 1.0\n")
    (site / "watcher-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nwatcher = watcher:plugin\n")
    marker = tmp_path / "loaded"
    (site / "watcher.py").write_text(f"open({str(marker)!r}, 'w').close()\n"
                                     "class Plugin:\n    def new_schema_validator(self, *args, **kwargs):\n"
                                     "        return None, None, None\nplugin = Plugin()\n")
    framework = tmp_path / "fw"
    framework.mkdir()
    (framework / "kpiframe.yaml").write_text("organization: Acme\n")
    (framework / "a.yaml").write_text("kind: Driver\nid: d\ntitle: D\n")
    for setting, loaded in ((None, False), ("", True)):
        env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
        env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [env.get("PYTHONPATH")])])
        if setting is not None:
            env["PYDANTIC_DISABLE_PLUGINS"] = setting
        done = subprocess.run([sys.executable, "-m", "kpiframe", "check", str(framework)], env=env,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert marker.exists() is loaded
        marker.unlink(missing_ok=True)
