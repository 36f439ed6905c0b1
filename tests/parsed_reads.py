"""Reading a page waits until the page has been read to its end.

An action that leads to a new page (a click on a link or a button, Enter in a form) returns once the browser
has *committed* the new document: its first bytes are in, the rest may not yet be parsed. A read that does not
wait by itself (``is_visible``, ``count``, ``content``, ``evaluate``, …) could then see half a page: a check
that something is shown fails at random on a busy machine, and a check that something is *not* shown passes
without having looked. Playwright's own waiting (``wait_for``, ``expect``) waits for one element, not for the
rest of the document.

``install`` makes every such read on a page or locator first wait for the page's ``DOMContentLoaded`` (the
whole document parsed, the deferred scripts run); on a page already there that costs one round trip.
``tests/test_browser_parsed_reads.py`` shows the half page and that the reads wait for the rest."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

#: the reads that return at once with what the page has now (the others wait for their element anyway)
PAGE_READS = ("content", "evaluate", "is_visible", "is_hidden", "inner_text", "text_content", "title")
LOCATOR_READS = (
    "is_visible",
    "is_hidden",
    "is_checked",
    "is_enabled",
    "is_disabled",
    "count",
    "all",
    "all_inner_texts",
    "all_text_contents",
    "inner_text",
    "text_content",
    "inner_html",
    "get_attribute",
    "evaluate",
)

_MARK = "_tender_waits_for_parsing"


def _after_parsing(read: Callable[..., Any], page_of: Callable[[Any], Any]) -> Callable[..., Any]:
    @functools.wraps(read)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        page_of(self).wait_for_load_state("domcontentloaded")
        return read(self, *args, **kwargs)

    setattr(wrapper, _MARK, True)
    return wrapper


def install() -> None:
    """Wrap the reads of Playwright's sync ``Page`` and ``Locator`` (once; calling again changes nothing)."""
    from playwright.sync_api import Locator, Page

    for cls, names, page_of in (
        (Page, PAGE_READS, lambda page: page),
        (Locator, LOCATOR_READS, lambda locator: locator.page),
    ):
        for name in names:
            read = getattr(cls, name)
            if not getattr(read, _MARK, False):
                setattr(cls, name, _after_parsing(read, page_of))
