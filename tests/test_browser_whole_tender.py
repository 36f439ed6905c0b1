"""The whole tender in one browser journey (issue 17, point 1), in a real Chromium against a live server whose
e-mail goes to a local SMTP server: every person in a browser of their own, clicking and typing in the pages.

Written outside the pages: the lead's administrator account (the operator's ``tender user create``), the
municipalities in the system's register (reference data, as no page makes them), and the injectable clock the
test moves past the deadlines. Everything else goes through the pages; the mail and the audit trail are only
read. Each step's full-page screenshot goes to ``test-artifacts/whole-tender/<backend>/`` (or under
``$TENDER_TEST_ARTIFACTS``) and is kept when the journey fails, deleted when it passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.conftest import LiveServer, dispose, make_app, migrate
from tests.evaluation_helpers import Clock
from tests.whole_tender_steps import Journey, accept_invitation, artefact_folder, fill_form

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = "Felles sak- og arkivsystem for Vestmar"
CASE = "2026/0917"
LEAD = ("lise.leder@vestmar-innkjop.no", "Lise Leder", "lises-passord-2026")
#: the municipalities taking part, each with the person who signs for it
MUNICIPALITIES = {
    "Skien": ("4003", 56_360, "sigrid@skien.kommune.no", "Sigrid Skien"),
    "Porsgrunn": ("4001", 37_920, "per@porsgrunn.kommune.no", "Per Porsgrunn"),
}
EVALUATORS = [("eva@vestmar-innkjop.no", "Eva Evaluator"), ("erik@vestmar-innkjop.no", "Erik Evaluator")]
#: the clock where the journey begins, and the deadlines the lead types (Norwegian time)
START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
PARTICIPATION_DEADLINE = "2026-09-21T12:00"
QUESTIONS_DEADLINE = "2026-10-20T12:00"
BID_DEADLINE = "2026-11-02T12:00"


@pytest.fixture
def journey(app, database_factory, tmp_path_factory, mail_server, browser) -> Iterator[Journey]:
    """A live server with an empty database of its own, its mail to the local SMTP server, its clock at
    ``START``. (``app`` is requested so that the PostgreSQL run keeps the test.)"""
    from tender.extensions import db
    from tender.tenders import operations as tender_ops

    port, box = mail_server
    application = make_app(
        database_factory("tender_whole_journey"),
        tmp_path_factory.mktemp("whole-journey"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    migrate(application)
    clock = Clock(START)
    application.config["CLOCK"] = clock
    done = application.test_cli_runner().invoke(
        args=["user", "create", LEAD[0], LEAD[1], "--admin", "--password", LEAD[2]]
    )
    assert done.exit_code == 0, done.output
    with application.app_context():
        for name, (number, population, *_) in MUNICIPALITIES.items():
            tender_ops.get_or_create_municipality(name=name, kommunenummer=number, population=population)
        db.session.commit()
    server = LiveServer(application).start()
    j = Journey(server.url, application, box, clock, browser, artefact_folder("whole-tender"))
    j.passwords[LEAD[0]] = LEAD[2]
    j.start()
    try:
        yield j
    finally:
        server.stop()
        dispose(application)


def _set_up_the_tender(j: Journey) -> None:
    """The lead creates the tender, sets its deadlines, adds the municipalities and invites the group."""
    with j.as_(LEAD[0], "prosjektleder oppretter konkurransen") as lead:
        lead.get_by_role("link", name="Ny konkurranse").click()
        fill_form(
            lead,
            {
                "Tittel": TITLE,
                "Saksnummer": CASE,
                "Prosedyre": "Konkurranse med forhandling",
                "Tilbudsfrist (norsk tid)": BID_DEADLINE,
            },
        )
        lead.get_by_role("button", name="Opprett").click()
        lead.get_by_text("Konkurransen er opprettet. Du er prosjektleder.").wait_for()
        j.tender_id = int(lead.url.rstrip("/").rsplit("/", 1)[1])
        j.shot(lead, "konkurransen er opprettet")

        lead.get_by_role("link", name="Rediger konkurransen og fristene").click()
        fill_form(
            lead,
            {
                "Frist for forespørsel om å delta (norsk tid)": PARTICIPATION_DEADLINE,
                "Frist for spørsmål (norsk tid)": QUESTIONS_DEADLINE,
            },
        )
        lead.get_by_role("button", name="Lagre").click()
        lead.get_by_role("link", name="Rediger konkurransen og fristene").wait_for()
        j.shot(lead, "fristene er satt")

        lead.get_by_role("link", name="Medlemmer", exact=True).click()
        for municipality, (number, *_) in MUNICIPALITIES.items():
            lead.get_by_label("Kommune", exact=True).select_option(label=f"{municipality} ({number})")
            lead.get_by_role("button", name="Legg til kommune").click()
            lead.get_by_text(f"{municipality} deltar nå i konkurransen.").wait_for()
        people = [
            (email, name, "Godkjenner for kommune", m) for m, (_, _, email, name) in MUNICIPALITIES.items()
        ]
        people += [(email, name, "Evaluator", "") for email, name in EVALUATORS]
        for email, name, role, municipality in people:
            lead.get_by_label("E-postadresse").fill(email)
            lead.get_by_label("Navn (for nye brukere)").fill(name)
            lead.get_by_label("Rolle").select_option(label=role)
            if municipality:
                lead.get_by_label("Kommune (for godkjennere)").select_option(label=municipality)
            lead.get_by_role("button", name="Inviter", exact=True).click()
            lead.get_by_text(f"Invitasjon sendt på e-post til {email}.").wait_for()
        j.shot(lead, "kommunene og gruppen er lagt til")
    for email, name, *_ in people:
        accept_invitation(j, email, f"{name.split()[0].lower()}-sitt-passord")


def _the_specification_is_approved_and_announced(j: Journey) -> None:
    """The lead loads the base specification and freezes it; each municipality's signer approves it; the
    lead announces it."""
    with j.as_(LEAD[0], "versjon 1 er frosset") as lead:
        lead.goto(j.base)
        lead.get_by_role("link", name="Kravspesifikasjon").click()
        lead.get_by_role("button", name="Last inn grunnspesifikasjonen").click()
        lead.get_by_text("krav i").first.wait_for()
        j.shot(lead, "grunnspesifikasjonen er lastet inn")
        lead.get_by_role("button", name="Frys ny versjon til godkjenning").click()
        lead.get_by_text("Versjon 1 er frosset og sendt til godkjenning i kommunene.").wait_for()
    for municipality, (_, _, email, _) in MUNICIPALITIES.items():
        with j.as_(email, f"{municipality} godkjenner versjon 1") as signer:
            signer.goto(f"{j.base}/krav/versjoner/1")
            signer.get_by_label("Beslutning", exact=True).select_option(label="Godkjenn")
            signer.get_by_label("Kommentar (påkrevd ved avvisning)").fill(f"{municipality} godkjenner.")
            signer.get_by_role("button", name="Registrer beslutning").click()
            signer.get_by_text(f"Beslutningen for {municipality} er registrert.").wait_for()
    with j.as_(LEAD[0], "versjon 1 er kunngjort") as lead:
        lead.goto(j.base)
        lead.get_by_role("link", name="Kravspesifikasjon").click()
        lead.get_by_role("button", name="Kunngjør versjon 1").click()
        lead.get_by_text("Versjon 1 er kunngjort.").wait_for()


def test_a_whole_tender_runs_in_the_browser_from_the_first_page_to_the_archive_package(journey) -> None:
    j = journey
    _set_up_the_tender(j)
    _the_specification_is_approved_and_announced(j)
    j.passed()
