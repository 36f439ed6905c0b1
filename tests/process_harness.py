"""Real processes for tests and benchmarks: ``tender`` commands, app servers, workers, Redis and PostgreSQL,
each with its log in a folder, stopped whatever happens (a ``with Processes(...)`` block stops every process
it started, in reverse order, also when the block fails), plus a small HTTP client that posts forms as a
browser does (CSRF token from the page, cookies kept by hand so that one session can be carried from one
app process to another).

Used by tests/test_scale_out.py, tests/test_faults.py and benchmarks/bench_faults.py; general enough for a
load benchmark. Nothing here knows the app's pages beyond the login form.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tender_command() -> list[str]:
    """The ``tender`` command of the interpreter running this (its console script when installed)."""
    script = Path(sys.executable).with_name("tender")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from tender.cli import main; sys.exit(main())"]


def wait_until(predicate: Callable[[], T], *, timeout: float, what: str, interval: float = 0.1) -> T:
    """Call ``predicate`` until it returns something true; that value, or AssertionError naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Process:
    """One started process (in its own process group, so that its children go with it)."""

    name: str
    args: list[str]
    popen: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def kill(self) -> None:
        """SIGKILL to the whole process group (a crash: no clean-up runs anywhere in it)."""
        self._signal_group(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the group, then SIGKILL after ``timeout``; nothing when it has ended."""
        if self.alive():
            self._signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.popen.wait(timeout=30)
        # children the leader left behind (a gunicorn worker, the queue child) go too
        self._signal_group(signal.SIGKILL)

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass


@dataclass
class Processes:
    """Start and track processes; ``close()`` (or leaving the ``with`` block) stops every one of them."""

    folder: Path
    env: dict[str, str]
    started: list[Process] = field(default_factory=list)

    def __enter__(self) -> Processes:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        # all asked at once, then waited for: the slowest decides, not the sum
        for process in reversed(self.started):
            if process.alive():
                process._signal_group(signal.SIGTERM)
        for process in reversed(self.started):
            try:
                process.stop()
            except Exception:  # stop the others whatever one of them does
                pass

    def start(self, name: str, args: list[str], *, env: Mapping[str, str] | None = None) -> Process:
        log_path = self.folder / f"{name}.log"
        with log_path.open("ab") as log:
            popen = subprocess.Popen(
                args,
                env={**self.env, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.folder,
            )
        process = Process(name, list(args), popen, log_path)
        self.started.append(process)
        return process

    def tender(self, name: str, *args: str, env: Mapping[str, str] | None = None) -> Process:
        """A long-running ``tender`` command (``serve``, ``worker``)."""
        return self.start(name, [*tender_command(), *args], env=env)

    def run_tender(
        self, *args: str, input: str | None = None, env: Mapping[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """A one-shot ``tender`` command; AssertionError with its output when it fails."""
        done = subprocess.run(
            [*tender_command(), *args],
            env={**self.env, **(env or {})},
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.folder,
        )
        assert done.returncode == 0, (
            f"tender {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
        return done


def wait_for_http(base: str, process: Process | None = None, *, timeout: float = 60) -> None:
    """Until ``base`` answers (any status); AssertionError with the process's log when it dies or never
    answers."""

    def answers() -> bool:
        if process is not None and not process.alive():
            raise AssertionError(f"{process.name} ended ({process.popen.returncode}):\n{process.log()}")
        try:
            return get_status(base + "/logg-inn") > 0
        except OSError:
            return False

    try:
        wait_until(answers, timeout=timeout, what=f"{base} to answer", interval=0.2)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{process.log() if process else ''}") from None


def get_status(url: str, timeout: float = 5) -> int:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path or "/")
        return conn.getresponse().status
    finally:
        conn.close()


# -- Redis ---------------------------------------------------------------------------------------------------
def start_redis(processes: Processes) -> str:
    """A throwaway redis-server on a free loopback port (no persistence); its URL."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: `make test` installs Debian's redis-server package"
    port = free_port()
    folder = processes.folder / "redis"
    folder.mkdir(exist_ok=True)
    process = processes.start(
        "redis",
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
    )

    def ping() -> bool:
        if not process.alive():
            raise AssertionError(f"redis-server ended:\n{process.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    wait_until(ping, timeout=20, what="redis-server")
    return f"redis://127.0.0.1:{port}/0"


# -- PostgreSQL ----------------------------------------------------------------------------------------------
@contextmanager
def postgres_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL cluster of its own (tests/pg_cluster.py), removed afterwards."""
    from tests import pg_cluster

    cluster = pg_cluster.start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        except subprocess.CalledProcessError:  # its server was stopped already (a fault test); files are gone
            pass


# -- HTTP ----------------------------------------------------------------------------------------------------
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class WebClient:
    """A browser's session, by hand: one cookie jar (kept per client, not per server), so the same login
    can be used through several app processes by passing ``base``."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        base: str | None = None,
    ) -> Response:
        parts = urlsplit(base or self.base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        headers = {"Host": parts.netloc}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
            elapsed = time.monotonic() - started
            for header in raw.headers.get_all("Set-Cookie") or []:
                self._take_cookie(header)
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, elapsed)
        finally:
            conn.close()

    def _take_cookie(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, *, base: str | None = None) -> Response:
        return self.request("GET", path, base=base)

    def post(self, path: str, data: Mapping[str, str], *, base: str | None = None) -> Response:
        return self.request(
            "POST",
            path,
            body=urlencode(data).encode(),
            content_type="application/x-www-form-urlencoded",
            base=base,
        )

    def post_file(
        self,
        path: str,
        fields: Mapping[str, str],
        file_field: str,
        filename: str,
        data: bytes,
        *,
        base: str | None = None,
    ) -> Response:
        boundary = uuid.uuid4().hex
        chunks: list[bytes] = []
        for name, value in fields.items():
            chunks.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        chunks.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(chunks),
            content_type=f"multipart/form-data; boundary={boundary}",
            base=base,
        )

    def csrf(self, page: str, *, base: str | None = None) -> str:
        """The CSRF token of the form on ``page`` (as the browser would have it)."""
        response = self.get(page, base=base)
        match = _CSRF.search(response.text)
        assert match, f"no form with a CSRF token on {page} ({response.status}):\n{response.text[:2000]}"
        return unescape(match.group(1))

    def login(self, email: str, password: str, *, base: str | None = None) -> Response:
        token = self.csrf("/logg-inn", base=base)
        response = self.post(
            "/logg-inn", {"csrf_token": token, "email": email, "password": password}, base=base
        )
        assert response.status == 302, f"login as {email} failed ({response.status}):\n{response.text[:2000]}"
        return response
