"""In a real Chromium: a vendor of a tender whose prequalification demands a Noark 5 sample is told the sample
is missing when it tries to submit its request, follows the request page's link to the sample page, uploads a
sample, sees the worker validate it, goes back to the request and submits it; the receipt names the sample,
and the receipt's hash covers the sample's name and SHA-256.

The tender is built in the live server's own database; its clock is held one second before the participation
deadline (restored afterwards).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests.evaluation_helpers import PASSWORD, Clock, restore_clock
from tests.prequalification_helpers import PQ_BEFORE, pq_setup
from tests.test_noark_tasks import zipped_extract

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class World:
    tender_id: int
    title: str
    seller_email: str
    #: the vendor's name as the live database has it (a vendor is one per organisation number, and the live
    #: server's database is shared by the session's browser tests: another test may have named it first)
    vendor_name: str


def demanding_world(app: Any) -> World:
    """``pq_setup`` with one vendor, its setup demanding a sample and announced as the setup operations freeze
    it, plus a requirement asking for the sample; committed in the live server's database."""
    from tender.auth import operations as accounts
    from tender.extensions import db as database
    from tender.prequalification import request_operations as pq_ops
    from tender.prequalification.models import QualificationCategory, QualificationRequirement
    from tender.prequalification.setup_operations import canonical_form
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops

    tag = uuid.uuid4().hex[:8]

    def create_user(name: str = "Test", **_: Any) -> Any:
        user = accounts.create_user(
            f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.no", name, password=PASSWORD
        )
        database.session.commit()
        return user

    def create_tender(**kw: Any) -> Any:
        tender = tender_ops.create_tender(
            title=f"Prøveuttrekk med forespørselen {tag}",
            case_reference="2026/0417",
            procedure=Procedure.COMPETITIVE_NEGOTIATION,
            lead=create_user("Lena Leder"),
            **kw,
        )
        m = tender_ops.get_or_create_municipality(name="Skien", kommunenummer="4003", population=56_360)
        tender_ops.add_municipality(tender, m, actor=tender.memberships[0].user)
        database.session.commit()
        return tender

    def add_member(tender: Any, role: Any, user: Any = None, **kw: Any) -> Any:
        user = user or create_user(f"{role.value.title()} Person")
        if role is Role.VENDOR:
            vendor_ops.add_vendor_user_by_operator(tender, kw["vendor"], user)
        else:
            tender_ops.add_membership(tender, user, role, **kw)
        database.session.commit()
        return user

    app.config["CLOCK"] = Clock(PQ_BEFORE)
    with app.app_context():
        s = pq_setup(database, create_tender, add_member, create_user, vendors=1)
        database.session.add(
            QualificationRequirement(
                tender_id=s.tender.id,
                position=5,
                category=QualificationCategory.TECHNICAL,
                text="Systemet skal kunne produsere et gyldig Noark 5 arkivuttrekk.",
                documentation="Et Noark 5 uttrekk fra systemet (prøveuttrekk).",
            )
        )
        setup = pq_ops.setup_of(s.tender)
        setup.sample_demanded = True
        database.session.flush()
        setup.frozen_json = json_of(canonical_form(s.tender, setup))
        setup.frozen_sha256 = hashlib.sha256(setup.frozen_json.encode()).hexdigest()
        database.session.commit()
        return World(s.tender.id, s.tender.title, s.vendor_users[0].email, s.vendors[0].name)


def json_of(form: dict[str, Any]) -> str:
    import json

    return json.dumps(form, sort_keys=True, ensure_ascii=False)


def test_a_vendor_uploads_the_demanded_sample_from_its_request_and_submits_the_request_with_it(
    live_server, page, tmp_path
) -> None:
    from tender.noark.tasks import start_consumer

    sample = zipped_extract(tmp_path).rename(tmp_path / "vart-uttrekk.zip")
    w = demanding_world(live_server.app)
    consumer = None
    try:
        url = live_server.url
        page.goto(url + "/logg-inn")
        page.get_by_label("E-postadresse").fill(w.seller_email)
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("heading", name="Mine konkurranser").wait_for()
        page.get_by_role("link", name=w.title).click()
        page.get_by_role("link", name="Forespørsel om å delta", exact=True).click()
        page.get_by_role("heading", name=f"Forespørsel om å delta fra {w.vendor_name}").wait_for()
        page.get_by_role("heading", name="Noark 5-prøveuttrekk").wait_for()
        assert page.get_by_text("Ingen prøve er lastet opp ennå").is_visible()

        page.get_by_label("Kontaktperson", exact=True).fill("Anne Arkivus")
        page.get_by_label("E-postadresse", exact=True).fill("anbud@arkivus.no")
        page.get_by_role("button", name="Lagre firmaopplysningene").click()
        page.get_by_text("Firmaopplysningene er lagret.").wait_for()

        # without the sample, the submission lists it as missing, as it lists a missing document
        page.get_by_role("button", name="Lever forespørselen").click()
        missing = page.locator("#mangler")
        missing.wait_for()
        assert "Noark 5-prøveuttrekk mangler" in missing.inner_text()

        page.get_by_role("link", name="Last opp og kontroller prøveuttrekk").click()
        heading = f"Noark 5-prøveuttrekk med forespørselen fra {w.vendor_name}"
        page.get_by_role("heading", name=heading).wait_for()
        page.get_by_label("Prøveuttrekk (.zip").set_input_files(str(sample))
        page.get_by_role("button", name="Last opp og kontroller").click()
        page.get_by_text("står i kø for kontroll").wait_for()
        consumer = start_consumer(live_server.app, workers=1)
        row = page.get_by_role("row").filter(has_text="vart-uttrekk.zip")
        row.get_by_text("Gyldig", exact=True).wait_for(timeout=60_000)
        assert row.get_by_text("Følger med når du leverer").is_visible()

        page.get_by_role("link", name="Til forespørselen").click()
        assert page.get_by_text("Følger med forespørselen når du leverer").is_visible()
        page.get_by_role("button", name="Lever forespørselen").click()
        missing.wait_for()
        assert "Noark 5-prøveuttrekk mangler" not in missing.inner_text()
        page.get_by_role("button", name="Lever likevel").click()
        page.get_by_role("heading", name="Kvittering for forespørsel om å delta").wait_for()
        sha = hashlib.sha256(sample.read_bytes()).hexdigest()
        assert page.locator("#receipt-sample-hash").inner_text() == sha
        receipt_hash = page.locator("#receipt-hash").inner_text()

        from tender.extensions import db
        from tender.prequalification import request_operations as pq_ops
        from tender.tenders.models import Tender

        with live_server.app.app_context():
            tender = db.session.get(Tender, w.tender_id)
            req = pq_ops.request_of(tender, tender.participating_vendors[0].id)
            assert req.is_submitted and req.receipt_sha256 == receipt_hash
            assert pq_ops.request_content(req)["noark_sample"] == {
                "filename": "vart-uttrekk.zip",
                "sha256": sha,
            }
            assert pq_ops.content_sha256(req) == receipt_hash
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        restore_clock(live_server.app)
