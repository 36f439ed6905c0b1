"""A read after a click sees the whole new page (tests/parsed_reads.py).

A small server of its own sends a page in two parts with a pause between them, as a busy server or a slow
network may: a click on the link to it returns once the first part is in. Without the waiting in
``parsed_reads`` the end of the page is not there yet for ``is_visible``, ``count`` or ``content``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests import parsed_reads

pytestmark = pytest.mark.browser

#: how long the server waits between the two parts of the slow page
PAUSE = 1.5


class _TwoParts(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        if self.path == "/":
            self.wfile.write(b'<!doctype html><html lang="nb"><title>Start</title><a href="/treg">Videre</a>')
            return
        self.wfile.write(b'<!doctype html><html lang="nb"><title>Treg</title><h1>Begynnelsen</h1>')
        self.wfile.write(b" " * 4096)  # enough for the browser to start on the page
        self.wfile.flush()
        time.sleep(PAUSE)
        self.wfile.write(b"<p>Slutten av siden</p><ul><li>en</li><li>to</li></ul>")


@pytest.fixture
def two_parts() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TwoParts)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _follow(page: Any, url: str) -> float:
    page.goto(url + "/")
    started = time.monotonic()
    page.get_by_role("link", name="Videre").click()
    return started


def test_a_click_returns_before_the_new_page_is_read_to_its_end(page: Any, two_parts: str) -> None:
    """What the reads guard against: the click is back while the end of the page is still on its way."""
    started = _follow(page, two_parts)
    assert time.monotonic() - started < PAUSE
    assert page.evaluate("document.readyState") in ("interactive", "complete")  # the read waited for the end
    assert page.get_by_role("heading", name="Begynnelsen").is_visible()


def test_reads_after_a_click_see_the_end_of_the_new_page(page: Any, two_parts: str) -> None:
    for read in (
        lambda: page.get_by_text("Slutten av siden").is_visible(),
        lambda: page.get_by_role("listitem").count() == 2,
        lambda: "Slutten av siden" in page.content(),
        lambda: not page.get_by_text("Slutten av siden").is_hidden(),
        lambda: page.get_by_role("listitem").all_inner_texts() == ["en", "to"],
    ):
        _follow(page, two_parts)
        assert read()


def test_the_reads_are_wrapped_once(page: Any) -> None:
    from playwright.sync_api import Locator, Page

    before = Locator.is_visible, Page.content
    parsed_reads.install()
    assert (Locator.is_visible, Page.content) == before
    for name in parsed_reads.LOCATOR_READS:
        assert getattr(getattr(Locator, name), parsed_reads._MARK, False), name
    for name in parsed_reads.PAGE_READS:
        assert getattr(getattr(Page, name), parsed_reads._MARK, False), name
