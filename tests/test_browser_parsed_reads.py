"""A read after a click sees the whole new page (tests/parsed_reads.py).

A small server of its own sends a page in two parts, the second when the test lets it go, as a busy server or
a slow network may: a click on the link to it returns once the first part is in. Without the waiting in
``parsed_reads`` the end of the page is not there yet for ``is_visible``, ``count`` or ``content``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests import parsed_reads

pytestmark = pytest.mark.browser


class _Gated(ThreadingHTTPServer):
    """The test decides when the second part goes: ``release`` lets it go, ``tail_sent`` says it went."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TwoParts)
        self.release, self.tail_sent = threading.Event(), threading.Event()


class _TwoParts(BaseHTTPRequestHandler):
    server: _Gated

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
        self.server.release.wait(timeout=30)
        self.wfile.write(b"<p>Slutten av siden</p><ul><li>en</li><li>to</li></ul>")
        self.wfile.flush()
        self.server.tail_sent.set()


@pytest.fixture
def two_parts() -> Iterator[tuple[str, _Gated]]:
    server = _Gated()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


def _follow(page: Any, url: str, server: _Gated) -> None:
    server.release.clear()
    server.tail_sent.clear()
    page.goto(url + "/")
    page.get_by_role("link", name="Videre").click()


def test_a_click_returns_before_the_new_page_is_read_to_its_end(page: Any, two_parts) -> None:
    """What the reads guard against: the click is back while the end of the page has not been sent."""
    url, server = two_parts
    _follow(page, url, server)
    assert not server.tail_sent.is_set()
    server.release.set()
    assert page.evaluate("document.readyState") in ("interactive", "complete")  # the read waited for the end
    assert page.get_by_text("Slutten av siden").is_visible()


def test_reads_after_a_click_see_the_end_of_the_new_page(page: Any, two_parts) -> None:
    """Each read is made at once after the click; the end of the page is let go half a second later, so a
    read that did not wait sees half the page."""
    url, server = two_parts
    for read in (
        lambda: page.get_by_text("Slutten av siden").is_visible(),
        lambda: page.get_by_role("listitem").count() == 2,
        lambda: "Slutten av siden" in page.content(),
        lambda: not page.get_by_text("Slutten av siden").is_hidden(),
        lambda: page.get_by_role("listitem").all_inner_texts() == ["en", "to"],
    ):
        _follow(page, url, server)
        later = threading.Timer(0.5, server.release.set)
        later.start()
        try:
            assert read()
        finally:
            later.join()


def test_the_reads_are_wrapped_once(page: Any) -> None:
    from playwright.sync_api import Locator, Page

    before = Locator.is_visible, Page.content
    parsed_reads.install()
    assert (Locator.is_visible, Page.content) == before
    for name in parsed_reads.LOCATOR_READS:
        assert getattr(getattr(Locator, name), parsed_reads._MARK, False), name
    for name in parsed_reads.PAGE_READS:
        assert getattr(getattr(Page, name), parsed_reads._MARK, False), name
