"""A throwaway PostgreSQL cluster for the test run: initdb + pg_ctl in a temporary folder on a loopback
port, removed afterwards. Used when TENDER_TEST_POSTGRES_URL is not set."""

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


def _bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run `make test`, "
            "which installs it."
        )
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bindir: Path
    as_user: str | None
    #: the server's options (``pg_ctl -o``), kept so that the server can be stopped and started again
    options: str = ""

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://tender@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=tender dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        return self.url(name)

    def stop_server(self) -> None:
        """Stop the server (fast shutdown: connections are cut), keeping the data: the database goes away."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def start_server(self) -> None:
        """Start the stopped server again, with the same data, port and options."""
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.folder / "data"),
            "-o",
            self.options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"
            )
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    bindir = _bindir()
    folder = Path(tempfile.mkdtemp(prefix="tender-pg-"))
    # initdb refuses to run as root; as root we run the server as Debian's "postgres" user.
    as_user = None
    if os.geteuid() == 0:
        as_user = "postgres"
        entry = pwd.getpwnam(as_user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        os.chmod(folder, 0o700)
    cluster = Cluster(folder, _free_port(), bindir, as_user)
    data = folder / "data"
    cluster._run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "tender",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    options = (
        f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c TimeZone=UTC"
    )
    cluster.options = options
    try:
        cluster.start_server()
    except subprocess.CalledProcessError as exc:
        log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}\n{log}") from exc
    return cluster
