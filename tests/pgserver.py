"""A real, throw-away PostgreSQL server for the pull tests: initdb into a temporary folder, started
on a free loopback port with a password, stopped and removed afterwards.

The server binaries come from the Debian `postgresql` package (`.ci/run` installs it when it is
missing). PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
(the package creates it) or `nobody`. Measured here: initdb and start take about 2 s together.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "kpi"


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when no PostgreSQL server is installed."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(os.path.realpath(on_path)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    folder: Path
    port: int
    password: str
    binaries: Path
    user: str | None  # the OS user the server runs as (None: this one)

    def url(self, database: str = "postgres", password: str = "${KPI_TEST_PASSWORD}") -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=USER, password=self.password,
                               dbname=database, autocommit=True)

    def stop(self) -> None:
        _run(self, [str(self.binaries / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
             check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(server_or_user, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
    user = server_or_user.user if isinstance(server_or_user, Server) else server_or_user
    return subprocess.run(argv, user=user, capture_output=True, text=True, check=check, timeout=120,
                          stdin=subprocess.DEVNULL, cwd="/")


def start(password: str) -> Server:
    """Start a server (raises RuntimeError with the reason when it cannot)."""
    binaries = find_binaries()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server is installed (apt-get install postgresql)")
    user = None
    if os.geteuid() == 0:
        for name in ("postgres", "nobody"):
            try:
                pwd.getpwnam(name)
                user = name
                break
            except KeyError:
                continue
        if user is None:
            raise RuntimeError("running as root, and there is no postgres or nobody user to run the server as")
    folder = Path(tempfile.mkdtemp(prefix="kpiframe-pg-"))
    os.chmod(folder, 0o700)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    (folder / "pw").write_text(password + "\n")
    if user is not None:
        os.chown(folder / "pw", pwd.getpwnam(user).pw_uid, -1)
    port = _free_port()
    server = Server(folder, port, password, binaries, user)
    try:
        _run(user, [str(binaries / "initdb"), "-D", str(folder / "data"), "-U", USER, "--auth=scram-sha-256",
                    f"--pwfile={folder / 'pw'}", "-E", "UTF8", "--no-sync", "--locale=C"])
        with open(folder / "data" / "postgresql.conf", "a") as conf:
            conf.write(f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        _run(user, [str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "log"), "-w", "-t", "60",
                    "start"])
        server.connect().close()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, ImportError) as error:
        log = (folder / "log").read_text(errors="replace")[-500:] if (folder / "log").exists() else ""
        detail = getattr(error, "stderr", "") or ""
        server.stop()
        raise RuntimeError(f"could not start PostgreSQL: {error} {detail} {log}".strip()) from None
    finally:
        (folder / "pw").unlink(missing_ok=True)
    return server
