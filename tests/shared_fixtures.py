"""Fixtures that more than one test module uses: a local SMTP server (for the app and for a live server), the
access tests' ``people``, the ``scored`` demo, and a valid Noark 5 extract as a zip.

Not imported by the tests: tests/conftest.py registers this module (and tests/evaluation_helpers.py, for
``clock``) as a plugin, so its fixtures are found by name like those of the conftest.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest


# -- e-mail ------------------------------------------------------------------------------------------------
@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    def wait_for(self, to: str, timeout: float = 15.0) -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for message in self.messages:
                if message["To"] == to:
                    return message
            time.sleep(0.1)
        raise AssertionError(f"no e-mail to {to}; got {[m['To'] for m in self.messages]}")


@pytest.fixture(scope="module")
def mail_server() -> Iterator[tuple[int, Mailbox]]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    box = Mailbox()

    class Collect(Message):
        def handle_message(self, message: Any) -> None:
            box.messages.append(message)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


# -- people and data ---------------------------------------------------------------------------------------
@pytest.fixture
def people(db, create_tender, create_user, add_member):
    from tender.tenders import operations
    from tender.tenders.models import Role
    from tests.test_access import ADMIN, OUTSIDER

    tender = create_tender()
    lead = tender.memberships[0].user
    vendor = operations.register_vendor(
        tender, name="Leverandør AS", organisasjonsnummer="974760673", actor=lead
    )
    db.session.commit()
    who = {
        OUTSIDER: create_user(name="Utenfor"),
        ADMIN: create_user(name="Admin", is_admin=True),
        "lead": lead,
        "evaluator": add_member(tender, Role.EVALUATOR),
        "signer": add_member(tender, Role.SIGNER, municipality=tender.participating_municipalities[0]),
        "observer": add_member(tender, Role.OBSERVER),
        "vendor": add_member(tender, Role.VENDOR, vendor=vendor),
    }
    observer_membership = next(m for m in tender.memberships if m.role is Role.OBSERVER)
    return tender, who, observer_membership


@pytest.fixture
def scored_demo(runner, db) -> Any:
    result = runner.invoke(args=["demo", "--stage", "scored"])
    assert result.exit_code == 0, result.output
    from tender.demo.stages import demo_tender

    tender = demo_tender()
    assert tender is not None
    return tender


@pytest.fixture(scope="module")
def valid_zip(tmp_path_factory) -> bytes:
    from tests.test_noark_tasks import zipped_extract

    return zipped_extract(tmp_path_factory.mktemp("valid")).read_bytes()
