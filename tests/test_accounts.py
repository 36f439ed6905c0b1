"""Logging in and out, invitation links, throttling, CSRF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tender.audit import AuditEvent
from tender.auth.models import Invitation
from tender.db_types import utcnow
from tests.conftest import PASSWORD


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_user_logs_in_with_the_right_password_and_sees_the_dashboard(client, forms, create_user) -> None:
    user = create_user("kari@skien.kommune.no", "Kari")
    response = forms.post("/logg-inn", {"email": "Kari@Skien.kommune.no ", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Mine konkurranser" in page and user.name in page


def test_the_session_cookie_is_httponly_and_samesite(client, forms, create_user) -> None:
    create_user("a@b.no")
    response = forms.post("/logg-inn", {"email": "a@b.no", "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_wrong_password_is_refused_with_a_message_that_does_not_say_which_part_was_wrong(
    forms, create_user
) -> None:
    create_user("a@b.no")
    response = forms.post("/logg-inn", {"email": "a@b.no", "password": "feil-passord"})
    assert response.status_code == 422
    assert "Feil e-postadresse eller passord." in response.get_data(as_text=True)


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(forms) -> None:
    response = forms.post("/logg-inn", {"email": "finnes.ikke@b.no", "password": "hva-som-helst"})
    assert response.status_code == 422
    assert "Feil e-postadresse eller passord." in response.get_data(as_text=True)


def test_repeated_failed_logins_are_slowed_down_even_with_the_right_password(
    client, forms, create_user
) -> None:
    create_user("a@b.no")
    for _ in range(3):
        forms.post("/logg-inn", {"email": "a@b.no", "password": "feil-passord"})
    response = forms.post("/logg-inn", {"email": "a@b.no", "password": "feil-passord"})
    assert response.status_code == 422
    response = forms.post("/logg-inn", {"email": "a@b.no", "password": PASSWORD})
    assert response.status_code == 422
    assert "For mange mislykkede innlogginger" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in


def test_the_wait_after_failed_logins_doubles_and_then_lets_the_user_in(app, db, create_user) -> None:
    from tender.auth import operations
    from tender.auth.models import LoginThrottle

    create_user("a@b.no")
    with app.test_request_context():
        for _ in range(5):
            try:
                operations.authenticate("a@b.no", "feil")
            except Exception:
                pass
            row = db.session.scalar(select(LoginThrottle))
            row.last_failure_at = utcnow() - timedelta(hours=1)  # as if the user waited
        row = db.session.scalar(select(LoginThrottle))
        row.last_failure_at = utcnow()
        assert operations.login_wait_seconds("a@b.no") == 4  # 5 failures, 3 free: 2**2 seconds
        row.last_failure_at = utcnow() - timedelta(seconds=5)
        assert operations.authenticate("a@b.no", PASSWORD).email == "a@b.no"
        assert db.session.scalar(select(LoginThrottle)) is None


def test_logging_out_ends_the_session(client, forms, login_as, create_user) -> None:
    login_as(create_user())
    assert client.get("/").status_code == 200
    forms.post("/logg-ut", {})
    assert client.get("/").status_code == 302


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, db, create_user) -> None:
    create_user("a@b.no")
    before = _count(db, AuditEvent)
    response = client.post("/logg-inn", data={"email": "a@b.no", "password": PASSWORD})
    assert response.status_code == 400
    assert "sikkerhetstoken" in response.get_data(as_text=True)
    assert _count(db, AuditEvent) == before
    assert client.get("/").status_code == 302


def test_an_over_long_email_is_refused_next_to_the_field(forms) -> None:
    response = forms.post("/logg-inn", {"email": "a" * 300 + "@b.no", "password": "x"})
    assert response.status_code == 422
    assert "E-postadressen er for lang." in response.get_data(as_text=True)


def test_after_login_only_local_next_targets_are_followed(forms, create_user) -> None:
    create_user("a@b.no")
    data = {"email": "a@b.no", "password": PASSWORD, "csrf_token": forms.token("/logg-inn")}
    response = forms.client.post("/logg-inn?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


# -- invitations -------------------------------------------------------------------------------------------
def _invite(app, db, email="ny@b.no"):
    from tender.auth import operations

    with app.test_request_context():
        user = operations.create_user(email, "Ny Bruker")
        issued = operations.issue_invitation(user, tender_id=None, invited_by=None)
        db.session.commit()
    return user, issued


def test_an_invitation_link_sets_the_password_once(app, db, client, forms) -> None:
    user, issued = _invite(app, db)
    url = f"/invitasjon/{issued.token}"
    response = forms.post(url, {"password": "et-godt-passord", "confirm": "et-godt-passord"}, page=url)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    again = forms.client.get(url)
    assert again.status_code == 410 and "allerede brukt" in again.get_data(as_text=True)


def test_an_expired_invitation_link_is_refused(app, db, client) -> None:
    _, issued = _invite(app, db)
    issued.invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/invitasjon/{issued.token}")
    assert response.status_code == 410 and "utløpt" in response.get_data(as_text=True)


def test_an_unknown_invitation_link_is_refused(client) -> None:
    response = client.get("/invitasjon/ikke-en-ekte-lenke")
    assert response.status_code == 410 and "ugyldig" in response.get_data(as_text=True)


def test_a_too_short_password_on_the_invitation_page_is_refused_and_changes_nothing(app, db, forms) -> None:
    user, issued = _invite(app, db)
    url = f"/invitasjon/{issued.token}"
    response = forms.post(url, {"password": "kort", "confirm": "kort"}, page=url)
    assert response.status_code == 422
    assert "mellom 10 og 200 tegn" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash is None
    assert db.session.get(Invitation, issued.invitation.id).used_at is None


def test_only_the_hash_of_an_invitation_token_is_stored(app, db) -> None:
    _, issued = _invite(app, db)
    stored = db.session.get(Invitation, issued.invitation.id)
    assert issued.token not in stored.token_hash and len(stored.token_hash) == 64


def test_form_fields_carry_no_empty_aria_attributes_and_point_errors_at_their_messages(forms) -> None:
    clean = forms.client.get("/logg-inn").get_data(as_text=True)
    assert '"None"' not in clean and "aria-invalid" not in clean
    failed = forms.post("/logg-inn", {"email": "", "password": ""}).get_data(as_text=True)
    assert (
        'aria-invalid="true"' in failed
        and 'aria-describedby="email-err"' in failed
        and 'id="email-err"' in failed
    )
