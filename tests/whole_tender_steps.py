"""The people and the pages of the whole-tender journey (tests/test_browser_whole_tender.py): each person in a
browser of their own, logged in through the login page; a full-page screenshot after every step into the
journey's artefact folder. Not a conftest: the journey imports it."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser_helpers import log_in, log_out
from tests.conftest import REPO
from tests.evaluation_helpers import Clock
from tests.shared_fixtures import Mailbox


def artefact_folder(name: str) -> Path:
    """Where a journey's step screenshots go: ``$TENDER_TEST_ARTIFACTS/<name>/<backend>`` (default the
    repository's ``test-artifacts/``, which git ignores)."""
    from tests.conftest import BACKEND

    root = Path(os.environ.get("TENDER_TEST_ARTIFACTS") or REPO / "test-artifacts")
    return root / name / BACKEND


@dataclass
class Journey:
    """One tender's journey: the live server, its mailbox and clock, the browser, and where screenshots go."""

    url: str
    app: Any
    box: Mailbox
    clock: Clock
    browser: Any
    folder: Path
    tender_id: int = 0
    passwords: dict[str, str] = field(default_factory=dict)
    steps: int = 0

    @property
    def base(self) -> str:
        return f"{self.url}/konkurranser/{self.tender_id}"

    def start(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def passed(self) -> None:
        """The journey went through: its screenshots are not kept (a failure keeps them for a look)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def shot(self, page: Any, step: str) -> None:
        """A full-page screenshot of ``page`` as step number + step."""
        self.steps += 1
        slug = re.sub(r"[^a-z0-9æøå]+", "-", step.lower()).strip("-")
        page.screenshot(path=str(self.folder / f"{self.steps:03d}-{slug}.png"), full_page=True)

    def new_page(self) -> Any:
        context = self.browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    @contextmanager
    def as_(self, email: str, step: str) -> Iterator[Any]:
        """``email`` logs in in a browser of their own, does what the block does, is photographed as
        ``step`` and logs out."""
        page = self.new_page()
        try:
            log_in(page, self.url, email, self.passwords[email])
            yield page
            self.shot(page, step)
            log_out(page)
        finally:
            page.context.close()

    def link_in_mail(self, to: str, path: str) -> str:
        """The link to ``path…`` in the newest e-mail to ``to``, on this server."""
        self.box.wait_for(to)
        message = [m for m in self.box.messages if m["To"] == to][-1]
        body = message.get_payload(decode=True).decode("utf-8")
        match = re.search(rf"https?://[^/\s]+({re.escape(path)}[A-Za-z0-9_-]+)", body)
        assert match, body
        return self.url + match.group(1)


def fill_form(page: Any, values: dict[str, str], *, within: Any = None) -> None:
    """Type or choose each value into the control labelled so (a select by its option's text)."""
    scope = within or page
    for label, value in values.items():
        control = scope.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)


def accept_invitation(j: Journey, email: str, password: str) -> None:
    """The invited person opens the link from the e-mail and chooses a password."""
    page = j.new_page()
    try:
        page.goto(j.link_in_mail(email, "/invitasjon/"))
        page.get_by_label("Nytt passord").fill(password)
        page.get_by_label("Gjenta passordet").fill(password)
        page.get_by_role("button", name="Lagre passord").click()
        page.get_by_role("heading", name="Mine konkurranser").wait_for()
        j.passwords[email] = password
        j.shot(page, f"{email} har valgt passord")
        log_out(page)
    finally:
        page.context.close()


__all__ = ["Journey", "accept_invitation", "artefact_folder", "fill_form", "log_in", "log_out"]
