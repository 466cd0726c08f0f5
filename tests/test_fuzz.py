"""Property-based fuzzing: random mutations of the example frameworks never crash or hang kpiframe.

Each example framework (examples/acme, examples/silos) is copied to a temporary folder, mutated
the way people and attackers break files (a key deleted, a value of the wrong type, a document
duplicated, an id renamed, a YAML 1.1 surprise typed in, random bytes injected, a file cut
short), and checked through the typer app in both output formats. Whatever the mutation:

- the check returns exit code 0 or 1 and never raises (an exit code 2 would be an internal
  error, that is a bug in kpiframe, and fails the test);
- it finishes within a generous alarm, so a hang fails rather than blocks the suite;
- every finding names a file of the framework (or the framework itself) and a sane position.

The order in which the file system lists files never changes the output (guarantee 9).

The example budget is small for CI. For a longer run:
    KPIFRAME_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import copy
import functools
import json
import os
import random
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kpiframe.cli import app
from tests.conftest import EXAMPLES

EXAMPLE_NAMES = ("acme", "silos")
TODAY = "2026-09-30"
HANG_SECONDS = 30
FUZZ = settings(max_examples=int(os.environ.get("KPIFRAME_FUZZ_EXAMPLES", "25")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

runner = CliRunner()
Documents = dict[str, list[Any]]  # framework file -> its documents, as yaml.safe_load_all reads them


# --- the examples, read once ---------------------------------------------------------------------

@functools.cache
def example_files(name: str) -> dict[str, bytes]:
    root = EXAMPLES / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@functools.cache
def example_documents(name: str) -> Documents:
    """Every YAML file's documents, kpiframe.yaml included: a broken config must not crash either."""
    return {rel: list(yaml.safe_load_all(raw)) for rel, raw in example_files(name).items()
            if rel.endswith((".yaml", ".yml"))}


# --- running the check ---------------------------------------------------------------------------

