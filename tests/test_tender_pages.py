"""Creating a tender, invitations by SMTP, and the 500 page."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import func, select

from tender.tenders.models import Role, Tender


def test_an_administrator_creates_a_tender_and_becomes_its_lead(
    client, db, forms, login_as, create_user
) -> None:
    admin = login_as(create_user(is_admin=True))
    response = forms.post(
        "/konkurranser/ny",
        {
            "title": "Nytt arkivsystem",
            "case_reference": "2026/77",
            "procedure": "restricted",
            "bid_deadline": "2027-01-15T12:00",
        },
        follow=True,
    )
    assert "Konkurransen er opprettet" in response.get_data(as_text=True)
    tender = db.session.scalar(select(Tender).where(Tender.title == "Nytt arkivsystem"))
    assert tender.roles_of(admin) == {Role.LEAD}
    assert tender.bid_deadline.isoformat() == "2027-01-15T11:00:00+00:00"  # 12:00 Oslo winter time


def test_a_tender_with_an_over_long_title_is_refused_and_not_created(
    db, forms, login_as, create_user
) -> None:
    login_as(create_user(is_admin=True))
    response = forms.post(
        "/konkurranser/ny", {"title": "T" * 201, "case_reference": "2026/77", "procedure": "open"}
    )
    assert response.status_code == 422
    assert "høyst 200 tegn" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Tender)) == 0


def test_an_unknown_procedure_is_refused(db, forms, login_as, create_user) -> None:
    login_as(create_user(is_admin=True))
    response = forms.post("/konkurranser/ny", {"title": "T", "case_reference": "1", "procedure": "anbud"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Tender)) == 0


def test_with_a_mail_server_configured_the_invitation_link_is_sent_by_email(
    app, client, db, forms, login_as, create_tender, smtp_server
) -> None:
    port, received = smtp_server
    tender = create_tender()
    login_as(tender.memberships[0].user)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        response = forms.post(
            f"/konkurranser/{tender.id}/medlemmer/inviter",
            {
                "email": "epost@skien.kommune.no",
                "name": "E Post",
                "role": "observer",
                "municipality": "",
                "vendor": "",
            },
        )
    finally:
        app.config.update(MAIL_SERVER="")
    html = response.get_data(as_text=True)
    assert "Invitasjon sendt på e-post" in html
    assert len(received) == 1 and received[0]["To"] == "epost@skien.kommune.no"
    link = html.split('value="http://localhost/invitasjon/')[1].split('"')[0]
    assert link in received[0].get_payload(decode=True).decode("utf-8")


def test_an_unexpected_error_shows_the_norwegian_500_page_and_saves_nothing(
    tmp_path, database_factory
) -> None:
    from tender.extensions import db
    from tests.conftest import dispose, make_app, migrate

    app = make_app(database_factory("tender_500"), tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    migrate(app)

    @app.route("/boom")
    def boom():
        from tender.tenders.models import Municipality

        db.session.add(Municipality(name="Halvferdig", kommunenummer="9999", population=1))
        db.session.flush()
        raise RuntimeError("simulated failure")

    try:
        response = app.test_client().get("/boom")
        assert response.status_code == 500
        assert "Noe gikk galt" in response.get_data(as_text=True)
        with app.app_context():
            from tender.tenders.models import Municipality

            assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0
    finally:
        dispose(app)


def _deadline_form(tender, **changes) -> dict:
    data = {
        "title": tender.title,
        "case_reference": tender.case_reference,
        "participation_deadline": "",
        "questions_deadline": "",
        "bid_deadline": "",
    }
    data.update(changes)
    return data


def test_the_lead_sets_the_bid_deadline_in_norwegian_time_and_the_change_is_audited(
    client, db, forms, login_as, create_tender
) -> None:
    from tender.audit import AuditEvent

    tender = create_tender()
    login_as(tender.memberships[0].user)
    response = forms.post(
        f"/konkurranser/{tender.id}/rediger", _deadline_form(tender, bid_deadline="2099-06-15T12:00")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert tender.bid_deadline.isoformat() == "2099-06-15T10:00:00+00:00"  # 12:00 Oslo summer time
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "tender.changed"))
    assert event.payload["bid_deadline"]["after"] == "2099-06-15T10:00:00+00:00"


def test_a_passed_bid_deadline_cannot_be_moved(app, client, db, forms, login_as, create_tender) -> None:
    from datetime import datetime

    tender = create_tender(bid_deadline=datetime(2026, 1, 10, 11, 0, tzinfo=UTC))
    login_as(tender.memberships[0].user)
    app.config["CLOCK"] = lambda: datetime(2026, 1, 10, 11, 0, 1, tzinfo=UTC)
    try:
        response = forms.post(
            f"/konkurranser/{tender.id}/rediger", _deadline_form(tender, bid_deadline="2026-02-01T12:00")
        )
    finally:
        app.config.pop("CLOCK")
    assert response.status_code == 422 and "Tilbudsfristen er passert" in response.get_data(as_text=True)
    db.session.expire_all()
    assert tender.bid_deadline == datetime(2026, 1, 10, 11, 0, tzinfo=UTC)


def test_a_bid_deadline_in_the_past_is_refused(client, db, forms, login_as, create_tender) -> None:
    tender = create_tender()
    login_as(tender.memberships[0].user)
    response = forms.post(
        f"/konkurranser/{tender.id}/rediger", _deadline_form(tender, bid_deadline="2001-01-01T12:00")
    )
    assert response.status_code == 422 and "fram i tid" in response.get_data(as_text=True)
    db.session.expire_all()
    assert tender.bid_deadline is None
