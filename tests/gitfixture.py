"""Real git repositories in temporary folders, independent of the machine's git configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

# No system or user configuration, a fixed identity and fixed dates: the same repository on
# every machine.
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Dana Kim",
    "GIT_AUTHOR_EMAIL": "dana@example.com",
    "GIT_COMMITTER_NAME": "Dana Kim",
    "GIT_COMMITTER_EMAIL": "dana@example.com",
    "GIT_TERMINAL_PROMPT": "0",
}


def pytest_git_available() -> bool:
    return shutil.which("git") is not None


class Repo:
    """A git repository with helpers to write files and commit them."""

    def __init__(self, path: Path):
        self.path = path
        self._day = 0

    def git(self, *args: str, cwd: Path | None = None) -> str:
        env = {**os.environ, **GIT_ENV}
        return subprocess.run(["git", *args], cwd=cwd or self.path, env=env, check=True,
                              capture_output=True, text=True).stdout

    def init(self) -> Repo:
        self.path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        return self

    def write(self, rel: str, text: str) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def remove(self, rel: str) -> None:
        (self.path / rel).unlink()

    def commit(self, message: str, *, author: str = "Dana Kim") -> str:
        self._day += 1
        stamp = f"2026-01-{self._day:02d}T12:00:00+00:00"
        self.git("add", "-A")
        env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
               "GIT_AUTHOR_NAME": author}
        subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", message], cwd=self.path, env=env,
                       check=True, capture_output=True)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def git_env(monkeypatch):
    """kpiframe's own git calls see the same clean configuration as the fixture's."""
    if not pytest_git_available():
        pytest.skip("git is not installed")
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def repo(tmp_path, git_env) -> Repo:
    return Repo(tmp_path / "repo").init()