@contextmanager
def hang_alarm(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail, instead of blocking the suite, if one check takes longer than ``seconds``."""

    def ring(signum, frame):
        raise TimeoutError(f"kpiframe check did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def framework_folder(files: dict[str, bytes], order: list[str] | None = None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kpiframe-fuzz-") as folder:
        root = Path(folder) / "fw"
        for rel in order or files:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[rel])
        yield root


def check(root: Path, output_format: str = "json") -> tuple[int, str]:
    with hang_alarm():
        result = runner.invoke(app, ["check", str(root), "-f", output_format, "--today", TODAY],
                               env={"NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"kpiframe raised {result.exception!r}")
    assert result.exit_code in (0, 1), f"exit code {result.exit_code} (2 means an internal error):\n{result.output}"
    return result.exit_code, result.stdout


def assert_check_survives(root: Path) -> dict:
    code, out = check(root, "json")
    payload = json.loads(out)
    known = {p.relative_to(root).as_posix() for p in root.rglob("*")}
    for finding in payload["findings"]:
        assert finding["file"] in known or finding["file"] in ("", "."), finding
        assert finding["line"] >= 0 and finding["column"] >= 0, finding
    text_code, text = check(root, "text")
    assert text_code == code and "Traceback" not in text
    return payload


# --- mutations -----------------------------------------------------------------------------------

SURPRISES = ("yes", "no", "on", "off", "Y", "012", "0o12", "0x1F", "1:30", ".inf", "-.inf", ".nan", "~", "null",
             "2026-13-45", "2026-02-30", "1e999", "-0", "12%", "[]", "{}", "''", '"', "&a", "*a", "!!python/none",
             "!tag x", "|", ">-", "@", "`", "%", "- x", "? x", "kpi", "Goal", "x" * 300)
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), st.dates(),
    st.sampled_from(SURPRISES),
    st.lists(st.one_of(st.integers(), st.text(max_size=8)), max_size=3),
    st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=8)), max_size=3),
)
ID_LIKE = st.one_of(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True), st.text(max_size=20), st.integers())


def paths_in(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a document (keys and list indices)."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append(prefix + (key,))
            found += paths_in(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.append(prefix + (index,))
            found += paths_in(child, prefix + (index,))
    return found


def container_of(document: Any, path: tuple) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


def draw_document(docs: Documents, data: st.DataObject) -> tuple[str, int]:
    rel = data.draw(st.sampled_from(sorted(docs)), label="file")
    if not docs[rel]:
        docs[rel].append({})
    return rel, data.draw(st.integers(0, len(docs[rel]) - 1), label="document")


def delete_key(docs: Documents, data: st.DataObject) -> None:
    rel, index = draw_document(docs, data)
    paths = [p for p in paths_in(docs[rel][index]) if isinstance(container_of(docs[rel][index], p), dict)]
    if paths:
        path = data.draw(st.sampled_from(paths), label="deleted key")
        del container_of(docs[rel][index], path)[path[-1]]


def change_type(docs: Documents, data: st.DataObject) -> None:
    rel, index = draw_document(docs, data)
    paths = paths_in(docs[rel][index])
    new = data.draw(ANY_VALUE, label="new value")
    if not paths:
        docs[rel][index] = new
        return
    path = data.draw(st.sampled_from(paths), label="changed value")
    container_of(docs[rel][index], path)[path[-1]] = new


def duplicate_document(docs: Documents, data: st.DataObject) -> None:
    rel, index = draw_document(docs, data)
    into = data.draw(st.sampled_from(sorted(docs)), label="copied into")
    docs[into].append(copy.deepcopy(docs[rel][index]))


def rename_id(docs: Documents, data: st.DataObject) -> None:
    rel, index = draw_document(docs, data)
    if isinstance(docs[rel][index], dict):
        docs[rel][index]["id"] = data.draw(ID_LIKE, label="new id")


def remove_document(docs: Documents, data: st.DataObject) -> None:
    rel, index = draw_document(docs, data)
    del docs[rel][index]


STRUCTURAL: tuple[Callable[[Documents, st.DataObject], None], ...] = (
    delete_key, change_type, duplicate_document, rename_id, remove_document)


def inject_bytes(raw: bytes, data: st.DataObject) -> bytes:
    at = data.draw(st.integers(0, len(raw)), label="at")
    return raw[:at] + data.draw(st.binary(min_size=1, max_size=24), label="bytes") + raw[at:]


def cut_short(raw: bytes, data: st.DataObject) -> bytes:
    return raw[:data.draw(st.integers(0, len(raw)), label="cut at")]


def type_a_surprise(raw: bytes, data: st.DataObject) -> bytes:
    """Replace the value of one `key: value` line with a YAML 1.1 surprise, typed plain."""
    lines = raw.split(b"\n")
    candidates = [i for i, line in enumerate(lines) if b": " in line and not line.lstrip().startswith(b"#")]
    if not candidates:
        return raw
    i = data.draw(st.sampled_from(candidates), label="line")
    key = lines[i].split(b": ", 1)[0]
    lines[i] = key + b": " + data.draw(st.sampled_from(SURPRISES), label="surprise").encode()
    return b"\n".join(lines)


TEXTUAL: tuple[Callable[[bytes, st.DataObject], bytes], ...] = (inject_bytes, cut_short, type_a_surprise)


# --- the properties ------------------------------------------------------------------------------

@FUZZ
@given(example=st.sampled_from(EXAMPLE_NAMES), data=st.data())
def test_structural_mutations_never_crash(example: str, data: st.DataObject):
    docs = copy.deepcopy(example_documents(example))
    for _ in range(data.draw(st.integers(1, 4), label="how many mutations")):
        data.draw(st.sampled_from(STRUCTURAL), label="mutation")(docs, data)
    files = dict(example_files(example))
    for rel, documents in docs.items():
        files[rel] = yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True).encode()
    with framework_folder(files) as root:
        assert_check_survives(root)


@FUZZ
@given(example=st.sampled_from(EXAMPLE_NAMES), data=st.data())
def test_textual_mutations_never_crash(example: str, data: st.DataObject):
    files = dict(example_files(example))
    for _ in range(data.draw(st.integers(1, 3), label="how many mutations")):
        rel = data.draw(st.sampled_from(sorted(files)), label="file")  # the config and CSV files too
        files[rel] = data.draw(st.sampled_from(TEXTUAL), label="mutation")(files[rel], data)
    with framework_folder(files) as root:
        assert_check_survives(root)


@FUZZ
@given(example=st.sampled_from(EXAMPLE_NAMES), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_output_does_not_depend_on_file_system_order(example: str, seed: int, data: st.DataObject):
    files = dict(example_files(example))
    if data.draw(st.booleans(), label="mutate first"):  # broken frameworks must be deterministic too
        rel = data.draw(st.sampled_from(sorted(files)), label="file")
        files[rel] = data.draw(st.sampled_from(TEXTUAL), label="mutation")(files[rel], data)
    shuffled = sorted(files)
    random.Random(seed).shuffle(shuffled)
    with framework_folder(files) as first, framework_folder(files, order=shuffled) as second:
        expected = normalized(check(first)[1])
        with mock.patch.object(os, "scandir", shuffled_scandir(random.Random(seed))):
            assert normalized(check(second)[1]) == expected


def shuffled_scandir(rng: random.Random) -> Callable:
    """os.scandir listing entries in a random order, as some file systems do."""
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        with real(path) as listing:
            entries = list(listing)
        rng.shuffle(entries)
        return _Listing(entries)

    return scandir


class _Listing:
    """What os.scandir returns: an iterator that is also a context manager."""

    def __init__(self, entries: list) -> None:
        self._entries = iter(entries)

    def __iter__(self) -> _Listing:
        return self

    def __next__(self) -> Any:
        return next(self._entries)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def close(self) -> None:
        return None


def normalized(out: str) -> dict:
    payload = json.loads(out)
    payload["summary"].pop("root")
    for finding in payload["findings"] + payload["suppressed"]:
        finding.pop("path")  # names the folder the framework is in, as `root` does
    return payload
