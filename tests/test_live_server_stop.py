"""The browser tests' live server (tests/conftest.py ``LiveServer``) stops cleanly: its loop thread ends, with
a browser's kept-alive connection still open and with requests coming in while it stops, and nothing is raised
in its threads (pytest would report that as an error of whichever test stopped it). The old stop closed the
sockets from the test's thread: the loop went on with a kept-alive connection and could meet a closed
descriptor in its ``select`` (the PostgreSQL run's one error in a full run, at a journey's teardown); the
first test here fails on it (the loop is still alive after ten seconds)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import LiveServer


def _hello(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


@pytest.fixture
def thread_errors() -> Iterator[list[str]]:
    """What any thread raised while the test ran."""
    caught: list[str] = []
    before = threading.excepthook

    def note(args: Any) -> None:
        caught.append(f"{args.thread.name if args.thread else '?'}: {args.exc_value!r}")

    threading.excepthook = note
    try:
        yield caught
    finally:
        threading.excepthook = before


def test_the_server_stops_with_a_kept_alive_connection_open(thread_errors) -> None:
    server = LiveServer(_hello).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/")
    assert connection.getresponse().read() == b"ok"  # the connection stays open (HTTP/1.1 keep-alive)
    server.stop()
    assert not server.thread.is_alive()
    assert server.server._map == {}
    connection.close()
    assert thread_errors == []


def test_stopping_while_requests_come_in_raises_nothing_in_the_server(thread_errors) -> None:
    for _ in range(20):
        server = LiveServer(_hello).start()
        stop = threading.Event()

        def ask(port: int = server.port, stop: threading.Event = stop) -> None:
            while not stop.is_set():
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                try:
                    c.request("GET", "/")
                    c.getresponse().read()
                except (OSError, http.client.HTTPException):
                    return  # the server has gone: the asking stops
                finally:
                    c.close()

        askers = [threading.Thread(target=ask) for _ in range(4)]
        for t in askers:
            t.start()
        server.stop()
        stop.set()
        for t in askers:
            t.join(timeout=10)
        assert not server.thread.is_alive()
    assert thread_errors == []
