"""Hostile output paths: kpiframe writes to what a path names, never over its own inputs, and a
write that fails is a failure (issue 15, items 1 and 2; README: Limits and guarantees, Writes).

Paths people pass to `-o`: a link, a FIFO, a device, `/dev/stdout`, `/proc/self/fd/1`, `-`, a
framework file. Streams that fail: a full disk (`/dev/full`) for standard output, standard error
and `-o`. Most cases run the real command line in a subprocess, since what is at stake is what
the process does to file descriptors and the file system.
"""

from __future__ import annotations

import errno
import os
import select
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kpiframe.check
from kpiframe import fsutil
from kpiframe.cli import app
from tests.conftest import REPO, write_tree
from tests.test_guarantees import run_main, snapshot
from tests.test_hostile import BASE, TODAY

runner = CliRunner()
ENV = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "KPIFRAME_TODAY": TODAY}
HAS_DEV_FULL = os.path.exists("/dev/full")
# Every command that writes a file the user names, and the option that names it.
WRITERS = [("check", "-o"), ("check", "--output-file"), ("report", "-o"), ("graph", "-o")]


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpiframe", *args], capture_output=True, env=ENV,
                          timeout=120, **kwargs)


@pytest.fixture
def fw(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "fw", BASE)


# --- item 1: -o writes to what the path names ----------------------------------------------------

@pytest.mark.parametrize("command, option", WRITERS)
def test_a_symlink_stays_a_link_and_its_target_is_replaced(fw: Path, tmp_path: Path, command: str, option: str):
    target = tmp_path / "reports" / "latest.txt"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "out.lnk"
    link.symlink_to(target)
    result = runner.invoke(app, [command, str(fw), option, str(link)])
    assert result.exit_code in (0, 1), result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() != "old\n" and "idle-goal" in target.read_text()
    assert sorted(os.listdir(target.parent)) == ["latest.txt"]  # no temporary file left


