"""The consumers' own schemas (SARIF 2.1.0, Jenkins' junit-10.xsd, GitLab Code Quality), which
live outside the repository in ../shared/schemas (see its SOURCE.md; CI has them there).

They are not copied into the repository: a test that needs one skips, saying why, when the
folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO

SHARED_SCHEMAS = REPO.parent / "shared" / "schemas"


def consumer_schema(name: str) -> Path:
    """The path of ``name`` in ../shared/schemas, or skip the test saying where it was looked for."""
    path = SHARED_SCHEMAS / name
    if not path.is_file():
        pytest.skip(f"{name} not found in {SHARED_SCHEMAS}: the consumers' schemas are kept beside the "
                    "repository (../shared/schemas, as CI has them), not in it")
    return path