def test_a_link_to_dev_null_stays_a_link_and_dev_null_a_device(fw: Path, tmp_path: Path):
    link = tmp_path / "discard"
    link.symlink_to(os.devnull)
    result = runner.invoke(app, ["check", str(fw), "-f", "sarif", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_character_device_is_written_through_never_renamed_over(fw: Path, tmp_path: Path):
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    except (PermissionError, AttributeError, OSError):
        pytest.skip("creating a device node needs root with CAP_MKNOD")
    result = runner.invoke(app, ["report", str(fw), "-o", str(device)])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert os.listdir(tmp_path) == ["fw", "null"] or sorted(os.listdir(tmp_path)) == ["fw", "null"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("command", ["check", "report", "graph"])
def test_a_fifo_is_written_through_to_its_reader(fw: Path, tmp_path: Path, command: str):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open first, so the writer never waits
    try:
        process = subprocess.Popen([sys.executable, "-m", "kpiframe", command, str(fw), "-o", str(fifo)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        received = b""
        while True:  # until the writer closes its end (or 120 s: a guard against hanging, not a measure)
            ready, _, _ = select.select([reader], [], [], 120)
            assert ready, "nothing was written to the FIFO"
            chunk = os.read(reader, 65536)
            if not chunk and process.poll() is not None:
                break
            received += chunk
        process.wait(timeout=120)
    finally:
        os.close(reader)
    assert process.returncode in (0, 1), process.stderr
    assert b"idle-goal" in received
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
@pytest.mark.parametrize("how", ["link like /dev/stdout", "/proc/self/fd/1"])
@pytest.mark.parametrize("command", ["check", "report", "graph"])
def test_dev_stdout_and_proc_self_fd_1_reach_standard_output(fw: Path, tmp_path: Path, how: str, command: str):
    # Not /dev/stdout itself: a kpiframe without this guarantee, run as root, renames a regular
    # file over it and breaks the machine (it happened). A link of our own to /proc/self/fd/1 is
    # what /dev/stdout is on Linux.
    path = "/proc/self/fd/1"
    if how.startswith("link"):
        (tmp_path / "stdout").symlink_to(path)
        path = str(tmp_path / "stdout")
    out_file = tmp_path / "captured.txt"
    with open(out_file, "wb") as stdout:  # a regular file behind fd 1, as `> file` gives
        done = subprocess.run([sys.executable, "-m", "kpiframe", command, str(fw), "-f", "json", "-o", path],
                              stdout=stdout, stderr=subprocess.PIPE, env=ENV, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    text = out_file.read_text()
    assert text.lstrip().startswith("{") and "idle-goal" in text


@pytest.mark.parametrize("command", ["check", "report", "graph", "schema"])
def test_dash_means_standard_output(fw: Path, tmp_path: Path, command: str):
    args = [command, "-o", "-"] if command == "schema" else [command, str(fw), "-f", "json", "-o", "-"]
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.lstrip().startswith(b"{")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command, option", WRITERS)
@pytest.mark.parametrize("victim", ["kpis.yaml", "kpiframe.yaml", "data/actuals.csv"])
def test_an_input_of_the_framework_is_refused_and_left_alone(tmp_path: Path, command: str, option: str, victim: str):
    fw = write_tree(tmp_path / "fw", {**BASE, "kpiframe.yaml": BASE["kpiframe.yaml"] + "actuals: [data/*.csv]\n",
                                      "data/actuals.csv": "kpi,date,value\nnew-arr,2026-06-20,160000\n"})
    before = snapshot(fw)
    result = runner.invoke(app, [command, str(fw), option, str(fw / victim)])
    assert result.exit_code == 2
    assert f"will not write over {fw / victim}: it is one of the framework's inputs" in result.output
    assert snapshot(fw) == before


def test_an_input_reached_through_a_link_or_a_hard_link_is_refused(fw: Path, tmp_path: Path):
    (tmp_path / "via-link.yaml").symlink_to(fw / "kpis.yaml")
    os.link(fw / "plans.yaml", tmp_path / "hard-link.md")
    before = snapshot(fw)
    for target in ("via-link.yaml", "hard-link.md"):
        result = runner.invoke(app, ["report", str(fw), "-o", str(tmp_path / target)])
        assert result.exit_code == 2 and "one of the framework's inputs" in result.output, result.output
    assert snapshot(fw) == before


def test_the_pyproject_toml_in_use_is_refused(tmp_path: Path):
    root = write_tree(tmp_path / "proj", {"pyproject.toml": "[tool.kpiframe]\norganization = 'P'\n",
                                          **{k: v for k, v in BASE.items() if k != "kpiframe.yaml"}})
    before = snapshot(root)
    result = runner.invoke(app, ["check", str(root), "-o", str(root / "pyproject.toml")])
    assert result.exit_code == 2 and "pyproject.toml" in result.output
    assert snapshot(root) == before


def test_schema_refuses_a_framework_file(fw: Path):
    before = snapshot(fw)
    for victim in ("kpis.yaml", "kpiframe.yaml"):
        result = runner.invoke(app, ["schema", "-o", str(fw / victim)])
        assert result.exit_code == 2 and "one of the framework's inputs" in result.output, result.output
    assert snapshot(fw) == before


def test_import_never_writes_over_its_own_source(tmp_path: Path):
    out = tmp_path / "fw"
    source = write_tree(out, {"kpis/sales.yaml": "- name: New ARR\n  org: Sales\n"})
    before = snapshot(source)
    result = runner.invoke(app, ["import", "gitlab-pi", str(out / "kpis" / "sales.yaml"), "-o", str(out), "--force"])
    assert result.exit_code == 2, result.output
    assert "will not write over" in result.output and "sales.yaml" in result.output
    assert snapshot(source) == before  # nothing at all was written: the check comes first


def test_init_replaces_the_target_of_a_link_not_the_link(tmp_path: Path):
    shared = tmp_path / "shared-goals.yaml"
    shared.write_text("# kept elsewhere\n")
    folder = tmp_path / "fw"
    folder.mkdir()
    (folder / "goals.yaml").symlink_to(shared)
    result = runner.invoke(app, ["init", str(folder), "--force"])
    assert result.exit_code == 0, result.output
    assert (folder / "goals.yaml").is_symlink() and "kind: Goal" in shared.read_text()


# --- item 2: a failed write is a failure -------------------------------------------------------

@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ("check", "-f", "sarif"), ("check", "-f", "json"), ("check",), ("report",), ("report", "-f", "json"),
    ("graph",), ("status",), ("tree",), ("schema",),
])
def test_standard_output_on_a_full_disk_exits_2_and_says_so(fw: Path, args: tuple[str, ...]):
    command = [*args, str(fw)] if args[0] != "schema" else list(args)
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "kpiframe", *command], stdout=full, stderr=subprocess.PIPE,
                              env=ENV, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().strip().splitlines() == [
        "kpiframe: could not write standard output: No space left on device"]


@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full")
def test_standard_error_on_a_full_disk_exits_2(fw: Path):
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "kpiframe", "check", str(fw), "-f", "github", "--timings"],
                              stdout=subprocess.PIPE, stderr=full, env=ENV, timeout=120)
    assert done.returncode == 2


@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full")
@pytest.mark.parametrize("command", ["check", "report", "graph", "schema"])
def test_an_output_file_on_a_full_disk_exits_2_and_claims_nothing(fw: Path, tmp_path: Path, command: str):
    link = tmp_path / "full"
    link.symlink_to("/dev/full")
    done = run_cli(*([command, str(fw)] if command != "schema" else [command]), "-o", str(link))
    assert done.returncode == 2
    assert done.stderr.decode().strip() == f"kpiframe: could not write {link}: No space left on device"
    assert b"Wrote" not in done.stdout


def test_a_reader_going_away_keeps_the_exit_code(fw: Path):
    process = subprocess.Popen([sys.executable, "-m", "kpiframe", "report", str(fw)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=ENV)
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""


@pytest.mark.parametrize("exc, says", [
    (MemoryError(), "needs more memory than is available"),
    (OSError(errno.EMFILE, "Too many open files"), "out of file descriptors"),
])
def test_running_out_of_memory_or_descriptors_says_so_not_a_bug(tmp_path, monkeypatch, capsys, exc, says):
    root = write_tree(tmp_path / "fw", BASE)

    def exhausted(raw):
        raise exc

    monkeypatch.setattr(kpiframe.check, "validate_document", exhausted)
    code, out, err = run_main(monkeypatch, capsys, "check", str(root))
    assert code == 2 and says in err and "bug" not in err and "Traceback" not in err


def test_write_output_refuses_before_writing_any_file(tmp_path: Path):
    source = tmp_path / "in.yaml"
    source.write_text("kind: Goal\n")
    with pytest.raises(fsutil.WriteFailed, match="will not write over"):
        fsutil.write_outputs([(tmp_path / "first.yaml", "x"), (source, "y")], inputs=[source])
    assert sorted(os.listdir(tmp_path)) == ["in.yaml"]


# --- item 5: SIGTERM is handled like Ctrl-C ------------------------------------------------------

BIG_KPIS = 4000  # about 5 MB of YAML: parsed by this process and a forked worker (over 2 MB)


@pytest.fixture(scope="module")
def big_framework(tmp_path_factory) -> Path:
    from benchmarks.generate import generate

    root = tmp_path_factory.mktemp("big") / "fw"
    generate(root, BIG_KPIS, seed=1)
    return root


def session_processes(session: int) -> list[int]:
    """Every process left in a session (a forked helper keeps its parent's session when orphaned)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != "Z":
                found.append(int(entry))
    return found


def children_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
@pytest.mark.parametrize("to_group", [False, True], ids=["to kpiframe", "to its process group"])
def test_sigterm_mid_parse_stops_and_reaps_every_helper_and_exits_143(big_framework: Path, tmp_path: Path,
                                                                      to_group: bool):
    import signal
    import time

    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "kpiframe", "check", str(big_framework), "-f", "json",
                                "-o", str(out / "report.json")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**ENV, "KPIFRAME_JOBS": "2"}, start_new_session=True)
    deadline = time.monotonic() + 120  # a guard against a hang, not a measurement
    while not children_of(process.pid):  # a parse worker exists: the parse is under way
        assert process.poll() is None, "the check ended before a helper was started"
        assert time.monotonic() < deadline, "no helper process was started"
        time.sleep(0.005)
    if to_group:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    assert err.decode().strip() == "kpiframe: terminated"
    assert session_processes(process.pid) == []
    assert os.listdir(out) == []  # no report, no temporary file


def test_sigterm_while_writing_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch):
    from kpiframe.cli import Terminated

    target = tmp_path / "report.md"
    target.write_text("last week's report\n")

    def terminated(fd):
        raise Terminated

    monkeypatch.setattr(fsutil.os, "fsync", terminated)
    with pytest.raises(Terminated):
        fsutil.write_output(target, "this week's report\n" * 10_000)
    assert target.read_text() == "last week's report\n" and os.listdir(tmp_path) == ["report.md"]


def test_sigterm_just_after_a_helper_is_forked_still_stops_it(big_framework: Path, monkeypatch, capsys):
    # The narrowest window: the helper exists, but its caller does not hold its pid yet.
    from kpiframe import forking
    from kpiframe.cli import Terminated
    from kpiframe.load import parallel

    def terminated_now(*args, **kwargs):
        raise Terminated

    monkeypatch.setattr(parallel.os, "fdopen", terminated_now)
    monkeypatch.setenv("KPIFRAME_JOBS", "2")
    code, out, err = run_main(monkeypatch, capsys, "check", str(big_framework))
    assert code == 143 and err.strip() == "kpiframe: terminated"
    assert children_of(os.getpid()) == []
    assert not forking._LIVE
